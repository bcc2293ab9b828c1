"""Uploading and downloading attachments of requests and work orders, scoped per user.

Not FAB's FileColumn ``/download`` (it serves any file to anyone allowed the view): every
download here looks the file up through ``visible_clause`` for the user's scope, so another
customer's or another vendor's file is a plain 404, and is sent as a download under its
original name. The request and work order pages include ``desk/_attachments.html``, which
lists what the user may see (``attachments_of``) and offers the upload form.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app.attachments import (
    ALLOWED_EXTENSIONS,
    MEGABYTE,
    AttachmentRefused,
    attach,
    storage_dir,
    store_upload,
    upload_refusal,
    visible_clause,
)
from app.extensions import db
from app.security.roles import REQUEST, WORK_ORDER
from app.security.scoping import Scope, current_scope
from models.base import utcnow
from models.service_requests import Attachment, ServiceRequest
from models.work_orders import WorkOrder

bp = Blueprint("attachments", __name__, url_prefix="/attachments")


@dataclass(frozen=True)
class AttachmentRow:
    attachment: Attachment
    work_order_number: str | None


def _reader_scope() -> Scope | None:
    """The logged-in user's scope when their role may read requests (vendors: work orders), else None."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    scope = current_scope()
    resource = WORK_ORDER if scope.kind == "vendor" else REQUEST
    if scope.kind == "nobody" or not current_app.appbuilder.sm.has_access("can_read", resource):
        return None
    return scope


def _max_bytes() -> int:
    from app.domain.service_requests import desk_settings

    return desk_settings(db.session).attachment_max_mb * MEGABYTE


def _back(target: str | None):
    """Back to the page the form was on; only a path on this site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        target = "/"
    return redirect(target)


@bp.route("/upload", methods=["POST"])
def upload():
    scope = _reader_scope()
    if scope is None:
        abort(404)
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        flash(_("The file is larger than %(max)s MB.", max=_max_bytes() // MEGABYTE), "danger")
        return _back(request.args.get("next"))
    service_request = db.session.get(ServiceRequest, form.get("request_id", type=int) or 0)
    work_order_id = form.get("work_order_id", type=int)
    work_order = db.session.get(WorkOrder, work_order_id) if work_order_id else None
    if service_request is None or (work_order_id and work_order is None):
        abort(404)
    refusal = upload_refusal(scope, service_request, work_order)
    if refusal == "":
        abort(404)
    next_page = form.get("next")
    if refusal is not None:
        flash(_(refusal, number=service_request.number), "danger")
        return _back(next_page)
    upload_file = files.get("file")
    try:
        stored = store_upload(
            upload_file.stream if upload_file else None,
            upload_file.filename if upload_file else None,
            storage_dir(current_app.instance_path),
            max_bytes=_max_bytes(),
        )
    except AttachmentRefused as refused:
        flash(_(refused.message, **refused.params), "danger")
        return _back(next_page)
    try:
        attach(
            db.session,
            stored,
            request=service_request,
            work_order=work_order,
            uploaded_by_id=current_user.id,
            now=utcnow(),
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        (storage_dir(current_app.instance_path) / stored.stored_name).unlink(missing_ok=True)
        raise
    flash(_("%(name)s was attached.", name=stored.filename), "success")
    return _back(next_page)


@bp.route("/<int:pk>/download")
def download(pk: int):
    scope = _reader_scope()
    if scope is None:
        abort(404)
    attachment = db.session.scalars(select(Attachment).where(Attachment.id == pk, visible_clause(scope))).first()
    if attachment is None:
        abort(404)
    path = storage_dir(current_app.instance_path) / attachment.stored_name
    if not path.is_file():
        abort(404)
    response = send_file(
        Path(path),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        etag=attachment.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- template helpers


def attachments_of(item: ServiceRequest, work_order: WorkOrder | None = None) -> list[AttachmentRow]:
    """The files the current user may see: of the work order when given, else all of the request's."""
    scope = _reader_scope()
    if scope is None or item is None:
        return []
    stmt = (
        select(Attachment, WorkOrder.number)
        .outerjoin(WorkOrder, WorkOrder.id == Attachment.work_order_id)
        .where(visible_clause(scope))
        .order_by(Attachment.created_at, Attachment.id)
    )
    if work_order is not None:
        stmt = stmt.where(Attachment.work_order_id == work_order.id)
    else:
        stmt = stmt.where(Attachment.request_id == item.id)
    return [AttachmentRow(attachment, number) for attachment, number in db.session.execute(stmt)]


def attachment_upload_allowed(item: ServiceRequest, work_order: WorkOrder | None = None) -> bool:
    scope = _reader_scope()
    return scope is not None and item is not None and upload_refusal(scope, item, work_order) is None


def attachment_limits() -> dict:
    return {"max_mb": _max_bytes() // MEGABYTE, "extensions": ALLOWED_EXTENSIONS}


def file_size(size: int) -> str:
    """1 234 bytes as "1.2 KB" in the user's locale."""
    if size < 1024:
        return _("%(size)s bytes", size=size)
    if size < MEGABYTE:
        return _("%(size)s KB", size=format_decimal(round(size / 1024, 1)))
    return _("%(size)s MB", size=format_decimal(round(size / MEGABYTE, 1)))


def register(appbuilder) -> None:
    current_app.register_blueprint(bp)
    current_app.jinja_env.globals.update(
        attachments_of=attachments_of,
        attachment_upload_allowed=attachment_upload_allowed,
        attachment_limits=attachment_limits,
    )
    current_app.jinja_env.filters["file_size"] = file_size
