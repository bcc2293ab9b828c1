"""The Huey instance: Redis when ``REDIS_URL`` is set, else a SQLite file of its own.

Huey's consumer imports tasks by module path (``huey_consumer tasks.huey``), so
the instance is module-level and built from the environment, like the app's
config. Tests set ``huey.immediate = True``.
"""

from __future__ import annotations

import os

from huey import RedisHuey, SqliteHuey

import config

NAME = "servicedesk"


def build_huey(env=os.environ):
    redis_url = env.get("REDIS_URL")
    if redis_url:
        return RedisHuey(NAME, url=redis_url, utc=True)
    path = config.instance_path(env) / "jobs.db"
    return SqliteHuey(NAME, filename=str(path), utc=True)


huey = build_huey()
