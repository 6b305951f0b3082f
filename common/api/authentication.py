"""API authentication that serves a token's owner in their own language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

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

    def authenticate_credentials(self, key: str):
        """DRF's, reading the user's preferences with the token: no query added per call."""
        model = self.get_model()
        try:
            token = model.objects.select_related("user__preference").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
