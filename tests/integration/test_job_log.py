"""The job log: every periodic run is recorded (a failed one with its error), admins see it, old runs go."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, event, select

from models.enums import JobOutcome
from models.jobs import JobRun
from tasks.job_log import JobResult, logged_job, summarise

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def session(ctx):
    from app.extensions import db

    return db.session


def runs(session, job: str) -> list[JobRun]:
    session.expire_all()
    return list(session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))


@pytest.fixture
def clock(monkeypatch):
    """The job log's clock, advanced by hand: ``clock.now = ...``."""
    import tasks.job_log

    class Clock:
        now = T0

    monkeypatch.setattr(tasks.job_log, "utcnow", lambda: Clock.now)
    return Clock


def test_a_run_is_running_while_it_works_then_ok_with_items_and_duration(session, clock):
    seen_while_running = []

    @logged_job("test_ok")
    def job():
        seen_while_running.extend((run.outcome, run.finished_at) for run in runs(session, "test_ok"))
        clock.now = T0 + timedelta(milliseconds=1250)
        return 7

    assert job() == 7
    assert seen_while_running == [(JobOutcome.RUNNING, None)]
    [run] = runs(session, "test_ok")
    assert (run.outcome, run.items, run.duration_ms, run.error) == (JobOutcome.OK, 7, 1250, None)
    assert (run.started_at, run.finished_at) == (T0, T0 + timedelta(milliseconds=1250))


def test_a_failing_job_is_recorded_failed_with_its_error_and_still_raises(session, clock):
    @logged_job("test_fail")
    def job():
        clock.now = T0 + timedelta(seconds=2)
        raise ValueError("printer on fire")

    with pytest.raises(ValueError, match="printer on fire"):
        job()
    [run] = runs(session, "test_fail")
    assert run.outcome is JobOutcome.FAILED and run.duration_ms == 2000 and run.items == 0
    assert run.error.startswith("Traceback") and run.error.rstrip().endswith("ValueError: printer on fire")


def test_a_job_failing_in_the_database_is_recorded_and_its_own_writes_undone(session):
    from sqlalchemy import text

    @logged_job("test_sql_fail")
    def job():
        session.add(JobRun(job="written_by_the_job", started_at=T0))
        session.flush()
        session.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(Exception, match="no_such_table"):
        job()
    [run] = runs(session, "test_sql_fail")
    assert run.outcome is JobOutcome.FAILED and "no_such_table" in run.error
    assert runs(session, "written_by_the_job") == []


def test_a_huge_traceback_keeps_its_end(session):
    @logged_job("test_long")
    def job():
        raise RuntimeError("x" * 10_000 + " the end")

    with pytest.raises(RuntimeError):
        job()
    [run] = runs(session, "test_long")
    assert len(run.error) == 4000 and run.error.rstrip().endswith("the end")


def test_the_job_runs_when_its_log_cannot_be_written(session, monkeypatch, caplog, tmp_path):
    import tasks.job_log

    nowhere = create_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'log.db'}")
    monkeypatch.setattr(tasks.job_log, "_engine", lambda: nowhere)
    done = []

    @logged_job("test_no_log")
    def job():
        done.append(True)
        return 3

    @logged_job("test_no_log")
    def failing():
        raise KeyError("its own error")

    with caplog.at_level(logging.WARNING, logger="tasks.job_log"):
        assert job() == 3
        with pytest.raises(KeyError, match="its own error"):  # the job's error, not the log's
            failing()
    assert done == [True]
    assert "could not record the start of test_no_log" in caplog.text
    monkeypatch.undo()
    assert runs(session, "test_no_log") == []


def test_results_say_how_much_was_done(session):
    outputs = iter([JobResult(4, "4 fired, 1 late"), {"reminded": [1, 2], "closed": [3], "skipped": []}, "done"])

    @logged_job("test_results")
    def job():
        return next(outputs)

    for _ in range(3):
        job()
    assert [(run.items, run.detail) for run in runs(session, "test_results")] == [
        (4, "4 fired, 1 late"),
        (3, "reminded 2, closed 1, skipped 0"),
        (0, None),
    ]


@given(st.dictionaries(st.sampled_from(["reminded", "closed", "skipped", "fired"]), st.lists(st.integers())))
def test_a_dict_of_lists_counts_every_item(result):
    items, detail = summarise(result)
    assert items == sum(len(ids) for ids in result.values())
    for key, ids in result.items():
        assert f"{key} {len(ids)}" in detail


