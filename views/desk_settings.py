"""Service desk settings (Admin only): the one row of reopen, reminder, auto-close, survey and
attachment limits, and the calendar requests without an SLA count business days on.

The menu opens the row itself (created with its defaults when missing); its page shows the
change history. Each number has its range, and the reminder must come before the closing,
worded in the user's language; nothing is saved while one is wrong.
"""

from __future__ import annotations

from flask import current_app, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from app.attachments import MEGABYTE
from app.domain.calendars import WEEKDAYS, has_working_hours
from app.domain.errors import ValidationError
from app.security.permissions import READ, RW_METHODS
from app.security.roles import DESK_SETTINGS
from models.service_requests import DeskSettings
from views.base import AppModelView

ATTACHMENT_MB_LIMIT = 100  # the table's own limit; the server's upload limit may be lower

LABELS = {
    "reopen_days": _l("Reopen within (days)"),
    "reminder_business_days": _l("Remind after (business days)"),
    "auto_close_business_days": _l("Auto-close after (business days)"),
    "survey_valid_days": _l("Survey link valid for (days)"),
    "attachment_max_mb": _l("Largest attachment (MB)"),
    "calendar": _l("Calendar for business days"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}
RANGES = {
    "reopen_days": (0, 365),
    "reminder_business_days": (1, 60),
    "auto_close_business_days": (2, 90),
    "survey_valid_days": (1, 365),
    "attachment_max_mb": (1, ATTACHMENT_MB_LIMIT),
}
FIELDS = [*RANGES, "calendar"]


def _number_field(name: str) -> IntegerField:
    low, high = RANGES[name]
    return IntegerField(
        LABELS[name],
        validators=[
            InputRequired(message=_l("Enter a whole number.")),
            NumberRange(min=low, max=high, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )


def upload_limit_mb() -> int:
    """The largest attachment the web server accepts at all (MAX_CONTENT_LENGTH), in MB."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return min(ATTACHMENT_MB_LIMIT, limit // MEGABYTE) if limit else ATTACHMENT_MB_LIMIT


def check_settings(settings: DeskSettings) -> None:
    """Refuse settings that break a rule the form's ranges cannot express."""
    if settings.auto_close_business_days <= settings.reminder_business_days:
        raise ValidationError(
            _(
                "Auto-close must come after the reminder: more than %(days)s business days.",
                days=settings.reminder_business_days,
            )
        )
    if settings.attachment_max_mb > upload_limit_mb():
        raise ValidationError(
            _("The server accepts uploads of at most %(max)s MB; choose that or less.", max=upload_limit_mb())
        )
    calendar = settings.calendar
    if calendar is not None and not any(has_working_hours(calendar.weekly_hours, day) for day in WEEKDAYS):
        raise ValidationError(
            _("Calendar %(calendar)s has no working hours; business days cannot be counted on it.", calendar=calendar)
        )


class DeskSettingsView(AppModelView):
    route_base = "/desk-settings"
    datamodel = SQLAInterface(DeskSettings)
    class_permission_name = DESK_SETTINGS
    method_permission_name = {**RW_METHODS, "current": READ}
    base_permissions = ["can_read", "can_write"]
    default_view = "current"
    noun = _l("Service desk settings")
    label_columns = LABELS
    list_columns = FIELDS
    show_fieldsets = [
        (
            _l("Closing and reopening"),
            {"fields": ["reopen_days", "reminder_business_days", "auto_close_business_days", "calendar"]},
        ),
        (_l("Satisfaction survey"), {"fields": ["survey_valid_days"]}),
        (_l("Attachments"), {"fields": ["attachment_max_mb"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]
    add_columns = edit_columns = FIELDS
    add_form_extra_fields = edit_form_extra_fields = {name: _number_field(name) for name in RANGES}
    description_columns = {
        "reopen_days": _l("A closed request may be reopened for this many days after closing"),
        "reminder_business_days": _l("A resolved request nobody answers: the contact is reminded after this many"),
        "auto_close_business_days": _l("…and the request is closed after this many (more than the reminder)"),
        "survey_valid_days": _l("How long the satisfaction survey link in the resolution mail works"),
        "attachment_max_mb": _l("Per file, for requests and work orders"),
        "calendar": _l("Business days of requests without an SLA; empty: the default SLA's calendar"),
    }
    formatters_columns = {"calendar": lambda value: "" if value is None else str(value)}

    @expose("/current/")
    @has_access
    def current(self):
        """The settings row's page (the row is created with its defaults the first time)."""
        from app.domain.service_requests import desk_settings

        settings = desk_settings(self.datamodel.session)
        self.datamodel.session.commit()
        return redirect(url_for(f"{self.endpoint}.show", pk=settings.id))

    def pre_add(self, item) -> None:
        raise ValidationError(_("There is one set of service desk settings: edit it instead."))

    def pre_update(self, item) -> None:
        check_settings(item)

    def pre_delete(self, item) -> None:
        raise ValidationError(_("The service desk settings cannot be deleted; edit them instead."))


def register(appbuilder) -> None:
    from views import SERVICE_SETTINGS, add_to_menu

    add_to_menu(
        appbuilder,
        DeskSettingsView,
        "Service desk settings",
        _l("Service desk settings"),
        "fa-cogs",
        SERVICE_SETTINGS,
    )
