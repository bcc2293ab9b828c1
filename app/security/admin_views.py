"""FAB's security screens with the column labels FAB leaves out of gettext.

FAB labels some columns of its role, group, permission and statistics screens
only by their attribute names, so Chinese pages showed "Name", "Groups", "Role".
"""

from __future__ import annotations

from flask_appbuilder.security.views import (
    PermissionViewModelView,
    RoleModelView,
    UserGroupModelView,
    UserStatsChartView,
)
from flask_babel import lazy_gettext as _l

from app.security.user_views import UserAccountView


class RoleView(RoleModelView):
    label_columns = {**RoleModelView.label_columns, "user": _l("Users"), "groups": _l("Groups")}


class GroupView(UserGroupModelView):
    label_columns = {
        "name": _l("Name"),
        "label": _l("Label"),
        "description": _l("Description"),
        "users": _l("Users"),
        "roles": _l("Roles"),
    }


class PermissionOnViewView(PermissionViewModelView):
    label_columns = {**PermissionViewModelView.label_columns, "role": _l("Role")}


class UserStatsView(UserStatsChartView):
    label_columns = {**UserAccountView.label_columns, **UserStatsChartView.label_columns}
    definitions = [  # FAB's chart buttons are plain English strings
        {"label": _l("Login count"), "group": "username", "series": ["login_count"]},
        {"label": _l("Failed login count"), "group": "username", "series": ["fail_login_count"]},
    ]