def test_auto_close_and_mail_sweep_runs_are_logged(session):
    from tasks.auto_close import auto_close
    from tasks.mail import sweep_mail

    result = auto_close.call_local()
    sent = sweep_mail.call_local()
    [close_run] = runs(session, "auto_close")
    assert close_run.outcome is JobOutcome.OK and close_run.finished_at is not None
    assert close_run.items == sum(len(ids) for ids in result.values())
    assert close_run.detail.startswith("reminded ")
    [mail_run] = runs(session, "mail_sweep")
    assert (mail_run.outcome, mail_run.items) == (JobOutcome.OK, sent)


def test_heartbeat_is_logged_and_beats_even_when_the_log_fails(session, monkeypatch, tmp_path):
    import tasks.job_log
    from tasks.heartbeat import beat, last_heartbeat

    beat.call_local()
    assert [run.outcome for run in runs(session, "heartbeat")] == [JobOutcome.OK]

    nowhere = create_engine(f"sqlite:///{tmp_path / 'missing' / 'log.db'}")
    monkeypatch.setattr(tasks.job_log, "_engine", lambda: nowhere)
    when = beat.call_local()
    assert last_heartbeat() == datetime.fromisoformat(when)


def add_run(session, job: str, outcome: JobOutcome, started_at: datetime, **fields) -> JobRun:
    run = JobRun(job=job, outcome=outcome, started_at=started_at, **fields)
    session.add(run)
    session.commit()
    return run


@pytest.fixture
def history(app):
    """Auto-close: 2 runs today, one failed; mail: 1 ok today, 1 failure 2 days ago; a run that never ended.

    Written in an app context of its own: requests in a test must not share one (``g`` would keep the user).
    """
    with app.app_context():
        return _history()


def _history() -> dict[str, int]:
    from app.extensions import db
    from models.base import utcnow

    session = db.session
    now = utcnow()
    ok = {"finished_at": now, "duration_ms": 350}
    failed = add_run(
        session,
        "auto_close",
        JobOutcome.FAILED,
        now - timedelta(hours=2),
        error='Traceback (most recent call last):\n  File "x.py"\nRuntimeError: <desk> settings missing',
        **ok,
    )
    add_run(
        session, "auto_close", JobOutcome.OK, now - timedelta(hours=1), items=3, detail="reminded 2, closed 1", **ok
    )
    add_run(session, "mail_sweep", JobOutcome.FAILED, now - timedelta(days=2), error="SMTPError", **ok)
    add_run(session, "mail_sweep", JobOutcome.OK, now - timedelta(minutes=5), items=1234, duration_ms=1250)
    add_run(session, "escalation_sweep", JobOutcome.RUNNING, now - timedelta(hours=3))
    add_run(session, "custom_job", JobOutcome.OK, now - timedelta(minutes=1), **ok)
    return {"failed": failed.id}


def summary_row(page: str, job: str) -> str:
    match = re.search(rf'<tr class="(\w*)" data-job="{job}">(.*?)</tr>', page, re.S)
    assert match, job
    return match.group(0)


def test_admin_sees_the_runs_with_the_failed_one_standing_out(history, login_as):
    page = login_as("admin").get("/job-log/list/?_l_=en").text
    assert '<span class="label label-danger">Failed</span>' in page
    assert '<span class="text-danger sd-job-error">RuntimeError: &lt;desk&gt; settings missing</span>' in page
    assert '<span class="label label-success">Succeeded</span>' in page
    assert '<span class="label label-warning">No end recorded</span>' in page  # RUNNING for 3 hours
    assert "1,234" in page and "1.2 s" in page and "350 ms" in page
    assert "custom_job" in page  # an unknown job by its own name


def test_the_screen_in_chinese_names_jobs_and_outcomes(history, login_as):
    page = login_as("admin").get("/job-log/list/?_l_=zh").text
    assert "任务日志" in page
    for label in ("自动关闭", "邮件发送", "升级检查"):
        assert label in page
    assert '<span class="label label-danger">失败</span>' in page
    assert "发送失败" not in page  # the mail outbox's word, wrong for a job
    assert "1.2 秒" in page and "350 毫秒" in page
    assert "已提醒 2、已关闭 1" in page and "reminded 2" not in page  # the run's detail, translated


