"""Shopify inventory CSV import: long and wide layouts, not stocked, joins, re-checks."""

from __future__ import annotations

import csv

import pytest
from django.db import connection

from catalog.imports.inventory import InventoryImporter
from catalog.imports.products import ProductImporter
from catalog.models import SKU, Location, StockLevel
from catalog.signals import stock_levels_changed
from promises.models import Conflict
from tests.factories import LocationFactory, ProductFactory, SKUFactory, StockLevelFactory
from tests.imports.conftest import csv_bytes, run, sample

pytestmark = pytest.mark.django_db

LONG = [
    "Handle", "Title", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
    "Option3 Name", "Option3 Value", "SKU", "HS Code", "COO", "Location", "Incoming",
    "Unavailable", "Committed", "Available", "On hand",
]  # fmt: skip
WIDE = ["Handle", "Title", "Option1 Name", "Option1 Value", "SKU", "HS Code", "COO"]


def long_row(sku="", location="Paris", available="5", on_hand="5", handle="", size="", **kw):
    row = dict(Handle=handle, SKU=sku, Location=location, Available=available, **kw)
    row["On hand"] = on_hand
    row["Option1 Value"] = size
    return [row.get(col, "") for col in LONG]


def test_the_2023_long_export_joins_on_handle_and_options():
    run(ProductImporter, sample("products_export_2023_real_store_abhilasha12345-shopify.csv"))
    result = run(
        InventoryImporter, sample("inventory_export_2023_layout_abhilasha12345-shopify.csv")
    )
    assert result.errors == []
    assert result.counts["stock level"]["created"] == 67
    assert result.counts["location"]["created"] == 1
    latte = StockLevel.objects.get(
        sku__product__handle="puff-large", sku__option1="Latte", location__name="Shop location"
    )
    assert (latte.available, latte.on_hand, latte.source) == (103, 103, "csv")
    again = run(
        InventoryImporter, sample("inventory_export_2023_layout_abhilasha12345-shopify.csv")
    )
    assert again.counts == {
        "stock level": {"created": 0, "updated": 0, "unchanged": 67, "deleted": 0}
    }


