"""Each network's file: written, read back, and validated against the network's rules."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from campaigns.feeds.formats import FORMATS, GOOGLE, META, PINTEREST, TIKTOK
from campaigns.feeds.items import feed_items
from campaigns.feeds.validate import read_rows, validate_row, validate_rows
from campaigns.feeds.writers import write_feed

GOOD = {
    "id": "GLOW-30",
    "title": "Glow Serum",
    "description": "A serum.",
    "availability": "in stock",
    "condition": "new",
    "price": "39.00 EUR",
    "link": "https://shop.example.com/products/glow-serum",
    "image_link": "https://cdn.example.com/glow.jpg",
    "brand": "Maison Lumen",
}


def _feed(key: str) -> str:
    return "".join(write_feed(FORMATS[key], feed_items(), title="Instagram shop"))


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(FORMATS))
def test_every_format_validates_for_a_demo_like_catalog(catalog, key):
    fmt = FORMATS[key]
    rows = read_rows(fmt, _feed(key))
    assert len(rows) == len(catalog.sellable)
    assert list(rows[0]) == list(fmt.spec.columns) or fmt.writer == "rss"
    assert list(validate_rows(fmt.spec, rows)) == []
    by_id = {row[fmt.spec.id_field]: row for row in rows}
    assert by_id["LIP-RED"]["availability"] == fmt.spec.availability["out_of_stock"]
    assert by_id["GLOW-30"]["availability"] == fmt.spec.availability["in_stock"]
    assert by_id["GLOW-50"]["sale_price"] == "49.00 EUR"
    assert by_id["GLOW-50"]["item_group_id"] == by_id["GLOW-30"]["item_group_id"]


@pytest.mark.django_db
def test_google_xml_is_rss_2_with_the_g_namespace(catalog):
    root = ElementTree.fromstring(_feed("google-xml"))
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    g = "{http://base.google.com/ns/1.0}"
    preorder = next(i for i in root.iter("item") if i.findtext(f"{g}id") == "SPF-50")
    assert preorder.findtext(f"{g}availability") == "preorder"
    assert preorder.findtext(f"{g}availability_date").endswith("T00:00:00Z")


@pytest.mark.django_db
def test_network_spellings_of_backorder(catalog):
    def availability(key: str) -> str:
        fmt = FORMATS[key]
        rows = read_rows(fmt, _feed(key))
        return next(r for r in rows if r[fmt.spec.id_field] == "SCARF-1")["availability"]

    assert availability("google-tsv") == "backorder"
    assert availability("meta") == "available for order"
    assert availability("tiktok") == "available for order"
    assert availability("pinterest") == "preorder"


@pytest.mark.django_db
def test_long_texts_are_clipped_to_the_networks_limit(catalog):
    catalog.in_stock.product.description = "word " * 3000
    catalog.in_stock.product.save()
    rows = read_rows(FORMATS["google-tsv"], _feed("google-tsv"))
    description = next(r for r in rows if r["id"] == "GLOW-30")["description"]
    assert len(description) == 5000 and description.endswith("\u2026")


@pytest.mark.parametrize(
    ("spec", "change", "field", "message"),
    [
        (META, {"image_link": ""}, "image_link", "Meta requires image_link"),
        (META, {"brand": ""}, "brand", "Meta requires brand"),
        (META, {"price": "39,00 EUR"}, "price", "is not like '9.99 USD'"),
        (META, {"price": "EUR 39.00"}, "price", "is not like '9.99 USD'"),
        (META, {"sale_price": "45.00 EUR"}, "sale_price", "Not lower than the price"),
        (META, {"sale_price": "5.00 USD"}, "sale_price", "Not in the price's currency"),
        (META, {"link": "shop.example.com/x"}, "link", "is not an http(s) URL"),
        (META, {"availability": "in_stock"}, "availability", "not a Meta availability"),
        (META, {"condition": "mint"}, "condition", "is not one of"),
        (META, {"title": "x" * 201}, "title", "Longer than Meta's 200"),
        (META, {"id": "x" * 101}, "id", "Longer than Meta's 100"),
        (GOOGLE, {"availability": "preorder"}, "availability_date", "Required with"),
        (
            GOOGLE,
            {"availability": "backorder", "availability_date": "next week"},
            "availability_date",
            "is not an ISO 8601 date",
        ),
        (GOOGLE, {"brand": ""}, "brand", "requires one of brand, gtin, mpn"),
        (GOOGLE, {"description": "d" * 5001}, "description", "Longer than Google's 5000"),
        (PINTEREST, {"title": "t" * 501}, "title", "Longer than Pinterest's 500"),
        (PINTEREST, {"availability": "available for order"}, "availability", "not a Pinterest"),
    ],
)
def test_validation_catches_bad_items(spec, change, field, message):
    row = {**GOOD, **change}
    problems = validate_row(spec, row)
    assert [(p.item_id, p.field) for p in problems] == [(row["id"][:200], field)]
    assert message in problems[0].message


@pytest.mark.parametrize(
    ("spec", "row"),
    [
        (META, GOOD),
        (GOOGLE, {**GOOD, "availability": "in_stock"}),
        (GOOGLE, {**GOOD, "brand": "", "gtin": "3662661000011"}),
        (GOOGLE, {**GOOD, "availability": "preorder", "availability_date": "2026-12-01"}),
        (PINTEREST, GOOD),
    ],
)
def test_valid_items_pass(spec, row):
    assert validate_row(spec, row) == []


def test_tiktok_identifies_items_by_sku_id():
    row = {**GOOD, "sku_id": GOOD["id"]}
    del row["id"]
    assert validate_row(TIKTOK, row) == []
    assert validate_row(TIKTOK, {**row, "sku_id": ""})[0].item_id == "(no id)"


def test_duplicate_ids_are_a_problem():
    problems = list(validate_rows(META, [GOOD, GOOD]))
    assert [(p.field, p.message) for p in problems] == [("id", "The same id appears twice.")]


@pytest.mark.parametrize(
    ("name", "key", "count"),
    [
        ("meta_catalog_minimal_santopadre.csv", "meta", None),
        ("meta_catalog_fulltemplate_leibig_first6.csv", "meta", None),
        ("google_example_feed_xml_rss.xml", "google-xml", None),
    ],
)
def test_the_networks_reference_samples_pass_our_validation(feed_samples, name, key, count):
    """Real feeds the networks accept are what valid looks like: the validator agrees."""
    fmt = FORMATS[key]
    rows = read_rows(fmt, (feed_samples / name).read_text(encoding="utf-8"))
    assert rows
    assert list(validate_rows(fmt.spec, rows)) == []
