"""Files on requests and work orders: what may be uploaded, where it is kept, who may read it.

A file is accepted when its extension is on the list *and* its first bytes are what that type
starts with (a renamed executable is refused), within the desk's size limit. It is written under
``<instance>/attachments/`` by a random name (the uploaded name is kept only as data, cleaned of
any path), outside the web root, with its SHA-256. Reading goes through ``visible_clause``: staff
see every file, a customer the files of its own requests, a vendor only those of its own work orders.
Refusals carry a msgid (``AttachmentRefused``) that the view translates.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import secrets
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.security.scoping import Scope
from models.enums import RequestStatus
from models.service_requests import Attachment, ServiceRequest
from models.work_orders import WorkOrder

FILENAME_MAX = 200
CHUNK = 64 * 1024
MEGABYTE = 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc/.xls/.ppt


def N_(message: str) -> str:
    """Marks a msgid for extraction; the view translates it."""
    return message


class AttachmentRefused(ValidationError):
    """An upload not taken; ``message`` is a msgid, ``params`` its values."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


# ---------------------------------------------------------------- content checks


def _starts(*magics: bytes) -> Callable[[bytes, Path], bool]:
    return lambda head, _path: any(head.startswith(magic) for magic in magics)


def _webp(head: bytes, _path: Path) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _zip_names(path: Path) -> list[str] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _zip(_head: bytes, path: Path) -> bool:
    return _zip_names(path) is not None


def _office_xml(folder: str) -> Callable[[bytes, Path], bool]:
    """A .docx/.xlsx/.pptx: a zip with the OOXML content-types part and its main folder."""

    def check(head: bytes, path: Path) -> bool:
        names = _zip_names(path) if head.startswith(b"PK\x03\x04") else None
        return bool(names) and "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)

    return check


def _open_document(mimetype: str) -> Callable[[bytes, Path], bool]:
    """An OpenDocument file: a zip whose first entry ``mimetype`` names the type (stored uncompressed)."""
    return lambda head, _path: head[:4] == b"PK\x03\x04" and head[30:38] == b"mimetype" and mimetype.encode() in head


def _text(head: bytes, _path: Path) -> bool:
    """Plain text: no NUL byte and readable as UTF-8 or GB18030 (what Chinese Windows writes)."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


@dataclass(frozen=True)
class FileType:
    content_type: str
    matches: Callable[[bytes, Path], bool]


_JPEG = FileType("image/jpeg", _starts(b"\xff\xd8\xff"))
_OLE = _starts(OLE2)
FILE_TYPES: dict[str, FileType] = {
    ".png": FileType("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".gif": FileType("image/gif", _starts(b"GIF87a", b"GIF89a")),
    ".webp": FileType("image/webp", _webp),
    ".bmp": FileType("image/bmp", _starts(b"BM")),
    ".pdf": FileType("application/pdf", _starts(b"%PDF-")),
    ".doc": FileType("application/msword", _OLE),
    ".xls": FileType("application/vnd.ms-excel", _OLE),
    ".ppt": FileType("application/vnd.ms-powerpoint", _OLE),
    ".docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _office_xml("word/")),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _office_xml("xl/")),
    ".pptx": FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", _office_xml("ppt/")),
    ".odt": FileType(
        "application/vnd.oasis.opendocument.text", _open_document("application/vnd.oasis.opendocument.text")
    ),
    ".ods": FileType(
        "application/vnd.oasis.opendocument.spreadsheet",
        _open_document("application/vnd.oasis.opendocument.spreadsheet"),
    ),
    ".txt": FileType("text/plain", _text),
    ".log": FileType("text/plain", _text),
    ".csv": FileType("text/csv", _text),
    ".zip": FileType("application/zip", _zip),
}
ALLOWED_EXTENSIONS = tuple(FILE_TYPES)


def clean_filename(name: str | None) -> str:
    """The uploaded name without any folder part, control characters or leading dots, at most 200 long."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > FILENAME_MAX:
        stem, dot, extension = name.rpartition(".")
        extension = f".{extension}" if dot and len(extension) <= 10 else ""
        name = (stem if extension else name)[: FILENAME_MAX - len(extension)] + extension
    return name


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


