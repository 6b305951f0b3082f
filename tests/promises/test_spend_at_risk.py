"""Spend at risk: a standing conflict on a live campaign carries the campaign's recent daily
spend per day it has stood; everything else carries nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from promises.models import Conflict
from promises.querysets import annotate_spend_at_risk, spend_at_risk_now
from tests.factories import CampaignFactory, ChannelMetricFactory, ConflictFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def risk(conflict) -> Decimal:
    return annotate_spend_at_risk(Conflict.objects.filter(pk=conflict.pk), NOW).get().spend_at_risk


def live_campaign(**kwargs):
    defaults = dict(
        status="live", starts_at=NOW - timedelta(days=10), ends_at=NOW + timedelta(days=10)
    )
    return CampaignFactory(**{**defaults, **kwargs})


def test_recent_metrics_times_the_days_the_conflict_stood():
    campaign = live_campaign(budget=Decimal("1000"))
    for days_ago, spend in [(1, "90"), (2, "110"), (30, "5000")]:  # a month ago: not recent
        ChannelMetricFactory(
            channel=campaign.channel,
            campaign=campaign,
            date=(NOW - timedelta(days=days_ago)).date(),
            spend=Decimal(spend),
        )
    conflict = ConflictFactory(campaign=campaign, first_seen_at=NOW - timedelta(days=3))
    assert risk(conflict) == Decimal("300.00")  # 100 a day, 3 days


def test_without_metrics_the_budget_over_the_campaigns_days():
    campaign = live_campaign(budget=Decimal("2000"))  # 20 days: 100 a day
    conflict = ConflictFactory(campaign=campaign, first_seen_at=NOW - timedelta(hours=12))
    assert risk(conflict) == Decimal("50.00")


def test_counted_from_the_campaigns_start_when_the_conflict_is_older():
    campaign = live_campaign(
        budget=Decimal("2000"), starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=19)
    )
    conflict = ConflictFactory(campaign=campaign, first_seen_at=NOW - timedelta(days=5))
    assert risk(conflict) == Decimal("100.00")


@pytest.mark.parametrize(
    ("status", "state"),
    [("scheduled", "open"), ("paused", "open"), ("live", "resolved"), ("live", "waived")],
)
def test_nothing_at_risk_off_live_campaigns_or_once_it_stops_standing(status, state):
    campaign = live_campaign(budget=Decimal("2000"), status=status)
    extra = (
        {"waived_until": NOW + timedelta(days=1), "waiver_reason": "ok"}
        if state == "waived"
        else {}
    )
    conflict = ConflictFactory(
        campaign=campaign, first_seen_at=NOW - timedelta(days=2), state=state, **extra
    )
    assert risk(conflict) == Decimal("0.00")


def test_no_budget_and_no_metrics_risks_nothing_known():
    conflict = ConflictFactory(
        campaign=live_campaign(budget=None), first_seen_at=NOW - timedelta(days=2)
    )
    assert risk(conflict) == Decimal("0.00")


def test_spend_at_risk_now_sums_the_standing_conflicts():
    campaign = live_campaign(budget=Decimal("2000"))
    ConflictFactory(campaign=campaign, first_seen_at=NOW - timedelta(days=1))
    ConflictFactory(campaign=campaign, first_seen_at=NOW - timedelta(days=2))
    ConflictFactory(campaign=live_campaign(status="scheduled", budget=Decimal("9000")))
    summary = spend_at_risk_now(now=NOW)
    assert summary == {"total": Decimal("300.00"), "conflicts": 2}
