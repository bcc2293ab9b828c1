"""Built-in role names and how screens show them.

Names stay English in the database (FAB's config and our code refer to them);
screens show the translated label.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ADMIN = "Admin"
PUBLIC = "Public"

ROLE_LABELS = {
    ADMIN: _l("Administrator"),
    "Manager": _l("Service manager"),
    "Dispatcher": _l("Dispatcher"),
    "Engineer": _l("Service engineer"),
    "Vendor": _l("Service vendor"),
    "Customer": _l("Customer"),
    PUBLIC: _l("Public"),
}


def role_label(name: str) -> str:
    return str(ROLE_LABELS.get(name, name))
