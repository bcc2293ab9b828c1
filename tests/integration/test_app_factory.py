"""create_app builds complete, independent apps; importing the package does nothing."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_two_apps_in_one_process_both_serve_their_views(app, app_env, tmp_path):
    from flask_migrate import upgrade

    from app import create_app

    # Its own SQLite file: the first app's test transaction holds SQLite's write lock.
    env = {**app_env, "DATABASE_URL": f"sqlite:///{tmp_path / 'second.db'}", "INSTANCE_PATH": str(tmp_path)}
    second = create_app({"TESTING": True}, env=env)
    with second.app_context():
        upgrade()
    for application in (app, second):
        client = application.test_client()
        assert client.get("/login/").status_code == 200
        assert client.get("/customers/list/").status_code in (302, 401)  # protected, but registered
        assert "CustomerView.list" in application.view_functions
    assert second.appbuilder is not app.appbuilder


def test_importing_the_app_package_loads_no_framework_or_models():
    code = (
        "import sys, app, app.domain.errors; "
        "loaded = [m for m in ('flask_appbuilder', 'models', 'views', 'tasks') if m in sys.modules]; "
        "print(','.join(loaded))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_run_module_exposes_a_wsgi_app(app_env):
    code = "import run; print(type(run.app).__name__, len(run.app.url_map._rules) > 20)"
    env = {"PATH": "/usr/bin:/bin", **app_env}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "Flask True", result.stderr[-2000:]
