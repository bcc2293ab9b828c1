"""Who does the work: support groups (支持组, L1/L2/L3) and engineer profiles (服务工程师档案).

Only engineers and dispatchers join a group; an engineer has at most one profile.
The dropdowns offer only such users, and the same rules are checked on save, so
the API (which takes ids without a dropdown) cannot bypass them.
"""

from __future__ import annotations

from decimal import Decimal

from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.models import Role
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from wtforms.validators import DataRequired

from app.display import blank_if_none, enum_labeller, joined_names
from app.domain.errors import ValidationError
from app.form_fields import ActiveOrCurrent, LabelledEnumField
from app.security.roles import SUPPORT
from models.enums import SLAKind, SupportTier
from models.support import EngineerProfile, SupportGroup, support_group_member
from models.users import UserAccount
from views.base import AppModelApi, AppModelView
from views.directory import DirectoryView
from views.interfaces import LeanInterface

ENGINEER = "Engineer"
MEMBER_ROLES = (ENGINEER, "Dispatcher")  # who may join a support group
LEAD_ROLES = (ENGINEER, "Dispatcher", "Manager")  # who may lead one
CURRENCY = "CNY"


def money(value) -> str:
    """An amount in yuan as the user's locale writes it: ¥180.00 (zh), CN¥180.00 (en)."""
    return "" if value is None else format_currency(value, CURRENCY)


# ---------------------------------------------------------------------------------------------
# Choices
# ---------------------------------------------------------------------------------------------


class HasRole(BaseFilter):
    """Users holding one of the roles named in ``value``."""

    name = "Has role"

    def apply(self, query, value):
        return query.filter(self.model.roles.any(Role.name.in_(value)))


class WithoutEngineerProfile(BaseFilter):
    """Users who have no engineer profile yet."""

    name = "Without engineer profile"

    def apply(self, query, value):
        return query.filter(~exists().where(EngineerProfile.user_id == self.model.id))


class MemberOfGroup(BaseFilter):
    """Users who are members of the support group whose id is ``value``."""

    name = "Member of group"

    def apply(self, query, value):
        members = select(support_group_member.c.user_id).where(support_group_member.c.support_group_id == value)
        return query.filter(self.model.id.in_(members))


def _roles_of(user: UserAccount) -> set[str]:
    return {role.name for role in user.roles}


# ---------------------------------------------------------------------------------------------
# Rules. Nothing is flushed while checking: a half-edited record never reaches the database.
# ---------------------------------------------------------------------------------------------


def check_support_group(session: Session, group: SupportGroup) -> None:
    with session.no_autoflush:
        group.name = (group.name or "").strip()
        taken = session.scalar(
            select(SupportGroup.id).where(SupportGroup.name == group.name, SupportGroup.id != (group.id or 0))
        )
        if taken is not None:
            raise ValidationError(_("A support group named %(name)s already exists.", name=group.name))
        outsiders = [user for user in group.members if not _roles_of(user) & set(MEMBER_ROLES)]
        if outsiders:
            raise ValidationError(
                _(
                    "Only engineers and dispatchers can be members of a support group: %(names)s cannot.",
                    names=joined_names(outsiders),
                )
            )
        if group.ola is not None and group.ola.kind is not SLAKind.INTERNAL:
            raise ValidationError(
                _("%(sla)s is an SLA for customers; a group's service level must be an OLA.", sla=group.ola)
            )
        if group.lead is not None and not _roles_of(group.lead) & set(LEAD_ROLES):
            raise ValidationError(
                _(
                    "%(name)s cannot lead a support group: the lead must be an engineer, a dispatcher or a manager.",
                    name=group.lead,
                )
            )


def check_engineer_profile(session: Session, profile: EngineerProfile) -> None:
    with session.no_autoflush:
        user = profile.user
        if user is None:
            raise ValidationError(_("Choose the engineer this profile belongs to."))
        if ENGINEER not in _roles_of(user):
            raise ValidationError(
                _("%(name)s is not a service engineer; only engineers have an engineer profile.", name=user)
            )
        other = session.scalar(
            select(EngineerProfile.id).where(
                EngineerProfile.user_id == user.id, EngineerProfile.id != (profile.id or 0)
            )
        )
        if other is not None:
            raise ValidationError(_("%(name)s already has an engineer profile; edit that one instead.", name=user))
        if profile.hourly_cost is None:
            profile.hourly_cost = Decimal("0")
        if profile.hourly_cost < 0:
            raise ValidationError(_("The hourly cost cannot be negative."))


