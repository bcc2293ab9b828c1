"""Business calendars (工作日历) and their holidays and make-up working days (调休): screens and APIs.

Weekly hours are edited as seven lines of text (Monday … Sunday) and checked by building the
business-time engine's calendar (``app.domain.calendars``, the one place a catalog calendar is
converted), so what is saved is what the SLA clock can use. A calendar's page previews a target:
"a 4-hour target starting now ends at …", with a small form to try other durations and starts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from flask import request
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, Select2Widget
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Optional

from app.domain.calendars import (
    FORMAT,
    ORDER,
    OVERLAP,
    TIME,
    HoursTextError,
    WeekdayHoursError,
    calendar_from_model,
    has_working_hours,
    parse_weekly_hours,
    summarise_week,
    target_deadline,
    weekly_hours_texts,
)
from app.domain.errors import ValidationError
from app.security.roles import CALENDAR
from models.calendars import Calendar, CalendarDay
from models.enums import CalendarDayKind
from views.base import AppModelApi, AppModelView
from views.interfaces import LabelledInterface

WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"))
HOURS_FIELDS = [f"hours_{weekday}" for weekday in range(7)]
DEFAULT_TIMEZONE = "Asia/Shanghai"
PREVIEW_HOURS = Decimal("4")
MAX_PREVIEW_HOURS = Decimal("10000")

LABELS = {
    "name": _l("Name"),
    "timezone": _l("Time zone"),
    "weekly_hours": _l("Weekly working hours"),
    "active": _l("Active"),
    "calendar": _l("Calendar"),
    "day": _l("Date"),
    "kind": _l("Kind"),
    "borrowed_weekday": _l("Works the hours of"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
    **{field: WEEKDAYS[weekday] for weekday, field in enumerate(HOURS_FIELDS)},
}
DAY_NAME_LABEL = _l("Name")


def weekday_name(weekday: int | None) -> str:
    return "" if weekday is None or not 0 <= weekday <= 6 else str(WEEKDAYS[weekday])


# ---------------------------------------------------------------------------------------------
# Rules: messages in the user's language; nothing is flushed while checking.
# ---------------------------------------------------------------------------------------------


def hours_error_message(weekday: int, error: HoursTextError) -> str:
    name = weekday_name(weekday)
    if error.reason == FORMAT:
        return _('%(weekday)s: "%(text)s" is not an interval written like 09:00-12:00.', weekday=name, text=error.text)
    if error.reason == TIME:
        return _("%(weekday)s: %(time)s is not a time between 00:00 and 24:00.", weekday=name, time=error.text)
    if error.reason == ORDER:
        return _("%(weekday)s: %(interval)s must start before it ends.", weekday=name, interval=error.text)
    if error.reason == OVERLAP:
        return _("%(weekday)s: %(first)s and %(second)s overlap.", weekday=name, first=error.text, second=error.other)
    return _("%(weekday)s: the working hours cannot be read.", weekday=name)


def weekly_hours_from_texts(texts: list[str | None]) -> dict[str, list[list[str]]]:
    """The stored form of seven lines of text; ``ValidationError`` naming the weekday at fault."""
    try:
        return parse_weekly_hours(texts)
    except WeekdayHoursError as error:
        raise ValidationError(hours_error_message(error.weekday, error.error)) from None


def normalised_weekly_hours(value) -> dict[str, list[list[str]]]:
    """Weekly hours sent as JSON (API, imports) in the stored form, checked like the screen's text."""
    if value is None:
        value = {}
    if not isinstance(value, dict) or any(str(key) not in {str(d) for d in range(7)} for key in value):
        raise ValidationError(_('Weekly hours must map weekdays "0" (Monday) to "6" (Sunday) to lists of intervals.'))
    texts = []
    for weekday in range(7):
        intervals = value.get(str(weekday), value.get(weekday)) or []
        try:
            texts.append(", ".join(f"{start}-{end}" for start, end in intervals))
        except (TypeError, ValueError):
            raise ValidationError(
                _('%(weekday)s: each interval must be a pair like ["09:00", "12:00"].', weekday=weekday_name(weekday))
            ) from None
    return weekly_hours_from_texts(texts)


