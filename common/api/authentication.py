"""API authentication that serves a token's owner in their own language."""

from __future__ import annotations

from rest_framework import authentication

from common.i18n import apply_preferred_language


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; the answer is then in the caller's own language, as a
    page is (common.middleware.UserLanguageMiddleware, which runs before DRF knows who a
    token belongs to). Without a stored choice, Accept-Language decides."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None:
            apply_preferred_language(request._request, found[0])
        return found
