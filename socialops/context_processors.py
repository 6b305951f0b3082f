from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.i18n import preferred_language, supported
from socialops.roles import role_label, user_roles

# The main navigation: (label, URL name, the permission that opens the section). A section
# shows for users who hold its permission; the views check the same permission on the
# server, so the menu is a convenience, not the protection.
# Labels are lazy: each request reads them in its own language.
SECTIONS: list[tuple[Promise, str, str]] = [
    (_("Campaigns"), "campaigns:list", "campaigns.view_campaign"),
    (_("Conflicts"), "promises:conflict-list", "promises.view_conflict"),
    (_("Channels"), "insights:channel-list", "campaigns.view_channel"),
    (pgettext_lazy("menu", "Feeds"), "feeds:index", "campaigns.view_channel"),
    (_("Catalog"), "catalog:sku-list", "catalog.view_sku"),
    (pgettext_lazy("menu", "Promises"), "promises:shipping-list", "promises.view_shippingmethod"),
    (_("Imports"), "imports:list", "catalog.add_product"),
    (_("Check runs"), "promises:checkrun-list", "promises.view_checkrun"),
    (_("Integrations"), "integrations:list", "integrations.view_connection"),
    (_("Notifications"), "notifications:list", ""),
    (_("Users"), "users:list", "auth.view_user"),
]


@cache
def _resolved_sections() -> list[tuple[Promise, str, str]]:
    """The sections whose pages exist, with their paths (a section without a URL is left out)."""
    sections = []
    for label, name, permission in SECTIONS:
        try:
            sections.append((label, reverse(name), permission))
        except NoReverseMatch:
            continue
    return sections


def navigation(request: HttpRequest) -> dict:
    """The user's roles (their values, and their names in the page's language), the
    sections they may open and their language choice, for the page shell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # Before logging in, the choice lives in the language cookie.
        choice = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        return {
            "user_roles": [],
            "user_role_labels": [],
            "nav_sections": [],
            "language_choice": choice,
        }
    current = request.path
    sections = [
        {"label": label, "href": href, "current": current.startswith(href)}
        for label, href, permission in _resolved_sections()
        if not permission or user.has_perm(permission)
    ]
    roles = sorted(user_roles(user))
    return {
        "user_roles": roles,
        "user_role_labels": [role_label(role) for role in roles],
        "nav_sections": sections,
        "language_choice": preferred_language(user),
    }
