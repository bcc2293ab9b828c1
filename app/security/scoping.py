"""Row scoping: vendors and customers see only their own organisation's rows.

One rule, declared once. A model opts in with ``__scope__``, mapping an
organisation kind to the column that holds it, e.g. ``{"vendor": "vendor_id"}``.
Staff (any role but Vendor and Customer) see everything; a vendor sees rows whose
vendor column is its vendor; a customer likewise; a row kind with no column for the
user's organisation is invisible to that user. Views use ``ScopeFilter`` in
``base_filters``; counts, reports and tasks call ``scope_query``/``scope_clause``
with an explicit ``Scope``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from flask import g
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import ColumnElement, Select, false, true

VENDOR_ROLE = "Vendor"
CUSTOMER_ROLE = "Customer"

ScopeKind = Literal["staff", "vendor", "customer", "nobody"]


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    organisation_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"


STAFF = Scope("staff")
NOBODY = Scope("nobody")


def scope_of(user: Any) -> Scope:
    """The scope of a user: staff, one vendor, one customer, or nothing at all."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOBODY
    role_names = {role.name for role in user.roles}
    outside = role_names & {VENDOR_ROLE, CUSTOMER_ROLE}
    if not outside:
        return STAFF if role_names else NOBODY
    if VENDOR_ROLE in outside and getattr(user, "vendor_id", None):
        return Scope("vendor", user.vendor_id)
    if CUSTOMER_ROLE in outside and getattr(user, "customer_id", None):
        return Scope("customer", user.customer_id)
    return NOBODY


def is_scoped_model(model: type) -> bool:
    return bool(getattr(model, "__scope__", None))


def scope_clause(model: type, scope: Scope) -> ColumnElement[bool]:
    """A WHERE clause restricting ``model`` to what ``scope`` may see."""
    if scope.is_staff:
        return true()
    if scope.kind == "nobody":
        return false()
    column_name = getattr(model, "__scope__", {}).get(scope.kind)
    if column_name is None:
        return false()
    return getattr(model, column_name) == scope.organisation_id


def scope_query(stmt: Select, model: type, scope: Scope) -> Select:
    return stmt.where(scope_clause(model, scope))


def current_scope() -> Scope:
    return scope_of(getattr(g, "user", None))


class ScopeFilter(BaseFilter):
    """FAB filter applying ``scope_clause`` for the logged-in user; staff queries stay unchanged."""

    name = "Scope"

    def apply(self, query, value):
        scope = current_scope()
        if scope.is_staff:
            return query
        return query.filter(scope_clause(self.model, scope))


def scoped_base_filters() -> list[list[Any]]:
    """The ``base_filters`` entry every view over a scoped model declares."""
    return [["id", ScopeFilter, None]]
