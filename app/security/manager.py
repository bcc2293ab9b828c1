"""The app's FAB security manager: our user model and screens, and API-login limits.

FAB rate-limits only the login form (stack notes); the security API's POSTs
(``/api/v1/security/login`` and ``/refresh``) get the same limit and the same
storage (Redis when configured), keyed on the client address.
"""

from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager

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

    def register_views(self) -> None:
        super().register_views()
        if not self.is_auth_limited:
            return
        for view in self.appbuilder.baseviews:
            if isinstance(view, self.security_api):
                self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)
