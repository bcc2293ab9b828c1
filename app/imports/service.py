"""One call per screen action: preview or commit a stored upload, or a blank template.

Reads the file by its extension (.ics only where the spec allows it), adds the
defaults the admin chose on the upload form (the calendar of holiday rows), and runs
the engine. Any problem with the file as a whole comes back as a Preview with a
file-level error, so the screen has a single thing to show.
"""

from __future__ import annotations

import csv
import io

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.imports import spec as engine
from app.imports.catalog_specs import SPECS
from app.imports.ics import read_ics
from app.imports.readers import ImportFileError, Table, extension, read_table
from app.imports.spec import ImportSpec, Preview
from app.imports.uploads import StoredUpload
from models.calendars import Calendar


def check_format(spec: ImportSpec, filename: str) -> None:
    if extension(filename) not in spec.formats:
        raise ImportFileError(
            _l(
                "%(kind)s are imported from %(formats)s files.",
                kind=spec.label,
                formats=", ".join(f".{fmt}" for fmt in spec.formats),
            )
        )


def read(spec: ImportSpec, upload: StoredUpload, data: bytes) -> Table:
    check_format(spec, upload.filename)
    if extension(upload.filename) == "ics":
        return read_ics(data, upload.makeup_weekday)
    return read_table(upload.filename, data)


def defaults(spec: ImportSpec, upload: StoredUpload, session: Session) -> dict:
    if upload.calendar_id is None or "calendar" not in {column.name for column in spec.columns}:
        return {}
    calendar = session.get(Calendar, upload.calendar_id)
    if calendar is None or not calendar.active:
        raise ImportFileError(_l("The chosen calendar does not exist or is inactive."))
    return {"calendar": calendar}


def run(
    session: Session, upload: StoredUpload, data: bytes, *, apply: bool, locales: tuple[str, ...] = ("en", "zh")
) -> Preview:
    """Preview (``apply=False``) or commit the upload; the caller commits or rolls back the session."""
    spec = SPECS[upload.kind]
    try:
        table = read(spec, upload, data)
        chosen = defaults(spec, upload, session)
    except ImportFileError as error:
        return engine.file_error_preview(spec.kind, error)
    action = engine.commit if apply else engine.preview
    return action(spec, table, session, chosen, locales)


def template_csv(spec: ImportSpec, language_index: int) -> bytes:
    """A header row in one language, UTF-8 with a BOM so that Excel shows Chinese intact."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.headers[language_index] for column in spec.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
