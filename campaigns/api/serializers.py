"""Serializers of what marketing announces: channels, creators, campaigns, items, claims."""

from __future__ import annotations

import copy

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaigns.choices import CampaignStatus, ClaimSource, Surface
from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel, Creator
from campaigns.services import save_campaign
from campaigns.synced import (
    PLATFORM_OWNED_FIELDS,
    PLATFORM_OWNED_ITEM_FIELDS,
    changed_fields,
    synced_note,
)
from common.api.serializers import DomainSerializer
from promises.api.serializers import CheckRunSerializer, ConflictSerializer
from promises.choices import Readiness

# Refused on a claim the engine read from the copy: the copy is what to change.
EXTRACTED_CLAIM_REFUSED = _(
    "This claim was read from the campaign's copy; edit the caption or script."
)


class ChannelSerializer(DomainSerializer):
    surfaces = serializers.ListField(
        child=serializers.ChoiceField(choices=Surface.choices), required=False
    )
    feed_product_types = serializers.ListField(
        child=serializers.CharField(max_length=255),
        required=False,
        help_text="Product types the channel's feed publishes (empty: all).",
    )
    feed_tags = serializers.ListField(
        child=serializers.CharField(max_length=255),
        required=False,
        help_text="Product tags the channel's feed publishes, any of them (empty: any).",
    )
    governance_gaps = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Governance items not written down, in plain words.",
    )

    class Meta:
        model = Channel
        # The feed token is a secret of the feed URLs, not channel data: never listed.
        fields = [
            "id",
            "name",
            "network",
            "surfaces",
            "native_checkout_countries",
            "native_checkout_fee_rate",
            "calendar_owner",
            "creative_budget_monthly",
            "currency",
            "catalog_sync",
            "catalog_feed_url",
            "last_catalog_sync_at",
            "catalog_sync_max_age_hours",
            "response_time_commitment_hours",
            "conversion_definition",
            "attribution_window_days",
            "pixel_configured",
            "consent_configured",
            "feed_product_types",
            "feed_tags",
            "governance_gaps",
            "updated_at",
        ]


class CreatorSerializer(DomainSerializer):
    class Meta:
        model = Creator
        fields = [
            "id",
            "handle",
            "network",
            "commission_rate",
            "promo_code",
            "disclosure_required",
        ]


class CampaignItemSerializer(DomainSerializer):
    sku_code = serializers.CharField(source="sku.code", read_only=True)

    class Meta:
        model = CampaignItem
        fields = [
            "id",
            "campaign",
            "sku",
            "sku_code",
            "announced_price",
            "currency",
            "expected_units",
            "reserved_units",
            "preorder_message",
        ]

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        # A synced campaign's promoted products come from its platform; units stay editable.
        campaign = attrs.get("campaign") or getattr(self.instance, "campaign", None)
        if campaign is not None and campaign.synced_from:
            moved = self.instance is not None and self.instance.campaign_id != campaign.pk
            typed = _typed(self.instance, attrs) if self.instance else None
            if (
                self.instance is None
                or moved
                or changed_fields(self.instance, typed, PLATFORM_OWNED_ITEM_FIELDS)
            ):
                raise serializers.ValidationError(
                    {
                        name: synced_note(campaign)
                        for name in PLATFORM_OWNED_ITEM_FIELDS
                        if name in attrs
                    }
                    or synced_note(campaign)
                )
        return attrs


def _typed(instance, attrs: dict):
    """A copy of the saved row with the typed values laid over it, to compare with it."""
    typed = copy.copy(instance)
    for name, value in attrs.items():
        setattr(typed, name, value)
    return typed


class CampaignClaimSerializer(DomainSerializer):
    """A claim entered by hand. Claims extracted from the copy follow the copy: change the
    caption or script to change them."""

    class Meta:
        model = CampaignClaim
        fields = [
            "id",
            "campaign",
            "kind",
            "source",
            "text",
            "days",
            "is_free",
            "shipping_option",
            "amount",
            "currency",
            "code",
            "date",
        ]
        read_only_fields = ["source"]

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and self.instance.source == ClaimSource.EXTRACTED:
            raise serializers.ValidationError(EXTRACTED_CLAIM_REFUSED)
        return super().validate(attrs)


class CampaignSerializer(DomainSerializer):
    """A campaign with its readiness. Its status changes only through the `status` action,
    which refuses to schedule a blocked campaign."""

    readiness = serializers.ChoiceField(choices=Readiness.choices, read_only=True)
    open_blockers = serializers.IntegerField(read_only=True)
    open_warnings = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "channel",
            "name",
            "owner",
            "objective",
            "format",
            "status",
            "readiness",
            "open_blockers",
            "open_warnings",
            "starts_at",
            "ends_at",
            "target_countries",
            "checkout_path",
            "budget",
            "currency",
            "cites_stock",
            "cites_customer_service",
            "cites_margin",
            "stop_min_roas",
            "stop_max_cpa",
            "qualified_basket_threshold",
            "creator",
            "is_paid_partnership",
            "disclosure",
            "promo_code",
            "caption",
            "script",
            "went_live_ready",
            "synced_from",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "went_live_ready", "synced_from"]

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if self.instance is not None and self.instance.synced_from:
            typed = _typed(self.instance, attrs)
            refused = changed_fields(self.instance, typed, PLATFORM_OWNED_FIELDS)
            if refused:
                note = synced_note(self.instance)
                raise serializers.ValidationError(dict.fromkeys(refused, note))
        return attrs

    # Saved through the same service as the form page, so the claims read from the copy
    # follow the copy whichever door the campaign came through.
    def create(self, validated_data: dict) -> Campaign:
        return save_campaign(Campaign(**validated_data), editor=self._editor())

    def update(self, instance: Campaign, validated_data: dict) -> Campaign:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return save_campaign(
            instance, editor=self._editor(), update_fields=self.written_fields(validated_data)
        )

    def _editor(self):
        request = self.context.get("request")
        return getattr(request, "user", None)


class CampaignDetailSerializer(CampaignSerializer):
    """A campaign with its items, its claims (entered and read from the copy), and its
    unresolved conflicts with their evidence."""

    items = CampaignItemSerializer(many=True, read_only=True)
    claims = CampaignClaimSerializer(many=True, read_only=True)
    conflicts = ConflictSerializer(
        many=True,
        read_only=True,
        source="unresolved_conflicts",
        help_text="Open, acknowledged and waived conflicts, blockers first.",
    )

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "items", "claims", "conflicts"]


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CampaignStatus.choices)


class CheckResultSerializer(serializers.Serializer):
    check_run = CheckRunSerializer()
    campaign = CampaignDetailSerializer()
