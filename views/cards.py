"""Landing-page cards: a number that opens the list it counts.

A card counts exactly the rows its list shows: the same model, the same scoping rule
(``scope_clause``) and the same rule. A card over a named list (``views.base.NamedList``) counts
with the list's own ``clause``; a card over a plain list passes its condition to the list as FAB
URL filter arguments. A card shows only to users who may open its list. Which role gets which
cards is views/workspaces.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import url_for
from flask_babel import format_decimal
from sqlalchemy import ColumnElement, func, select, true

from app.extensions import db
from app.security.scoping import Scope, scope_clause
from models.enums import WorkOrderStatus
from models.users import UserAccount

# (security manager) → (WHERE condition, URL arguments that make the list apply the same condition)
Condition = Callable[[Any], tuple[ColumnElement[bool], dict[str, Any]]]


def everything(sm) -> tuple[ColumnElement[bool], dict[str, Any]]:
    return true(), {}


def role_member(role_name: str) -> Condition:
    def build(sm) -> tuple[ColumnElement[bool], dict[str, Any]]:
        role = sm.find_role(role_name)
        role_id = role.id if role else -1
        return UserAccount.roles.any(id=role_id), {"_flt_0_roles": role_id}

    return build


def active(model, flag: bool = True) -> Condition:
    # FAB's boolean filters: index 0 "equal", index 1 "not equal"; its URL value must be "y".
    return lambda sm: (model.active.is_(flag), {"_flt_0_active" if flag else "_flt_1_active": "y"})


NOT_STATUS = "_flt_1_status"  # FAB's enum filters: index 1 "not equal"; repeated, every one applies


def work_order_statuses(rule: Callable[..., ColumnElement[bool]], kept: Iterable[WorkOrderStatus]) -> Condition:
    """``rule()`` on the plain work-order list, which shows it as "status is not …" for every status not kept."""
    others = sorted(status.name for status in WorkOrderStatus if status not in set(kept))
    return lambda sm: (rule(), {NOT_STATUS: others})


@dataclass(frozen=True)
class CountCard:
    label: Any
    model: type
    endpoint: str
    resource: str
    permission: str = "can_read"
    condition: Condition = field(default=everything)
    note: Any = None  # how the number is defined, shown under it
    minutes: Any = None  # a column of minutes: the card shows their sum in hours instead of counting rows


def listed(view, label: Any, *, note: Any = None, minutes: Any = None) -> CountCard:
    """A card over a named list: the list's model, permission and rule (its ``clause``), its page unfiltered."""
    return CountCard(
        label,
        view.datamodel.obj,
        f"{view.__name__}.list",
        view.class_permission_name,
        condition=lambda sm: (view.clause(), {}),
        note=note,
        minutes=minutes,
    )


@dataclass(frozen=True)
class ShownCard:
    label: str
    value: str  # the number as the locale writes it
    url: str
    note: str | None = None


def hours(minutes: int) -> str:
    """Minutes as hours with one decimal, as the locale writes them ("7.5")."""
    return format_decimal((Decimal(minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP), format="#,##0.0")


def shown(cards: Iterable[CountCard], sm, scope: Scope) -> list[ShownCard]:
    """Each card counted in ``scope`` (one statement per card), with the link to its list."""
    result = []
    for card in cards:
        condition, url_args = card.condition(sm)
        measure = func.count() if card.minutes is None else func.coalesce(func.sum(card.minutes), 0)
        stmt = select(measure).select_from(card.model).where(scope_clause(card.model, scope), condition)
        number = db.session.execute(stmt).scalar_one()
        value = format_decimal(number) if card.minutes is None else hours(number)
        note = str(card.note) if card.note is not None else None
        result.append(ShownCard(str(card.label), value, url_for(card.endpoint, **url_args), note))
    return result
