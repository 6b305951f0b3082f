"""The shared item builder: which SKUs, their availability, prices and texts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.feeds.formats import Availability
from campaigns.feeds.items import feed_items, money, plain_text
from tests.feeds.conftest import STORE

pytestmark = pytest.mark.django_db


def _by_id():
    return {item.id: item for item in feed_items()}


def test_only_sellable_products_are_in_the_feed(catalog):
    assert set(_by_id()) == {sku.code for sku in catalog.sellable}


def test_availability_follows_available_to_promise(catalog):
    items = _by_id()
    today = timezone.localdate()
    assert items["GLOW-30"].availability == Availability.IN_STOCK
    assert items["GLOW-30"].quantity == 40
    # 12 on hand, 10 reserved by a campaign, a safety buffer of 2: nothing to promise.
    assert items["LINEN-S"].availability == Availability.OUT_OF_STOCK
    assert items["LIP-RED"].availability == Availability.OUT_OF_STOCK
    assert (items["SPF-50"].availability, items["SPF-50"].availability_date) == (
        Availability.PREORDER,
        today + timedelta(days=20),
    )
    assert (items["SCARF-1"].availability, items["SCARF-1"].availability_date) == (
        Availability.BACKORDER,
        today + timedelta(days=10),
    )


def test_a_continue_selling_sku_without_a_future_date_is_out_of_stock(catalog):
    catalog.preorder.available_on = timezone.localdate() - timedelta(days=1)
    catalog.preorder.save()
    assert _by_id()["SPF-50"].availability == Availability.OUT_OF_STOCK


def test_compare_at_price_makes_a_sale_price(catalog):
    items = _by_id()
    assert (items["GLOW-50"].price, items["GLOW-50"].sale_price) == ("58.00 EUR", "49.00 EUR")
    assert (items["GLOW-30"].price, items["GLOW-30"].sale_price) == ("39.00 EUR", "")


def test_texts_links_and_identifiers(catalog):
    item = _by_id()["GLOW-30"]
    assert item.title == "Glow Serum - 30 ml"
    assert item.description == "The glow-serum & friends."
    assert item.link == f"{STORE}/products/glow-serum?variant=501"
    assert item.image_link == "https://cdn.example.com/glow-serum.jpg"
    assert (item.item_group_id, item.brand, item.gtin, item.mpn) == (
        "glow-serum",
        "Maison Lumen",
        "3662661000011",
        "GLOW-30",
    )
    assert _by_id()["LIP-RED"].link == f"{STORE}/products/lip-tint"


def test_a_sku_without_code_gets_its_variant_id(catalog):
    catalog.sold_out.code = ""
    catalog.sold_out.shopify_variant_id = 777
    catalog.sold_out.save()
    assert "shopify-777" in _by_id()


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Soft &amp; light</p>\n<ul><li>linen</li></ul>", "Soft & light linen"),
        ("", ""),
        ("plain", "plain"),
    ],
)
def test_plain_text(html, text):
    assert plain_text(html) == text


def test_money_has_two_decimals_and_the_currency():
    from decimal import Decimal

    assert money(Decimal("9.9"), "USD") == "9.90 USD"
    assert money(Decimal("12"), "EUR") == "12.00 EUR"


def test_items_stream_in_a_fixed_number_of_queries(catalog, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(feed_items())) == len(catalog.sellable)
