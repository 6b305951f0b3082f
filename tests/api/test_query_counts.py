"""Every list endpoint reads its page in a fixed number of queries, however many rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from promises.checks.registry import all_rules
from promises.models import CheckRun, RuleSetting
from promises.services import acknowledge_conflicts
from tests.factories import (
    CampaignClaimFactory,
    CampaignFactory,
    CampaignItemFactory,
    ChannelFactory,
    ChannelMetricFactory,
    CheckoutCountryFactory,
    ConflictFactory,
    CreatorFactory,
    LocationFactory,
    OrderFactory,
    ProductFactory,
    PromoCodeFactory,
    ReturnPolicyFactory,
    ShippingMethodFactory,
    ShippingOverrideFactory,
    SKUFactory,
    StockLevelFactory,
    SupportReplyFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db

COUNTRIES = ["FR", "DE", "ES", "IT", "BE", "NL", "PT", "AT", "IE", "LU"] * 3
RULES = sorted(rule.code for rule in all_rules())


def _promo_code(n: int) -> None:
    code = PromoCodeFactory()
    code.skus.add(SKUFactory())
    code.channels.add(ChannelFactory())


def _campaign(n: int) -> None:
    campaign = CampaignFactory()
    ConflictFactory(campaign=campaign)


def _conflict(n: int, assignee=None) -> None:
    ConflictFactory(sku=SKUFactory(), assignee=assignee)


def _event(n: int, actor=None) -> None:
    acknowledge_conflicts([ConflictFactory().pk], actor)


def _metric(n: int) -> None:
    ChannelMetricFactory(date=date(2026, 1, 1) + timedelta(days=n))


def _run(n: int) -> None:
    CheckRun.objects.create(trigger="sweep", started_at=timezone.now())


# Queries for a list page with a token: token + user, the user's permissions (two), the
# count, the page, and one per prefetched relation.
LISTS: dict[str, tuple[Callable[[int], object], int]] = {
    "products": (lambda n: ProductFactory(), 5),
    "skus": (lambda n: StockLevelFactory(), 5),
    "locations": (lambda n: LocationFactory(), 5),
    "stock-levels": (lambda n: StockLevelFactory(), 5),
    "channels": (lambda n: ChannelFactory(), 5),
    "creators": (lambda n: CreatorFactory(), 5),
    "campaigns": (_campaign, 5),
    "campaign-items": (lambda n: CampaignItemFactory(), 5),
    "campaign-claims": (lambda n: CampaignClaimFactory(), 5),
    "shipping-methods": (lambda n: ShippingMethodFactory(), 5),
    "shipping-overrides": (lambda n: ShippingOverrideFactory(), 5),
    "return-policies": (lambda n: ReturnPolicyFactory(), 5),
    "checkout-countries": (lambda n: CheckoutCountryFactory(country=COUNTRIES[n]), 5),
    "promo-codes": (_promo_code, 8),
    "support-replies": (lambda n: SupportReplyFactory(), 5),
    "conflicts": (_conflict, 5),
    "conflict-events": (_event, 5),
    "check-runs": (_run, 5),
    "rule-settings": (lambda n: RuleSetting.objects.create(rule_code=RULES[n], severity="info"), 5),
    "orders": (lambda n: OrderFactory(), 5),
    "channel-metrics": (_metric, 5),
    "survey-responses": (lambda n: SurveyResponseFactory(channel=ChannelFactory()), 5),
}


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("resource", sorted(LISTS))
def test_a_list_page_costs_the_same_queries_for_1_or_20_rows(api, admin_user, resource):
    make, expected = LISTS[resource]
    path = f"/api/{resource}/"
    make(0)
    one = _queries(api(admin_user), path)
    for n in range(1, 20):
        make(n)
    twenty = _queries(api(admin_user), path)
    assert (one, twenty) == (expected, expected)


def test_a_campaign_detail_costs_the_same_with_more_items_and_conflicts(api, world, admin_user):
    path = f"/api/campaigns/{world.campaign.pk}/"
    few = _queries(api(admin_user), path)
    for _ in range(10):
        CampaignItemFactory(campaign=world.campaign)
        ConflictFactory(campaign=world.campaign, sku=SKUFactory())
        CampaignClaimFactory(campaign=world.campaign)
    assert _queries(api(admin_user), path) == few == 7


def test_a_conflict_detail_costs_the_same_with_a_longer_history(api, admin_user, ops_user):
    conflict = ConflictFactory()
    path = f"/api/conflicts/{conflict.pk}/"
    acknowledge_conflicts([conflict.pk], ops_user)
    few = _queries(api(admin_user), path)
    for _ in range(5):
        acknowledge_conflicts([conflict.pk], ops_user)
        ConflictFactory()
    from promises.services import note_fix

    for n in range(5):
        note_fix([conflict.pk], ops_user, f"note {n}")
    assert _queries(api(admin_user), path) == few == 5
