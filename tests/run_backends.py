"""`make test`: run the suite on SQLite, then on PostgreSQL when it is reachable.

PostgreSQL is ``TEST_DATABASE_URL`` (default below); its database is created when
missing. Prints one line naming the backends that ran with their counts, then a
closing ``total: N passed, M failed`` line. Fails when anything failed or when no
test ran at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from tests.settings import DEFAULT_POSTGRES_URL

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    backend: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    exit_code: int = 0

    def describe(self) -> str:
        text = f"{self.backend} {self.passed} passed, {self.failed} failed"
        return text + (f", {self.skipped} skipped" if self.skipped else "")


def postgres_available(url: str) -> tuple[bool, str]:
    """Reachable? Create the test database when the server is up but it is missing."""
    import psycopg
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = target.set(database="postgres", drivername="postgresql")
    try:
        with psycopg.connect(admin.render_as_string(hide_password=False), connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{target.database}"')
    except psycopg.Error as exc:
        return False, str(exc).strip().splitlines()[0]
    return True, ""


def run_suite(backend: str, env: dict[str, str], pytest_args: list[str]) -> Outcome:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        command = [sys.executable, "-m", "pytest", f"--junitxml={report}", "-p", "no:cacheprovider", *pytest_args]
        print(f"\n=== {backend}: {' '.join(command[2:])}", flush=True)
        code = subprocess.run(command, cwd=ROOT, env=env).returncode
        outcome = Outcome(backend, exit_code=code)
        if report.exists():
            suite = ET.parse(report).getroot()
            suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
            tests = int(suite.get("tests", 0))
            outcome.failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            outcome.skipped = int(suite.get("skipped", 0))
            outcome.passed = tests - outcome.failed - outcome.skipped
        elif code != 0:
            outcome.failed = 1
        return outcome


def main(pytest_args: list[str]) -> int:
    base_env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "DATABASE_URL", "REDIS_URL")}
    outcomes = [run_suite("sqlite", base_env, pytest_args)]

    pg_url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES_URL
    available, reason = postgres_available(pg_url)
    if available:
        outcomes.append(run_suite("postgresql", {**base_env, "TEST_DATABASE_URL": pg_url}, pytest_args))
    else:
        print(f"\nPostgreSQL not reachable at {pg_url} ({reason}); ran SQLite only.")

    passed = sum(o.passed for o in outcomes)
    failed = sum(o.failed for o in outcomes)
    print("\nbackends: " + "; ".join(o.describe() for o in outcomes))
    print(f"total: {passed} passed, {failed} failed")
    if passed == 0:
        print("No test ran: that is a failure.")
        return 1
    return 1 if failed or any(o.exit_code not in (0,) for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
