"""Login throttling with django-axes: the authentication backend and the lockout answer."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse, JsonResponse


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


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed logins for this account from your address: try again in {minutes} "
        "minutes, or ask an admin to unlock it."
    )


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """429 with a clear message: JSON in the API's error shape, plain text for the pages."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": lockout_message(), "code": "locked_out", "errors": {}}, status=429
        )
    return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")
