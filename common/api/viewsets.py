"""Base viewsets: role permissions, the shared filters, writes in a savepoint, and
versions: every object is answered with its ETag, and a write sent with `If-Match` is
refused (412) if the object changed since that version was read."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from common.api.errors import ApiError
from common.api.permissions import RolePermissions
from common.concurrency import StaleEdit, etag_of, lock_unchanged, versions_in


class SearchFilter(filters.SearchFilter):
    """DRF's search, refusing text the database cannot compare (NUL bytes)."""

    def get_search_terms(self, request) -> list[str]:
        terms = super().get_search_terms(request)
        if any("\x00" in term for term in terms):
            raise serializers.ValidationError({self.search_param: [_("May not contain NUL.")]})
        return terms


FILTER_BACKENDS = [DjangoFilterBackend, SearchFilter, filters.OrderingFilter]


class VersionedMixin:
    """ETags on the objects answered, and `If-Match` honoured on writes."""

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        serializer = self.get_serializer(instance)
        return Response(serializer.data, headers={"ETag": etag_of(instance)})

    def check_if_match(self, instance: models.Model) -> None:
        """Inside the writing transaction: refuse if the client read an older version."""
        header = self.request.headers.get("If-Match")
        versions = versions_in(header) if header else None
        if versions is None:
            return
        try:
            lock_unchanged(instance, versions)
        except StaleEdit as stale:
            raise ApiError(
                _(
                    "Changed by %(editor)s since you read it: read it again "
                    "(its ETag is the new version) and send your change with that."
                )
                % {"editor": stale.editor},
                code="changed",
                status_code=status.HTTP_412_PRECONDITION_FAILED,
                extra={"etag": etag_of(stale.current)},
            ) from stale


class ReadOnlyViewSet(VersionedMixin, viewsets.ReadOnlyModelViewSet):
    """Records people read but never write by hand (the engine writes them)."""

    permission_classes = [RolePermissions]
    filter_backends = FILTER_BACKENDS
    # Ids are integers: anything else is a 404 at the router, never a database error.
    lookup_value_regex = r"[0-9]+"


class DomainViewSet(VersionedMixin, viewsets.ModelViewSet):
    """Create, read, update and delete one domain model, under its role permissions."""

    permission_classes = [RolePermissions]
    filter_backends = FILTER_BACKENDS
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    # A savepoint per write: a refused write (a race on a unique constraint) leaves the
    # request's connection usable, and the error handler answers 409 instead of 500.
    def save_kwargs(self) -> dict:
        """What a write passes to `serializer.save()` (e.g. who made it); subclasses add."""
        return {}

    def perform_create(self, serializer) -> None:
        with transaction.atomic():
            serializer.save(**self.save_kwargs())
        self._reload(serializer)

    def update(self, request: Request, *args, **kwargs) -> Response:
        response = super().update(request, *args, **kwargs)
        response["ETag"] = etag_of(self._saved)
        return response

    def perform_update(self, serializer) -> None:
        # A PATCH writes only the fields sent (see DomainSerializer.update); a whole-object
        # PUT is checked against the version the client read when it sends If-Match.
        with transaction.atomic():
            self.check_if_match(serializer.instance)
            serializer.save(**self.save_kwargs())
        self._reload(serializer)
        self._saved = serializer.instance

    def _reload(self, serializer) -> None:
        """Answer with the row as the list reads it: annotations (available to promise,
        readiness) exist only on rows read through the viewset's queryset."""
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance) -> None:
        with transaction.atomic():
            self.check_if_match(instance)
            instance.delete()
