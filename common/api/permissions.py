"""Role permissions for the API: the same Django model permissions the pages check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import DjangoModelPermissions

if TYPE_CHECKING:  # rest_framework.views imports the default permission classes: no cycle
    from rest_framework.request import Request
    from rest_framework.views import APIView


class RolePermissions(DjangoModelPermissions):
    """Model permissions of the user's role groups, reads included.

    DRF's DjangoModelPermissions lets any authenticated user read; SocialOps roles grant
    `view_<model>` explicitly, so a user with no role reads nothing. A viewset action that
    is not plain CRUD names the permissions it needs in `action_permissions`, as
    {action: [permissions]} (all required) or {action: [[...], [...]]} (any one list).
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        required = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if required is None:
            return super().has_permission(request, view)
        if required and isinstance(required[0], (list, tuple)):
            return any(user.has_perms(option) for option in required)
        return user.has_perms(required)
