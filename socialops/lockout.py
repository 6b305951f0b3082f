"""Login throttling with django-axes: the authentication backend and the lockout answer."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import ngettext

UserModel = get_user_model()


class ThrottledModelBackend(AxesStandaloneBackend, ModelBackend):
    """Django's username/password backend, refusing a username and address Axes locked out.

    One backend rather than Axes' plus Django's: with two, User.objects.with_perm() needs a
    backend argument at every call. Without a request (a management command, the shell) there
    is no client to throttle, so only the password is checked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            # Raises AxesBackendPermissionDenied when locked out; authenticate() stops there.
            AxesStandaloneBackend.authenticate(self, request, username, password, **kwargs)
        return ModelBackend.authenticate(self, request, username, password, **kwargs)

    def get_user(self, user_id):
        """The session's user, with their preferences in the same query: every page reads the
        language they picked (common.middleware.UserLanguageMiddleware)."""
        try:
            user = UserModel._default_manager.select_related("preference").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return ngettext(
        "Too many failed logins for this account from your address: try again in %(minutes)s "
        "minute, or ask an admin to unlock it.",
        "Too many failed logins for this account from your address: try again in %(minutes)s "
        "minutes, or ask an admin to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """429 with a clear message: JSON in the API's error shape, plain text for the pages."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": lockout_message(), "code": "locked_out", "errors": {}}, status=429
        )
    return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")
