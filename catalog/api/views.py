"""Catalog endpoints: what the store sells, and its stock."""

from __future__ import annotations

from campaigns.querysets import skus_with_promises
from catalog.api.serializers import (
    LocationSerializer,
    ProductSerializer,
    SKUSerializer,
    StockLevelSerializer,
)
from catalog.filters import SKUFilter
from catalog.models import Location, Product, StockLevel
from common.api.viewsets import DomainViewSet


class ProductViewSet(DomainViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filterset_fields = ["status", "published", "final_sale", "category", "vendor"]
    search_fields = ["handle", "title", "vendor", "tags"]
    ordering_fields = ["title", "handle", "updated_at", "id"]


class SKUViewSet(DomainViewSet):
    """SKUs with available to promise, read and filtered as the SKU page does."""

    serializer_class = SKUSerializer
    filterset_class = SKUFilter
    search_fields = ["code", "barcode", "product__title", "product__handle"]
    ordering_fields = [
        "code",
        "price",
        "available_to_promise",
        "campaign_count",
        "updated_at",
        "id",
    ]

    def get_queryset(self):
        return skus_with_promises()


class LocationViewSet(DomainViewSet):
    queryset = Location.objects.all()
    serializer_class = LocationSerializer
    filterset_fields = ["country", "active"]
    search_fields = ["name"]
    ordering_fields = ["name", "id"]


class StockLevelViewSet(DomainViewSet):
    queryset = StockLevel.objects.all()
    serializer_class = StockLevelSerializer
    filterset_fields = ["sku", "location", "source"]
    search_fields = ["sku__code", "location__name"]
    ordering_fields = ["updated_at", "available", "id"]
