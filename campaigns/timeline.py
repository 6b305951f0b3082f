"""The campaign calendar: which campaigns run in a period, and which overlap on a SKU.

Overlaps are found in one set-based query: campaign items joined to the other campaigns'
items on the same SKU, kept when both campaigns run in the period and their date ranges
meet. Two campaigns pushing the same SKU at the same time share its stock, so the calendar
shows them side by side.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign, CampaignItem
from catalog.models import SKU

# Six weeks: a campaign's run-up, its run and its tail fit on one screen.
PERIOD_DAYS = 42
# Most campaigns drawn at once: beyond this the calendar is unreadable; filters narrow it.
MAX_BARS = 150
# Most SKU lanes in the by-SKU view, the SKUs with the most campaigns first.
MAX_SKU_LANES = 60


@dataclass(frozen=True)
class Period:
    start: date
    days: int = PERIOD_DAYS

    @property
    def end(self) -> date:
        """The first day after the period."""
        return self.start + timedelta(days=self.days)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tz),
            datetime.combine(self.end, time.min, tz),
        )

    @property
    def week_columns(self) -> list[tuple[date, int]]:
        """Each week's first day and its grid column (column 1 holds the row labels)."""
        return [(self.start + timedelta(days=7 * i), 2 + 7 * i) for i in range(self.days // 7)]

    def column(self, day: date) -> int | None:
        """The grid column of `day`, or None outside the period."""
        offset = (day - self.start).days
        return offset + 2 if 0 <= offset < self.days else None

    @property
    def previous(self) -> date:
        return self.start - timedelta(days=self.days)

    @property
    def next(self) -> date:
        return self.end

    @classmethod
    def around(cls, day: date) -> Period:
        """The period starting on the Monday of `day`'s week."""
        return cls(day - timedelta(days=day.weekday()))


def in_period(period: Period) -> Q:
    start, end = period.bounds
    return (Q(starts_at__lt=end) | Q(starts_at__isnull=True)) & (
        Q(ends_at__gte=start) | Q(ends_at__isnull=True)
    )


def campaigns_in(period: Period, base: QuerySet | None = None) -> QuerySet:
    """Campaigns running at some point in the period, ended ones aside."""
    base = base if base is not None else Campaign.objects.all()
    return (
        base.filter(in_period(period))
        .exclude(status=CampaignStatus.ENDED)
        .select_related("channel", "owner")
        .order_by("channel__name", "starts_at", "name", "pk")
    )


def overlaps(period: Period, campaign_ids: list[int]) -> dict[int, dict[int, set[int]]]:
    """{campaign id: {other campaign id: {sku ids}}} for campaigns sharing a SKU in the period.

    One self-join of the given campaigns' items on the SKU, kept where both campaigns run in
    the period and their date ranges meet (an open end meets everything).
    """
    found: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    if not campaign_ids:
        return found
    start, end = period.bounds
    ids = ", ".join(["%s"] * len(campaign_ids))
    item = CampaignItem._meta.db_table
    campaign = Campaign._meta.db_table
    sql = f"""
        SELECT a.campaign_id, b.campaign_id, a.sku_id
        FROM {item} a
        JOIN {item} b ON b.sku_id = a.sku_id AND b.campaign_id > a.campaign_id
        JOIN {campaign} ca ON ca.id = a.campaign_id
        JOIN {campaign} cb ON cb.id = b.campaign_id
        WHERE a.campaign_id IN ({ids}) AND b.campaign_id IN ({ids})
          AND ca.status <> %s AND cb.status <> %s
          AND (ca.starts_at < %s OR ca.starts_at IS NULL)
          AND (ca.ends_at >= %s OR ca.ends_at IS NULL)
          AND (cb.starts_at < %s OR cb.starts_at IS NULL)
          AND (cb.ends_at >= %s OR cb.ends_at IS NULL)
          AND (ca.starts_at IS NULL OR cb.ends_at IS NULL OR ca.starts_at <= cb.ends_at)
          AND (cb.starts_at IS NULL OR ca.ends_at IS NULL OR cb.starts_at <= ca.ends_at)
    """  # table names come from the models; values are parameters
    ended = CampaignStatus.ENDED.value
    params = [*campaign_ids, *campaign_ids, ended, ended, end, start, end, start]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for a, b, sku in cursor.fetchall():
            found[a][b].add(sku)
            found[b][a].add(sku)
    return found


@dataclass
class Bar:
    """One campaign drawn across the period, in day columns (1-based, CSS grid lines)."""

    campaign: Campaign
    first: int
    last: int
    starts_before: bool
    ends_after: bool
    overlaps_with: list[tuple[Campaign, list[SKU]]] = field(default_factory=list)

    @property
    def span(self) -> int:
        return self.last - self.first + 1


@dataclass
class Lane:
    label: str
    bars: list[Bar]


def bar(campaign: Campaign, period: Period) -> Bar:
    start = timezone.localtime(campaign.starts_at).date() if campaign.starts_at else None
    end = timezone.localtime(campaign.ends_at).date() if campaign.ends_at else None
    first = max((start - period.start).days, 0) if start else 0
    last = min((end - period.start).days, period.days - 1) if end else period.days - 1
    return Bar(
        campaign=campaign,
        first=first + 1,
        last=max(last, first) + 1,
        starts_before=start is None or start < period.start,
        ends_after=end is None or end >= period.end,
    )


def lanes(period: Period, campaigns: list[Campaign], by: str) -> tuple[list[Lane], int]:
    """Bars grouped by channel or by SKU, with their overlaps; and how many campaigns overlap."""
    shown = {c.pk: c for c in campaigns}
    found = overlaps(period, list(shown))
    sku_ids = {s for others in found.values() for skus in others.values() for s in skus}
    items: dict[int, list[int]] = defaultdict(list)
    if by == "sku":
        pairs = CampaignItem.objects.filter(campaign_id__in=list(shown)).values_list(
            "campaign_id", "sku_id"
        )
        for campaign_id, sku_id in pairs:
            items[campaign_id].append(sku_id)
            sku_ids.add(sku_id)
    skus = SKU.objects.in_bulk(sku_ids)
    bars: dict[int, Bar] = {}
    for campaign in campaigns:
        drawn = bars[campaign.pk] = bar(campaign, period)
        for other_id, other_skus in sorted(found.get(campaign.pk, {}).items()):
            if other_id in shown:
                drawn.overlaps_with.append(
                    (shown[other_id], sorted((skus[s] for s in other_skus), key=str))
                )
    overlapping = sum(1 for b in bars.values() if b.overlaps_with)
    grouped: dict[str, list[Bar]] = defaultdict(list)
    if by == "sku":
        for campaign in campaigns:
            for sku_id in items.get(campaign.pk, []):
                grouped[str(skus[sku_id])].append(bars[campaign.pk])
        busiest = sorted(grouped, key=lambda label: (-len(grouped[label]), label))
        grouped = {label: grouped[label] for label in busiest[:MAX_SKU_LANES]}
    else:
        for campaign in campaigns:
            grouped[campaign.channel.name].append(bars[campaign.pk])
    return [Lane(label, bars_) for label, bars_ in sorted(grouped.items())], overlapping
