"""The job log screen (Admin only): every run of every periodic job, a failed one standing out.

Read-only. Above the list, one row per job — last run and outcome, last failure, runs and
failures in the last 24 hours — from a single GROUP BY query, so a failing job shows at a glance.
A run still RUNNING an hour after it started shows as "No end recorded": its worker most likely
died mid-run (nothing else would leave it open that long).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import format_decimal, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from app.domain.system_health import failed_job_runs
from app.extensions import db
from app.security.roles import JOB_LOG
from models.base import utcnow
from models.enums import JobOutcome
from models.jobs import JobRun
from views.base import AppModelView, NamedList

NO_END_AFTER = timedelta(hours=1)
NO_END = "no_end"  # shown in place of RUNNING once a run is older than NO_END_AFTER
ERROR_LINE_CHARS = 120

JOB_LABELS = {
    "escalation_sweep": _l("Escalation check"),
    "auto_close": _l("Auto-close"),
    "mail_sweep": _l("Mail sending"),
    "heartbeat": _l("Heartbeat"),
    "prune_job_log": _l("Job log cleanup"),
}
# The words jobs put in a run's detail ("checked 335, fired 98, late 98"), shown translated.
DETAIL_WORDS = {
    "checked": _l("checked"),
    "fired": _l("fired"),
    "late": _l("late"),
    "skipped": _l("skipped"),
    "reminded": _l("reminded"),
    "closed": _l("closed"),
}
OUTCOME_STYLES = {
    JobOutcome.FAILED: "label-danger",
    JobOutcome.OK: "label-success",
    JobOutcome.RUNNING: "label-default",
}


def outcome_label(member: JobOutcome) -> str:
    """A run's outcome in words of its own: the shared "Failed" reads "send failed" in Chinese (mail)."""
    if member is JobOutcome.FAILED:
        return pgettext("job run", "Failed")
    if member is JobOutcome.OK:
        return pgettext("job run", "Succeeded")
    return pgettext("job run", "Running")


def detail_text(detail: str | None) -> str:
    """A run's detail in the reader's language: "checked 335, fired 98" → "已检查 335，已触发 98"."""
    if not detail:
        return ""
    parts = []
    for part in detail.split(", "):
        word, _space, count = part.rpartition(" ")
        if word in DETAIL_WORDS and count.isdigit():
            part = _("%(what)s %(count)s", what=DETAIL_WORDS[word], count=format_decimal(int(count)))
        parts.append(part)
    return _(", ").join(parts)


def job_label(name: str | None) -> str:
    """A known job by its translated name; any other by its own."""
    if not name:
        return ""
    label = JOB_LABELS.get(name)
    return str(label) if label is not None else name


def has_no_end(outcome, started_at: datetime | None, now: datetime) -> bool:
    """Still RUNNING long after it started: the run's end was never recorded."""
    return outcome is JobOutcome.RUNNING and started_at is not None and now - started_at > NO_END_AFTER


def outcome_badge(outcome) -> Markup:
    """A coloured label; FAB hands over the member, its code, or NO_END."""
    if outcome == NO_END:
        return Markup('<span class="label label-warning">{}</span>').format(_("No end recorded"))
    member = next((m for m in JobOutcome if outcome in (m, m.value, m.name)), None)
    if member is None:
        return Markup("")
    return Markup('<span class="label {}">{}</span>').format(OUTCOME_STYLES[member], outcome_label(member))


def format_duration(ms: int | None) -> str:
    """350 ms, 1.2 s, 3.5 min — numbers in the user's locale."""
    if ms is None:
        return ""
    if ms < 1000:
        return _("%(ms)s ms", ms=format_decimal(ms, format="#,##0"))
    if ms < 60_000:
        return _("%(seconds)s s", seconds=format_decimal(ms / 1000, format="#,##0.0"))
    return _("%(minutes)s min", minutes=format_decimal(ms / 60_000, format="#,##0.0"))


