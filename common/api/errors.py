"""One error body for every 4xx answer of the API, and its place in the schema.

Every refusal reads the same: `{"detail": "...", "code": "...", "errors": {field: [...]}}`,
whether DRF, a model's constraints or a service refused, so a client needs one parser.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

# The messages are for people (the reader's language); the codes are for programs.
INVALID_DETAIL = gettext_lazy("The request has errors; see `errors`.")


class ApiError(exceptions.APIException):
    """A refusal with a status, a code and extra keys for its body (e.g. `blockers`)."""

    def __init__(
        self, detail: str, *, code: str, status_code: int, extra: dict | None = None
    ) -> None:
        super().__init__(detail, code)
        self.status_code = status_code
        self.extra = extra or {}


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as DRF's {field: [messages]}, non-field errors included."""
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    # Django's own refusals as DRF's, before DRF converts them, so the body gets their code
    # ("not_found", "permission_denied"), and a 404 its message in the reader's language
    # (Django's "No Campaign matches the given query." is English only).
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_errors(exc))
    # ProtectedError is an IntegrityError: test it first.
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        blocking = getattr(exc, "protected_objects", None) or exc.restricted_objects
        used_by = sorted({str(type(obj)._meta.verbose_name) for obj in blocking})
        exc = ApiError(
            _("Still in use by %(records)s; remove those first.")
            % {"records": ", ".join(used_by) or _("other records")},
            code="protected",
            status_code=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, IntegrityError):
        # Serializers validate constraints first; this is a concurrent write that won the race.
        exc = ApiError(
            _("The change conflicts with data stored meanwhile; reload and try again."),
            code="conflict",
            status_code=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = error_body(exc, response.data)
    return response


def error_body(exc: Exception, data: Any) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {api_settings.NON_FIELD_ERRORS_KEY: data}
        return {"detail": str(INVALID_DETAIL), "code": "invalid", "errors": errors}
    detail = data.get("detail", "") if isinstance(data, dict) else data
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    body = {"detail": str(detail), "code": code if isinstance(code, str) else "error", "errors": {}}
    if isinstance(exc, ApiError):
        body.update(exc.extra)
    return body


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer."""

    detail = serializers.CharField(help_text="What went wrong, in plain words.")
    code = serializers.CharField(help_text='A stable code: "invalid", "not_found", ...')
    errors = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Messages per field (`non_field_errors` for the whole object); may be empty.",
    )


class BlockerSerializer(serializers.Serializer):
    rule_code = serializers.CharField()
    message = serializers.CharField()


class BlockedSerializer(ErrorSerializer):
    """409: the campaign has standing blockers; fix or waive them first."""

    blockers = BlockerSerializer(many=True)


class ApiSchema(AutoSchema):
    """Documents the error answers every operation can give, with the shared error body."""

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403"]
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            codes.append("400")
        if "{" in self.path or self._is_list_view():  # unknown id, or a page past the end
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("409")  # still in use, or a concurrent write won
        if self._honours_if_match():
            codes.append("412")  # changed since the version named in If-Match
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses

    def _honours_if_match(self) -> bool:
        return self.method in ("PUT", "PATCH", "DELETE") and "{" in self.path

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        if self._honours_if_match():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=(
                        "The ETag the object was read with: the write is refused (412) if "
                        "the object changed since. Without it, a PATCH still writes only "
                        "the fields sent."
                    ),
                )
            )
        return parameters
