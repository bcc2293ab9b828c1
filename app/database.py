"""Engine settings per backend.

SQLite is the embedded default and needs help to behave under concurrent writers:
WAL (readers don't block the writer), a busy timeout (writers wait instead of
failing), and ``BEGIN IMMEDIATE`` (take the write lock up front, so a transaction
never fails half-way when it upgrades from read to write; see stack notes).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError

from config import ConfigError

SQLITE_BUSY_TIMEOUT_MS = 10_000


def engine_options(database_uri: str) -> dict[str, Any]:
    if database_uri.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}}
    return {"pool_pre_ping": True}


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN instead of pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def check_reachable(engine: Engine) -> None:
    """Fail with a ConfigError naming DATABASE_URL when the database can't be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ConfigError(
            "DATABASE_URL", f"cannot connect to {engine.url.render_as_string(hide_password=True)}: {reason}"
        ) from None
