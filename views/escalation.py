"""Escalation (升级): the rules admins configure, and the fired escalations staff acknowledge.

A rule (``EscalationRule``) says what it watches (a request's response or resolution, a vendor work
order's OLA), when it fires (a share of the target elapsed, or minutes before / after the due time),
for which records (priorities, customer tiers, SLAs, categories; empty lists do not restrict), what
it does (notify, reassign, raise the priority) and how often it repeats until acknowledged. The
rule's own checks are ``app.domain.escalation.check_rule_row``; the screens add what only a form
can get wrong (unknown codes, outside accounts as recipients). Firing is the sweep's job
(``app.domain.escalation``); here staff see the events (``EscalationEvent``, scoped like requests)
and acknowledge them, which stops the level's repeats for that record.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2ManyWidget, Select2Widget
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.models import Role
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import SelectMultipleField
from wtforms.validators import Optional

from app.display import BLANK_CHOICE, joined_names, refusal
from app.domain.errors import ValidationError
from app.domain.escalation import EscalationRefused, acknowledge, check_rule_row
from app.extensions import db
from app.form_fields import ActiveOrCurrent
from app.notifications import show_url
from app.security.permissions import WRITE
from app.security.role_names import ADMIN, role_label
from app.security.roles import ESCALATION, ESCALATION_RULE
from app.security.scoping import CUSTOMER_ROLE, VENDOR_ROLE
from models.base import utcnow
from models.enums import EscalationTrigger, Priority, ServiceTier
from models.escalation import EscalationEvent, EscalationRule
from models.service_requests import ServiceRequest
from models.users import UserAccount
from models.work_orders import WorkOrder
from views.base import AppModelApi, AppModelView
from views.interfaces import LabelledInterface
from views.service_requests import NOT_ALLOWED
from views.support import HasRole

STAFF_ROLES = (ADMIN, "Manager", "Dispatcher", "Engineer")  # roles a rule may notify
OUTSIDE_ROLES = (VENDOR_ROLE, CUSTOMER_ROLE)
ENGINEER = "Engineer"


# ---------------------------------------------------------------------------------------------
# Rules in words
# ---------------------------------------------------------------------------------------------


def when_text(rule: EscalationRule) -> str:
    """The trigger and its value as a sentence: "80% of the target elapsed", "30 min before the due time"."""
    value = rule.trigger_value
    if rule.trigger is EscalationTrigger.PERCENT_ELAPSED:
        return _("%(value)s%% of the target elapsed", value=value)
    if rule.trigger is EscalationTrigger.BEFORE_DUE:
        return _("%(minutes)s min before the due time", minutes=value)
    if rule.trigger is EscalationTrigger.AFTER_DUE:
        return _("%(minutes)s min after the due time", minutes=value)
    return ""


def repeats_text(rule: EscalationRule) -> str:
    """ "every 30 min, at most 3 times" until acknowledged; or "no repeats"."""
    if not rule.repeat_minutes or not rule.max_repeats:
        return _("no repeats")
    return ngettext(
        "every %(minutes)s min, at most %(num)d time",
        "every %(minutes)s min, at most %(num)d times",
        rule.max_repeats,
        minutes=rule.repeat_minutes,
    )


def priority_labels(names) -> str:
    return _(", ").join(str(Priority[n].label) if n in Priority.__members__ else str(n) for n in names or ())


def tier_labels(names) -> str:
    return _(", ").join(str(ServiceTier[n].label) if n in ServiceTier.__members__ else str(n) for n in names or ())


def user_names(users) -> str:
    return _(", ").join(user.get_full_name() for user in users or ())


def user_name(user) -> str:
    return user.get_full_name() if user is not None else ""


def role_name(role) -> str:
    return role_label(role.name) if role is not None else ""


def scope_text(rule: EscalationRule) -> str:
    parts = []
    for label, value in (
        (LABELS["priorities"], priority_labels(rule.priorities)),
        (LABELS["tiers"], tier_labels(rule.tiers)),
        (LABELS["slas"], joined_names(rule.slas)),
        (LABELS["categories"], joined_names(rule.categories)),
    ):
        if value:
            parts.append(_("%(label)s: %(value)s", label=label, value=value))
    if not parts:
        return _("every priority, customer tier, SLA and service category")
    return _("; ").join(parts)


def actions_text(rule: EscalationRule) -> str:
    actions = []
    if rule.notify_assignee:
        actions.append(_("notify the assignee"))
    if rule.notify_group_lead:
        actions.append(_("notify the group lead"))
    if rule.notify_account_manager:
        actions.append(_("notify the customer's account manager"))
    if rule.notify_role is not None:
        actions.append(_("notify everyone with the role %(role)s", role=role_name(rule.notify_role)))
    if rule.notify_users:
        actions.append(_("notify %(names)s", names=user_names(rule.notify_users)))
    if rule.reassign_group is not None:
        actions.append(_("reassign to the support group %(name)s", name=rule.reassign_group))
    if rule.reassign_user is not None:
        actions.append(_("reassign to the engineer %(name)s", name=user_name(rule.reassign_user)))
    if rule.reassign_vendor is not None:
        actions.append(_("reassign to the vendor %(name)s", name=rule.reassign_vendor))
    if rule.raise_priority:
        actions.append(_("raise the priority one step"))
    return _(", ").join(actions) if actions else _("nothing")


def rule_summary(rule: EscalationRule) -> str:
    """The whole rule in one paragraph: scope → when → actions → repeats."""
    target = rule.target.label if rule.target is not None else ""
    sentences = [
        _("Level %(level)s, watching: %(target)s.", level=rule.level, target=target),
        _("Applies to %(scope)s.", scope=scope_text(rule)),
        _("Fires at %(when)s.", when=when_text(rule)),
        _("Then: %(actions)s.", actions=actions_text(rule)),
        _("Repeats until acknowledged: %(repeats)s.", repeats=repeats_text(rule)),
    ]
    if not rule.active:
        sentences.append(_("The rule is inactive and fires nothing."))
    return " ".join(sentences)


def chain_help() -> list[tuple[str, str]]:
    """How the two usual escalation chains are built from rules (the list page's help)."""
    return [
        (
            _("Functional chain: L1 → L2 → L3 → vendor"),
            _(
                "One rule per level, each watching the same target: the level 1 rule reassigns to the "
                "second-line support group, level 2 to the third-line group, level 3 to a vendor. Give later "
                "levels later triggers (e.g. 50, 80 and 100 percent of the target elapsed)."
            ),
        ),
        (
            _("Hierarchical chain: assignee → group lead → Manager role → a named person"),
            _(
                "Rules at levels 1 to 4 that only notify: level 1 the assignee, level 2 the group lead, "
                "level 3 the Manager role, level 4 a named person (Notify users). Each level repeats until "
                "someone acknowledges it; acknowledging stops that level's repeats for that record only."
            ),
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Rules: checks the screen and the API share
# ---------------------------------------------------------------------------------------------


def _roles_of(user: UserAccount) -> set[str]:
    return {role.name for role in user.roles}


def _apply_defaults(rule: EscalationRule) -> None:
    """Column defaults apply only at insert; the checks must see them now (an API post may omit fields)."""
    for name, default in (
        ("notify_assignee", True),
        ("notify_group_lead", False),
        ("notify_account_manager", False),
        ("raise_priority", False),
        ("active", True),
        ("level", 1),
        ("max_repeats", 0),
    ):
        if getattr(rule, name) is None:
            setattr(rule, name, default)


def _as_list(names) -> list:
    """A scope list as stored (JSON): an API client may send one code instead of a list."""
    if names is None:
        return []
    return list(names) if isinstance(names, (list, tuple)) else [names]


def _unknown(names, enum_class) -> str:
    return ", ".join(str(name) for name in _as_list(names) if name not in enum_class.__members__)


def _in_member_order(names, enum_class) -> list[str]:
    return [name for name in enum_class.__members__ if name in _as_list(names)]


def check_escalation_rule(session: Session, rule: EscalationRule) -> None:
    """Refuse a rule that cannot work, saying why in the user's language; also normalise its scope lists."""
    with session.no_autoflush:
        rule.name = (rule.name or "").strip()
        if not rule.name:
            raise ValidationError(_("Enter the rule's name."))
        taken = session.scalar(
            select(EscalationRule.id).where(EscalationRule.name == rule.name, EscalationRule.id != (rule.id or 0))
        )
        if taken is not None:
            raise ValidationError(_("An escalation rule named %(name)s already exists.", name=rule.name))
        _apply_defaults(rule)
        unknown = _unknown(rule.priorities, Priority)
        if unknown:
            raise ValidationError(_("Unknown priority: %(codes)s.", codes=unknown))
        unknown = _unknown(rule.tiers, ServiceTier)
        if unknown:
            raise ValidationError(_("Unknown customer tier: %(codes)s.", codes=unknown))
        rule.priorities = _in_member_order(rule.priorities, Priority)
        rule.tiers = _in_member_order(rule.tiers, ServiceTier)
        outsiders = [
            user
            for user in [*(rule.notify_users or []), rule.reassign_user]
            if user is not None and _roles_of(user) & set(OUTSIDE_ROLES)
        ]
        if outsiders:
            raise ValidationError(
                _(
                    "Escalations go to staff only: %(names)s is a vendor's or customer's account.",
                    names=user_names(outsiders),
                )
            )
        if rule.notify_role is not None and rule.notify_role.name not in STAFF_ROLES:
            raise ValidationError(
                _("Notify a staff role: %(roles)s.", roles=_(", ").join(role_label(name) for name in STAFF_ROLES))
            )
        try:
            check_rule_row(rule)
        except EscalationRefused as error:
            raise ValidationError(refusal(error)) from None


# ---------------------------------------------------------------------------------------------
# Rules: screen
# ---------------------------------------------------------------------------------------------

LABELS = {
    "name": _l("Name"),
    "description": _l("Description"),
    "target": _l("Watches"),
    "trigger": _l("Fires at"),
    "trigger_value": _l("Trigger value"),
    "when": _l("Fires when"),
    "level": _l("Level"),
    "priorities": _l("Priorities"),
    "tiers": _l("Customer tiers"),
    "slas": _l("SLAs and OLAs"),
    "categories": _l("Service categories"),
    "notify_assignee": _l("Notify the assignee"),
    "notify_group_lead": _l("Notify the group lead"),
    "notify_account_manager": _l("Notify the account manager"),
    "notify_role": _l("Notify a role"),
    "notify_users": _l("Notify users"),
    "reassign_group": _l("Reassign to support group"),
    "reassign_user": _l("Reassign to engineer"),
    "reassign_vendor": _l("Reassign to vendor"),
    "raise_priority": _l("Raise the priority"),
    "repeat_minutes": _l("Repeat every (minutes)"),
    "max_repeats": _l("Repeat at most (times)"),
    "repeats": _l("Repeats"),
    "summary": _l("The rule in words"),
    "active": _l("Active"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}

DESCRIPTIONS = {
    "name": _l("Unique, e.g. 二线升级：解决时限80%"),
    "target": _l("The clock the rule watches: a request's response or resolution, or a vendor work order's OLA"),
    "trigger": _l("A share of the target's working time, or minutes before or after the due time"),
    "trigger_value": _l("Percent for a share (1–1000; 100 = at the due time), otherwise minutes"),
    "level": _l("1–9; acknowledging stops the repeats of one level for one record"),
    "priorities": _l("Empty: every priority"),
    "tiers": _l("Empty: every customer tier"),
    "slas": _l("Empty: every SLA (active SLAs are offered)"),
    "categories": _l("Empty: every category; a category includes its subcategories"),
    "notify_assignee": _l("The engineer or vendor the record is assigned to"),
    "notify_group_lead": _l("The lead of the record's support group"),
    "notify_account_manager": _l("The account manager of the request's customer"),
    "notify_role": _l("Everyone holding this staff role"),
    "notify_users": _l("Named staff members (active staff accounts are offered)"),
    "reassign_group": _l("Requests only; choose at most one of group, engineer and vendor"),
    "reassign_user": _l("At most one of group, engineer and vendor"),
    "reassign_vendor": _l("At most one of group, engineer and vendor"),
    "raise_priority": _l("Requests only: one step up, P4 → P3 → P2 → P1"),
    "repeat_minutes": _l("Empty: no repeats"),
    "max_repeats": _l("0: fire once; otherwise repeats after the first notice until acknowledged"),
    "active": _l("Inactive rules fire nothing; deactivate a rule instead of deleting it"),
}


class StaffUsers(BaseFilter):
    """Accounts of staff: not a vendor's or customer's."""

    name = "Staff users"

    def apply(self, query, value):
        return query.filter(~self.model.roles.any(Role.name.in_(OUTSIDE_ROLES)))


def staff_roles() -> list[Role]:
    roles = {role.name: role for role in db.session.scalars(select(Role).where(Role.name.in_(STAFF_ROLES)))}
    return [roles[name] for name in STAFF_ROLES if name in roles]


RULE_FORM_FIELDS = {
    "priorities": SelectMultipleField(
        LABELS["priorities"],
        choices=[(member.name, member.label) for member in Priority],
        widget=Select2ManyWidget(),
        description=DESCRIPTIONS["priorities"],
    ),
    "tiers": SelectMultipleField(
        LABELS["tiers"],
        choices=[(member.name, member.label) for member in ServiceTier],
        widget=Select2ManyWidget(),
        description=DESCRIPTIONS["tiers"],
    ),
    "notify_role": QuerySelectField(
        LABELS["notify_role"],
        query_func=staff_roles,
        get_pk_func=lambda role: role.id,
        get_label=role_name,
        allow_blank=True,
        blank_text=BLANK_CHOICE,
        validators=[Optional()],
        widget=Select2Widget(),
        description=DESCRIPTIONS["notify_role"],
    ),
}

RULE_FIELDSETS = [
    (_l("Rule"), {"fields": ["name", "target", "level", "active", "description"]}),
    (_l("Fires when"), {"fields": ["trigger", "trigger_value"]}),
    (_l("Scope"), {"fields": ["priorities", "tiers", "slas", "categories"]}),
    (
        _l("Notify"),
        {"fields": ["notify_assignee", "notify_group_lead", "notify_account_manager", "notify_role", "notify_users"]},
    ),
    (_l("Reassign and raise"), {"fields": ["reassign_group", "reassign_user", "reassign_vendor", "raise_priority"]}),
    (_l("Repeats"), {"fields": ["repeat_minutes", "max_repeats"]}),
]

STAFF_USER_FILTERS = {
    "notify_users": [["id", ActiveOrCurrent, (EscalationRule, "notify_users")], ["id", StaffUsers, None]],
    "reassign_user": [["id", ActiveOrCurrent, (EscalationRule, "reassign_user")], ["id", HasRole, (ENGINEER,)]],
}


class RuleInterface(LabelledInterface):
    """Adds the rule's sentences as columns: when, repeats, summary."""

    def _get_attr_value(self, item, col):
        if isinstance(item, EscalationRule):
            if col == "when":
                return when_text(item)
            if col == "repeats":
                return repeats_text(item)
            if col == "summary":
                return rule_summary(item)
        return super()._get_attr_value(item, col)


class EscalationRuleView(AppModelView):
    route_base = "/escalation-rules"
    datamodel = RuleInterface(EscalationRule)
    class_permission_name = ESCALATION_RULE
    noun = _l("Escalation rule")
    label_columns = LABELS
    description_columns = DESCRIPTIONS
    list_columns = ["name", "target", "when", "level", "repeats", "active"]
    order_columns = ["name", "target", "level", "active"]
    search_columns = ["name", "target", "level", "active"]
    add_fieldsets = edit_fieldsets = RULE_FIELDSETS
    add_columns = edit_columns = [field for _title, fieldset in RULE_FIELDSETS for field in fieldset["fields"]]
    show_fieldsets = [
        (_l("The rule in words"), {"fields": ["summary"]}),
        *RULE_FIELDSETS,
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]
    formatters_columns = {
        "priorities": priority_labels,
        "tiers": tier_labels,
        "slas": joined_names,
        "categories": joined_names,
        "notify_users": user_names,
        "notify_role": role_name,
        "reassign_user": user_name,
        "reassign_group": lambda value: "" if value is None else str(value),
        "reassign_vendor": lambda value: "" if value is None else str(value),
        "description": lambda value: value or "",
    }
    add_form_extra_fields = edit_form_extra_fields = RULE_FORM_FIELDS
    add_form_query_rel_fields = edit_form_query_rel_fields = STAFF_USER_FILTERS
    list_template = "service/escalation_rule_list.html"
    base_order = ("level", "asc")

    save_rule = check_escalation_rule

    def _export_value(self, item, column: str):
        if column in ("when", "repeats"):
            return self.datamodel._get_attr_value(item, column)
        return super()._export_value(item, column)

    def render_template(self, template, **kwargs):
        kwargs.setdefault("chain_help", chain_help())
        return super().render_template(template, **kwargs)


class EscalationRuleApi(AppModelApi):
    resource_name = "escalationrule"
    datamodel = SQLAInterface(EscalationRule)
    class_permission_name = ESCALATION_RULE
    label_columns = LABELS
    description_columns = DESCRIPTIONS
    base_order = ("level", "asc")
    list_columns = [
        "id",
        "name",
        "target",
        "trigger",
        "trigger_value",
        "level",
        "repeat_minutes",
        "max_repeats",
        "active",
    ]
    show_columns = [  # related rows by chosen fields: a whole user account would include its password hash
        *list_columns,
        "description",
        "priorities",
        "tiers",
        "slas.id",
        "slas.name",
        "categories.id",
        "categories.name",
        "notify_assignee",
        "notify_group_lead",
        "notify_account_manager",
        "notify_role.id",
        "notify_role.name",
        "notify_users.id",
        "notify_users.username",
        "reassign_group.id",
        "reassign_group.name",
        "reassign_user.id",
        "reassign_user.username",
        "reassign_vendor.id",
        "reassign_vendor.name",
        "raise_priority",
        "created_at",
        "updated_at",
    ]
    add_columns = edit_columns = EscalationRuleView.add_columns
    search_columns = ["name", "target", "trigger", "level", "active"]
    order_columns = ["name", "target", "level"]
    add_query_rel_fields = edit_query_rel_fields = STAFF_USER_FILTERS

    save_rule = check_escalation_rule


# ---------------------------------------------------------------------------------------------
# Escalations (fired events)
# ---------------------------------------------------------------------------------------------


class Unacknowledged(BaseFilter):
    """Events nobody has acknowledged yet (the value is ignored)."""

    name = _l("Not acknowledged")
    arg_name = "unack"

    def apply(self, query, value):
        return query.filter(self.model.acknowledged_at.is_(None))


class EventFilterConverter(SQLAFilterConverter):
    """``acknowledged_at`` is searched by "not acknowledged" first (``_flt_0_acknowledged_at``)."""

    def convert(self, col_name):
        filters = super().convert(col_name) or []
        if col_name == "acknowledged_at":
            return [Unacknowledged(col_name, self.datamodel), *filters]
        return filters


def late_badge(late) -> Markup | str:
    return Markup('<span class="label label-warning sd-late">{}</span>').format(_("Late")) if late else ""


def _numbers(model, ids) -> dict[int, str]:
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.number).where(model.id.in_(ids))).all())


def _link(model, pk: int | None, number: str | None) -> Markup | str:
    if pk is None or number is None:
        return ""
    url = show_url(model, pk, external=False)
    return Markup('<a href="{}">{}</a>').format(url, number) if url else number


def safe_next(target: str | None) -> str | None:
    """A path on this site to go back to; anything absolute or protocol-relative is ignored."""
    if not target or "\\" in target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def acknowledge_button(event: EscalationEvent, next_url: str | None = None) -> Markup | str:
    """A small POST form acknowledging ``event`` (for users who may), or nothing once acknowledged."""
    if event.acknowledged_at is not None:
        return ""
    if not current_app.appbuilder.sm.has_access("can_write", ESCALATION):
        return ""
    return Markup(
        '<form method="post" action="{}" style="display:inline" class="sd-acknowledge">'
        '<input type="hidden" name="csrf_token" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="btn btn-xs btn-primary"><i class="fa fa-check"></i> {}</button></form>'
    ).format(
        url_for("EscalationEventView.acknowledge", event_id=event.id),
        generate_csrf(),
        next_url or request.full_path.rstrip("?"),
        _("Acknowledge"),
    )


class EventInterface(LabelledInterface):
    """Events with their request / work order numbers as links (one query per page for each)."""

    filter_converter_class = EventFilterConverter

    def _attach_numbers(self, items) -> None:
        requests = _numbers(ServiceRequest, (item.request_id for item in items))
        work_orders = _numbers(WorkOrder, (item.work_order_id for item in items))
        for item in items:
            item.sd_request_number = requests.get(item.request_id)
            item.sd_work_order_number = work_orders.get(item.work_order_id)

    def get_values(self, lst, list_columns):
        items = list(lst)
        self._attach_numbers(items)
        return super().get_values(items, list_columns)

    def get_values_item(self, item, show_columns):
        self._attach_numbers([item])
        return super().get_values_item(item, show_columns)

    def _get_attr_value(self, item, col):
        if isinstance(item, EscalationEvent):
            if col in ("request", "work_order") and not hasattr(item, "sd_request_number"):
                self._attach_numbers([item])
            if col == "request":
                return _link(ServiceRequest, item.request_id, item.sd_request_number)
            if col == "work_order":
                return _link(WorkOrder, item.work_order_id, item.sd_work_order_number)
            if col == "acknowledge":
                return acknowledge_button(item)
        return super()._get_attr_value(item, col)


EVENT_LABELS = {
    "fired_at": _l("Fired at"),
    "due_at": _l("Due at"),
    "request": _l("Request"),
    "work_order": _l("Work order"),
    "rule": _l("Rule"),
    "target": _l("Watches"),
    "level": _l("Level"),
    "repeat": _l("Repeat"),
    "late": _l("Late"),
    "actions": _l("What was done"),
    "acknowledged_at": _l("Acknowledged at"),
    "acknowledged_by": _l("Acknowledged by"),
    "acknowledge": _l("Acknowledge"),
}


def _actions_text(actions) -> str:
    """What the sweep did (``EscalationEvent.actions``): who was notified, the new priority, the new assignee."""
    actions = dict(actions or {})
    parts = []
    notified = actions.pop("notified", None)
    if notified:
        users = db.session.scalars(select(UserAccount).where(UserAccount.id.in_(notified)).order_by(UserAccount.id))
        parts.append(_("Notified: %(names)s", names=user_names(users)))
    elif notified is not None:
        parts.append(_("Nobody to notify"))
    priority = actions.pop("priority", None)
    if priority:
        label = Priority[priority].label if priority in Priority.__members__ else priority
        parts.append(_("Priority raised to %(priority)s", priority=label))
    reassigned = actions.pop("reassigned", None)
    if reassigned:
        parts.append(_("Reassigned to %(name)s", name=reassigned))
    parts.extend(f"{key}: {value}" for key, value in actions.items())  # keys a later sweep may add
    return _("; ").join(parts)


def _rule_link(rule) -> Markup | str:
    if rule is None:
        return ""
    return Markup('<a href="{}">{}</a>').format(url_for("EscalationRuleView.show", pk=rule.id), rule.name)


class EscalationEventView(AppModelView):
    """Fired escalations, newest first; staff acknowledge them here or on the request page."""

    route_base = "/escalations"
    datamodel = EventInterface(EscalationEvent)
    class_permission_name = ESCALATION
    noun = _l("Escalation")
    base_permissions = ["can_read", "can_write"]
    method_permission_name = {  # events are written by the sweep only; staff acknowledge them
        **AppModelView.method_permission_name,
        **dict.fromkeys(("add", "edit", "delete", "api_create", "api_update", "api_delete"), NOT_ALLOWED),
        **dict.fromkeys(("action", "action_post", "api_column_add", "api_column_edit"), NOT_ALLOWED),
        "acknowledge": WRITE,
    }
    label_columns = EVENT_LABELS
    list_columns = [
        "fired_at",
        "request",
        "work_order",
        "rule",
        "target",
        "level",
        "repeat",
        "late",
        "acknowledged_at",
        "acknowledged_by",
        "acknowledge",
    ]
    export_columns = list_columns[:-1]
    order_columns = ["fired_at", "level", "repeat", "late", "acknowledged_at"]
    search_columns = ["acknowledged_at", "level", "late", "rule", "target", "fired_at"]
    show_columns = [
        "fired_at",
        "due_at",
        "request",
        "work_order",
        "rule",
        "target",
        "level",
        "repeat",
        "late",
        "actions",
        "acknowledged_at",
        "acknowledged_by",
        "acknowledge",
    ]
    formatters_columns = {
        "late": late_badge,
        "acknowledged_by": user_name,
        "rule": _rule_link,
        "actions": _actions_text,
    }
    list_template = "desk/escalation_list.html"
    base_order = ("fired_at", "desc")

    def _export_value(self, item, column: str):
        if column in ("request", "work_order"):
            self.datamodel._attach_numbers([item])
            return item.sd_request_number if column == "request" else item.sd_work_order_number or ""
        if column == "rule":
            return item.rule.name if item.rule is not None else ""
        if column == "acknowledged_by":
            return user_name(item.acknowledged_by)
        if column == "late":
            return _("Late") if item.late else ""
        return super()._export_value(item, column)

    @expose("/acknowledge/<int:event_id>", methods=["POST"])
    @has_access
    def acknowledge(self, event_id: int):
        """Acknowledge an event in the user's scope: that level's events for the record stop repeating."""
        event = self.datamodel.get(event_id, self._base_filters)
        if event is None:
            abort(404)
        count = acknowledge(db.session, event, actor=g.user, now=utcnow())
        db.session.commit()
        if count:
            flash(_("Escalation acknowledged: its repeats stop."), "info")
        else:
            flash(_("This escalation was already acknowledged."), "info")
        return redirect(safe_next(request.form.get("next")) or url_for("EscalationEventView.list"))


class EscalationEventApi(AppModelApi):
    """Fired escalations, read only; scoped like the screen."""

    resource_name = "escalationevent"
    datamodel = EventInterface(EscalationEvent)  # filters: {"col": "acknowledged_at", "opr": "unack"}
    class_permission_name = ESCALATION
    include_route_methods = {"get", "get_list"}
    base_order = ("fired_at", "desc")
    list_columns = show_columns = [
        "id",
        "rule.id",
        "rule.name",
        "subject_key",
        "request_id",
        "work_order_id",
        "customer_id",
        "vendor_id",
        "target",
        "level",
        "repeat",
        "due_at",
        "fired_at",
        "late",
        "actions",
        "acknowledged_at",
        "acknowledged_by.id",
        "acknowledged_by.username",
    ]
    search_columns = ["request_id", "work_order_id", "level", "late", "target", "acknowledged_at", "fired_at"]
    order_columns = ["fired_at", "level"]


def register(appbuilder) -> None:
    from views import SERVICE_DESK, SERVICE_SETTINGS, add_to_menu

    add_to_menu(appbuilder, EscalationRuleView, "Escalation rules", _l("Escalation rules"), "fa-level-up",
                SERVICE_SETTINGS)  # fmt: skip
    add_to_menu(appbuilder, EscalationEventView, "Escalations", _l("Escalations"), "fa-bell-o", SERVICE_DESK)
    for api in (EscalationRuleApi, EscalationEventApi):
        appbuilder.add_api(api)
