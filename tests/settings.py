"""Where the test suite's database lives (``TEST_DATABASE_URL`` or a SQLite file), and emptying it."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/servicedesk_test"


def test_database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


def test_env(tmp_dir: Path, database_url: str) -> dict[str, str]:
    """A clean environment for create_app: nothing leaks in from the developer's shell."""
    return {
        "APP_ENV": "development",
        "INSTANCE_PATH": str(tmp_dir / "instance"),
        "DATABASE_URL": database_url,
        "BUSINESS_TIMEZONE": "Asia/Shanghai",
        "SCORECARD_CACHE_SECONDS": "0",  # tests change rows and read them back at once
    }


def reset_database(url: str) -> None:
    """Start from an empty database: drop every table (PostgreSQL) or the file (SQLite)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    engine = create_engine(parsed.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
