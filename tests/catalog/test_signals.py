"""The catalog announces bulk writes once per import chunk or webhook delivery, with the ids."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.imports.inventory import InventoryImporter
from catalog.imports.products import ProductImporter
from catalog.models import SKU, Product, StockLevel
from catalog.signals import products_changed, skus_changed, stock_levels_changed
from catalog.webhooks.apply import apply_inventory_level_update, apply_product_update
from tests.factories import (
    CampaignFactory,
    CampaignItemFactory,
    LocationFactory,
    SKUFactory,
    StockLevelFactory,
)
from tests.imports.conftest import csv_bytes, run
from tests.imports.test_inventory import LONG, long_row
from tests.imports.test_products import legacy, tee, variant
from tests.signals import sent

pytestmark = pytest.mark.django_db


def _ids(call: dict, name: str) -> set[int]:
    return set(call[name])


def test_a_product_import_chunk_announces_its_changed_skus_and_products_once():
    run(
        ProductImporter,
        legacy(tee(), variant(), variant(sku="TEE-L", size="L"), tee(handle="cap", sku="CAP")),
    )
    tee_skus = {s.code: s.pk for s in SKU.objects.all()}
    with sent(skus_changed) as skus, sent(products_changed) as products:
        run(
            ProductImporter,
            legacy(
                tee(price="21.00"),
                variant(price="21.00"),
                variant(sku="TEE-L", size="L"),
                tee(handle="cap", title="Cap, new", sku="CAP"),
            ),
        )
    assert len(skus) == 1  # two SKUs changed in one chunk: one announcement
    assert skus[0]["sender"] is SKU
    assert _ids(skus[0], "sku_ids") == {tee_skus["TEE-S"], tee_skus["TEE-M"]}
    assert len(products) == 1
    assert _ids(products[0], "product_ids") == {Product.objects.get(handle="cap").pk}


def test_each_product_import_chunk_announces_its_own_skus(monkeypatch):
    run(ProductImporter, legacy(tee(), tee(handle="cap", sku="CAP")))
    monkeypatch.setattr(ProductImporter, "chunk_rows", 1)  # one product per chunk
    with sent(skus_changed) as skus:
        run(ProductImporter, legacy(tee(price="1.00"), tee(handle="cap", sku="CAP", price="2.00")))
    assert [set(call["sku_ids"]) for call in skus] == [
        {SKU.objects.get(code="TEE-S").pk},
        {SKU.objects.get(code="CAP").pk},
    ]


def test_new_or_unchanged_products_announce_nothing():
    with sent(skus_changed) as skus, sent(products_changed) as products:
        run(ProductImporter, legacy(tee()))  # new: no campaign can promote it yet
        run(ProductImporter, legacy(tee()))  # unchanged
    assert (skus, products) == ([], [])


def test_an_inventory_import_chunk_announces_the_skus_whose_stock_changed_once():
    changed, dropped, same = (SKUFactory(code=code) for code in ("A", "B", "C"))
    paris = LocationFactory(name="Paris")
    for sku in (changed, dropped, same):
        StockLevelFactory(sku=sku, location=paris, available=5, on_hand=5)
    rows = [
        LONG,
        long_row("A", "Paris", "3", "3"),
        long_row("B", "Paris", "not stocked", "not stocked"),
        long_row("C", "Paris", "5", "5"),
    ]
    with sent(stock_levels_changed) as calls:
        result = run(InventoryImporter, csv_bytes(rows))
    assert result.errors == []
    assert len(calls) == 1
    assert calls[0]["sender"] is StockLevel
    assert _ids(calls[0], "sku_ids") == {changed.pk, dropped.pk}
    with sent(stock_levels_changed) as again:
        run(InventoryImporter, csv_bytes(rows))
    assert again == []


def _product_payload(sku: SKU, *prices: str) -> dict:
    return {
        "id": 4242,
        "handle": sku.product.handle,
        "title": "Tee",
        "status": "active",
        "variants": [
            {
                "id": 100 + n,
                "sku": f"{sku.code}-{n}" if n else sku.code,
                "option1": f"Size {n}",
                "price": price,
            }
            for n, price in enumerate(prices)
        ],
    }


def test_a_products_webhook_announces_its_product_once():
    sku = SKUFactory(code="TEE-S", price=Decimal("20.00"))
    with sent(products_changed) as products, sent(skus_changed) as skus:
        apply_product_update(_product_payload(sku, "21.00", "22.00", "23.00"))
    assert [set(call["product_ids"]) for call in products] == [{sku.product_id}]
    assert skus == []  # the product's announcement covers its variants


def test_a_products_webhook_looks_up_the_campaigns_once_not_per_variant():
    """Each saved variant used to look up its campaigns through its own post_save."""
    sku = SKUFactory(code="TEE-S", price=Decimal("20.00"))
    CampaignItemFactory(campaign=CampaignFactory(status="scheduled"), sku=sku)
    payload = _product_payload(sku, "21.00", "22.00", "23.00", "24.00")
    with CaptureQueriesContext(connection) as queries:
        apply_product_update(payload)
    lookups = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "campaigns_campaign"' in q["sql"]
    ]
    assert len(lookups) == 1


def test_an_inventory_level_webhook_announces_the_skus_stock():
    sku = SKUFactory(shopify_inventory_item_id=555)
    LocationFactory(shopify_location_id=777)
    with sent(stock_levels_changed) as calls:
        apply_inventory_level_update({"inventory_item_id": 555, "location_id": 777, "available": 3})
    assert [set(call["sku_ids"]) for call in calls] == [{sku.pk}]
