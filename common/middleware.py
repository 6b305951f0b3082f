"""Middleware that knows no domain."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

# The headers a page reads to answer an htmx request with a partial (common.listing.ListPage,
# the scorecard): a response differs by them, so a cache must not hand one for the other.
HTMX_HEADERS = ("HX-Request", "HX-Target")


class HtmxVaryMiddleware:
    """Vary every page on htmx's headers.

    Without it, Back to an address that htmx fetched a partial for (the filtered list it
    pushed into the history) can show the browser's cached partial as the whole page: the
    results with no layout, menu or filters.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in ("GET", "HEAD"):
            patch_vary_headers(response, HTMX_HEADERS)
        return response


class UserLanguageMiddleware:
    """Serve a logged-in person in the language they picked.

    After LocaleMiddleware (which chose from the language cookie or the browser's
    Accept-Language) and AuthenticationMiddleware: a stored choice wins over both, on every
    device the person logs in from.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from common.i18n import apply_preferred_language

        apply_preferred_language(request, getattr(request, "user", None))
        return self.get_response(request)
