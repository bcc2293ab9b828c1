"""Bad configuration: one clear line naming the variable, a non-zero exit, no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def flask_cli(tmp_path, *args, **env):
    base = {"PATH": "/usr/bin:/bin", "INSTANCE_PATH": str(tmp_path), "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "run", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere"}, "DATABASE_URL"),
        ({"DATABASE_URL": "definitely not a url"}, "DATABASE_URL"),
        ({"APP_ENV": "production"}, "SECRET_KEY"),
        ({"BUSINESS_TIMEZONE": "Nowhere/Land"}, "BUSINESS_TIMEZONE"),
    ],
)
def test_setup_with_bad_configuration_prints_one_line_and_exits_non_zero(tmp_path, env, variable):
    result = flask_cli(tmp_path, "setup", **env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    error_lines = [line for line in result.stderr.splitlines() if "Configuration error" in line]
    assert len(error_lines) == 1, result.stderr
    assert variable in error_lines[0]


def test_unwritable_sqlite_folder_names_database_url(tmp_path):
    result = flask_cli(tmp_path, "setup", DATABASE_URL="sqlite:////proc/no/such/dir/x.db")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "DATABASE_URL" in result.stderr