# ---------------------------------------------------------------------------------------------
# Screens
# ---------------------------------------------------------------------------------------------

LABELS = {
    "name": _l("Name"),
    "tier": _l("Tier"),
    "lead": _l("Group lead"),
    "ola": _l("OLA"),
    "members": _l("Members"),
    "regions": _l("Regions"),
    "skills": _l("Skills"),
    "active": _l("Active"),
    "user": _l("Engineer"),
    "support_group": _l("Support group"),
    "region": _l("Region"),
    "calendar": _l("Work calendar"),
    "hourly_cost": _l("Hourly cost"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}


class GroupMemberView(DirectoryView):
    """A support group's members (read only), shown on the group's page."""

    route_base = "/support-group-members"
    class_permission_name = SUPPORT
    noun = _l("Member")
    list_columns = ["first_name", "last_name", "email", "roles", "active"]
    formatters_columns = DirectoryView.formatters_columns  # a subclass's own declarations only are kept


GroupMemberView.list_title = _l("Members")  # the tab on the group's page


class EngineerProfileView(AppModelView):
    route_base = "/engineers"
    datamodel = LeanInterface(EngineerProfile)
    class_permission_name = SUPPORT
    noun = _l("Engineer profile")
    label_columns = LABELS
    list_columns = ["user", "support_group", "region", "calendar", "hourly_cost", "skills", "active"]
    search_columns = ["user", "support_group", "region", "calendar", "skills", "active"]
    add_columns = ["user", "support_group", "region", "calendar", "hourly_cost", "skills", "active"]
    edit_columns = add_columns[1:]  # a profile stays with its engineer
    show_columns = [*add_columns, "created_at", "updated_at"]
    description_columns = {
        "user": _l("A user with the service engineer role who has no profile yet"),
        "calendar": _l("The engineer's working hours: splits timesheets into normal and overtime hours"),
        "hourly_cost": _l("Internal cost per hour in yuan, used to cost work orders"),
    }
    formatters_columns = {"hourly_cost": money, "skills": joined_names}
    add_form_query_rel_fields = {
        "user": [
            ["id", ActiveOrCurrent, (EngineerProfile, "user")],
            ["id", HasRole, (ENGINEER,)],
            ["id", WithoutEngineerProfile, None],
        ]
    }
    base_order = ("id", "asc")

    save_rule = check_engineer_profile

    def _export_value(self, item, column: str):
        return item.hourly_cost if column == "hourly_cost" else super()._export_value(item, column)  # a number


class SupportGroupView(AppModelView):
    route_base = "/support-groups"
    datamodel = LeanInterface(SupportGroup)
    class_permission_name = SUPPORT
    noun = _l("Support group")
    label_columns = LABELS
    list_columns = ["name", "tier", "lead", "members", "regions", "active"]
    search_columns = ["name", "tier", "lead", "regions", "skills", "active"]
    add_columns = edit_columns = ["name", "tier", "lead", "ola", "members", "regions", "skills", "active"]
    show_fieldsets = [
        (_l("Support group"), {"fields": ["name", "tier", "lead", "ola", "active"]}),
        (_l("Coverage"), {"fields": ["members", "regions", "skills"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]
    description_columns = {
        "name": _l("Unique, e.g. 二线技术支持组"),
        "tier": _l("Escalation goes L1 → L2 → L3 → vendor"),
        "members": _l("Service engineers and dispatchers"),
        "regions": _l("Where the group takes requests from"),
        "skills": _l("What the group can be dispatched for"),
        "ola": _l("Its engineers' work orders get acceptance and completion due times from this OLA"),
    }
    formatters_columns = {
        "tier": enum_labeller(SupportTier),
        "members": joined_names,
        "regions": joined_names,
        "skills": joined_names,
        "ola": blank_if_none,
    }
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "lead": [["id", ActiveOrCurrent, (SupportGroup, "lead")], ["id", HasRole, LEAD_ROLES]],
        "members": [["id", ActiveOrCurrent, (SupportGroup, "members")], ["id", HasRole, MEMBER_ROLES]],
        "ola": [["id", ActiveOrCurrent, (SupportGroup, "ola")], ["kind", FilterEqual, SLAKind.INTERNAL]],
    }
    search_form_query_rel_fields = {"lead": [["id", HasRole, LEAD_ROLES]]}
    search_form_extra_fields = {
        "tier": LabelledEnumField(SupportTier, label=LABELS["tier"], validators=[DataRequired()]),
    }
    related_views = [GroupMemberView, EngineerProfileView]
    base_order = ("name", "asc")

    save_rule = check_support_group

    def _get_related_view_widget(self, item, related_view, order_column="", order_direction="", **kwargs):
        """Members have no foreign key to the group (a link table): filter them by membership."""
        if not isinstance(related_view, GroupMemberView):
            return super()._get_related_view_widget(item, related_view, order_column, order_direction, **kwargs)
        filters = related_view.datamodel.get_filters()
        filters.add_filter_related_view("id", MemberOfGroup, item.id)
        return related_view._get_view_widget(
            filters=filters, order_column=order_column, order_direction=order_direction, **kwargs
        )


# ---------------------------------------------------------------------------------------------
# REST APIs
# ---------------------------------------------------------------------------------------------


class SupportGroupApi(AppModelApi):
    resource_name = "support_group"
    datamodel = SQLAInterface(SupportGroup)
    class_permission_name = SUPPORT
    label_columns = LABELS
    base_order = ("name", "asc")  # stable pages: LIMIT/OFFSET without ORDER BY may repeat rows
    list_columns = ["id", "name", "tier", "lead.id", "lead.username", "active"]
    show_columns = [  # related rows by chosen fields: a whole user account would include its password hash
        "id",
        "name",
        "tier",
        "lead.id",
        "lead.username",
        "members.id",
        "members.username",
        "regions.id",
        "regions.code",
        "skills.id",
        "skills.code",
        "active",
    ]
    add_columns = edit_columns = SupportGroupView.add_columns
    search_columns = ["name", "tier", "lead", "regions", "skills", "active"]
    order_columns = ["name", "tier"]
    add_query_rel_fields = edit_query_rel_fields = SupportGroupView.add_form_query_rel_fields

    save_rule = check_support_group


class EngineerProfileApi(AppModelApi):
    resource_name = "engineer_profile"
    datamodel = SQLAInterface(EngineerProfile)
    class_permission_name = SUPPORT
    label_columns = LABELS
    base_order = ("id", "asc")
    list_columns = [
        "id",
        "user.id",
        "user.username",
        "support_group.name",
        "region.name",
        "calendar.name",
        "hourly_cost",
        "active",
    ]
    show_columns = [  # related rows by chosen fields: a whole user account would include its password hash
        "id",
        "user.id",
        "user.username",
        "support_group.id",
        "support_group.name",
        "region.id",
        "region.code",
        "calendar.id",
        "calendar.name",
        "hourly_cost",
        "skills.id",
        "skills.code",
        "active",
    ]
    add_columns = EngineerProfileView.add_columns
    edit_columns = EngineerProfileView.edit_columns
    search_columns = ["user", "support_group", "region", "skills", "active"]
    add_query_rel_fields = EngineerProfileView.add_form_query_rel_fields

    save_rule = check_engineer_profile


def register(appbuilder) -> None:
    from views import RESOURCES, add_to_menu

    add_to_menu(appbuilder, SupportGroupView, "Support groups", _l("Support groups"), "fa-users", RESOURCES)
    appbuilder.add_view_no_menu(GroupMemberView)  # before the profiles: the group's first tab
    add_to_menu(appbuilder, EngineerProfileView, "Engineer profiles", _l("Engineers"), "fa-wrench", RESOURCES)
    for api in (SupportGroupApi, EngineerProfileApi):
        appbuilder.add_api(api)
