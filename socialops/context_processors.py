from __future__ import annotations

from functools import cache

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from socialops.roles import user_roles

# The main navigation: (label, URL name, the permission that opens the section). A section
# shows for users who hold its permission; the views check the same permission on the
# server, so the menu is a convenience, not the protection.
SECTIONS: list[tuple[str, str, str]] = [
    ("Campaigns", "campaigns:list", "campaigns.view_campaign"),
    ("Conflicts", "promises:conflict-list", "promises.view_conflict"),
    ("Channels", "insights:channel-list", "campaigns.view_channel"),
    ("Feeds", "feeds:index", "campaigns.view_channel"),
    ("Catalog", "catalog:sku-list", "catalog.view_sku"),
    ("Promises", "promises:shipping-list", "promises.view_shippingmethod"),
    ("Imports", "imports:list", "catalog.add_product"),
    ("Check runs", "promises:checkrun-list", "promises.view_checkrun"),
    ("Integrations", "integrations:list", "integrations.view_connection"),
    ("Notifications", "notifications:list", ""),
    ("Users", "users:list", "auth.view_user"),
]


@cache
def _resolved_sections() -> list[tuple[str, str, str]]:
    """The sections whose pages exist, with their paths (a section without a URL is left out)."""
    sections = []
    for label, name, permission in SECTIONS:
        try:
            sections.append((label, reverse(name), permission))
        except NoReverseMatch:
            continue
    return sections


def navigation(request: HttpRequest) -> dict:
    """The user's roles and the sections they may open, for the page shell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": [], "nav_sections": []}
    current = request.path
    sections = [
        {"label": label, "href": href, "current": current.startswith(href)}
        for label, href, permission in _resolved_sections()
        if not permission or user.has_perm(permission)
    ]
    return {"user_roles": sorted(user_roles(user)), "nav_sections": sections}
