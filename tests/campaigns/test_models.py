from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import Campaign, CampaignItem, Channel
from campaigns.querysets import annotate_available_to_promise
from catalog.models import SKU
from tests.db import refused
from tests.factories import (
    CampaignFactory,
    CampaignItemFactory,
    ChannelFactory,
    CreatorFactory,
    SKUFactory,
    StockLevelFactory,
)

pytestmark = pytest.mark.django_db


def test_a_campaign_cannot_end_before_it_starts():
    start = timezone.now()
    with refused():
        CampaignFactory(starts_at=start, ends_at=start - timedelta(seconds=1))


def test_a_campaign_may_end_when_it_starts_or_have_open_dates():
    start = timezone.now()
    CampaignFactory(starts_at=start, ends_at=start)
    CampaignFactory(starts_at=None, ends_at=None)
    assert Campaign.objects.count() == 2


def test_target_countries_are_iso_codes():
    campaign = CampaignFactory(target_countries=["FR", "DE"])
    campaign.refresh_from_db()
    assert sorted(c.code for c in campaign.target_countries) == ["DE", "FR"]
    with refused():
        Campaign.objects.filter(pk=campaign.pk).update(target_countries="FR,germany")


def test_one_item_per_sku_in_a_campaign():
    item = CampaignItemFactory()
    with refused():
        CampaignItemFactory(campaign=item.campaign, sku=item.sku)


@pytest.mark.parametrize("field", ["expected_units", "reserved_units", "announced_price"])
def test_item_quantities_and_prices_cannot_be_negative(field):
    item = CampaignItemFactory()
    with refused():
        CampaignItem.objects.filter(pk=item.pk).update(**{field: -1})


@pytest.mark.parametrize("rate", [Decimal("-0.01"), Decimal("1.01")])
def test_native_checkout_fee_is_a_rate(rate):
    channel = ChannelFactory()
    with refused():
        Channel.objects.filter(pk=channel.pk).update(native_checkout_fee_rate=rate)


def test_creator_handles_are_unique_per_network():
    CreatorFactory(handle="lea", network="tiktok")
    CreatorFactory(handle="lea", network="instagram")
    with refused():
        CreatorFactory(handle="lea", network="tiktok")


def test_channel_surfaces_are_validated():
    from django.core.exceptions import ValidationError

    channel = ChannelFactory.build(surfaces=["native_shop", "hologram"])
    with pytest.raises(ValidationError, match="surfaces"):
        channel.full_clean()


def test_governance_gaps_name_what_is_missing(marketing_user):
    bare = ChannelFactory()
    assert bare.governance_gaps == [
        "calendar owner",
        "creative budget",
        "catalog sync",
        "response-time commitment",
    ]
    complete = ChannelFactory(
        calendar_owner=marketing_user,
        creative_budget_monthly=Decimal("5000"),
        catalog_sync="feed",
        response_time_commitment_hours=2,
    )
    assert complete.governance_gaps == []


def test_available_to_promise_takes_off_reservations_of_checked_campaigns_and_the_buffer():
    sku = SKUFactory(safety_buffer=5)
    StockLevelFactory(sku=sku, on_hand=100, available=100)
    CampaignItemFactory(sku=sku, reserved_units=30, campaign=CampaignFactory(status="live"))
    CampaignItemFactory(sku=sku, reserved_units=20, campaign=CampaignFactory(status="scheduled"))
    # Drafts and ended campaigns hold nothing back.
    CampaignItemFactory(sku=sku, reserved_units=500, campaign=CampaignFactory(status="draft"))
    CampaignItemFactory(sku=sku, reserved_units=500, campaign=CampaignFactory(status="ended"))
    row = annotate_available_to_promise(SKU.objects.filter(pk=sku.pk)).get()
    assert (row.available, row.reserved, row.available_to_promise) == (100, 50, 45)


def test_available_to_promise_never_goes_below_zero():
    sku = SKUFactory(safety_buffer=2)
    StockLevelFactory(sku=sku, on_hand=1, available=1)
    row = annotate_available_to_promise(SKU.objects.filter(pk=sku.pk)).get()
    assert row.available_to_promise == 0
