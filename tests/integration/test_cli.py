"""The set-up commands as a newcomer runs them: in a fresh process, on a fresh database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.demo import DEMO_PASSWORD, LOGIN_ACCOUNTS
from app.security.roles import ADMIN, ROLE_GRANTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "INSTANCE_PATH": str(tmp)}


def flask(env, *args):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return result


def test_setup_migrates_syncs_roles_seeds_and_lists_demo_accounts(fresh_env):
    result = flask(fresh_env, "setup")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Demo data loaded" in result.stdout
    assert DEMO_PASSWORD in result.stdout
    for account in LOGIN_ACCOUNTS:
        assert account.username in result.stdout


def test_second_setup_keeps_the_data_and_does_not_seed_again(fresh_env):
    result = flask(fresh_env, "setup")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Demo data loaded" not in result.stdout
    assert DEMO_PASSWORD not in result.stdout


def test_production_setup_never_loads_demo_accounts(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "INSTANCE_PATH": str(tmp_path),
        "APP_ENV": "production",
        "SECRET_KEY": "k" * 48,
    }
    result = flask(env, "setup")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Demo data loaded" not in result.stdout
    assert "fab create-admin" in result.stdout


def test_seed_demo_refuses_a_database_that_has_data(fresh_env):
    result = flask(fresh_env, "seed-demo")
    assert result.returncode == 0
    assert "already has data" in result.stdout


def test_roles_sync_is_repeatable_and_reports_each_role(fresh_env):
    first = flask(fresh_env, "roles", "sync")
    second = flask(fresh_env, "roles", "sync")
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-3000:]
    assert first.stdout == second.stdout
    for name in [ADMIN, *ROLE_GRANTS]:
        assert f"{name}:" in first.stdout