def error_line(error: str | None) -> Markup | str:
    """In the list, the line that names the exception (a traceback's last), in red."""
    if not error:
        return ""
    lines = [line.strip() for line in error.strip().splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    if len(line) > ERROR_LINE_CHARS:
        line = line[: ERROR_LINE_CHARS - 1] + "…"
    return Markup('<span class="text-danger sd-job-error">{}</span>').format(line)


def _items(value) -> str:
    return "" if value is None else format_decimal(value, format="#,##0")


@dataclass(frozen=True)
class JobSummary:
    """One job's line above the list."""

    job: str
    last_run: datetime | None
    last_outcome: JobOutcome | None
    last_failure: datetime | None
    runs: int
    failures: int
    no_end: bool

    @property
    def alarming(self) -> bool:
        return self.failures > 0 or self.last_outcome is JobOutcome.FAILED or self.no_end


def job_summary(session: Session, now: datetime) -> list[JobSummary]:
    """Per job: last run and its outcome, last failure, runs and failures in the 24 hours before ``now``.

    One statement: GROUP BY job, the last outcome from a correlated subquery on (job, started_at).
    """
    since = now - timedelta(hours=24)
    latest = aliased(JobRun)
    last_outcome = (
        select(latest.outcome)
        .where(latest.job == JobRun.job)
        .order_by(latest.started_at.desc(), latest.id.desc())
        .limit(1)
        .correlate(JobRun)
        .scalar_subquery()
    )
    failed = JobRun.outcome == JobOutcome.FAILED
    recent = JobRun.started_at >= since
    rows = session.execute(
        select(
            JobRun.job,
            func.max(JobRun.started_at).label("last_run"),
            last_outcome.label("last_outcome"),
            func.max(case((failed, JobRun.started_at))).label("last_failure"),
            func.count(case((recent, 1))).label("runs"),
            func.count(case((and_(recent, failed), 1))).label("failures"),
        )
        .group_by(JobRun.job)
        .order_by(JobRun.job)
    )
    return [
        JobSummary(
            job=row.job,
            last_run=row.last_run,
            last_outcome=row.last_outcome,
            last_failure=row.last_failure,
            runs=row.runs or 0,
            failures=row.failures or 0,
            no_end=has_no_end(row.last_outcome, row.last_run, now),
        )
        for row in rows
    ]


class JobRunInterface(SQLAInterface):
    """Hands the list and show pages NO_END for a run that has been RUNNING too long."""

    @staticmethod
    def _get_attr_value(item, col):
        if col == "outcome" and isinstance(item, JobRun) and has_no_end(item.outcome, item.started_at, utcnow()):
            return NO_END
        return SQLAInterface._get_attr_value(item, col)


class JobLogView(AppModelView):
    """Every recorded job run, newest first (Admin only, read-only)."""

    datamodel = JobRunInterface(JobRun)
    class_permission_name = JOB_LOG
    route_base = "/job-log"
    list_title = _l("Job log")
    show_title = _l("Job run")
    list_template = "desk/job_log_list.html"
    show_template = "desk/job_log_show.html"
    exclude_route_methods = {"add", "edit", "delete"}  # read-only rows: no such pages at all
    base_permissions = ["can_read"]  # nobody writes the log by hand, Admin included
    base_order = ("started_at", "desc")
    list_columns = ["job", "started_at", "finished_at", "duration_ms", "items", "outcome", "detail", "error"]
    show_columns = ["job", "outcome", "started_at", "finished_at", "duration_ms", "items", "detail"]
    search_columns = ["job", "outcome", "started_at"]
    order_columns = ["job", "started_at", "finished_at", "duration_ms", "items", "outcome"]
    label_columns = {
        "job": _l("Job"),
        "started_at": _l("Started"),
        "finished_at": _l("Finished"),
        "duration_ms": _l("Duration"),
        "items": _l("Items"),
        "outcome": _l("Outcome"),
        "detail": _l("Detail"),
        "error": _l("Error"),
    }
    formatters_columns = {
        "job": job_label,
        "outcome": outcome_badge,
        "duration_ms": format_duration,
        "items": _items,
        "error": error_line,
        "detail": detail_text,
    }
    search_form_extra_fields = {
        "job": SelectField(
            _l("Job"), choices=[SelectChoice(name, label) for name, label in JOB_LABELS.items()], widget=Select2Widget()
        ),
        "outcome": SelectField(
            _l("Outcome"),
            choices=lambda: [SelectChoice(m.name, outcome_label(m)) for m in JobOutcome],
            widget=Select2Widget(),
        ),
    }

    def render_template(self, template, **kwargs):
        kwargs.update(job_label=job_label, outcome_badge=outcome_badge)
        if template == self.list_template:
            kwargs["summary"] = job_summary(db.session, utcnow())
        elif template == self.show_template and "pk" in kwargs:
            run = self.datamodel.get(kwargs["pk"])
            kwargs["run_error"] = run.error if run is not None else None
        return super().render_template(template, **kwargs)


class FailedJobRunsView(NamedList, JobLogView):
    """The runs that failed in the last 24 hours (``app.domain.system_health``): the admin's workspace card."""

    route_base = "/job-log/failed"
    rule = staticmethod(failed_job_runs)
    title = _l("Failed job runs, last 24 hours")
    show_endpoint = "JobLogView.show"

    @classmethod
    def clause(cls):
        return cls.rule(utcnow())


def register(appbuilder) -> None:
    from views import SERVICE_DESK, add_to_menu

    add_to_menu(appbuilder, JobLogView, "Job log", _l("Job log"), "fa-history", SERVICE_DESK)
    appbuilder.add_view_no_menu(FailedJobRunsView)
