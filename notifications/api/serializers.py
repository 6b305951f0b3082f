from __future__ import annotations

from rest_framework import serializers

from campaigns.models import Channel
from notifications.choices import DestinationKind, NotificationKind
from notifications.forms import SubscriptionForm
from notifications.models import Delivery, Subscription
from promises.choices import Severity


class SubscriptionSerializer(serializers.ModelSerializer):
    """One of my destinations and what it receives. `target` is write-only for chat and
    webhook URLs (they carry their own secrets); `secret` signs webhook bodies."""

    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=NotificationKind.choices), min_length=1
    )
    severities = serializers.ListField(
        child=serializers.ChoiceField(choices=Severity.choices), required=False
    )
    channels = serializers.PrimaryKeyRelatedField(
        queryset=Channel.objects.all(), many=True, required=False
    )
    destination = serializers.ChoiceField(choices=DestinationKind.choices)
    target = serializers.CharField(write_only=True, required=False, allow_blank=True)
    address = serializers.CharField(read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "name",
            "destination",
            "target",
            "address",
            "secret",
            "kinds",
            "severities",
            "channels",
            "scope",
            "active",
            "role_default",
            "created_at",
        ]
        read_only_fields = ["secret", "role_default", "created_at"]

    def validate(self, attrs: dict) -> dict:
        # The page's form checks the destination's address: one set of rules for both.
        merged = {
            "destination": attrs.get("destination", getattr(self.instance, "destination", "")),
            "target": attrs.get("target", getattr(self.instance, "target", "")),
            "kinds": attrs.get("kinds", getattr(self.instance, "kinds", [])),
            "scope": attrs.get("scope", getattr(self.instance, "scope", "all")),
        }
        form = SubscriptionForm(data=merged)
        form.is_valid()
        if "target" in form.errors:
            raise serializers.ValidationError({"target": form.errors["target"]})
        attrs["target"] = (
            (attrs.get("target") or "").strip() if "target" in attrs else merged["target"]
        )
        return attrs


class DeliverySerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="subscription.user.username", read_only=True)
    destination = serializers.CharField(source="subscription.destination", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "subscription",
            "user",
            "destination",
            "kind",
            "subject",
            "body",
            "status",
            "attempts",
            "error",
            "check_run_id",
            "is_test",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields
