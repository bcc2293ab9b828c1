"""The service desk application. ``create_app`` is the one composition root.

Importing this package does nothing else: views, tasks, security and extensions
are imported inside ``create_app`` so that ``import app.domain.x`` stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def create_app(overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None):
    """Build a complete app: config, database, FAB with our security, views, i18n, CLI.

    Raises ``config.ConfigError`` (naming the variable) on bad configuration.
    """
    from flask import Flask
    from flask_appbuilder import AppBuilder
    from werkzeug.middleware.proxy_fix import ProxyFix

    import config
    import models  # noqa: F401  (maps every model on FAB's metadata, naming convention first)
    import views
    from app import cli, errors, formatting, history, mail
    from app.database import configure_engine, engine_options
    from app.extensions import csrf, db, migrate
    from app.i18n import install_locale_selector
    from app.security.api_csrf import protect_cookie_api_writes

    settings = config.load(env, overrides)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=False)
    app.config.update(settings)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(settings["SQLALCHEMY_DATABASE_URI"]))
    if settings["PROXY_FIX_X_FOR"]:
        hops = settings["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    csrf.init_app(app)  # before FAB (stack notes)
    migrate.init_app(app, db, directory=str(config.PROJECT_ROOT / "models" / "migrations"), render_as_batch=True)

    with app.app_context():
        configure_engine(db.engine)
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        install_locale_selector(app)
        views.register(app, appbuilder)
        protect_cookie_api_writes(app, csrf)

    history.install(db.session)
    mail.install_delivery_hook()
    history.init_app(app)
    errors.register_error_handlers(app)
    formatting.register_filters(app)
    cli.register(app)
    return app
