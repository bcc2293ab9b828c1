"""Permission names: every view and API maps its methods to read or write on a resource.

FAB's default gives each view method its own permission (can_list, can_show, ...)
per view class. Grouping them as ``can_read``/``can_write`` on a named resource
(Superset's approach) lets a ModelView and its REST API share one permission and
keeps the role table in ``roles.py`` short enough to read.
"""

from __future__ import annotations

READ = "read"
WRITE = "write"

RW_METHODS: dict[str, str] = {
    # ModelView
    "list": READ,
    "show": READ,
    "add": WRITE,
    "edit": WRITE,
    "delete": WRITE,
    "download": READ,
    "action": WRITE,
    "action_post": WRITE,
    "api": READ,
    "api_read": READ,
    "api_get": READ,
    "api_readvalues": READ,
    "api_column_add": WRITE,
    "api_column_edit": WRITE,
    "api_create": WRITE,
    "api_update": WRITE,
    "api_delete": WRITE,
    # ModelRestApi
    "get": READ,
    "get_list": READ,
    "info": READ,
    "post": WRITE,
    "put": WRITE,
    # Plain views expose one page
    "index": READ,
    "export": READ,
}


class ResourcePermissions:
    """Mix into a FAB view or API and set ``class_permission_name`` to the resource."""

    method_permission_name = RW_METHODS
