"""Feed reports and fetches: what a feed holds, what is wrong with it, who fetched it when.

`feed_report(channel)` is the function other pages include (the channel KPI page shows its
summary): one pass over the catalog, cached until the catalog or the reservations change.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from campaigns.feeds.formats import FORMATS, FeedFormat, format_for_network
from campaigns.feeds.items import feed_items
from campaigns.feeds.validate import Problem, validate_row
from campaigns.feeds.writers import render_row
from campaigns.models import Campaign, CampaignItem, Channel
from campaigns.signals import channel_catalog_synced
from catalog.models import SKU, Product, StockLevel
from catalog.querysets import counted_stock_q

# A report is recomputed at least this often even if nothing seems to change.
REPORT_CACHE_SECONDS = 600
# The last report shown on the channel KPI page, with its age, for up to a week.
LAST_REPORT_SECONDS = 7 * 24 * 3600


@dataclass
class FeedReport:
    """One format's feed checked against its network's rules."""

    format: FeedFormat
    items: int = 0
    problems: list[Problem] = field(default_factory=list)
    checked_at: datetime | None = None

    @property
    def items_with_problems(self) -> int:
        return len({p.item_id for p in self.problems})

    @property
    def by_field(self) -> list[tuple[str, int]]:
        """(field, number of problems) most frequent first: what to fix first."""
        return Counter(p.field for p in self.problems).most_common()


def catalog_fingerprint() -> str:
    """Changes whenever anything a feed shows may have changed: an ETag and a cache key.

    Reservations count through campaigns and items; the date counts because a preorder's
    availability date passing turns it out of stock. Stock counts at active locations only,
    and a campaign stops reserving once past its end: a location switched off or an end
    passing moves the fingerprint too, though no updated_at moves.
    """
    now = timezone.now()
    skus = SKU.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    products = Product.objects.aggregate(at=Max("updated_at"))
    stock = StockLevel.objects.aggregate(
        n=Count("pk"), counted=Count("pk", filter=counted_stock_q()), at=Max("updated_at")
    )
    items = CampaignItem.objects.aggregate(
        n=Count("pk"), held=Sum(F("reserved_units") * F("sku_id"))
    )
    campaigns = Campaign.objects.aggregate(
        at=Max("updated_at"), past_end=Count("pk", filter=Q(ends_at__lte=now))
    )
    parts = [timezone.localdate(), skus, products, stock, items, campaigns]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def channel_fingerprint(channel: Channel) -> str:
    """Changes when what the channel's feed selects changes: with the catalog's, its ETag."""
    selection = [sorted(channel.feed_product_types or []), sorted(channel.feed_tags or [])]
    return hashlib.sha256(repr(selection).encode()).hexdigest()[:12]


def format_of(channel: Channel, key: str | None = None) -> FeedFormat:
    """The asked format, else the one the channel's network reads."""
    return FORMATS[key] if key in FORMATS else format_for_network(channel.network)


def feed_report(channel: Channel, fmt_key: str | None = None) -> FeedReport:
    """The channel's feed in `fmt_key` (default: its network's) with its problems per item."""
    fmt = format_of(channel, fmt_key)
    selection = channel_fingerprint(channel)
    key = f"feeds:report:{channel.pk}:{fmt.key}:{selection}:{catalog_fingerprint()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    report = FeedReport(format=fmt)
    seen: set[str] = set()
    for item in feed_items(channel=channel):
        report.items += 1
        report.problems.extend(validate_row(fmt.spec, render_row(fmt.spec, item)))
        if item.id in seen:
            report.problems.append(
                Problem(item.id, fmt.spec.id_field, gettext_noop("The same id twice."))
            )
        seen.add(item.id)
    report.checked_at = timezone.now()
    cache.set(key, report, REPORT_CACHE_SECONDS)
    cache.set(_last_key(channel, fmt), report, LAST_REPORT_SECONDS)
    return report


def last_feed_report(channel: Channel, fmt_key: str | None = None) -> FeedReport | None:
    """The channel's most recent feed report (see `checked_at`), without checking anything.

    For pages with a time budget (the channel KPI page): checking a whole catalog is the
    feed page's and the fetch's work, and even the fingerprint scans every campaign item.
    """
    return cache.get(_last_key(channel, format_of(channel, fmt_key)))


def _last_key(channel: Channel, fmt: FeedFormat) -> str:
    # Per channel: each channel's feed publishes its own products.
    return f"feeds:last-report:{channel.pk}:{fmt.key}"


def feed_problems(channel: Channel, fmt_key: str | None = None) -> list[Problem]:
    """The per-item problems of the channel's feed (item id, field, message)."""
    return feed_report(channel, fmt_key).problems


def record_feed_fetch(channel: Channel) -> None:
    """A network fetched the channel's feed: its catalog is in sync as of now.

    One UPDATE, no save(): a network fetching hourly must not re-check every campaign of the
    channel each time. It announces the sync (`campaigns.signals.channel_catalog_synced`),
    saying whether the previous one was stale (or never done), the one case where
    CATALOG_SYNC_STALE can change its mind; the engine decides what to re-check.
    """
    now = timezone.now()
    last = channel.last_catalog_sync_at
    was_stale = last is None or now - last > timedelta(hours=channel.catalog_sync_max_age_hours)
    Channel.objects.filter(pk=channel.pk).update(last_catalog_sync_at=now)
    channel.last_catalog_sync_at = now
    channel_catalog_synced.send(sender=Channel, channel_id=channel.pk, was_stale=was_stale)
