from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    CampaignFactory,
    CampaignItemFactory,
    ChannelFactory,
    CheckoutCountryFactory,
    ReturnPolicyFactory,
    ShippingMethodFactory,
    SKUFactory,
    StockLevelFactory,
)


class World:
    """A small store where one scheduled campaign is fine; tests break one thing at a time."""

    def __init__(self, marketing_user):
        from promises import triggers

        with triggers.suspended():
            self.channel = ChannelFactory(
                name="Instagram",
                calendar_owner=marketing_user,
                creative_budget_monthly=Decimal("3000"),
                catalog_sync="feed",
                last_catalog_sync_at=timezone.now(),
                catalog_sync_max_age_hours=24 * 365,
                response_time_commitment_hours=2,
            )
            self.sku = SKUFactory(code="SERUM-30", price=Decimal("24.99"))
            self.stock = StockLevelFactory(sku=self.sku, on_hand=100, available=100)
            self.method = ShippingMethodFactory(
                name="Colissimo", countries=["FR"], min_days=2, max_days=3
            )
            CheckoutCountryFactory(country="FR")
            ReturnPolicyFactory(name="Standard", window_days=30)
            self.campaign = CampaignFactory(
                channel=self.channel,
                name="Spring glow",
                status="scheduled",
                target_countries=["FR"],
                cites_stock=True,
                stop_min_roas=Decimal("2"),
                qualified_basket_threshold=Decimal("40"),
                starts_at=timezone.now() + timedelta(days=1),
            )
            self.item = CampaignItemFactory(
                campaign=self.campaign, sku=self.sku, expected_units=20, reserved_units=20
            )


@pytest.fixture
def world(db, marketing_user):
    return World(marketing_user)