# ---------------------------------------------------------------- storing


@dataclass(frozen=True)
class StoredFile:
    filename: str
    stored_name: str
    content_type: str
    size_bytes: int
    sha256: str


def storage_dir(instance_path: str | os.PathLike) -> Path:
    return Path(instance_path) / "attachments"


def store_upload(stream: BinaryIO, filename: str | None, directory: Path, *, max_bytes: int) -> StoredFile:
    """Check and write an upload under ``directory``; raises ``AttachmentRefused`` and leaves nothing behind."""
    name = clean_filename(filename)
    if not name:
        raise AttachmentRefused(N_("Choose a file to upload."))
    extension = extension_of(name)
    file_type = FILE_TYPES.get(extension)
    if file_type is None:
        raise AttachmentRefused(
            N_("Files of this type (%(extension)s) cannot be attached. Allowed: %(allowed)s."),
            extension=extension or name,
            allowed=", ".join(ALLOWED_EXTENSIONS),
        )
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(20)
    final = directory / stored_name
    partial = directory / f".{stored_name}.part"
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with open(partial, "xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise AttachmentRefused(
                        N_("The file is larger than %(max)s MB."), max=max(max_bytes // MEGABYTE, 1)
                    )
                if len(head) < CHUNK:
                    head += chunk[: CHUNK - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise AttachmentRefused(N_("The file is empty."))
        if not file_type.matches(head, partial):
            raise AttachmentRefused(
                N_("The content of %(name)s is not a %(extension)s file; it was not attached."),
                name=name,
                extension=extension,
            )
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return StoredFile(name, stored_name, file_type.content_type, size, digest.hexdigest())


def stored_path(directory: Path, attachment: Attachment) -> Path:
    return directory / attachment.stored_name


def attach(
    session: Session,
    stored: StoredFile,
    *,
    request: ServiceRequest,
    work_order: WorkOrder | None,
    uploaded_by_id: int | None,
    now: datetime,
) -> Attachment:
    """Record a stored file on the request (and work order); scoped by the request's customer and the
    work order's vendor."""
    attachment = Attachment(
        request_id=request.id,
        work_order_id=work_order.id if work_order is not None else None,
        customer_id=request.customer_id,
        vendor_id=work_order.vendor_id if work_order is not None else None,
        filename=stored.filename,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        uploaded_by_id=uploaded_by_id,
        created_at=now,
    )
    session.add(attachment)
    session.flush()
    return attachment


# ---------------------------------------------------------------- who sees what


def visible_clause(scope: Scope) -> ColumnElement[bool]:
    """Attachments ``scope`` may read: all (staff), its requests' (customer), its work orders' (vendor).

    A vendor's files follow the work order's current vendor, not the one at upload time.
    """
    if scope.is_staff:
        return true()
    if scope.kind == "customer":
        return Attachment.customer_id == scope.organisation_id
    if scope.kind == "vendor":
        own = select(WorkOrder.id).where(WorkOrder.vendor_id == scope.organisation_id)
        return Attachment.work_order_id.in_(own)
    return false()


def upload_refusal(scope: Scope, request: ServiceRequest, work_order: WorkOrder | None) -> str | None:
    """None when ``scope`` may attach a file here; else a msgid (or "" for "not found": reveal nothing)."""
    if work_order is not None and work_order.request_id != request.id:
        return ""
    if scope.is_staff:
        allowed = True
    elif scope.kind == "customer":
        allowed = work_order is None and request.customer_id == scope.organisation_id
    elif scope.kind == "vendor":
        allowed = work_order is not None and work_order.vendor_id == scope.organisation_id
    else:
        allowed = False
    if not allowed:
        return ""
    if request.status is RequestStatus.CLOSED:
        return N_("%(number)s is closed and cannot be changed; reopen it first.")
    if request.status is RequestStatus.CANCELLED:
        return N_("%(number)s was cancelled and cannot be changed.")
    return None
