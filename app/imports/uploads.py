"""Uploaded files kept between preview and commit, under ``<upload folder>/imports/<token>``.

The commit re-reads the stored file (never a preview sent back by the browser). A
token is random and checked against a strict pattern before it touches a path; its
metadata records who uploaded it, and only that user may use it. Uploads older than
a day are removed when the next one arrives.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    kind: str
    filename: str
    user_id: int
    calendar_id: int | None = None
    makeup_weekday: int = 0


def _folder(upload_folder: str | Path) -> Path:
    return Path(upload_folder) / "imports"


def store(upload_folder: str | Path, data: bytes, **meta) -> StoredUpload:
    folder = _folder(upload_folder)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_old(folder)
    upload = StoredUpload(token=secrets.token_urlsafe(24), **meta)
    (folder / upload.token).write_bytes(data)
    (folder / f"{upload.token}.json").write_text(json.dumps(asdict(upload)), encoding="utf-8")
    return upload


def load(upload_folder: str | Path, token: str, user_id: int) -> tuple[StoredUpload, bytes] | None:
    """The upload and its bytes, or None if the token is unknown, expired or someone else's."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder(upload_folder)
    try:
        upload = StoredUpload(**json.loads((folder / f"{token}.json").read_text(encoding="utf-8")))
        data = (folder / token).read_bytes()
    except (OSError, ValueError, TypeError):
        return None
    if upload.user_id != user_id or upload.token != token:
        return None
    return upload, data


def discard(upload_folder: str | Path, token: str) -> None:
    if _TOKEN.match(token or ""):
        folder = _folder(upload_folder)
        for path in (folder / token, folder / f"{token}.json"):
            path.unlink(missing_ok=True)


def _remove_old(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
