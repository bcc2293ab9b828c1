"""Alembic environment: FAB's ``Model.metadata`` is the target (ours and FAB's tables).

Targeting Flask-SQLAlchemy's own metadata instead would make autogenerate drop
every table (stack notes). Batch mode lets SQLite alter tables.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

import models
from models.base import UTCDateTime

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_metadata = models.Model.metadata


def render_item(type_, obj, autogen_context):
    """Render our UTC type as the portable column type it stores, not as an import path."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _options(dialect_name: str) -> dict:
    return {
        "target_metadata": target_metadata,
        "render_item": render_item,
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
        "compare_server_default": False,
    }


def run_migrations_offline() -> None:
    engine = current_app.extensions["migrate"].db.engine
    url = engine.url.render_as_string(hide_password=False)
    context.configure(url=url, literal_binds=True, **_options(engine.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    engine = current_app.extensions["migrate"].db.engine
    with engine.connect() as connection:
        context.configure(
            connection=connection, process_revision_directives=skip_empty, **_options(engine.dialect.name)
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
