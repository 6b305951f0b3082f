"""Read-only API over connections and their sync runs (admins only, by role permission)."""

from __future__ import annotations

from django.db.models import QuerySet

from common.api.viewsets import DomainViewSet, ReadOnlyViewSet
from integrations import enforcement
from integrations.api.serializers import (
    ConnectionSerializer,
    EnforcementActionSerializer,
    EnforcementPolicySerializer,
    SyncRunSerializer,
)
from integrations.filters import ConnectionFilter, EnforcementActionFilter
from integrations.models import Connection, EnforcementAction, EnforcementPolicy, SyncRun


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


class EnforcementPolicyViewSet(DomainViewSet):
    """Each channel's enforcement policy: admins create and change them (never delete: set
    the mode to off)."""

    serializer_class = EnforcementPolicySerializer
    filterset_fields = ["channel", "mode", "dry_run"]
    ordering = ["channel", "pk"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[EnforcementPolicy]:
        return EnforcementPolicy.objects.select_related("updated_by").order_by("channel", "pk")

    def save_kwargs(self) -> dict:
        return {"user": self.request.user}  # who set the policy, for the audit log


class EnforcementActionViewSet(ReadOnlyViewSet):
    """The enforcement log: every pause and turn-back-on, done, refused or skipped."""

    serializer_class = EnforcementActionSerializer
    filterset_class = EnforcementActionFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[EnforcementAction]:
        return enforcement.actions()
