"""``/health``: is the database reachable and has the job worker been seen lately?

For load balancers and for `make run` users wondering whether jobs run. Public,
and says nothing but status words and a time.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from app.extensions import db
from tasks.heartbeat import last_heartbeat

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any failure means "not ok" to a probe
        database = "unreachable"
    beat = last_heartbeat()
    body = {"database": database, "job_worker_last_seen": beat.isoformat() if beat else None}
    return jsonify(body), 200 if database == "ok" else 503
