"""The i18n pipeline: ``python -m app.translations all|compile``.

pybabel is called directly (FAB's babel-extract races two pybabel calls, stack
notes) and every return code is checked. ``all`` extracts from our code and
templates, updates the zh and en catalogs and compiles; ``compile`` only compiles,
which is what `make run` and `make test` need.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("zh", "en")
SOURCE_DIRS = ("app", "models", "views", "reports", "tasks")
KEYWORDS = ["_", "gettext", "ngettext:1,2", "lazy_gettext", "_l", "N_"]


def pybabel(*args: str) -> str:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"pybabel {args[0]} failed with exit code {result.returncode}")
    return result.stdout + result.stderr


def extract() -> None:
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    pybabel(
        "extract",
        "-F",
        str(TRANSLATIONS / "babel.cfg"),
        "--no-location",
        "--sort-output",
        "--omit-header",
        *keywords,
        "-o",
        str(POT),
        *SOURCE_DIRS,
    )


def update() -> None:
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            # Keep the header: without it Babel treats the catalog as fuzzy and compile skips it.
            pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(TRANSLATIONS),
                "-l",
                locale,
                "--no-wrap",
                "--ignore-pot-creation-date",
                "--no-fuzzy-matching",
            )
        else:
            pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale, "--no-wrap")


def compile_catalogs() -> None:
    output = pybabel("compile", "--statistics", "-d", str(TRANSLATIONS))
    print(output.strip())
    # pybabel exits 0 when it skips a fuzzy catalog, leaving a stale .mo behind.
    if "marked as fuzzy, skipping" in output:
        raise SystemExit("a catalog is marked fuzzy and was not compiled: fix its header or entries")


def main(argv: list[str]) -> None:
    action = argv[0] if argv else "all"
    if action == "all":
        extract()
        update()
    elif action != "compile":
        raise SystemExit("usage: python -m app.translations [all|compile]")
    compile_catalogs()


if __name__ == "__main__":
    main(sys.argv[1:])
