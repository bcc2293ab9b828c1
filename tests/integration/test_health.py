"""/health tells a load balancer and a newcomer whether the database and job worker are alive."""

from datetime import UTC, datetime


def test_health_reports_database_ok_and_the_last_worker_heartbeat(client):
    from tasks.heartbeat import beat

    beat()
    body = client.get("/health").get_json()
    assert body["database"] == "ok"
    seen = datetime.fromisoformat(body["job_worker_last_seen"])
    assert (datetime.now(UTC) - seen).total_seconds() < 60


def test_heartbeat_is_a_periodic_task_run_every_minute():
    from tasks import huey

    for minute in (30, 31):
        due = [task.name for task in huey.read_periodic(datetime(2026, 11, 22, 9, minute))]
        assert "beat" in due


def test_health_answers_503_when_the_job_queue_is_unreachable(client, monkeypatch):
    import views.health

    def unreachable():
        raise ConnectionError("redis down")

    monkeypatch.setattr(views.health, "last_heartbeat", unreachable)
    resp = client.get("/health")
    assert resp.status_code == 503
    assert resp.get_json()["job_queue"] == "unreachable"
