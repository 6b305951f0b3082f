"""A small demo-like catalog for the feeds: every availability case, one of each mistake."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.choices import Network
from tests.factories import (
    CampaignFactory,
    CampaignItemFactory,
    ChannelFactory,
    LocationFactory,
    ProductFactory,
    SKUFactory,
    StockLevelFactory,
)

STORE = "https://shop.example.com"


def formats_dir() -> Path:
    """../shared/formats beside the repository (in a git worktree, beside its parent)."""
    base = Path(settings.BASE_DIR)
    for folder in (base.parent, *base.parent.parents):
        if (folder / "shared" / "formats").is_dir():
            return folder / "shared" / "formats"
    return base.parent / "shared" / "formats"


@pytest.fixture
def feed_samples() -> Path:
    folder = formats_dir() / "feeds"
    if not folder.is_dir():
        pytest.skip(f"Feed samples not found at {folder}")
    return folder


def make_product(handle: str, **kwargs):
    defaults = dict(
        title=handle.replace("-", " ").title(),
        vendor="Maison Lumen",
        description=f"<p>The <strong>{handle}</strong> &amp; friends.</p>",
        attributes={"image_url": f"https://cdn.example.com/{handle}.jpg"},
    )
    return ProductFactory(handle=handle, **{**defaults, **kwargs})


class Catalog:
    """SKUs named by what the feed must say about them."""

    def __init__(self) -> None:
        from promises import triggers

        today = timezone.localdate()
        with triggers.suspended():
            self.warehouse = LocationFactory(name="Paris", shopify_location_id=1001)
            serum = make_product("glow-serum", option1_name="Size")
            self.in_stock = SKUFactory(
                product=serum,
                code="GLOW-30",
                option1="30 ml",
                price=Decimal("39.00"),
                barcode="3662661000011",
                shopify_variant_id=501,
                shopify_inventory_item_id=9001,
            )
            self.on_sale = SKUFactory(
                product=serum,
                code="GLOW-50",
                option1="50 ml",
                price=Decimal("49.00"),
                compare_at_price=Decimal("58.00"),
            )
            self.reserved_away = SKUFactory(
                product=make_product("linen-shirt"), code="LINEN-S", safety_buffer=2
            )
            self.preorder = SKUFactory(
                product=make_product("spf-fluid"),
                code="SPF-50",
                inventory_policy="continue",
                available_on=today + timedelta(days=20),
            )
            self.backorder = SKUFactory(
                product=make_product("cashmere-scarf"),
                code="SCARF-1",
                inventory_policy="continue",
                available_on=today + timedelta(days=10),
            )
            self.sold_out = SKUFactory(product=make_product("lip-tint"), code="LIP-RED")
            self.draft = SKUFactory(product=make_product("new-mask", status="draft"), code="MASK")
            self.archived = SKUFactory(
                product=make_product("old-soap", status="archived"), code="SOAP"
            )
            self.unpublished = SKUFactory(
                product=make_product("hidden", published=False), code="HIDDEN"
            )
            for sku, units in (
                (self.in_stock, 40),
                (self.on_sale, 5),
                (self.reserved_away, 12),
                (self.backorder, 3),
            ):
                StockLevelFactory(sku=sku, location=self.warehouse, on_hand=units, available=units)
            # 10 of the shirt's 12 are reserved by a scheduled campaign, 2 are the buffer.
            self.channel = ChannelFactory(
                name="Instagram shop", network=Network.INSTAGRAM, catalog_sync="feed"
            )
            self.campaign = CampaignFactory(channel=self.channel, status="scheduled")
            CampaignItemFactory(campaign=self.campaign, sku=self.reserved_away, reserved_units=10)
            CampaignItemFactory(campaign=self.campaign, sku=self.backorder, reserved_units=3)

    @property
    def sellable(self) -> list:
        return [
            self.in_stock,
            self.on_sale,
            self.reserved_away,
            self.preorder,
            self.backorder,
            self.sold_out,
        ]


@pytest.fixture
def catalog(db, settings) -> Catalog:
    settings.STORE_URL = STORE
    return Catalog()
