"""The bell (my notifications) and the admin's mail outbox.

Notifications are always looked up by id *and* recipient, so nobody can read or
mark another user's (a foreign id is a 404, the same as a missing one). The outbox
is Admin-only (resource DeskSettings): a read-only list that makes failed mail
stand out, each mail's kind in words, the mail rendered (what was sent, or what would
go out now for mail not sent yet), and "send again" for failed or kept mail.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select, update

from app.display import enum_labeller, translated
from app.domain.notices import visible_now
from app.domain.outbox import requeue_mail
from app.domain.system_health import stuck_mail
from app.extensions import db
from app.mail import RenderedMail, Undeliverable, kind_label, render_outbox_mail
from app.notifications import notification_text, show_url
from app.security.permissions import READ, WRITE
from app.security.roles import DESK_SETTINGS, NOTIFICATION
from models.base import utcnow
from models.enums import MailStatus
from models.notifications import MailOutbox, Notification
from models.service_requests import ServiceRequest
from models.users import LANGUAGE_NAMES
from models.work_orders import WorkOrder
from views.base import AppModelView, NamedList
from views.interfaces import LeanInterface

PAGE_SIZE = 30


def unread_notification_count() -> int:
    """The bell's number for the logged-in user: one indexed COUNT, once per page."""
    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.recipient_id == user.id, Notification.read_at.is_(None), visible_now(utcnow())
            )
        )
    return g.unread_notifications


def _link(notification: Notification) -> str | None:
    """Where a notification leads: its own link, else the request or work order it is about."""
    if notification.link:
        return notification.link
    for model, pk in ((WorkOrder, notification.work_order_id), (ServiceRequest, notification.request_id)):
        if pk is not None:
            return show_url(model, pk, external=False)
    return None


class NotificationView(BaseView):
    """My notifications, newest first; open, mark read, acknowledge — mine only."""

    route_base = "/notifications"
    default_view = "index"
    class_permission_name = NOTIFICATION
    method_permission_name = {
        "index": READ,
        "open": WRITE,
        "mark_read": WRITE,
        "mark_all_read": WRITE,
        "acknowledge": WRITE,
    }

    @expose("/")
    @has_access
    def index(self):
        page = max(request.args.get("page", 1, type=int) or 1, 1)
        unread_only = request.args.get("unread") == "1"
        query = select(Notification).where(Notification.recipient_id == g.user.id, visible_now(utcnow()))
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
        rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
        items = [(row, notification_text(row), _link(row)) for row in rows[:PAGE_SIZE]]
        return self.render_template(
            "desk/notifications.html",
            items=items,
            page=page,
            has_more=len(rows) > PAGE_SIZE,
            unread_only=unread_only,
            title=_("My notifications"),
        )

    def _mine(self, notification_id: int) -> Notification:
        notification = db.session.scalar(
            select(Notification).where(Notification.id == notification_id, Notification.recipient_id == g.user.id)
        )
        if notification is None:
            abort(404)
        return notification

    def _back(self):
        return redirect(url_for("NotificationView.index", **request.args))

    @expose("/<int:notification_id>/open")
    @has_access
    def open(self, notification_id: int):
        """Follow a notification's link, marking it read on the way."""
        notification = self._mine(notification_id)
        if notification.read_at is None:
            notification.read_at = utcnow()
            db.session.commit()
        return redirect(_link(notification) or url_for("NotificationView.index"))

    @expose("/<int:notification_id>/read", methods=["POST"])
    @has_access
    def mark_read(self, notification_id: int):
        notification = self._mine(notification_id)
        if notification.read_at is None:
            notification.read_at = utcnow()
            db.session.commit()
        return self._back()

    @expose("/<int:notification_id>/acknowledge", methods=["POST"])
    @has_access
    def acknowledge(self, notification_id: int):
        """Acknowledged means "seen and taking care of it", so it is also read.

        An escalation notice acknowledges its escalation too: that level's repeats stop for the record.
        """
        from app.domain.escalation import acknowledge
        from models.escalation import EscalationEvent

        notification = self._mine(notification_id)
        now = utcnow()
        event = (
            db.session.get(EscalationEvent, notification.escalation_event_id)
            if notification.escalation_event_id is not None
            else None
        )
        if event is not None:
            acknowledge(db.session, event, actor=g.user, now=now)
        notification.acknowledged_at = notification.acknowledged_at or now
        notification.read_at = notification.read_at or now
        db.session.commit()
        if event is not None:
            flash(_("Escalation acknowledged: its repeats stop."), "info")
        return self._back()

    @expose("/read-all", methods=["POST"])
    @has_access
    def mark_all_read(self):
        db.session.execute(
            update(Notification)
            .where(Notification.recipient_id == g.user.id, Notification.read_at.is_(None), visible_now(utcnow()))
            .values(read_at=utcnow())  # a notice held for working hours stays unread until it shows
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        flash(_("All notifications are marked as read."), "info")
        return self._back()


_status_label = enum_labeller(MailStatus)
STATUS_STYLES = {
    MailStatus.FAILED: "label-danger",
    MailStatus.PENDING: "label-warning",
    MailStatus.HELD: "label-info",
    MailStatus.SENT: "label-success",
}


def _status_badge(status) -> Markup:
    """FAB hands over the member or its code; either way a coloured label."""
    member = next((m for m in MailStatus if status in (m, m.value, m.name)), None)
    style = STATUS_STYLES.get(member, "label-default")
    return Markup('<span class="label {}">{}</span>').format(style, _status_label(status))


def _error_text(error: str | None) -> Markup | str:
    return Markup('<span class="text-danger">{}</span>').format(error) if error else ""


def _language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "", "")


