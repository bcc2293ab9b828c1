"""The landing page after login: counts that matter to the user's roles, each a link.

A card counts exactly the rows its linked list shows: the same model, the same
scoping rule (``scope_clause``) and the same filter, passed to the list as FAB
URL filter arguments. Later issues add cards (open requests, breaches, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select, true

from app.extensions import db
from app.security.roles import ADMIN, CUSTOMER, DIRECTORY, ROLE_GRANTS, VENDOR
from app.security.scoping import current_scope, scope_clause
from models.organisations import Customer, Vendor
from models.users import UserAccount


def _role_member(role_name: str) -> Callable[[Any], tuple[ColumnElement[bool], dict[str, Any]]]:
    def build(sm) -> tuple[ColumnElement[bool], dict[str, Any]]:
        role = sm.find_role(role_name)
        role_id = role.id if role else -1
        return UserAccount.roles.any(id=role_id), {"_flt_0_roles": role_id}

    return build


def _active(model, flag: bool = True):
    # FAB's boolean filters: index 0 "equal", index 1 "not equal"; its URL value must be "y".
    return lambda sm: (model.active.is_(flag), {"_flt_0_active" if flag else "_flt_1_active": "y"})


def _everything(sm):
    return true(), {}


@dataclass(frozen=True)
class CountCard:
    label: Any
    model: type
    endpoint: str
    resource: str
    permission: str = "can_read"
    condition: Callable[[Any], tuple[ColumnElement[bool], dict[str, Any]]] = field(default=_everything)


ACTIVE_CUSTOMERS = CountCard(
    _l("Active customers"), Customer, "CustomerView.list", CUSTOMER, condition=_active(Customer)
)
ACTIVE_VENDORS = CountCard(_l("Active service vendors"), Vendor, "VendorView.list", VENDOR, condition=_active(Vendor))
ENGINEERS = CountCard(_l("Engineers"), UserAccount, "DirectoryView.list", DIRECTORY, condition=_role_member("Engineer"))
DISPATCHERS = CountCard(
    _l("Dispatchers"), UserAccount, "DirectoryView.list", DIRECTORY, condition=_role_member("Dispatcher")
)
ACCOUNTS = CountCard(
    _l("Active user accounts"), UserAccount, "UserAccountView.list", "UserAccountView", "can_list", _active(UserAccount)
)
DISABLED_ACCOUNTS = CountCard(
    _l("Disabled user accounts"),
    UserAccount,
    "UserAccountView.list",
    "UserAccountView",
    "can_list",
    _active(UserAccount, False),
)
COLLEAGUES = CountCard(
    _l("Active accounts of my organisation"),
    UserAccount,
    "DirectoryView.list",
    DIRECTORY,
    condition=_active(UserAccount),
)
DISABLED_COLLEAGUES = CountCard(
    _l("Disabled accounts of my organisation"),
    UserAccount,
    "DirectoryView.list",
    DIRECTORY,
    condition=_active(UserAccount, False),
)
MY_VENDOR = CountCard(_l("My service vendor"), Vendor, "VendorView.list", VENDOR)
MY_CUSTOMER = CountCard(_l("My company"), Customer, "CustomerView.list", CUSTOMER)

ROLE_CARDS: dict[str, tuple[CountCard, ...]] = {
    ADMIN: (ACCOUNTS, DISABLED_ACCOUNTS, ACTIVE_CUSTOMERS, ACTIVE_VENDORS),
    "Manager": (ACTIVE_CUSTOMERS, ACTIVE_VENDORS, ENGINEERS, DISPATCHERS),
    "Dispatcher": (ACTIVE_CUSTOMERS, ACTIVE_VENDORS, ENGINEERS),
    "Engineer": (ACTIVE_CUSTOMERS, ACTIVE_VENDORS, ENGINEERS),
    "Vendor": (MY_VENDOR, COLLEAGUES, DISABLED_COLLEAGUES),
    "Customer": (MY_CUSTOMER, COLLEAGUES, DISABLED_COLLEAGUES),
}
assert set(ROLE_CARDS) == {ADMIN, *ROLE_GRANTS}, "every built-in role needs landing cards"


@dataclass(frozen=True)
class ShownCard:
    label: str
    count: int
    url: str


def cards_for(user, sm) -> list[ShownCard]:
    """The cards of the user's roles that the user may open, counted in their scope."""
    wanted: list[CountCard] = []
    for role in user.roles:
        for card in ROLE_CARDS.get(role.name, ()):
            if card not in wanted and sm.has_access(card.permission, card.resource):
                wanted.append(card)
    scope = current_scope()
    shown = []
    for card in wanted:
        condition, url_args = card.condition(sm)
        stmt = select(func.count()).select_from(card.model).where(scope_clause(card.model, scope), condition)
        count = db.session.execute(stmt).scalar_one()
        shown.append(ShownCard(str(card.label), count, url_for(card.endpoint, **url_args)))
    return shown


class HomeView(IndexView):
    """Anonymous visitors go to the login page; users see their cards."""

    index_template = "servicedesk/home.html"

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(url_for(f"{self.appbuilder.sm.auth_view.endpoint}.login"))
        return self.render_template(self.index_template, cards=cards_for(user, self.appbuilder.sm))
