"""app/domain is plain Python: no import of Flask (or FAB, Jinja, views, tasks) in it, directly or through
another ``app.*`` module, at the top of a module or inside a function.

Read from the source (every ``import`` statement, function-local ones included), so an import that only
runs on some path is found too. ``models`` may be imported (they map onto FAB's metadata by design).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_appbuilder", "flask_babel", "flask_sqlalchemy", "flask_wtf", "flask_login",
             "flask_migrate", "werkzeug", "jinja2", "views", "tasks", "huey")  # fmt: skip


def imported_modules(path: Path, package: str) -> set[str]:
    """Every module an ``import`` statement anywhere in the file names (relative imports resolved)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # ``from app import notifications``
    return names


def module_file(root: Path, name: str) -> Path | None:
    relative = Path(*name.split("."))
    for candidate in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def flask_paths(root: Path, start: str) -> list[list[str]]:
    """Import chains from ``start`` (a package) to a forbidden module, following ``app.*`` modules."""
    found: list[list[str]] = []
    queue = [[f"{start}.{path.stem}"] for path in sorted((root / Path(*start.split("."))).glob("*.py"))]
    seen: set[str] = set()
    while queue:
        chain = queue.pop()
        name = chain[-1]
        if name in seen:
            continue
        seen.add(name)
        path = module_file(root, name)
        if path is None:
            continue
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for imported in sorted(imported_modules(path, package)):
            top = imported.split(".")[0]
            if top in FORBIDDEN and [*chain, top] not in found:
                found.append([*chain, top])
            elif imported.split(".")[0] == "app" and module_file(root, imported) is not None:
                queue.append([*chain, imported])
    return found


def test_the_domain_reaches_no_flask_module():
    chains = flask_paths(ROOT, "app.domain")
    assert chains == [], "\n".join(" → ".join(chain) for chain in chains)


def test_the_check_finds_flask_reached_through_another_app_module_inside_a_function(tmp_path):
    (tmp_path / "app" / "domain").mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "domain" / "__init__.py").write_text("")
    (tmp_path / "app" / "domain" / "rules.py").write_text("def f():\n    from app.helpers import g\n")
    (tmp_path / "app" / "helpers.py").write_text("from flask import current_app\n")
    assert flask_paths(tmp_path, "app.domain") == [["app.domain.rules", "app.helpers", "flask"]]
