"""Serializers of the catalog: products, SKUs (with available to promise), stock."""

from __future__ import annotations

from rest_framework import serializers

from catalog.models import SKU, Location, Product, StockLevel
from common.api.serializers import DomainSerializer


class ProductSerializer(DomainSerializer):
    class Meta:
        model = Product
        fields = [
            "id",
            "handle",
            "title",
            "vendor",
            "product_type",
            "category",
            "status",
            "published",
            "description",
            "tags",
            "final_sale",
            "restricted_countries",
            "attributes",
            "option1_name",
            "option2_name",
            "option3_name",
            "shopify_product_id",
            "created_at",
            "updated_at",
        ]


class SKUSerializer(DomainSerializer):
    available = serializers.IntegerField(
        read_only=True, help_text="Units available at active locations."
    )
    reserved = serializers.IntegerField(
        read_only=True, help_text="Units reserved by checked campaigns (not past their end)."
    )
    available_to_promise = serializers.IntegerField(
        read_only=True, help_text="Available - reserved - safety buffer, never below zero."
    )
    campaign_count = serializers.IntegerField(
        read_only=True, help_text="Campaigns the checks follow that promote this SKU."
    )

    class Meta:
        model = SKU
        fields = [
            "id",
            "code",
            "product",
            "option1",
            "option2",
            "option3",
            "price",
            "compare_at_price",
            "unit_cost",
            "currency",
            "barcode",
            "inventory_policy",
            "available_on",
            "safety_buffer",
            "shopify_variant_id",
            "shopify_inventory_item_id",
            "available",
            "reserved",
            "available_to_promise",
            "campaign_count",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"code": {"required": False}}


class LocationSerializer(DomainSerializer):
    class Meta:
        model = Location
        fields = ["id", "name", "country", "active", "shopify_location_id"]


class StockLevelSerializer(DomainSerializer):
    class Meta:
        model = StockLevel
        fields = [
            "id",
            "sku",
            "location",
            "on_hand",
            "committed",
            "available",
            "incoming",
            "source",
            "updated_at",
        ]