def check_calendar(session: Session, calendar: Calendar, texts: list[str | None] | None = None) -> None:
    """Set ``weekly_hours`` from the seven texts (if given) and refuse what the engine cannot use."""
    with session.no_autoflush:
        calendar.name = (calendar.name or "").strip()
        if not calendar.name:
            raise ValidationError(_("Enter the calendar's name."))
        calendar.timezone = (calendar.timezone or DEFAULT_TIMEZONE).strip()
        if texts is not None:
            calendar.weekly_hours = weekly_hours_from_texts(texts)
        else:
            calendar.weekly_hours = normalised_weekly_hours(calendar.weekly_hours)
        taken = session.scalar(
            select(Calendar.id).where(Calendar.name == calendar.name, Calendar.id != (calendar.id or 0))
        )
        if taken is not None:
            raise ValidationError(_("A calendar named %(name)s already exists.", name=calendar.name))
        _check_engine(calendar)


def _check_engine(calendar: Calendar, extra_days=()) -> None:
    try:
        calendar_from_model(calendar, extra_days)
    except ValueError as error:
        if "timezone" in str(error):
            raise ValidationError(_("Unknown time zone %(zone)s.", zone=calendar.timezone)) from None
        raise ValidationError(_("The calendar cannot be used: %(problem)s", problem=str(error))) from None


def check_calendar_day(session: Session, day: CalendarDay) -> None:
    """A holiday has no borrowed weekday; a make-up day borrows a weekday that has hours; one row per date."""
    with session.no_autoflush:
        calendar = day.calendar
        if calendar is None and day.calendar_id is not None:
            calendar = session.get(Calendar, day.calendar_id)
        if calendar is None:
            raise ValidationError(_("Choose the calendar."))
        if day.day is None:
            raise ValidationError(_("Enter the date."))
        day.name = (day.name or "").strip() or None
        if day.kind is CalendarDayKind.HOLIDAY:
            day.borrowed_weekday = None
        elif day.kind is CalendarDayKind.MAKEUP_WORKDAY:
            if day.borrowed_weekday is None:
                raise ValidationError(_("A make-up working day must name the weekday whose working hours it borrows."))
            if not has_working_hours(calendar.weekly_hours, day.borrowed_weekday):
                raise ValidationError(
                    _(
                        "%(weekday)s has no working hours in %(calendar)s, so a make-up day borrowing them "
                        "would not be worked.",
                        weekday=weekday_name(day.borrowed_weekday),
                        calendar=calendar,
                    )
                )
        else:
            raise ValidationError(_("Choose whether the date is a holiday or a make-up working day."))
        others = [row for row in calendar.days if row is not day and (day.id is None or row.id != day.id)]
        clash = next((row for row in others if row.day == day.day), None)
        if clash is not None:
            raise ValidationError(
                _(
                    "%(date)s is already in %(calendar)s as %(kind)s.",
                    date=format_date(day.day),
                    calendar=calendar,
                    kind=clash.kind.label,
                )
            )
        try:
            calendar_from_model(_DaysOnly(calendar, others), [day])
        except ValueError as error:
            raise ValidationError(_("The date cannot be added: %(problem)s", problem=str(error))) from None


class _DaysOnly:
    """A calendar's zone and hours with another list of days (the stored ones but the row being saved)."""

    def __init__(self, calendar: Calendar, days: list[CalendarDay]) -> None:
        self.timezone, self.weekly_hours, self.days = calendar.timezone, calendar.weekly_hours, days


# ---------------------------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------------------------


def week_summary(weekly_hours) -> Markup:
    """ "Monday–Friday: 09:00-12:00, 13:00-18:00 · Saturday–Sunday: not working"."""
    parts = []
    for run in summarise_week(weekly_hours):
        days = (
            weekday_name(run.first) if run.first == run.last else f"{weekday_name(run.first)}–{weekday_name(run.last)}"
        )
        parts.append(
            Markup("<span style='white-space:nowrap'>{}: {}</span>").format(days, run.text or _("not working"))
        )
    return Markup(" · ").join(parts)


def day_with_weekday(value: date | None) -> str:
    return "" if value is None else format_date(value, "full")


def local_moment(moment: datetime, zone: ZoneInfo) -> str:
    """A moment in ``zone``, e.g. "2026年5月12日星期二 15:20" / "Tuesday, May 12, 2026 3:20 PM"."""
    local = moment.astimezone(zone)
    locale = get_locale()
    day = babel_format_date(local.date(), "full", locale=locale)
    return f"{day} {babel_format_time(local, 'short', tzinfo=zone, locale=locale)}"


