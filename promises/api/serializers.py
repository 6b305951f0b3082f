"""Serializers of promises (shipping, returns, checkout, codes, replies) and of the
engine's records (conflicts with their evidence and history, check runs, rule settings)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from common.api.serializers import INT64_MAX, DomainSerializer, ModelSerializer
from promises.checks.registry import all_rules
from promises.models import (
    CheckoutCountry,
    CheckRun,
    Conflict,
    ConflictEvent,
    PromoCode,
    ReturnPolicy,
    RuleSetting,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)

# Conflicts per bulk action: the conflict queue selects a page at most.
MAX_BULK_CONFLICTS = 500


class ShippingMethodSerializer(DomainSerializer):
    class Meta:
        model = ShippingMethod
        fields = [
            "id",
            "name",
            "kind",
            "countries",
            "min_days",
            "max_days",
            "handling_days",
            "price",
            "currency",
            "free_shipping_threshold",
            "enabled_in_checkout",
            "updated_at",
        ]


class ShippingOverrideSerializer(DomainSerializer):
    class Meta:
        model = ShippingOverride
        fields = ["id", "method", "label", "starts_on", "ends_on", "extra_days"]


class ReturnPolicySerializer(DomainSerializer):
    excluded_categories = serializers.ListField(
        child=serializers.CharField(max_length=255),
        required=False,
        help_text="Product categories the policy does not cover.",
    )

    class Meta:
        model = ReturnPolicy
        fields = [
            "id",
            "name",
            "window_days",
            "is_free",
            "countries",
            "excluded_categories",
            "active",
            "updated_at",
        ]


class CheckoutCountrySerializer(DomainSerializer):
    class Meta:
        model = CheckoutCountry
        fields = ["id", "country", "enabled", "updated_at"]


class PromoCodeSerializer(DomainSerializer):
    class Meta:
        model = PromoCode
        fields = [
            "id",
            "code",
            "kind",
            "value",
            "currency",
            "starts_at",
            "ends_at",
            "active",
            "usage_limit",
            "usage_count",
            "applies_to",
            "products",
            "skus",
            "channels",
            "updated_at",
        ]
        extra_kwargs = {
            "products": {"required": False},
            "skus": {"required": False},
            "channels": {"required": False},
        }


class SupportReplySerializer(DomainSerializer):
    class Meta:
        model = SupportReply
        fields = [
            "id",
            "topic",
            "title",
            "text",
            "stated_delivery_days",
            "stated_return_days",
            "active",
            "updated_at",
        ]


class RuleSettingSerializer(DomainSerializer):
    rule_code = serializers.ChoiceField(
        choices=sorted(rule.code for rule in all_rules()), help_text="A rule of the checks."
    )

    class Meta:
        model = RuleSetting
        fields = ["id", "rule_code", "severity", "enabled", "updated_at"]


class ConflictEventSerializer(ModelSerializer):
    actor_username = serializers.CharField(
        source="actor.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ConflictEvent
        fields = [
            "id",
            "conflict",
            "at",
            "actor",
            "actor_username",
            "kind",
            "from_state",
            "to_state",
            "note",
            "check_run",
        ]
        read_only_fields = fields


class ConflictSerializer(DomainSerializer):
    """A conflict with the evidence the rule compared and how old its data is."""

    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    sku_code = serializers.CharField(
        source="sku.code", read_only=True, allow_null=True, default=None
    )
    assignee_username = serializers.CharField(
        source="assignee.username", read_only=True, allow_null=True, default=None
    )
    message_localized = serializers.CharField(
        source="localized_message",
        read_only=True,
        help_text="The message in the reader's language (their chosen one, else "
        "Accept-Language); `message` stays in English.",
    )
    evidence = serializers.DictField(read_only=True, help_text="The numbers the rule compared.")
    spend_at_risk = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        help_text="A standing conflict on a live campaign: the campaign's recent daily spend "
        "times the days it has stood (campaign currency); 0 otherwise.",
    )

    class Meta:
        model = Conflict
        fields = [
            "id",
            "rule_code",
            "severity",
            "state",
            "campaign",
            "campaign_name",
            "sku",
            "sku_code",
            "country",
            "scope",
            "message",
            "message_localized",
            "evidence",
            "data_as_of",
            "first_seen_at",
            "updated_at",
            "resolved_at",
            "reopened_count",
            "assignee",
            "assignee_username",
            "due_at",
            "waived_until",
            "waiver_reason",
            "fix_note",
            "spend_at_risk",
        ]
        read_only_fields = fields


class ConflictDetailSerializer(ConflictSerializer):
    """A conflict with its whole history."""

    events = ConflictEventSerializer(many=True, read_only=True)

    class Meta(ConflictSerializer.Meta):
        fields = [*ConflictSerializer.Meta.fields, "events"]
        read_only_fields = fields


class CheckRunSerializer(ModelSerializer):
    class Meta:
        model = CheckRun
        fields = [
            "id",
            "trigger",
            "scope",
            "status",
            "started_at",
            "finished_at",
            "duration_ms",
            "campaigns_checked",
            "items_checked",
            "opened",
            "resolved",
            "reopened",
            "errors",
            "error_details",
        ]
        read_only_fields = fields


# --- Conflict actions ----------------------------------------------------------------------


class ConflictIdsSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=INT64_MAX),
        min_length=1,
        max_length=MAX_BULK_CONFLICTS,
        help_text=f"Conflict ids, {MAX_BULK_CONFLICTS} at most.",
    )


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        help_text="A user id, or null to unassign.",
    )


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why the conflict may stand.")
    until = serializers.DateTimeField(help_text="When the waiver lapses: 30 days at most.")


class WaiverRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why the conflict should be waived.")


class FixNoteSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, help_text="What was fixed.")


class BulkAssignSerializer(ConflictIdsSerializer, AssignSerializer):
    pass


class BulkWaiveSerializer(ConflictIdsSerializer, WaiveSerializer):
    pass


class BulkFixNoteSerializer(ConflictIdsSerializer, FixNoteSerializer):
    pass


class ChangedSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="Conflicts changed (others were already so).")


class ResolveResultSerializer(serializers.Serializer):
    resolved = serializers.BooleanField(
        help_text="Whether the re-check no longer finds the conflict."
    )
    conflict = ConflictDetailSerializer()
    check_run = CheckRunSerializer()


class BulkResolveResultSerializer(serializers.Serializer):
    resolved = serializers.ListField(
        child=serializers.IntegerField(), help_text="Conflicts the re-check no longer finds."
    )
    still_found = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Conflicts the rules still find: they stay as they were, with the note.",
    )
    check_run = CheckRunSerializer()


class SpendAtRiskSerializer(serializers.Serializer):
    total = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Summed over standing conflicts."
    )
    conflicts = serializers.IntegerField(help_text="Standing conflicts burning money now.")


class FixGroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="What to fix, as kind:reference.")
    kind = serializers.CharField()
    label = serializers.CharField()
    fix_url = serializers.CharField(help_text="The page where the fact is changed.")
    count = serializers.IntegerField(help_text="Standing conflicts the fix would resolve.")
    blockers = serializers.IntegerField()
    campaigns = serializers.IntegerField()
    countries = serializers.ListField(child=serializers.CharField())
    rules = serializers.ListField(child=serializers.CharField())
    spend_at_risk = serializers.DecimalField(max_digits=14, decimal_places=2)
    ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="The conflicts' ids (500 at most)."
    )
