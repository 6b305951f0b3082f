"""Connections in the API: everything but the credentials, which are write-only on the page."""

from __future__ import annotations

from rest_framework import serializers

from common.api.serializers import ModelSerializer
from integrations.models import Connection, SyncRun


class SyncRunSerializer(ModelSerializer):
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "status",
            "started_at",
            "finished_at",
            "created",
            "updated",
            "unchanged",
            "errors",
            "requests",
            "error",
            "duration_seconds",
        ]

    def get_duration_seconds(self, run: SyncRun) -> float | None:
        return run.duration.total_seconds() if run.duration is not None else None


class ConnectionSerializer(ModelSerializer):
    class Meta:
        model = Connection
        # An explicit list: a new field (credentials above all) is never exposed by default.
        fields = [
            "id",
            "kind",
            "name",
            "account_id",
            "scopes",
            "status",
            "channel",
            "last_sync_at",
            "next_sync_at",
            "last_error",
            "credentials_updated_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
