"""Serializers of what happened: orders, daily channel metrics, survey answers."""

from __future__ import annotations

from rest_framework import serializers

from common.api.serializers import DomainSerializer
from insights.models import ChannelMetric, Order, SurveyResponse


class OrderSerializer(DomainSerializer):
    class Meta:
        model = Order
        fields = [
            "id",
            "external_id",
            "channel",
            "campaign",
            "promo_code",
            "country",
            "placed_at",
            "checkout_path",
            "is_new_customer",
            "currency",
            "gross",
            "discounts",
            "shipping",
            "cost_of_goods",
            "fees",
            "refunded",
        ]


class ChannelMetricSerializer(DomainSerializer):
    class Meta:
        model = ChannelMetric
        fields = [
            "id",
            "channel",
            "campaign",
            "date",
            "currency",
            "spend",
            "impressions",
            "clicks",
            "sessions",
            "add_to_carts",
            "qualified_add_to_carts",
            "platform_purchases",
            "platform_revenue",
            "attribution_window",
        ]


class SurveyResponseSerializer(DomainSerializer):
    class Meta:
        model = SurveyResponse
        fields = ["id", "external_id", "order", "answered_at", "answer", "channel"]


# --- Bulk ----------------------------------------------------------------------------------


class BulkItemError(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the item in the request, from 0.")
    key = serializers.CharField(help_text="The item's external id or natural key, if readable.")
    errors = serializers.DictField(child=serializers.JSONField(), help_text="Messages per field.")


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = BulkItemError(many=True, help_text="Items refused; the others were saved.")
