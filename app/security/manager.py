"""The app's FAB security manager: our user model and screens, API-login limits,
and permission checks answered from one query per request.

FAB rate-limits only the login form (stack notes); the security API's POSTs
(``/api/v1/security/login`` and ``/refresh``) get the same limit and the same
storage (Redis when configured), keyed on the client address.

FAB asks the database once per permission check: a list page made 17 such queries
for menu entries and buttons (bench/). Loading the user's permission set once per
request made it 1. This is exact because no role is declared in ``FAB_ROLES``
(whose regex patterns a set lookup would not match); roles live in the database.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager
from sqlalchemy.orm import joinedload

from app.security.admin_views import GroupView, PermissionOnViewView, RoleView, UserStatsView
from app.security.user_views import ProfileEditView, UserAccountView
from models.users import UserAccount


class ServiceDeskSecurityManager(SecurityManager):
    user_model = UserAccount
    userdbmodelview = UserAccountView
    userinfoeditview = ProfileEditView
    rolemodelview = RoleView
    groupmodelview = GroupView
    permissionviewmodelview = PermissionOnViewView
    userstatschartview = UserStatsView

    def get_user_by_id(self, pk):
        """The user of every request (Flask-Login), with its organisation but not what hangs off it:
        ``Vendor.ola`` loads eagerly for the vendor screens, and through the user it pulled the OLA's
        targets, calendar and scope lists (~10 statements) into every page a vendor user opened."""
        lean = [joinedload(UserAccount.vendor).lazyload("*"), joinedload(UserAccount.customer).lazyload("*")]
        return self.session.get(self.user_model, pk, options=lean)

    def register_views(self) -> None:
        super().register_views()
        if not self.is_auth_limited:
            return
        for view in self.appbuilder.baseviews:
            if isinstance(view, self.security_api):
                self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)

    def _has_view_access(self, user: object, permission_name: str, view_name: str) -> bool:
        if not has_request_context() or self.builtin_roles:
            return super()._has_view_access(user, permission_name, view_name)
        cache = g.setdefault("_permissions_by_user", {})
        key = getattr(user, "id", None)
        if key not in cache:
            cache[key] = self.get_user_permissions(user)
        return (permission_name, view_name) in cache[key]
