"""The operations KPIs (conflicts per channel, median time to resolve) the exec pages show."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from insights import kpis
from insights.kpis import Period
from promises.choices import ConflictState, Severity
from promises.kpis import median_duration, with_operations
from tests.factories import CampaignFactory, ChannelFactory, ConflictFactory, OrderFactory

JUNE = Period(date(2025, 6, 1), date(2025, 6, 7))


def at(day: int, hour: int = 12, month: int = 6) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UTC)


def test_median_duration_takes_the_middle_or_the_mean_of_the_two_middles():
    hours = [timedelta(hours=h) for h in (10, 1, 3)]
    assert median_duration(hours) == timedelta(hours=3)
    assert median_duration([*hours, timedelta(hours=5)]) == timedelta(hours=4)
    assert median_duration([]) is None


@pytest.fixture
def queue(db):
    """TikTok: a blocker and an acknowledged warning standing, one waived, three resolved in
    June (1, 3 and 10 hours) and one in May; Instagram: one warning."""
    tiktok = ChannelFactory(name="TikTok")
    insta = ChannelFactory(name="Instagram")
    OrderFactory(channel=tiktok, placed_at=at(2), gross=D("120"))
    campaign = CampaignFactory(channel=tiktok)
    ConflictFactory(campaign=campaign, severity=Severity.BLOCKER)
    ConflictFactory(campaign=campaign, severity=Severity.WARNING, state=ConflictState.ACKNOWLEDGED)
    ConflictFactory(
        campaign=campaign,
        state=ConflictState.WAIVED,
        waiver_reason="Agreed with ops",
        waived_until=at(30),
    )
    for hours in (1, 3, 10):
        ConflictFactory(
            campaign=campaign,
            state=ConflictState.RESOLVED,
            first_seen_at=at(4) - timedelta(hours=hours),
            resolved_at=at(4),
        )
    ConflictFactory(
        campaign=campaign,
        state=ConflictState.RESOLVED,
        first_seen_at=at(20, month=5),
        resolved_at=at(21, month=5),
    )
    ConflictFactory(campaign=CampaignFactory(channel=insta), severity=Severity.WARNING)
    return tiktok, insta


def test_each_channel_gets_its_standing_conflicts_and_median_time_to_resolve(queue):
    tiktok, insta = queue
    card = with_operations(kpis.scorecard(JUNE))
    t, i = card.row_for(tiktok.pk), card.row_for(insta.pk)
    assert (t.open_conflicts, t.open_blockers) == (2, 1)
    assert t.resolved_conflicts == 3
    assert t.median_time_to_resolve == timedelta(hours=3)
    assert (i.open_conflicts, i.open_blockers, i.resolved_conflicts) == (1, 0, 0)
    assert i.median_time_to_resolve is None


def test_the_channel_page_counts_only_its_own_conflicts(queue):
    tiktok, insta = queue
    card = with_operations(kpis.scorecard(JUNE), channel_id=insta.pk)
    assert card.row_for(insta.pk).open_conflicts == 1
    assert card.row_for(tiktok.pk).open_conflicts == 0
    # Revenue still covers every channel: shares need them.
    assert card.row_for(tiktok.pk).share_of_revenue == 1


@pytest.mark.parametrize("channels", [1, 12])
def test_operations_read_in_two_queries_however_many_channels(
    db, django_assert_num_queries, channels
):
    for _ in range(channels):
        ConflictFactory(campaign=CampaignFactory(channel=ChannelFactory()))
    card = kpis.scorecard(JUNE)
    # standing conflicts, resolved conflicts
    with django_assert_num_queries(2):
        with_operations(card)
    assert sum(row.open_conflicts for row in card.rows) == channels