def test_the_2025_long_export_joins_on_sku_and_skips_not_stocked():
    path = sample("inventory_export_2025_layout_nsls_first60lines.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # The catalog this export came from: one SKU per row, by code or by handle + options.
    products = {}
    for row in rows:
        product = products.get(row["Handle"]) or ProductFactory(handle=row["Handle"])
        products[row["Handle"]] = product
        SKUFactory(
            product=product,
            code=row["SKU"],
            option1=row["Option1 Value"],
            option2=row["Option2 Value"],
            option3=row["Option3 Value"],
        )
    not_stocked = sum(1 for row in rows if row["Available (not editable)"] == "not stocked")
    result = run(InventoryImporter, path)
    assert result.errors == []
    assert result.counts["stock level"]["created"] == len(rows) - not_stocked
    assert result.counts["stock level"]["unchanged"] == not_stocked
    book = StockLevel.objects.get(sku__code="book-McConaughey-Poems-Prayers")
    assert (book.available, book.on_hand, book.location.name) == (
        609,
        609,
        "Underground Sports Shop",
    )
    assert not StockLevel.objects.filter(sku__code="nsls-coin").exists()


def test_unknown_skus_are_refused_with_their_line():
    result = run(InventoryImporter, csv_bytes([LONG, long_row(sku="NOPE")]))
    assert result.errors[0].line == 2
    assert result.errors[0].column == "SKU"
    assert "import the products first" in result.errors[0].message
    assert not Location.objects.exists()  # nothing to stock there, so no location either


def test_not_stocked_removes_a_stock_level_left_from_before():
    level = StockLevelFactory(sku=SKUFactory(code="A-1"), location=LocationFactory(name="Paris"))
    result = run(InventoryImporter, csv_bytes([LONG, long_row(sku="A-1", available="not stocked")]))
    assert result.counts["stock level"]["deleted"] == 1
    assert not StockLevel.objects.filter(pk=level.pk).exists()


def test_on_hand_new_wins_over_current_and_negative_counts_are_zero():
    SKUFactory(code="A-1")
    header = [*LONG[:-1], "On hand (current)", "On hand (new)"]
    row = [*long_row(sku="A-1", available="-2")[:-1], "4", "9"]
    result = run(InventoryImporter, csv_bytes([header, row]))
    assert result.errors == []
    level = StockLevel.objects.get()
    assert (level.available, level.on_hand) == (0, 9)


def test_available_above_on_hand_is_refused_naming_the_column():
    SKUFactory(code="A-1")
    result = run(
        InventoryImporter, csv_bytes([LONG, long_row(sku="A-1", available="9", on_hand="3")])
    )
    assert result.errors[0].column == "Available"
    assert not StockLevel.objects.exists()


def test_the_wide_layout_has_one_column_per_location():
    sku = SKUFactory(code="A-1", product=ProductFactory(handle="mug"))
    SKUFactory(code="", product=ProductFactory(handle="cup"), option1="Default Title")
    StockLevelFactory(sku=sku, location=LocationFactory(name="Lyon"), on_hand=10, available=10)
    data = csv_bytes(
        [
            [*WIDE, "Paris", "Lyon"],
            ["mug", "Mug", "Title", "Default Title", "A-1", "", "", "7", "not stocked"],
            ["cup", "Cup", "Title", "Default Title", "", "", "", "3", ""],
        ]
    )
    result = run(InventoryImporter, data)
    assert result.errors == []
    assert result.counts["stock level"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "deleted": 1,
    }
    levels = {
        (level.sku.product.handle, level.location.name): level.available
        for level in StockLevel.objects.select_related("sku__product", "location")
    }
    assert levels == {("mug", "Paris"): 7, ("cup", "Paris"): 3}
    assert Location.objects.get(name="Paris").country == "FR"


def test_a_header_without_location_or_location_columns_is_refused():
    result = run(InventoryImporter, csv_bytes([["Handle", "SKU", "COO"], ["a", "A-1", ""]]))
    assert "Location" in result.fatal
    assert result.fatal.startswith("Line 1:")


def test_a_stock_import_opens_and_resolves_the_campaign_conflict(world, commit):
    location = world.stock.location.name
    with commit():
        out = run(InventoryImporter, csv_bytes([LONG, long_row("SERUM-30", location, "0", "0")]))
    assert out.counts["stock level"]["updated"] == 1
    conflict = Conflict.objects.get(campaign=world.campaign, rule_code="STOCK_OUT")
    assert conflict.state == "open"
    with commit():
        run(InventoryImporter, csv_bytes([LONG, long_row("SERUM-30", location, "80", "80")]))
    conflict.refresh_from_db()
    assert conflict.state == "resolved"
    with commit() as callbacks:
        again = run(
            InventoryImporter, csv_bytes([LONG, long_row("SERUM-30", location, "80", "80")])
        )
    assert again.counts["stock level"]["unchanged"] == 1
    assert callbacks == []  # nothing changed, nothing to re-check


def test_a_dry_run_of_stock_changes_nothing_and_rechecks_nothing(world, commit):
    location = world.stock.location.name
    with commit() as callbacks:
        result = run(
            InventoryImporter,
            csv_bytes([LONG, long_row("SERUM-30", location, "0", "0")]),
            dry_run=True,
        )
    assert result.counts["stock level"]["updated"] == 1
    assert callbacks == []
    world.stock.refresh_from_db()
    assert world.stock.available == 100
    assert not SKU.objects.filter(stock_levels__available=0).exists()


WRITERS = ["orm", "copy"] if connection.vendor == "postgresql" else ["orm"]


@pytest.mark.parametrize("writer", WRITERS)
def test_each_writer_announces_only_the_stock_that_changed(writer, monkeypatch):
    monkeypatch.setattr(InventoryImporter, "writes_with_copy", writer == "copy")
    kept, changed, gone = (SKUFactory(code=code) for code in ("K-1", "C-1", "G-1"))
    paris = LocationFactory(name="Paris")
    for sku in (kept, changed, gone):
        StockLevelFactory(sku=sku, location=paris, available=5, on_hand=5)
    new = SKUFactory(code="N-1")
    stamps = dict(StockLevel.objects.values_list("sku__code", "updated_at"))
    heard: list[list[int]] = []

    def listener(sender, sku_ids, **kwargs):
        heard.append(sorted(sku_ids))

    stock_levels_changed.connect(listener)
    try:
        data = [
            LONG,
            long_row("K-1"),
            long_row("C-1", available="2", on_hand="3"),
            long_row("G-1", available="not stocked", on_hand="not stocked"),
            long_row("N-1", available="7", on_hand="7"),
        ]
        result = run(InventoryImporter, csv_bytes(data))
        assert result.counts["stock level"] == {
            "created": 1, "updated": 1, "unchanged": 1, "deleted": 1
        }  # fmt: skip
        assert heard == [sorted([changed.pk, gone.pk, new.pk])]
        after = dict(StockLevel.objects.values_list("sku__code", "updated_at"))
        assert set(after) == {"K-1", "C-1", "N-1"}
        assert after["K-1"] == stamps["K-1"] and after["C-1"] > stamps["C-1"]
        level = StockLevel.objects.get(sku=changed)
        assert (level.available, level.on_hand, level.source) == (2, 3, "csv")
        heard.clear()
        again = run(InventoryImporter, csv_bytes(data))
        assert again.counts["stock level"]["unchanged"] == 4
        assert heard == []
        assert dict(StockLevel.objects.values_list("sku__code", "updated_at")) == after
    finally:
        stock_levels_changed.disconnect(listener)
