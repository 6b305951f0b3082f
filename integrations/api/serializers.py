"""Connections in the API: everything but the credentials, which are write-only on the page;
enforcement policies (admins edit them) and the enforcement log (read-only)."""

from __future__ import annotations

from rest_framework import serializers

from common.api.serializers import ModelSerializer
from integrations.enforcement import set_policy
from integrations.models import Connection, EnforcementAction, EnforcementPolicy, SyncRun


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


class EnforcementPolicySerializer(serializers.ModelSerializer):
    """A channel's policy; saved through integrations.enforcement.set_policy, as the page."""

    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = EnforcementPolicy
        fields = [
            "id",
            "channel",
            "mode",
            "dry_run",
            "cooldown_minutes",
            "max_pauses_per_hour",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_by", "updated_at"]

    def save(self, **kwargs) -> EnforcementPolicy:
        data = {**self.validated_data, **kwargs}
        channel = data.pop("channel", None) or self.instance.channel
        user = data.pop("user")
        current = self.instance or EnforcementPolicy(channel=channel)
        values = {
            name: data.get(name, getattr(current, name))
            for name in ("mode", "dry_run", "cooldown_minutes", "max_pauses_per_hour")
        }
        self.instance = set_policy(channel, user, **values)
        return self.instance


class EnforcementActionSerializer(serializers.ModelSerializer):
    conflicts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    policy_set_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = EnforcementAction
        fields = [
            "id",
            "created_at",
            "done_at",
            "connection",
            "campaign",
            "external_id",
            "kind",
            "dry_run",
            "outcome",
            "reason",
            "status_set",
            "attempts",
            "conflicts",
            "check_run",
            "undoes",
            "policy_set_by",
        ]
        read_only_fields = fields
