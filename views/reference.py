"""Regions (区域) and skills (技能): small reference catalogs other screens pick from."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.security.roles import REFERENCE
from models.reference import Region, Skill
from views.base import AppModelApi, AppModelView

LABELS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "active": _l("Active"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
}
COLUMNS = ["code", "name", "active"]


class ReferenceView(AppModelView):
    """Columns a region and a skill share."""

    label_columns = LABELS
    list_columns = search_columns = COLUMNS
    add_columns = edit_columns = COLUMNS
    show_columns = [*COLUMNS, "created_at", "updated_at"]
    base_order = ("code", "asc")


class ReferenceApi(AppModelApi):
    base_order = ("code", "asc")  # stable pages: LIMIT/OFFSET without ORDER BY may repeat rows
    list_columns = show_columns = ["id", *COLUMNS]
    add_columns = edit_columns = search_columns = COLUMNS
    order_columns = ["code", "name"]


class RegionView(ReferenceView):
    route_base = "/regions"
    datamodel = SQLAInterface(Region)
    class_permission_name = REFERENCE
    noun = _l("Region")
    description_columns = {
        "active": _l("Inactive regions leave dropdowns; sites, groups and vendors keep them"),
        "code": _l("Unique, e.g. HD for 华东; used to match imports"),
        "name": _l("Shown in dropdowns, e.g. 华东"),
    }


class SkillView(ReferenceView):
    route_base = "/skills"
    datamodel = SQLAInterface(Skill)
    class_permission_name = REFERENCE
    noun = _l("Skill")
    description_columns = {
        "active": _l("Inactive skills leave dropdowns; categories, engineers and vendors keep them"),
        "code": _l("Unique, e.g. NET; used to match imports"),
        "name": _l("Shown in dropdowns, e.g. 网络"),
    }


class RegionApi(ReferenceApi):
    resource_name = "region"
    datamodel = SQLAInterface(Region)
    class_permission_name = REFERENCE


class SkillApi(ReferenceApi):
    resource_name = "skill"
    datamodel = SQLAInterface(Skill)
    class_permission_name = REFERENCE


def register(appbuilder) -> None:
    from views import SERVICE_SETTINGS, add_to_menu

    add_to_menu(appbuilder, RegionView, "Regions", _l("Regions"), "fa-map", SERVICE_SETTINGS)
    add_to_menu(appbuilder, SkillView, "Skills", _l("Skills"), "fa-wrench", SERVICE_SETTINGS)
    for api in (RegionApi, SkillApi):
        appbuilder.add_api(api)
