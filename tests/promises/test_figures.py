"""One definition of each figure: every page, API, feed and rule that shows it agrees.

Awkward cases on purpose: stock only at an inactive location, a campaign past its end still
marked live holding a reservation, a safety buffer larger than the stock, a campaign that
reserved all there is and expects more. For each, the SKU list, the SKU page (its header and
its conflict messages), the API, the catalog feed and the engine's STOCK_OUT / STOCK_SHORT
evidence must say the same thing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from campaigns.feeds.formats import Availability
from campaigns.feeds.items import feed_items
from promises.checks.engine import run_checks
from promises.models import Conflict
from tests.factories import (
    CampaignFactory,
    CampaignItemFactory,
    ChannelFactory,
    ChannelMetricFactory,
    ConflictFactory,
    LocationFactory,
    OrderFactory,
    SKUFactory,
    StockLevelFactory,
)

pytestmark = pytest.mark.django_db

# The SKU page's header: "<strong>N</strong> available to promise".
HEADER = re.compile(r"<strong>(-?\d+)</strong> available to promise")
# A conflict message's figure: "25 are available to promise", "(…, 0 available to promise)".
IN_MESSAGE = re.compile(r"(\d+) (?:are )?available to promise")


def running(**kwargs):
    """A live campaign that started yesterday and runs another week: checked."""
    now = timezone.now()
    return CampaignFactory(
        status="live", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7), **kwargs
    )


def stock(sku, available: int, *, active: bool = True) -> None:
    StockLevelFactory(
        sku=sku, location=LocationFactory(active=active), on_hand=available, available=available
    )


@pytest.fixture
def awkward(db):
    """Each SKU with what every consumer must show: (available, reserved, ATP, in stock?)."""
    # Stock only at an inactive location: nothing can ship.
    closed = SKUFactory(code="CLOSED-1")
    stock(closed, 30, active=False)
    CampaignItemFactory(sku=closed, campaign=running(), expected_units=10, reserved_units=0)

    # A campaign past its end but still marked live holds nothing back any more.
    stale = SKUFactory(code="STALE-1")
    stock(stale, 25)
    now = timezone.now()
    past = CampaignFactory(
        status="live", starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=1)
    )
    CampaignItemFactory(sku=stale, campaign=past, expected_units=25, reserved_units=25)
    CampaignItemFactory(sku=stale, campaign=running(), expected_units=40, reserved_units=0)

    # A safety buffer larger than the stock that counts (the inactive stock does not count).
    buffered = SKUFactory(code="BUFFER-1", safety_buffer=15)
    stock(buffered, 10)
    stock(buffered, 30, active=False)
    CampaignItemFactory(sku=buffered, campaign=running(), expected_units=5, reserved_units=0)

    # A campaign reserved everything there is and expects more.
    held = SKUFactory(code="HELD-1")
    stock(held, 25)
    CampaignItemFactory(sku=held, campaign=running(), expected_units=40, reserved_units=25)

    run_checks(None)
    return {
        closed: (0, 0, 0, False),
        stale: (25, 0, 25, True),
        buffered: (10, 0, 0, False),
        held: (25, 25, 0, False),
    }


def test_sku_list_detail_api_and_feed_agree_on_available_to_promise(awkward, login, exec_user):
    client = login(exec_user)
    listed = {s.pk: s for s in client.get(reverse("catalog:sku-list")).context["object_list"]}
    token, _ = Token.objects.get_or_create(user=exec_user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    feed = {item.id: item for item in feed_items()}
    for sku, (available, reserved, atp, in_stock) in awkward.items():
        expected = (available, reserved, atp)
        row = listed[sku.pk]
        assert (row.available, row.reserved, row.available_to_promise) == expected, sku.code
        page = client.get(reverse("catalog:sku-detail", args=[sku.pk]))
        header = page.context["sku"]
        assert (header.available, header.reserved, header.available_to_promise) == expected
        assert HEADER.findall(page.content.decode()) == [str(atp)], sku.code
        body = api.get(f"/api/skus/{sku.pk}/").json()
        assert (body["available"], body["reserved"], body["available_to_promise"]) == expected
        assert (feed[sku.code].availability == Availability.IN_STOCK) is in_stock, sku.code
        assert feed[sku.code].quantity == atp


def test_the_engine_agrees_with_the_sku_pages(awkward, login, exec_user):
    client = login(exec_user)
    for sku, (available, reserved, atp, _) in awkward.items():
        stock_conflicts = list(
            Conflict.objects.filter(sku=sku, rule_code__in=("STOCK_OUT", "STOCK_SHORT"))
        )
        assert len(stock_conflicts) == 1, sku.code
        conflict = stock_conflicts[0]
        # Nothing to promise and nothing reserved for it: out of stock, for everyone.
        own = conflict.campaign.items.get(sku=sku).reserved_units
        assert (conflict.rule_code == "STOCK_OUT") is (atp + own <= 0), sku.code
        assert conflict.evidence["available"] == available
        if conflict.rule_code == "STOCK_OUT":
            assert conflict.evidence["available_to_promise"] == atp == 0
            assert conflict.evidence["reserved_by_other_campaigns"] == reserved - own
        # The figure a conflict message calls "available to promise" is the page's.
        page = client.get(reverse("catalog:sku-detail", args=[sku.pk]))
        shown = [c.message for c in page.context["conflicts"] if c.pk == conflict.pk]
        assert shown and all(int(n) == atp for n in IN_MESSAGE.findall(shown[0])), shown


def test_severity_sorts_blocker_warning_info_on_the_campaign_page_and_the_api(
    login, marketing_user, exec_user
):
    campaign = CampaignFactory(status="scheduled")
    for code, severity in (("A_INFO", "info"), ("B_WARNING", "warning"), ("C_BLOCKER", "blocker")):
        ConflictFactory(campaign=campaign, rule_code=code, severity=severity)
    ranked = ["blocker", "warning", "info"]
    page = login(marketing_user).get(reverse("campaigns:detail", args=[campaign.pk]))
    assert [c.severity for c in page.context["conflicts"]] == ranked
    token, _ = Token.objects.get_or_create(user=exec_user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    detail = api.get(f"/api/campaigns/{campaign.pk}/").json()
    assert [c["severity"] for c in detail["conflicts"]] == ranked
    queue = api.get("/api/conflicts/", {"campaign": campaign.pk, "ordering": "severity"}).json()
    assert [c["severity"] for c in queue["results"]] == ranked
    queue = api.get("/api/conflicts/", {"campaign": campaign.pk, "ordering": "-severity"}).json()
    assert [c["severity"] for c in queue["results"]] == ranked[::-1]


def test_net_revenue_agrees_between_the_kpi_page_and_the_stop_rule(login, exec_user):
    channel = ChannelFactory()
    campaign = running(
        channel=channel, objective="performance", stop_min_roas=D("4"), stop_max_cpa=None
    )
    placed = timezone.now() - timedelta(hours=2)
    OrderFactory(
        channel=channel,
        campaign=campaign,
        placed_at=placed,
        gross=D("100.10"),
        discounts=D("10.05"),
        refunded=D("20.02"),
    )
    OrderFactory(channel=channel, campaign=campaign, placed_at=placed, gross=D("50.33"))
    ChannelMetricFactory(
        channel=channel, campaign=campaign, date=timezone.localdate(), spend=D("60")
    )
    run_checks([campaign.pk])
    tripped = Conflict.objects.get(campaign=campaign, rule_code="STOP_RULE_TRIPPED")
    row = login(exec_user).get(reverse("insights:channel-detail", args=[channel.pk])).context["row"]
    # 100.10 - 10.05 - 20.02 + 50.33
    assert row.net_revenue == D(tripped.evidence["net_revenue"]) == D("120.36")
