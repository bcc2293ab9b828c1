"""Catalog import screens (Admin): upload a CSV/XLSX/.ics file → preview → commit all or nothing.

Thin HTTP over ``app.imports``: the upload is stored under the upload folder with a
random token, the preview and the commit both re-read that stored file, and the
commit writes only when the file has no error at all. ``register`` adds the screen
to the "Import data" menu.
"""

from __future__ import annotations

from pathlib import PurePath

from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.imports import service, uploads
from app.imports.catalog_specs import SPECS
from app.imports.readers import MAX_BYTES, MAX_ROWS, ImportFileError, extension
from app.imports.spec import CREATE, UNCHANGED, UPDATE, Preview
from app.security.permissions import WRITE
from app.security.roles import CATALOG_IMPORT
from models.calendars import Calendar

PREVIEW_ROWS = 200
PREVIEW_ERRORS = 500
WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"))
TEMPLATE_LANGUAGES = {"en": 0, "zh": 1}  # index into each column's headers


class ImportView(BaseView):
    route_base = "/imports"
    default_view = "index"
    class_permission_name = CATALOG_IMPORT
    method_permission_name = {name: WRITE for name in ("index", "template_csv", "upload", "preview", "commit")}

    @expose("/")
    @has_access
    def index(self):
        calendars = db.session.scalars(select(Calendar).where(Calendar.active.is_(True)).order_by(Calendar.name))
        return self.render_template(
            "imports/index.html",
            specs=list(SPECS.values()),
            calendars=list(calendars),
            weekdays=WEEKDAYS,
            max_megabytes=MAX_BYTES // (1024 * 1024),
            max_rows=MAX_ROWS,
            title=_("Import catalog data"),
        )

    @expose("/template/<kind>/<language>.csv")
    @has_access
    def template_csv(self, kind: str, language: str):
        spec = SPECS.get(kind)
        if spec is None or language not in TEMPLATE_LANGUAGES:
            abort(404)
        body = service.template_csv(spec, TEMPLATE_LANGUAGES[language])
        return Response(
            body,
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename={kind}-{language}.csv"},
        )

    @expose("/upload", methods=["POST"])
    @has_access
    def upload(self):
        spec = SPECS.get(request.form.get("kind", ""))
        file = request.files.get("file")
        if spec is None:
            return self._back(_("Choose what to import."))
        if file is None or not file.filename:
            return self._back(_("Choose a file to upload."))
        filename = PurePath(file.filename.replace("\\", "/")).name[-200:]
        try:
            service.check_format(spec, filename)
        except ImportFileError as error:
            return self._back(str(error.message))
        data = file.stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return self._back(_("The file is larger than %(limit)s MB.", limit=MAX_BYTES // (1024 * 1024)))
        if not data:
            return self._back(_("The file is empty."))
        calendar_id = _int_or_none(request.form.get("calendar"))
        if extension(filename) == "ics" and calendar_id is None:
            return self._back(_("Choose the calendar that the days of the .ics file belong to."))
        weekday = _int_or_none(request.form.get("makeup_weekday"))
        stored = uploads.store(
            current_app.config["UPLOAD_FOLDER"],
            data,
            kind=spec.kind,
            filename=filename,
            user_id=g.user.id,
            calendar_id=calendar_id,
            makeup_weekday=weekday if weekday in range(7) else 0,
        )
        return redirect(url_for(".preview", token=stored.token))

    @expose("/preview/<token>")
    @has_access
    def preview(self, token: str):
        stored, data = self._load(token)
        result = service.run(db.session, stored, data, apply=False, locales=_locales())
        db.session.rollback()  # a preview only reads
        return self._render_preview(stored, result)

    @expose("/commit/<token>", methods=["POST"])
    @has_access
    def commit(self, token: str):
        stored, data = self._load(token)
        result = service.run(db.session, stored, data, apply=True, locales=_locales())
        folder = current_app.config["UPLOAD_FOLDER"]
        if result.applied:
            db.session.commit()
            uploads.discard(folder, token)
            flash(_summary(stored, result), "success")
            return redirect(url_for(".index"))
        db.session.rollback()
        if result.ok:
            uploads.discard(folder, token)
            flash(_("Nothing to import: every row matches what is saved."), "info")
            return redirect(url_for(".index"))
        flash(_("Nothing was imported. Correct the errors below and upload the file again."), "danger")
        return self._render_preview(stored, result)

    def _back(self, message: str):
        flash(message, "danger")
        return redirect(url_for(".index"))

    def _load(self, token: str) -> tuple[uploads.StoredUpload, bytes]:
        found = uploads.load(current_app.config["UPLOAD_FOLDER"], token, g.user.id)
        if found is None or found[0].kind not in SPECS:
            abort(404)
        return found

    def _render_preview(self, stored: uploads.StoredUpload, result: Preview):
        spec = SPECS[stored.kind]
        return self.render_template(
            "imports/preview.html",
            spec=spec,
            upload=stored,
            result=result,
            counts={action: result.count(action) for action in (CREATE, UPDATE, UNCHANGED)},
            errors=result.errors[:PREVIEW_ERRORS],
            rows=result.rows[:PREVIEW_ROWS],
            action_labels={CREATE: _("New"), UPDATE: _("Update"), UNCHANGED: _("Unchanged")},
            title=_("Import preview: %(kind)s", kind=spec.label),
        )


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _locales() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def _summary(stored: uploads.StoredUpload, result: Preview) -> str:
    return _(
        "%(kind)s imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.",
        kind=SPECS[stored.kind].label,
        created=result.count(CREATE),
        updated=result.count(UPDATE),
        unchanged=result.count(UNCHANGED),
    )


def register(appbuilder) -> None:
    from views import IMPORTS, add_to_menu

    add_to_menu(appbuilder, ImportView, "Import catalog data", _l("Import catalog data"), "fa-upload", IMPORTS)
