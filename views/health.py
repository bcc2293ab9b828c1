"""``/health``: are the database and job queue reachable; when was the job worker last seen?

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
    try:
        beat = last_heartbeat()
        queue = "ok"
    except Exception:  # Redis down or the queue file unreadable
        beat, queue = None, "unreachable"
    body = {"database": database, "job_queue": queue, "job_worker_last_seen": beat.isoformat() if beat else None}
    return jsonify(body), 200 if database == queue == "ok" else 503
