"""Vendor scorecards (服务商考核): managers and dispatchers compare vendors by the promises they keep.

One page: a period picker, the ranking (every figure per vendor, with its definition written
below), the suspicious records behind the "false service documents" problem, and a monthly
trend of OLA completion. The figures come from reports/vendor_scorecard.py in a fixed number of
GROUP BY statements; the chart from reports/figures.py, drawn by plotly.js served from the
installed plotly package (the app works offline, no CDN).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import plotly
from flask import Response, abort, current_app, flash, request, send_file
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.display import percent
from app.extensions import db
from app.formatting import business_today
from app.security.permissions import READ
from app.security.roles import VENDOR_SCORECARD
from reports.figures import figure_html, ola_trend_figure
from reports.periods import PERIODS, period_bounds
from reports.vendor_scorecard import (
    COLUMN_LABELS,
    DEFAULT_FIX_WINDOW_DAYS,
    REASON_LABELS,
    VendorFigures,
    definitions,
    monthly_trend,
    reason_definitions,
    scorecards,
    suspicious_records,
)
from views.base import EXPORT_FORMATS

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
MAX_FIX_WINDOW_DAYS = 365
PERIOD_LABELS = {
    "this_month": _l("This month"),
    "last_month": _l("Last month"),
    "last_90_days": _l("Last 90 days"),
    "custom": _l("Custom"),
}
EXPORT_COLUMNS = (
    "rank",
    "vendor",
    "score",
    "received",
    "completed",
    "acceptance_minutes",
    "on_time_arrival",
    "first_time_fix",
    "ola_acceptance",
    "ola_completion",
    "resolution_hours",
    "satisfaction",
    "cost_per_work_order",
    "suspicious",
)


def _date_arg(name: str) -> date | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _choices() -> dict:
    """The period and fix window asked for in the query string; a wrong one falls back, saying so."""
    today = business_today()
    period = request.args.get("period") or "this_month"
    if period not in PERIODS:
        period = "this_month"
    date_from, date_to = _date_arg("from"), _date_arg("to")
    try:
        start, end = period_bounds(period, today, date_from, date_to)
    except ValueError:
        flash(_("Choose a valid period: the start date must not be after the end date."), "warning")
        period = "this_month"
        start, end = period_bounds(period, today)
    days = request.args.get("days", DEFAULT_FIX_WINDOW_DAYS, type=int)
    if days is None or not 1 <= days <= MAX_FIX_WINDOW_DAYS:
        flash(_("The first-time fix window must be 1 to %(max)s days.", max=MAX_FIX_WINDOW_DAYS), "warning")
        days = DEFAULT_FIX_WINDOW_DAYS
    return {
        "today": today,
        "period": period,
        "start": start,
        "end": end,
        "date_from": date_from or start,
        "date_to": date_to or date.fromordinal(end.toordinal() - 1),
        "days": days,
    }


def number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""))


def _export_row(line: VendorFigures) -> list:
    def rounded(value, digits):
        return None if value is None else round(value, digits)

    return [
        line.rank,
        f"{line.vendor_code} {line.vendor_name}",
        rounded(line.score, 1),
        line.received,
        line.completed,
        rounded(line.acceptance_minutes, 1),
        rounded(None if line.on_time_arrival is None else 100 * line.on_time_arrival, 1),
        rounded(None if line.first_time_fix is None else 100 * line.first_time_fix, 1),
        rounded(None if line.ola_acceptance is None else 100 * line.ola_acceptance, 1),
        rounded(None if line.ola_completion is None else 100 * line.ola_completion, 1),
        rounded(line.resolution_hours, 1),
        rounded(line.satisfaction, 2),
        line.cost_per_work_order,
        line.suspicious,
    ]


def _export_headers() -> list[str]:
    units = {
        "score": "0–100",
        "acceptance_minutes": _("min"),
        "on_time_arrival": "%",
        "first_time_fix": "%",
        "ola_acceptance": "%",
        "ola_completion": "%",
        "resolution_hours": _("h"),
        "satisfaction": "1–5",
        "cost_per_work_order": "CNY",
    }
    return [str(COLUMN_LABELS[key]) + (f" ({units[key]})" if key in units else "") for key in EXPORT_COLUMNS]


class VendorScorecardView(BaseView):
    """The ranking of vendors for a period, its definitions, suspicious records and the monthly trend."""

    route_base = "/vendor-scorecards"
    default_view = "index"
    class_permission_name = VENDOR_SCORECARD
    method_permission_name = {"index": READ, "export": READ, "plotly_js": READ}

    @expose("/")
    @has_access
    def index(self):
        chosen = _choices()
        timezone = current_app.config["BUSINESS_TIMEZONE"]
        records = suspicious_records(db.session, start=chosen["start"], end=chosen["end"], timezone=timezone)
        lines = scorecards(
            db.session,
            start=chosen["start"],
            end=chosen["end"],
            timezone=timezone,
            fix_window_days=chosen["days"],
            records=records,
        )
        trend = monthly_trend(db.session, today=chosen["today"], timezone=timezone)
        names = {line.vendor_id: f"{line.vendor_code} {line.vendor_name}" for line in lines}
        names.update({point.vendor_id: f"{point.vendor_code} {point.vendor_name}" for point in trend})
        figure = None
        if trend:
            figure = ola_trend_figure(
                trend, title=_("OLA completion by month"), y_title=str(COLUMN_LABELS["ola_completion"])
            )
        months = sorted({point.month for point in trend})
        return self.render_template(
            "reports/vendor_scorecard.html",
            title=_("Vendor scorecards"),
            chosen=chosen,
            period_labels=PERIOD_LABELS,
            lines=lines,
            records=records,
            names=names,
            reason_labels=REASON_LABELS,
            definitions=definitions(chosen["days"]),
            reason_definitions=reason_definitions(),
            trend=trend,
            months=months,
            figure=figure,
            figure_html=figure_html,
            percent=percent,
            number=number,
            timezone=timezone,
            export_formats=list(EXPORT_FORMATS),
            query_args={k: v for k, v in request.args.items() if k in ("period", "from", "to", "days")},
        )

    @expose("/export/<fmt>/")
    @has_access
    def export(self, fmt: str) -> Response:
        """The ranking table of the chosen period, as CSV (UTF-8 with BOM) or XLSX."""
        if fmt not in EXPORT_FORMATS:
            abort(404)
        chosen = _choices()
        lines = scorecards(
            db.session,
            start=chosen["start"],
            end=chosen["end"],
            timezone=current_app.config["BUSINESS_TIMEZONE"],
            fix_window_days=chosen["days"],
        )
        mimetype, write = EXPORT_FORMATS[fmt]
        rows = [_export_row(line) for line in lines]
        headers = _export_headers()
        body = write(headers, rows, _("Vendor scorecards")) if fmt == "xlsx" else write(headers, rows)
        filename = f"vendor-scorecards-{chosen['start'].isoformat()}.{fmt}"
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})

    @expose("/plotly.min.js")
    @has_access
    def plotly_js(self):
        """plotly.js from the installed plotly package: charts work without internet access."""
        return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=7 * 24 * 3600)


def register(appbuilder) -> None:
    from views import SERVICE_DESK, add_to_menu

    add_to_menu(
        appbuilder, VendorScorecardView, "Vendor scorecards", _l("Vendor scorecards"), "fa-trophy", SERVICE_DESK
    )
