"""Flask CLI commands: set-up, roles, demo data, the embedded server.

``flask setup`` is what `make run` and CI call: migrate, sync roles, load demo
data into an empty database. Configuration errors print one line and exit 2.
"""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from config import ConfigError


def fail(error: ConfigError) -> None:
    click.echo(click.style(f"Configuration error — {error.variable}: {error.problem}", fg="red"), err=True)
    sys.exit(2)


def _check_database() -> None:
    from app.database import check_reachable
    from app.extensions import db

    try:
        check_reachable(db.engine)
    except ConfigError as error:
        fail(error)


def upgrade_database() -> None:
    from flask_migrate import upgrade

    upgrade()


def database_is_empty() -> bool:
    from sqlalchemy import func, select

    from app.extensions import db
    from models.users import UserAccount

    return db.session.execute(select(func.count()).select_from(UserAccount)).scalar_one() == 0


roles_cli = AppGroup("roles", help="Built-in roles and their permissions (app/security/roles.py).")


@roles_cli.command("sync")
@with_appcontext
def roles_sync() -> None:
    """Create or update the built-in roles and their permissions (idempotent)."""
    from app.security.roles import sync_roles

    _check_database()
    for role, count in sync_roles(current_app.appbuilder).items():
        click.echo(f"{role}: {count} permissions")


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Load even when the database already has users.")
@with_appcontext
def seed_demo_command(force: bool) -> None:
    """Load bilingual demo data (only into an empty database unless --force)."""
    from app.demo import DEMO_PASSWORD, seed_demo
    from app.security.roles import sync_roles

    _check_database()
    sync_roles(current_app.appbuilder)
    if not force and not database_is_empty():
        click.echo("The database already has data; demo data not loaded (use --force).")
        return
    summary = seed_demo()
    click.echo(f"Demo data loaded: {summary}. Password for every demo account: {DEMO_PASSWORD}")


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Migrate, sync roles, and load demo data when the database is empty (not in production)."""
    from app.demo import DEMO_PASSWORD, seed_demo
    from app.security.roles import sync_roles

    _check_database()
    upgrade_database()
    sync_roles(current_app.appbuilder)
    if not database_is_empty():
        click.echo("Ready.")
    elif current_app.config["APP_ENV"] == "production":
        click.echo("Ready. No accounts yet: create an administrator with `flask --app run fab create-admin`.")
    else:
        summary = seed_demo()
        click.echo(f"Demo data loaded: {summary}.")
        click.echo(f"Demo accounts (password {DEMO_PASSWORD}): " + ", ".join(_demo_usernames()))


def _demo_usernames() -> list[str]:
    from app.demo import LOGIN_ACCOUNTS

    return [account.username for account in LOGIN_ACCOUNTS]


@click.command("serve")
@click.option("--no-worker", is_flag=True, help="Do not start the in-process job consumer.")
@with_appcontext
def serve_command(no_worker: bool) -> None:
    """Serve the app with an in-process job consumer (the embedded, one-process setup)."""
    from werkzeug.serving import run_simple

    from app.demo import DEMO_PASSWORD
    from app.worker import start_in_process_consumer
    from tasks import huey
    from tasks.app_context import bind_app

    _check_database()
    app = current_app._get_current_object()
    host, port = app.config["HOST"], app.config["PORT"]
    if not no_worker:
        bind_app(app)
        start_in_process_consumer(huey)
    click.echo(f"Service desk running at http://{host}:{port}/  (Ctrl+C stops it)")
    if app.config["APP_ENV"] != "production":
        click.echo("Demo accounts: " + ", ".join(_demo_usernames()) + f" — password {DEMO_PASSWORD}")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


def register(app: Flask) -> None:
    app.cli.add_command(roles_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(setup_command)
    app.cli.add_command(serve_command)