def test_the_summary_counts_runs_and_failures_of_the_last_24_hours_per_job(history, login_as):
    page = login_as("admin").get("/job-log/list/?_l_=en").text
    auto_close = summary_row(page, "auto_close")
    assert auto_close.startswith('<tr class="danger"')
    assert '<td class="sd-job-runs">2</td>' in auto_close and '<strong class="text-danger">1</strong>' in auto_close
    assert "label-success" in auto_close  # its last run succeeded
    mail = summary_row(page, "mail_sweep")
    assert mail.startswith('<tr class=""')  # the failure is two days old
    assert '<td class="sd-job-runs">1</td>' in mail and '<td class="sd-job-failures">0</td>' in mail
    assert "No end recorded" in summary_row(page, "escalation_sweep")


def test_the_summary_is_one_query(app, session, history):
    from models.base import utcnow
    from views.job_log import job_summary

    statements = []
    connection = session.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(connection, "before_cursor_execute", listener)
    try:
        summary = {line.job: line for line in job_summary(session, utcnow())}
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert (summary["auto_close"].runs, summary["auto_close"].failures) == (2, 1)
    assert summary["auto_close"].last_outcome is JobOutcome.OK
    assert summary["mail_sweep"].last_failure is not None and summary["mail_sweep"].failures == 0


def test_filters_by_job_and_outcome(history, login_as):
    client = login_as("admin")
    failed = client.get("/job-log/list/?_l_=en&_flt_0_outcome=FAILED").text
    assert "SMTPError" in failed and "reminded 2, closed 1" not in failed
    mail = client.get("/job-log/list/?_l_=en&_flt_0_job=mail_sweep").text
    assert "SMTPError" in mail and "settings missing" not in mail


def test_admin_reads_a_failed_runs_whole_traceback(history, login_as):
    page = login_as("admin").get(f"/job-log/show/{history['failed']}?_l_=en").text
    assert "Traceback (most recent call last):" in page and "File &#34;x.py&#34;" in page
    assert "RuntimeError: &lt;desk&gt; settings missing" in page


def test_the_log_is_read_only(history, login_as):
    client = login_as("admin")
    for url in ("/job-log/add", f"/job-log/edit/{history['failed']}", f"/job-log/delete/{history['failed']}"):
        assert client.get(url).status_code in (302, 403, 404, 405), url
    assert 'href="/job-log/add"' not in client.get("/job-log/list/").text


@pytest.mark.parametrize("username", ["dispatcher", "vendor1"])
def test_only_admins_see_the_job_log(history, login_as, username):
    client = login_as(username)
    for url in ("/job-log/list/", f"/job-log/show/{history['failed']}"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "settings missing" not in client.get(url, follow_redirects=True).text
    assert "/job-log/list/" not in client.get("/", follow_redirects=True).text
    assert "/job-log/list/" in login_as("admin").get("/", follow_redirects=True).text


def test_prune_deletes_only_runs_older_than_the_kept_days(app, session, monkeypatch):
    from models.base import utcnow
    from tasks.job_log import prune_job_log

    now = utcnow()
    add_run(session, "mail_sweep", JobOutcome.OK, now - timedelta(days=31))
    add_run(session, "mail_sweep", JobOutcome.FAILED, now - timedelta(days=40))
    add_run(session, "mail_sweep", JobOutcome.OK, now - timedelta(days=10))
    add_run(session, "mail_sweep", JobOutcome.OK, now - timedelta(minutes=1))

    assert prune_job_log.call_local() == 2  # 30 days unless configured
    assert len(runs(session, "mail_sweep")) == 2
    [prune] = runs(session, "prune_job_log")
    assert (prune.outcome, prune.items) == (JobOutcome.OK, 2)

    monkeypatch.setitem(app.config, "JOB_LOG_KEEP_DAYS", 5)
    assert prune_job_log.call_local() == 1
    assert [run.started_at for run in runs(session, "mail_sweep")] == [now - timedelta(minutes=1)]
    assert len(runs(session, "prune_job_log")) == 2  # today's runs stay


def test_prune_is_a_daily_periodic_task():
    from tasks import huey

    due = [
        datetime(2026, 11, 22, hour, minute)
        for hour in range(24)
        for minute in range(60)
        if "prune_job_log" in [task.name for task in huey.read_periodic(datetime(2026, 11, 22, hour, minute))]
    ]
    assert len(due) == 1