def mail_preview(pk: int) -> dict:
    """The outbox page's view of one mail: as sent (kept on the row), else as it would go out now.

    ``{"mail": RenderedMail | None, "error": str | None, "attachments": [...]}``; a mail that cannot
    be worded any more (its template or a record is gone) says why instead of breaking the page.
    """
    mail = db.session.get(MailOutbox, pk)
    if mail is None:
        abort(404)
    preview = {"mail": None, "error": None, "attachments": list(mail.attachments)}
    if mail.status is MailStatus.SENT and mail.body_text is not None:
        preview["mail"] = RenderedMail(mail.subject or "", mail.body_text, mail.body_html)
        return preview
    try:
        preview["mail"] = render_outbox_mail(mail)
    except Undeliverable as exc:
        preview["error"] = _("This mail cannot be put together: %(reason)s", reason=translated(exc.message, exc.params))
    return preview


class MailOutboxView(AppModelView):
    """Every queued mail (Admin only): what was sent, what is waiting, what failed and why."""

    datamodel = LeanInterface(MailOutbox)
    class_permission_name = DESK_SETTINGS
    route_base = "/mail-outbox"
    list_title = _l("Mail outbox")
    show_title = _l("Mail details")
    show_template = "desk/outbox_show.html"
    extra_args = {"mail_preview": mail_preview}
    exclude_route_methods = {"add", "edit", "delete"}  # read-only rows: no such pages at all
    base_order = ("created_at", "desc")
    list_columns = ["created_at", "status", "to_address", "kind", "request", "attempts", "last_error"]
    search_columns = ["status", "to_address", "created_at"]
    show_columns = [
        "status",
        "kind",
        "request",
        "to_name",
        "to_address",
        "language",
        "created_at",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "requeued_at",
        "requeued_by",
        "last_error",
    ]
    label_columns = {
        "created_at": _l("Queued at"),
        "status": _l("Status"),
        "to_name": _l("Recipient"),
        "to_address": _l("To"),
        "language": _l("Language"),
        "kind": _l("Kind"),
        "request": _l("Request"),
        "attempts": _l("Attempts"),
        "next_attempt_at": _l("Next attempt"),
        "sent_at": _l("Sent at"),
        "requeued_at": _l("Sent again at"),
        "requeued_by": _l("Sent again by"),
        "last_error": _l("Last error"),
    }
    formatters_columns = {
        "status": _status_badge,
        "last_error": _error_text,
        "kind": kind_label,
        "language": _language_name,
        "requeued_by": lambda user: user.get_full_name() if user is not None else "",
        "request": lambda request: request.number if request is not None else "",
    }
    method_permission_name = {**AppModelView.method_permission_name, "body_html": READ}

    @expose("/html/<int:pk>")
    @has_access
    def body_html(self, pk: int):
        """The HTML part, shown in a sandboxed frame: no scripts, no outside fetches."""
        preview = mail_preview(pk)["mail"]
        if preview is None or not preview.html:
            abort(404)
        response = Response(preview.html, mimetype="text/html")
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    @action(
        "send_again",
        _l("Send again"),
        _l("Send the selected failed or kept mail again?"),
        "fa-paper-plane",
    )
    def send_again(self, items):
        items = items if isinstance(items, list) else [items]
        now = utcnow()
        queued = sum(requeue_mail(db.session, mail, actor=g.user, now=now) for mail in items)
        db.session.commit()
        if queued:
            flash(_("%(count)d mail(s) queued to be sent again.", count=queued), "info")
        skipped = len(items) - queued
        if skipped:
            flash(_("%(count)d mail(s) skipped: only failed or kept mail can be sent again.", count=skipped), "warning")
        self.update_redirect()
        return redirect(request.referrer or url_for("MailOutboxView.list"))


class StuckMailView(NamedList, MailOutboxView):
    """Failed mail and mail waiting long past its next try (``app.domain.system_health``): the admin's
    workspace card; "Send again" works here too."""

    route_base = "/mail-outbox/stuck"
    exclude_route_methods = MailOutboxView.exclude_route_methods | {"body_html"}  # a mail opens on the outbox's page
    rule = staticmethod(stuck_mail)
    title = _l("Mail stuck in the outbox")
    show_endpoint = "MailOutboxView.show"

    @classmethod
    def clause(cls):
        return cls.rule(utcnow())


def register(appbuilder) -> None:
    from views import SERVICE_DESK, add_to_menu

    current_app.jinja_env.globals["unread_notification_count"] = unread_notification_count
    add_to_menu(appbuilder, NotificationView, "My notifications", _l("My notifications"), "fa-bell", SERVICE_DESK)
    add_to_menu(appbuilder, MailOutboxView, "Mail outbox", _l("Mail outbox"), "fa-envelope", SERVICE_DESK)
    appbuilder.add_view_no_menu(StuckMailView)
