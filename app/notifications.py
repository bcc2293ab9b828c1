"""The words and links of notifications: a notice worded for its reader, and links to records.

Notices and mail are recorded by the domain (``app.domain.notices``, ``app.domain.outbox``) as
msgids and parameters; here they become text in the current locale, and records become links —
relative on pages, absolute (from ``PUBLIC_BASE_URL``) in mail and jobs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext

from models.notifications import Notification


def notification_text(notification: Notification) -> str:
    """The stored msgid in the current locale; a missing parameter never breaks the page."""
    try:
        return gettext(notification.message, **(notification.params or {}))
    except (KeyError, ValueError, TypeError):
        return gettext(notification.message)


# ---------------------------------------------------------------- links


def absolute_url(endpoint: str, **values: Any) -> str:
    """A full link from PUBLIC_BASE_URL: the same in a web request, a job or a mail."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def record_url(record: Any, *, external: bool = True) -> str | None:
    """The show page of a record (a request, a work order …): absolute for mail, else relative."""
    return show_url(type(record), record.id, external=external)


def show_url(model: type, pk: int, *, external: bool = True) -> str | None:
    """The show page of ``model`` row ``pk``, found from the registered views (None if none).

    Looked up rather than hard-coded, so mail and notifications follow whichever
    ModelView shows that model (preferring one named ``<Model>View``).
    """
    endpoint = _show_endpoint(model)
    if endpoint is None:
        return None
    if external:
        return absolute_url(endpoint, pk=pk)
    from flask import url_for

    return url_for(endpoint, pk=pk)


def _show_endpoint(model: type) -> str | None:
    from flask_appbuilder import ModelView

    cache = current_app.extensions.setdefault("show_endpoints", {})
    if model not in cache:
        views = [
            view
            for view in current_app.appbuilder.baseviews
            if isinstance(view, ModelView) and getattr(view.datamodel, "obj", None) is model
        ]
        views.sort(key=lambda view: type(view).__name__ != f"{model.__name__}View")
        cache[model] = f"{views[0].endpoint}.show" if views else None
    return cache[model]
