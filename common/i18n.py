"""Which language a person reads SocialOps in: their own choice, else their browser's.

Pages get it from the middleware (common.middleware.UserLanguageMiddleware); work done for a
person outside a request (a notification, an export) activates it with `language_of(user)`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation

# The cookie Django's LocaleMiddleware reads: the choice also holds on the login page.
LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def supported(language: str | None) -> str:
    """The supported language code for `language` ("" when it is none of them): fr-FR -> fr."""
    if not language:
        return ""
    try:
        return translation.get_supported_language_variant(language)
    except LookupError:
        return ""


def preferred_language(user) -> str:
    """The language a person picked ("" for "follow my browser", or nobody logged in)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    # A cached reverse one-to-one: one query per request at most, none when it is prefetched.
    try:
        preference = user.preference
    except ObjectDoesNotExist:  # no row: no choice made
        return ""
    return supported(preference.language)


def set_preferred_language(user, language: str) -> str:
    """Store a person's language ("" follows the browser); returns what was stored."""
    from common.models import UserPreference

    language = supported(language)
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})
    # The cached reverse relation would otherwise answer the old choice until the next request.
    user._state.fields_cache.pop("preference", None)
    return language


def language_of(user) -> str:
    """The language to write to a person in when no browser asks: their choice, else the
    site's default."""
    return preferred_language(user) or settings.LANGUAGE_CODE


def apply_preferred_language(request, user) -> str:
    """Serve the rest of `request` in `user`'s own language, if they picked one (the
    middleware for a session, the API's token authentication for a token); returns the
    language active after."""
    language = preferred_language(user)
    if language and language != translation.get_language():
        translation.activate(language)
        request.LANGUAGE_CODE = language
    return translation.get_language()
