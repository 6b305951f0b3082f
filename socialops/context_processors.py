from django.http import HttpRequest

from socialops.roles import user_roles


def navigation(request: HttpRequest) -> dict:
    """The user's roles, so the page shell shows only the sections they may use."""
    user = getattr(request, "user", None)
    return {"user_roles": sorted(user_roles(user)) if user is not None else []}
