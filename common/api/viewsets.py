"""Base viewsets: role permissions, the shared filters, and writes in a savepoint."""

from __future__ import annotations

from django.db import transaction
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, serializers, viewsets

from common.api.permissions import RolePermissions


class SearchFilter(filters.SearchFilter):
    """DRF's search, refusing text the database cannot compare (NUL bytes)."""

    def get_search_terms(self, request) -> list[str]:
        terms = super().get_search_terms(request)
        if any("\x00" in term for term in terms):
            raise serializers.ValidationError({self.search_param: ["May not contain NUL."]})
        return terms


FILTER_BACKENDS = [DjangoFilterBackend, SearchFilter, filters.OrderingFilter]


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Records people read but never write by hand (the engine writes them)."""

    permission_classes = [RolePermissions]
    filter_backends = FILTER_BACKENDS
    # Ids are integers: anything else is a 404 at the router, never a database error.
    lookup_value_regex = r"[0-9]+"


class DomainViewSet(viewsets.ModelViewSet):
    """Create, read, update and delete one domain model, under its role permissions."""

    permission_classes = [RolePermissions]
    filter_backends = FILTER_BACKENDS
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    # A savepoint per write: a refused write (a race on a unique constraint) leaves the
    # request's connection usable, and the error handler answers 409 instead of 500.
    def perform_create(self, serializer) -> None:
        with transaction.atomic():
            serializer.save()
        self._reload(serializer)

    def perform_update(self, serializer) -> None:
        with transaction.atomic():
            serializer.save()
        self._reload(serializer)

    def _reload(self, serializer) -> None:
        """Answer with the row as the list reads it: annotations (available to promise,
        readiness) exist only on rows read through the viewset's queryset."""
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance) -> None:
        with transaction.atomic():
            instance.delete()
