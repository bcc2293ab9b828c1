"""The app every benchmark builds its scratch database with: migrated, roles synced, the demo catalog."""

from __future__ import annotations

from pathlib import Path

TIMEZONE = "Asia/Shanghai"


def demo_app(url: str, instance: Path, *, activity: bool = False):
    """A new app on ``url`` after migrations, ``roles sync`` and ``seed_demo`` (without the 90 days of
    activity unless asked); cheap password hashing, the business time zone of the demo."""
    from flask_migrate import upgrade

    from app import create_app
    from app.demo import seed_demo
    from app.security.roles import sync_roles

    env = {"APP_ENV": "development", "INSTANCE_PATH": str(instance), "DATABASE_URL": url, "BUSINESS_TIMEZONE": TIMEZONE}
    app = create_app({"TESTING": True, "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, env=env)
    with app.app_context():
        upgrade()
        sync_roles(app.appbuilder)
        seed_demo(activity=activity)
    return app
