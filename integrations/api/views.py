"""Read-only API over connections and their sync runs (admins only, by role permission)."""

from __future__ import annotations

from django.db.models import QuerySet

from common.api.viewsets import ReadOnlyViewSet
from integrations.api.serializers import ConnectionSerializer, SyncRunSerializer
from integrations.filters import ConnectionFilter
from integrations.models import Connection, SyncRun


class ConnectionViewSet(ReadOnlyViewSet):
    serializer_class = ConnectionSerializer
    filterset_class = ConnectionFilter
    ordering_fields = ["name", "last_sync_at"]
    ordering = ["name", "pk"]

    def get_queryset(self) -> QuerySet[Connection]:
        return Connection.objects.defer("credentials_encrypted").order_by("name", "pk")


class SyncRunViewSet(ReadOnlyViewSet):
    serializer_class = SyncRunSerializer
    filterset_fields = ["connection", "status"]
    ordering = ["-started_at", "-pk"]

    def get_queryset(self) -> QuerySet[SyncRun]:
        return SyncRun.objects.order_by("-started_at", "-pk")
