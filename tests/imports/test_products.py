"""Shopify product CSV import: the real samples, re-imports, bad rows, dry runs, --atomic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.imports.products import ProductImporter
from catalog.models import SKU, Product
from promises.models import Conflict
from tests.imports.conftest import csv_bytes, run, sample

pytestmark = pytest.mark.django_db

LEGACY = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published", "Option1 Name",
    "Option1 Value", "Option2 Name", "Option2 Value", "Variant SKU", "Variant Price",
    "Variant Compare At Price", "Variant Barcode", "Variant Inventory Policy", "Image Src",
    "Status",
]  # fmt: skip


def legacy(*rows: dict) -> bytes:
    return csv_bytes([LEGACY, *[[row.get(col, "") for col in LEGACY] for row in rows]])


def tee(handle="tee", title="Tee", sku="TEE-S", size="S", price="20.00", **extra) -> dict:
    return {
        "Handle": handle,
        "Title": title,
        "Option1 Name": "Size",
        "Option1 Value": size,
        "Variant SKU": sku,
        "Variant Price": price,
        "Status": "active",
        "Published": "true",
        **extra,
    }


def variant(handle="tee", sku="TEE-M", size="M", price="20.00", **extra) -> dict:
    return {
        "Handle": handle,
        "Option1 Value": size,
        "Variant SKU": sku,
        "Variant Price": price,
        **extra,
    }


# (file, products, SKUs) on an empty catalog; counted by hand from the files.
SAMPLE_COUNTS = [
    ("products_export_2023_real_store_abhilasha12345-shopify.csv", 27, 95),
    ("products_export_2026_legacy_headers_with_metafields_reximprimis.csv", 1, 12),
    ("products_import_2025_new_headers_57cols_sahraandbeyond.csv", 3, 24),
    ("shopify_product_template_2023_legacy_headers.csv", 3, 16),
    ("shopify_product_template_2025_new_headers.csv", 2, 15),
    ("shopifypartners_apparel.csv", 20, 22),
    ("shopifypartners_home-and-garden.csv", 20, 21),
    ("shopifypartners_jewelery.csv", 20, 23),
]


@pytest.mark.parametrize(("name", "products", "skus"), SAMPLE_COUNTS)
def test_every_sample_file_imports_with_its_counts_and_no_error(name, products, skus):
    result = run(ProductImporter, sample(name))
    assert result.fatal == ""
    assert result.errors == []
    assert result.refused == 0
    assert Product.objects.count() == products
    assert SKU.objects.count() == skus
    assert result.counts["product"]["created"] == products
    assert result.counts["sku"]["created"] == skus
    assert result.rows_processed == result.rows_total > 0


@pytest.mark.parametrize(("name", "products", "skus"), SAMPLE_COUNTS)
def test_reimporting_a_sample_changes_nothing(name, products, skus):
    run(ProductImporter, sample(name))
    stamps = dict(SKU.objects.values_list("pk", "updated_at"))
    product_stamps = dict(Product.objects.values_list("pk", "updated_at"))
    again = run(ProductImporter, sample(name))
    assert again.created == again.updated == 0
    assert again.unchanged == products + skus
    assert dict(SKU.objects.values_list("pk", "updated_at")) == stamps
    assert dict(Product.objects.values_list("pk", "updated_at")) == product_stamps


def test_the_legacy_dialect_reads_every_field():
    run(ProductImporter, sample("shopify_product_template_2023_legacy_headers.csv"))
    shirt = SKU.objects.select_related("product").get(code="SRT_COT_111")
    assert shirt.product.handle == "example-shirt"
    assert shirt.product.option1_name == "Color"
    assert (shirt.option1, shirt.option2) == ("Green", "S")
    assert shirt.price == Decimal("25.00")
    assert shirt.barcode == "365275101829"  # text, not a float
    assert shirt.inventory_policy == "deny"
    assert shirt.product.status == "active"
    assert shirt.product.tags == "Made to Order, Shirt Tag"
    assert set(Product.objects.values_list("status", flat=True)) == {"active", "draft", "archived"}


def test_the_2025_dialect_reads_every_field():
    run(ProductImporter, sample("shopify_product_template_2025_new_headers.csv"))
    shirt = SKU.objects.select_related("product").get(code="TheBandTShirt-SG")
    assert shirt.product.handle == "physical-product-the-band-t-shirt"
    assert (shirt.option1, shirt.option2) == ("Small", "green")
    assert (shirt.price, shirt.compare_at_price, shirt.unit_cost) == (
        Decimal("19.99"),
        Decimal("24.99"),
        Decimal("11.00"),
    )
    assert shirt.barcode == "5784397765"
    assert shirt.inventory_policy == "deny"  # "Continue selling when out of stock" = DENY
    assert shirt.product.status == "active"  # "Active"
    assert shirt.product.published is True
    assert shirt.product.vendor == "Harmony Threads"
    assert shirt.product.attributes["shopify.color-pattern"] == "green; gray; red"


def test_localized_metafield_labels_and_unpublished_products():
    run(
        ProductImporter,
        sample("products_export_2026_legacy_headers_with_metafields_reximprimis.csv"),
    )
    cat = Product.objects.get(handle="golden-hour-cat")
    assert cat.published is False
    assert cat.option1_name == "Print Style"
    assert cat.skus.filter(code="golden-hour-cat-full-13x18").exists()


def test_multi_line_html_descriptions_are_kept_whole():
    run(ProductImporter, sample("products_export_2023_real_store_abhilasha12345-shopify.csv"))
    boot = Product.objects.get(handle="otti-combat-boot")
    assert boot.description.startswith("<div><div>")
    assert "\n" in boot.description
    assert boot.skus.count() > 1


def test_products_without_options_keep_default_title_and_blank_skus_match_by_options():
    run(ProductImporter, sample("shopifypartners_apparel.csv"))
    shirt = SKU.objects.get(product__handle="ocean-blue-shirt")
    assert (shirt.code, shirt.option1) == ("", "Default Title")
    assert shirt.product.option1_name == "Title"
    # A blank-SKU variant is found again by handle + options, not duplicated.
    data = sample("shopifypartners_apparel.csv").read_bytes().replace(b",50,,true", b",55,,true", 1)
    result = run(ProductImporter, data)
    assert result.counts["sku"]["updated"] == 1
    shirt.refresh_from_db()
    assert shirt.price == Decimal("55.00")
    assert SKU.objects.filter(product__handle="ocean-blue-shirt").count() == 1


def test_image_only_rows_create_no_sku():
    data = legacy(tee(), {"Handle": "tee", "Image Src": "https://cdn.example/tee-2.jpg"})
    result = run(ProductImporter, data)
    assert result.errors == []
    assert SKU.objects.count() == 1


def test_bom_and_leading_zero_barcodes_and_case_of_enums():
    data = b"\xef\xbb\xbf" + legacy(
        tee(**{"Variant Barcode": "0012345678905", "Status": "DRAFT"}),
        variant(**{"Variant Inventory Policy": "CONTINUE"}),
    )
    result = run(ProductImporter, data)
    assert result.errors == []
    small, medium = SKU.objects.order_by("code")[1], SKU.objects.order_by("code")[0]
    assert small.barcode == "0012345678905"
    assert small.product.status == "draft"
    assert medium.inventory_policy == "continue"


def test_bad_rows_are_refused_with_line_and_column_and_good_rows_import():
    data = legacy(
        tee(),
        variant(sku="TEE-M", price="abc"),
        variant(sku="TEE-L", size="L", **{"Variant Barcode": "3.65275E+11"}),
        variant(sku="TEE-S", size="XL"),
        tee(handle="cap", title="Cap", sku="CAP-1", **{"Status": "retired"}),
        variant(handle="cap", sku="CAP-2"),
        variant(handle="orphan", sku="ORPHAN-1"),
    )
    result = run(ProductImporter, data)
    errors = {(e.line, e.column): e.message for e in result.errors}
    assert "not an amount" in errors[(3, "Variant Price")]
    assert "already used on line 2" in errors[(5, "Variant SKU")]
    assert "'retired' is not one of" in errors[(6, "Status")]
    assert "product row is missing" in errors[(8, "Title")]
    assert result.refused == 5  # the cap's variant row goes with its product
    # A mangled barcode is a warning: the checks do not need it, so the SKU is imported.
    assert [(w.line, w.column) for w in result.warnings] == [(4, "Variant Barcode")]
    assert "scientific notation" in result.warnings[0].message
    assert dict(SKU.objects.values_list("code", "barcode")) == {"TEE-S": "", "TEE-L": ""}


def test_atomic_import_with_a_bad_row_writes_nothing():
    data = legacy(tee(), variant(price="-3"))
    result = run(ProductImporter, data, atomic=True)
    assert result.refused == 1
    assert result.rolled_back
    assert not Product.objects.exists()


def test_atomic_import_of_a_good_file_writes_it():
    result = run(ProductImporter, legacy(tee(), variant()), atomic=True)
    assert not result.rolled_back
    assert SKU.objects.count() == 2


def test_dry_run_reports_what_would_change_and_writes_nothing():
    run(ProductImporter, legacy(tee()))
    result = run(ProductImporter, legacy(tee(price="22.00"), variant()), dry_run=True)
    assert result.counts["sku"] == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 0}
    assert {
        "kind": "sku",
        "action": "update",
        "key": "TEE-S",
        "changes": ["price: 20.00 -> 22.00"],
    } in result.sample
    assert SKU.objects.get().price == Decimal("20.00")


def test_a_sku_code_owned_by_another_product_is_refused():
    run(ProductImporter, legacy(tee()))
    result = run(ProductImporter, legacy(tee(handle="other", title="Other", sku="TEE-S")))
    assert result.errors[0].column == "Variant SKU"
    assert "belongs to another product ('tee')" in result.errors[0].message


def test_a_price_change_rechecks_the_campaigns_and_a_reimport_asks_for_none(world, commit):
    handle = world.sku.product.handle
    data = legacy(tee(handle=handle, title="Serum", sku="SERUM-30", size="30ml", price="29.99"))
    with commit():
        first = run(ProductImporter, data)
    assert first.counts["sku"]["updated"] == 1
    assert Conflict.objects.filter(
        campaign=world.campaign, rule_code="PRICE_MISMATCH", state="open"
    ).exists()
    with commit() as callbacks:
        again = run(ProductImporter, data)
    assert again.counts["sku"]["unchanged"] == 1
    assert again.counts["product"]["unchanged"] == 1
    assert callbacks == []


def test_queries_per_import_do_not_grow_with_rows():
    def queries(n: int) -> int:
        rows = [tee(handle=f"p{n}-{i}", title=f"P{i}", sku=f"P{n}-{i}") for i in range(n)]
        with CaptureQueriesContext(connection) as captured:
            result = run(ProductImporter, legacy(*rows))
        assert result.counts["sku"]["created"] == n
        return len(captured)

    # 30 rows stay under SQLite's variables per statement: one INSERT per table either way.
    assert queries(2) == queries(30)


def test_a_large_product_is_split_across_chunks_without_duplicates(monkeypatch):
    monkeypatch.setattr(ProductImporter, "chunk_rows", 5)
    monkeypatch.setattr("catalog.imports.products.MAX_GROUP_ROWS", 4)
    rows = [tee(sku="V-0", size="0")] + [variant(sku=f"V-{i}", size=str(i)) for i in range(1, 11)]
    result = run(ProductImporter, legacy(*rows))
    assert result.errors == []
    assert SKU.objects.filter(product__handle="tee").count() == 11
    assert run(ProductImporter, legacy(*rows)).counts["sku"]["unchanged"] == 11


# --- Bad amounts, empty products, warnings (issues #11.5, #10.5) ---------------------------

HUGE_AMOUNTS = ["1e30", "1e400", "123456789012345678901234567", "NaN", "Infinity", "sNaN"]


@pytest.mark.parametrize("amount", HUGE_AMOUNTS)
@pytest.mark.parametrize("column", ["Variant Price", "Variant Compare At Price"])
def test_an_amount_no_price_can_hold_is_refused_and_the_rows_after_it_import(amount, column):
    data = legacy(
        tee(),
        variant(sku="TEE-M", **{column: amount}),
        tee(handle="cap", title="Cap", sku="CAP-1", size="One"),
    )
    result = run(ProductImporter, data)
    assert [(e.line, e.column) for e in result.errors] == [(3, column)]
    assert amount in result.errors[0].message
    assert result.refused == 1
    assert sorted(SKU.objects.values_list("code", flat=True)) == ["CAP-1", "TEE-S"]


def test_an_amount_repeated_on_many_rows_is_refused_on_each_and_read_alike_when_good():
    # Parsed amounts are remembered per import: a bad one must still be refused every time.
    rows = [tee(price="19,90")] + [
        variant(sku=f"TEE-{n}", size=str(n), price="abc" if n % 2 else "19,90") for n in range(4)
    ]
    result = run(ProductImporter, legacy(*rows))
    assert [(e.line, e.column) for e in result.errors] == [
        (4, "Variant Price"),
        (6, "Variant Price"),
    ]
    assert {e.message for e in result.errors} == {
        "Variant Price: 'abc' is not an amount (write it like 19.99)."
    }
    assert set(SKU.objects.values_list("price", flat=True)) == {Decimal("19.90")}
    assert SKU.objects.count() == 3


def test_a_product_whose_only_variant_is_refused_is_not_created():
    data = legacy(
        tee(handle="broken", title="Broken", sku="B-1", price="1e30"),
        {"Handle": "broken", "Image Src": "https://cdn.example.com/broken-2.jpg"},
        tee(handle="fine", title="Fine", sku="F-1"),
    )
    result = run(ProductImporter, data)
    assert list(Product.objects.values_list("handle", flat=True)) == ["fine"]
    assert result.counts["product"]["created"] == 1
    messages = {(e.line, e.column): e.message for e in result.errors}
    assert "too large" in messages[(2, "Variant Price")]
    assert "'broken' is not created" in messages[(2, "Title")]
    assert result.refused == 2  # the variant row and the image row that went with it


def test_a_product_keeps_its_good_variants_when_one_is_refused():
    result = run(ProductImporter, legacy(tee(price="1e400"), variant(sku="TEE-M")))
    assert result.refused == 1
    assert list(SKU.objects.values_list("code", flat=True)) == ["TEE-M"]


def test_an_existing_product_is_left_standing_when_its_rows_are_refused():
    run(ProductImporter, legacy(tee()))
    result = run(ProductImporter, legacy(tee(price="1e30")))
    assert result.refused == 1
    assert SKU.objects.get().price == Decimal("20.00")


def test_problems_in_columns_the_checks_do_not_need_are_warnings_and_the_row_imports():
    columns = [*LEGACY, "Variant Grams", "Variant Image"]
    rows = [
        {**tee(), "Variant Barcode": "3.65275E+11", "Variant Grams": "heavy"},
        {**variant(), "Image Src": "cdn/tee.jpg", "Variant Image": "https://cdn.example.com/m.jpg"},
        {"Handle": "tee", "Image Src": "not a url"},
    ]
    data = csv_bytes([columns, *[[row.get(col, "") for col in columns] for row in rows]])
    result = run(ProductImporter, data)
    assert result.errors == []
    assert result.refused == 0
    assert [(w.line, w.column) for w in result.warnings] == [
        (2, "Variant Barcode"),
        (2, "Variant Grams"),
        (3, "Image Src"),
        (4, "Image Src"),
    ]
    assert all("Imported without it" in w.message for w in result.warnings)
    assert SKU.objects.count() == 2
    assert "1 warnings" not in result.summary() and "4 warnings" in result.summary()


def test_a_mangled_barcode_keeps_the_stored_one():
    run(ProductImporter, legacy(tee(**{"Variant Barcode": "0036527500011"})))
    result = run(ProductImporter, legacy(tee(**{"Variant Barcode": "3.65275E+11"})))
    assert len(result.warnings) == 1
    assert result.counts["sku"]["unchanged"] == 1
    assert SKU.objects.get().barcode == "0036527500011"


def test_problems_that_make_a_sku_wrong_still_refuse_it():
    data = legacy(
        tee(sku="X" * 300),
        tee(handle="cap", title="Cap", sku="CAP-1", **{"Status": "retired"}),
        tee(handle="hat", title="Hat", sku="HAT-1", price="-1"),
    )
    result = run(ProductImporter, data)
    assert {e.column for e in result.errors} >= {"Variant SKU", "Status", "Variant Price"}
    assert result.warnings == []
    assert not SKU.objects.exists()


# --- The COPY writer (PostgreSQL) and the ORM writer do the same ---------------------------

WRITERS = ["orm", "copy"] if connection.vendor == "postgresql" else ["orm"]


@pytest.mark.parametrize("writer", WRITERS)
def test_each_writer_creates_updates_and_leaves_unchanged_rows_alone(writer, monkeypatch):
    from catalog.signals import products_changed, skus_changed

    monkeypatch.setattr(ProductImporter, "writes_with_copy", writer == "copy")
    sent: list[tuple[str, list[int]]] = []

    def products_heard(sender, product_ids, **kwargs):
        sent.append(("products", list(product_ids)))

    def skus_heard(sender, sku_ids, **kwargs):
        sent.append(("skus", list(sku_ids)))

    products_changed.connect(products_heard)
    skus_changed.connect(skus_heard)
    try:
        cap = tee(handle="cap", title="Cap", sku="CAP-1", size="One")
        first = run(ProductImporter, legacy(tee(), variant(), cap))
        assert first.counts == {
            "product": {"created": 2, "updated": 0, "unchanged": 0, "deleted": 0},
            "sku": {"created": 3, "updated": 0, "unchanged": 0, "deleted": 0},
        }
        assert sent == []  # new rows are not announced
        stamps = dict(SKU.objects.values_list("code", "updated_at"))
        data = legacy(tee(title="Tee 2"), variant(price="25.00"), cap)
        second = run(ProductImporter, data)
        assert second.counts["product"] == {
            "created": 0,
            "updated": 1,
            "unchanged": 1,
            "deleted": 0,
        }
        assert second.counts["sku"] == {"created": 0, "updated": 1, "unchanged": 2, "deleted": 0}
        tee_product = Product.objects.get(handle="tee")
        medium = SKU.objects.get(code="TEE-M")
        assert (tee_product.title, medium.price) == ("Tee 2", Decimal("25.00"))
        assert sent == [("products", [tee_product.pk]), ("skus", [medium.pk])]
        after = dict(SKU.objects.values_list("code", "updated_at"))
        assert after["TEE-M"] > stamps["TEE-M"]
        assert after["TEE-S"] == stamps["TEE-S"] and after["CAP-1"] == stamps["CAP-1"]
        sent.clear()
        again = run(ProductImporter, data)
        assert again.counts["sku"]["unchanged"] == 3 and again.counts["product"]["unchanged"] == 2
        assert sent == []
        assert dict(SKU.objects.values_list("code", "updated_at")) == after
    finally:
        products_changed.disconnect(products_heard)
        skus_changed.disconnect(skus_heard)


@pytest.mark.parametrize("writer", WRITERS)
def test_each_writer_rolls_back_a_dry_run_and_an_atomic_import(writer, monkeypatch):
    monkeypatch.setattr(ProductImporter, "writes_with_copy", writer == "copy")
    monkeypatch.setattr(ProductImporter, "chunk_rows", 2)  # several chunks in one transaction
    rows = [tee(handle=f"p{i}", title=f"P{i}", sku=f"P-{i}") for i in range(5)]
    dry = run(ProductImporter, legacy(*rows), dry_run=True)
    assert dry.counts["sku"]["created"] == 5 and dry.rolled_back
    atomic = run(ProductImporter, legacy(*rows, tee(handle="bad", price="x")), atomic=True)
    assert atomic.refused == 1 and atomic.rolled_back
    assert not Product.objects.exists()
    assert run(ProductImporter, legacy(*rows), atomic=True).counts["sku"]["created"] == 5
    assert SKU.objects.count() == 5