def target_preview(calendar: Calendar, now: datetime, hours_text: str | None, start_text: str | None) -> dict:
    """What the show page's preview panel says; ``now`` is an aware moment."""
    result: dict = {"hours": format_decimal(PREVIEW_HOURS), "start": "", "error": None, "text": None}
    try:
        zone = ZoneInfo(calendar.timezone)
    except (KeyError, ValueError):
        result["error"] = _("Unknown time zone %(zone)s.", zone=calendar.timezone)
        return result
    hours = PREVIEW_HOURS
    if hours_text:
        result["hours"] = hours_text
        try:
            hours = Decimal(hours_text.replace(",", "."))
        except InvalidOperation:
            hours = Decimal("-1")
        if not (0 < hours <= MAX_PREVIEW_HOURS) or not hours.is_finite():
            result["error"] = _("Enter a number of working hours between 0 and %(most)s.", most=MAX_PREVIEW_HOURS)
            return result
    start, from_now = now.astimezone(zone), True
    if start_text:
        result["start"] = start_text
        try:
            start = datetime.fromisoformat(start_text).replace(tzinfo=zone)
            from_now = False
        except ValueError:
            result["error"] = _("Enter the start as a date and time, e.g. 2026-05-12T17:30.")
            return result
    try:
        due = target_deadline(calendar_from_model(calendar), start, int((hours * 60).to_integral_value()))
    except ValueError:
        result["error"] = _("This calendar has no working hours on any weekday, so no target can ever end.")
        return result
    values = {
        "hours": format_decimal(hours),
        "start": local_moment(start, zone),
        "due": local_moment(due, zone),
        "zone": calendar.timezone,
    }
    if from_now:
        result["text"] = _("A %(hours)s-hour target starting now (%(start)s) ends at %(due)s (%(zone)s).", **values)
    else:
        result["text"] = _("A %(hours)s-hour target starting %(start)s ends at %(due)s (%(zone)s).", **values)
    return result


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------


class FilterYear(BaseFilter):
    """Dates within one calendar year (``_flt_0_day=2026`` or any date of it; REST operator ``year``)."""

    name = _l("Year")
    arg_name = "year"

    def apply(self, query, value):
        text = str(value or "").strip()
        try:  # "2026", or any date in it (the search form offers a date picker for this column)
            year = int(text) if text.isdigit() else date.fromisoformat(text[:10]).year
        except ValueError:
            return query
        if not 1 <= year <= 9998:
            return query
        column = getattr(self.model, self.column_name)
        return query.filter(column >= date(year, 1, 1), column < date(year + 1, 1, 1))


WEEKDAY_CHOICES = [("", _l("(none)")), *((str(weekday), name) for weekday, name in enumerate(WEEKDAYS))]


def _weekday_or_none(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class CalendarDayView(AppModelView):
    route_base = "/calendar-days"
    datamodel = LabelledInterface(CalendarDay)
    class_permission_name = CALENDAR
    noun = _l("Calendar day")
    label_columns = {**LABELS, "name": DAY_NAME_LABEL}
    list_columns = ["calendar", "day", "kind", "borrowed_weekday", "name"]
    search_columns = ["calendar", "day", "kind", "name"]
    order_columns = ["day", "kind", "name"]
    add_columns = edit_columns = ["calendar", "day", "kind", "borrowed_weekday", "name"]
    show_columns = [*add_columns, "created_at", "updated_at"]
    description_columns = {
        "day": _l("One row per date and calendar"),
        "kind": _l("A holiday is not worked; a make-up working day (调休) is worked although it is a weekend"),
        "borrowed_weekday": _l("Make-up working days only: the weekday whose working hours apply that day"),
        "name": _l("e.g. 国庆节, 国庆节调休"),
    }
    formatters_columns = {
        "day": day_with_weekday,
        "borrowed_weekday": weekday_name,
        "name": lambda value: value or "",
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "borrowed_weekday": SelectField(
            LABELS["borrowed_weekday"],
            choices=WEEKDAY_CHOICES,
            coerce=_weekday_or_none,
            validators=[Optional()],
            widget=Select2Widget(),
        ),
    }
    base_order = ("day", "asc")
    save_rule = check_calendar_day

    def _init_properties(self) -> None:
        super()._init_properties()
        # The year filter first, so "_flt_0_day=2026" means "in 2026" on the list's URL.
        for filters in (self._filters._search_filters, self._filters._all_filters):
            filters["day"] = [FilterYear("day", self.datamodel), *filters.get("day", [])]

    def _export_value(self, item, column: str):
        if column == "day":
            return item.day  # a plain date, so the export can be imported again
        if column == "borrowed_weekday":
            return weekday_name(item.borrowed_weekday)
        return super()._export_value(item, column)


def _hours_field(weekday: int) -> StringField:
    return StringField(
        WEEKDAYS[weekday],
        widget=BS3TextFieldWidget(),
        render_kw={"placeholder": "09:00-12:00, 13:00-18:00"},
        description=_l("e.g. 09:00-12:00, 13:00-18:00 · empty: not working · 00:00-24:00: all day"),
    )


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(available_timezones())]


CALENDAR_FORM_FIELDS = {
    "timezone": SelectField(
        LABELS["timezone"],
        choices=_timezone_choices(),
        default=DEFAULT_TIMEZONE,
        validators=[DataRequired()],
        widget=Select2Widget(),
    ),
    **{field: _hours_field(weekday) for weekday, field in enumerate(HOURS_FIELDS)},
}


class CalendarView(AppModelView):
    route_base = "/calendars"
    datamodel = LabelledInterface(Calendar)
    class_permission_name = CALENDAR
    noun = _l("Business calendar")
    label_columns = LABELS
    list_columns = ["name", "timezone", "weekly_hours", "active"]
    search_columns = ["name", "timezone", "active"]
    order_columns = ["name", "timezone"]
    add_columns = edit_columns = ["name", "timezone", *HOURS_FIELDS, "active"]
    show_columns = ["name", "timezone", "weekly_hours", "active", "created_at", "updated_at"]
    description_columns = {
        "name": _l("Unique, e.g. 中国大陆标准工作日历"),
        "timezone": _l("Working hours, holidays and SLA deadlines are in this zone's local time"),
        "active": _l("Inactive calendars leave dropdowns; SLAs that use one keep it"),
    }
    formatters_columns = {"weekly_hours": week_summary}
    add_form_extra_fields = edit_form_extra_fields = CALENDAR_FORM_FIELDS
    related_views = [CalendarDayView]
    show_template = "service/calendar_show.html"
    base_order = ("name", "asc")

    def prefill_form(self, form, pk) -> None:
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return
        for field, text in zip(HOURS_FIELDS, weekly_hours_texts(item.weekly_hours), strict=True):
            getattr(form, field).data = text

    def _texts(self, item) -> list[str | None]:
        return [getattr(item, field, None) for field in HOURS_FIELDS]

    def pre_add(self, item) -> None:
        check_calendar(self.datamodel.session, item, self._texts(item))

    def pre_update(self, item) -> None:
        check_calendar(self.datamodel.session, item, self._texts(item))

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)
        item = self.datamodel.get(pk, self._base_filters)
        preview = target_preview(
            item, datetime.now(UTC), request.args.get("preview_hours"), request.args.get("preview_start")
        )
        return self.render_template(
            self.show_template,
            pk=pk,
            title=self.show_title,
            widgets=widgets,
            related_views=self._related_views,
            preview=preview,
        )


# ---------------------------------------------------------------------------------------------
# REST APIs
# ---------------------------------------------------------------------------------------------


class CalendarApi(AppModelApi):
    resource_name = "calendar"
    datamodel = LabelledInterface(Calendar)
    class_permission_name = CALENDAR
    base_order = ("name", "asc")
    list_columns = ["id", "name", "timezone", "weekly_hours", "active"]
    show_columns = [*list_columns, "created_at", "updated_at"]
    add_columns = edit_columns = ["name", "timezone", "weekly_hours", "active"]
    search_columns = ["name", "timezone", "active"]
    order_columns = ["name"]
    description_columns = {
        "weekly_hours": _l('{"0": [["09:00", "12:00"], ["13:00", "18:00"]], …, "6": []} — 0 is Monday'),
    }

    save_rule = check_calendar


class CalendarDayApi(AppModelApi):
    resource_name = "calendar_day"
    datamodel = LabelledInterface(CalendarDay)
    class_permission_name = CALENDAR
    base_order = ("day", "asc")
    list_columns = ["id", "calendar.id", "calendar.name", "day", "kind", "borrowed_weekday", "name"]
    show_columns = [*list_columns, "created_at", "updated_at"]
    add_columns = edit_columns = ["calendar", "day", "kind", "borrowed_weekday", "name"]
    search_columns = ["calendar", "day", "kind", "name"]
    search_filters = {"day": [FilterYear]}
    order_columns = ["day", "kind"]

    save_rule = check_calendar_day


def register(appbuilder) -> None:
    from views import SERVICE_SETTINGS, add_to_menu

    add_to_menu(
        appbuilder, CalendarView, "Business calendars", _l("Business calendars"), "fa-calendar", SERVICE_SETTINGS
    )
    add_to_menu(
        appbuilder, CalendarDayView, "Calendar days", _l("Holidays and make-up days"), "fa-calendar-check-o",
        SERVICE_SETTINGS,
    )  # fmt: skip
    for api in (CalendarApi, CalendarDayApi):
        appbuilder.add_api(api)
