"""What the three ad platforms' syncs share: an ad becomes a campaign, its products become
items, its daily numbers become channel metrics.

Each platform's sync reads its API and turns every ad into a `SyncedAd` (and every report row
into a `DailyAdMetric`); from there on the platforms are alike. A campaign is written through
`campaigns.services.save_campaign`, as the form page writes it, so its claims are read again
from the copy and the engine re-checks it; an ad whose values did not change is not saved, so
a second sync re-checks nothing.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_countries import countries

from campaigns.choices import CampaignFormat, CampaignStatus, ClaimKind
from campaigns.claims import extract_claims
from campaigns.models import Campaign, CampaignItem
from campaigns.services import save_campaign
from campaigns.synced import PLATFORM_OWNED_FIELDS, PLATFORM_OWNED_ITEM_FIELDS, changed_fields
from catalog.models import SKU
from common.texts import said_by, say
from insights.models import ChannelMetric
from insights.signals import channel_metrics_changed
from integrations.choices import IssueKind
from integrations.models import Connection, ExternalRef
from integrations.sync.base import ItemError, Tally

T = TypeVar("T")

AD = "ad"
# What read_items says of an ad that is not a JSON object, and what the ad syncs share.
AD_NOT_AN_OBJECT = gettext_noop("An ad must be an object, got %(value)s.")
AD_WITHOUT_ID = gettext_noop("The ad has no id.")
ENDS_BEFORE_START = gettext_noop("end_time %(end)s is before start_time %(start)s.")
CHANNEL_NEEDED = gettext_noop("Choose the channel this ad account's campaigns run on.")
# The Shopify storefront path of a product page: /products/<handle>, optionally under a
# market's locale prefix (/fr/products/<handle>) or a collection (/collections/x/products/).
PRODUCTS_SEGMENT = "products"
# What a sync writes of a campaign it already knows; the rest is SocialOps' own.
SYNCED_FIELDS = (*PLATFORM_OWNED_FIELDS, "channel", "synced_from", "updated_by")
METRIC_FIELDS = (
    "currency",
    "spend",
    "impressions",
    "clicks",
    "platform_purchases",
    "platform_revenue",
    "attribution_window",
)


@dataclass
class SyncedAd:
    """One ad as SocialOps needs it, whichever platform it came from."""

    external_id: str
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    countries: list[str]
    status: str | None  # a CampaignStatus, None when the platform's status is unknown
    # None: the copy was not read this time (unchanged on the platform), so the campaign's
    # caption and promoted products are kept as they are.
    caption: str | None
    # Catalog product ids (retailer ids) and SKU codes the ad promotes.
    product_ids: list[str] = field(default_factory=list)
    # Landing pages the ad links to (the product pages among them name products).
    urls: list[str] = field(default_factory=list)
    catalog: bool = False  # a catalog (product set) ad rather than a single creative


@dataclass
class DailyAdMetric:
    """One ad's numbers on one day, as the platform reports them."""

    ad_id: str
    day: date
    currency: str
    spend: Decimal
    impressions: int
    clicks: int
    purchases: int
    revenue: Decimal
    attribution_window: str


def read_items(
    rows: Iterable, parse: Callable[[dict], T], tally: Tally, id_key: str, what: str
) -> list[T]:
    """Parse each row; a row that is not an object or cannot be read is listed on the
    connection's page (with its id when it has one) and the rest are kept. `what` says a row
    is no object: AD_NOT_AN_OBJECT, or a sentence like it with a %(value)s."""
    parsed = []
    for row in rows:
        try:
            if not isinstance(row, dict):
                raise ItemError(say(what, value=repr(row)[:200]))
            parsed.append(parse(row))
        except ItemError as error:
            external_id = row.get(id_key, "") if isinstance(row, dict) else ""
            tally.note(IssueKind.MALFORMED, external_id, said_by(error))
    return parsed


def whole(value: Any, name: str) -> int:
    """A count the platform may send as a string ("1200")."""
    try:
        number = int(Decimal(str(value if value not in (None, "") else 0)))
    except (InvalidOperation, ValueError):
        raise ItemError(
            say(
                gettext_noop("%(field)s must be a whole number, got %(value)s."),
                field=name,
                value=repr(value),
            )
        ) from None
    if number < 0:
        raise ItemError(
            say(
                gettext_noop("%(field)s must not be negative, got %(value)s."),
                field=name,
                value=repr(value),
            )
        )
    return number


def known_countries(codes: Iterable[Any], external_id: str, tally: Tally) -> list[str]:
    """The ISO country codes among `codes`; the others are listed, not dropped silently."""
    wanted = {str(c).strip().upper() for c in codes}
    known = sorted(c for c in wanted if c in countries)
    unknown = sorted(wanted - set(known))
    if unknown:
        tally.note(
            IssueKind.UNKNOWN_FIELD,
            external_id,
            say(gettext_noop("Unknown target countries: %(codes)s."), codes=", ".join(unknown)),
        )
    return known


def insights_range(now: datetime) -> tuple[str, str]:
    """The days (YYYY-MM-DD) re-read each sync: attribution windows restate the last ones."""
    today = timezone.localdate(now)
    since = today - timedelta(days=settings.INTEGRATIONS_INSIGHTS_DAYS - 1)
    return since.isoformat(), today.isoformat()


def product_handle(url: str) -> tuple[str, int | None] | None:
    """(handle, variant id or None) of a storefront product URL, None for other pages."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if PRODUCTS_SEGMENT not in segments:
        return None
    index = segments.index(PRODUCTS_SEGMENT)
    if index + 1 >= len(segments):
        return None
    variant = (parse_qs(parts.query).get("variant") or [""])[0]
    return segments[index + 1].lower(), int(variant) if variant.isdigit() else None


@dataclass
class SkuIndex:
    """The SKUs a page of ads names, looked up in three queries."""

    by_code: dict[str, SKU]
    by_handle: dict[str, list[SKU]]
    by_variant: dict[int, SKU]

    @classmethod
    def for_ads(cls, ads: Iterable[SyncedAd]) -> SkuIndex:
        codes, handles, variants = set(), set(), set()
        for ad in ads:
            codes.update(p for p in ad.product_ids if p)
            for url in ad.urls:
                found = product_handle(url)
                if found:
                    handles.add(found[0])
                    if found[1]:
                        variants.add(found[1])
        by_code = {s.code: s for s in SKU.objects.filter(code__in=codes)} if codes else {}
        by_handle: dict[str, list[SKU]] = defaultdict(list)
        if handles:
            for sku in SKU.objects.filter(product__handle__in=handles).select_related("product"):
                by_handle[sku.product.handle].append(sku)
        by_variant = (
            {s.shopify_variant_id: s for s in SKU.objects.filter(shopify_variant_id__in=variants)}
            if variants
            else {}
        )
        return cls(by_code, dict(by_handle), by_variant)

    def match(self, ad: SyncedAd, tally: Tally) -> list[SKU]:
        """The SKUs the ad promotes; what matches none is listed on the connection's page."""
        matched: dict[int, SKU] = {}
        for product_id in dict.fromkeys(ad.product_ids):
            sku = self.by_code.get(product_id)
            if sku is None:
                tally.note(
                    IssueKind.UNMATCHED,
                    ad.external_id,
                    say(
                        gettext_noop(
                            "Product %(product)s matches no SKU code (the catalog's retailer id "
                            "should be the SKU code)."
                        ),
                        product=repr(product_id),
                    ),
                )
            else:
                matched[sku.pk] = sku
        for url in dict.fromkeys(ad.urls):
            found = product_handle(url)
            if found is None:
                continue  # a home or collection page names no product
            handle, variant = found
            if variant and variant in self.by_variant:
                matched[self.by_variant[variant].pk] = self.by_variant[variant]
            elif handle in self.by_handle:
                matched.update((s.pk, s) for s in self.by_handle[handle])
            else:
                tally.note(
                    IssueKind.UNMATCHED,
                    ad.external_id,
                    say(
                        gettext_noop(
                            "The landing page %(url)s names product %(handle)s, which is not in "
                            "the catalog."
                        ),
                        url=url[:200],
                        handle=repr(handle),
                    ),
                )
        return sorted(matched.values(), key=lambda s: s.pk)


def copy_price(caption: str) -> tuple[Decimal, str] | None:
    """The one selling price the copy announces, if it states exactly one."""
    prices = {
        (c.amount, c.currency)
        for c in extract_claims(caption, "")
        if c.kind == ClaimKind.PRICE and c.amount is not None
    }
    return prices.pop() if len(prices) == 1 else None


def _items(
    campaign: Campaign, skus: list[SKU], caption: str, existing: list[CampaignItem]
) -> tuple[list[CampaignItem], list[CampaignItem]]:
    """(new or changed items, removed items) so the campaign promotes exactly `skus`.

    The announced price is the store's price unless the copy states one; expected and
    reserved units are SocialOps' own and are kept as they are.
    """
    stated = copy_price(caption)
    by_sku = {item.sku_id: item for item in existing}
    changed = []
    for sku in skus:
        price, currency = stated or (sku.price, sku.currency)
        item = by_sku.pop(sku.pk, None) or CampaignItem(campaign=campaign, sku=sku)
        if item.pk is None or item.announced_price != price or item.currency != currency:
            item.announced_price, item.currency = price, currency
            changed.append(item)
    return changed, list(by_sku.values())


def apply_ads(
    connection: Connection, ads: list[SyncedAd], tally: Tally, now: datetime, platform: str
) -> None:
    """Create or update the campaign of each ad, with its promoted products."""
    ids = [ad.external_id for ad in ads]
    refs = {
        ref.external_id: ref
        for ref in ExternalRef.objects.filter(connection=connection, kind=AD, external_id__in=ids)
    }
    campaigns = Campaign.objects.in_bulk([ref.object_id for ref in refs.values()])
    items: dict[int, list[CampaignItem]] = defaultdict(list)
    for item in CampaignItem.objects.filter(campaign__in=campaigns.values()):
        items[item.campaign_id].append(item)
    skus = SkuIndex.for_ads(ads)
    content_type = ContentType.objects.get_for_model(Campaign)
    for ad in ads:
        with tally.item(ad.external_id):
            ref = refs.get(ad.external_id)
            campaign = campaigns.get(ref.object_id) if ref else None
            before = None
            if campaign is None:
                campaign = Campaign(
                    format=CampaignFormat.CATALOG_AD if ad.catalog else CampaignFormat.SHORT_VIDEO,
                    status=ad.status or CampaignStatus.IN_REVIEW,
                    currency=connection.channel.currency,
                )
            else:
                before = copy.copy(campaign)  # as stored, to tell what this sync changes
            campaign.channel_id = connection.channel_id
            campaign.synced_from = platform
            campaign.name = ad.name[:200] or f"{platform} ad {ad.external_id}"
            campaign.starts_at, campaign.ends_at = ad.starts_at, ad.ends_at
            campaign.target_countries = ad.countries
            if ad.status:
                campaign.status = ad.status
            changed_items, removed = [], []
            if ad.caption is not None or before is None:
                campaign.caption = ad.caption or ""
                changed_items, removed = _items(
                    campaign, skus.match(ad, tally), campaign.caption, items.get(campaign.pk, [])
                )
            if before is None:
                outcome = "created"
            elif (
                changed_fields(before, campaign, (*PLATFORM_OWNED_FIELDS, "channel"))
                or before.synced_from != platform
                or changed_items
                or removed
            ):
                outcome = "updated"
            else:
                outcome = "unchanged"
            if outcome != "unchanged":
                # The sync made this version, not the last person to edit it: a stale
                # editor is told the sync changed it (common.concurrency.edited_by).
                campaign.updated_by = None
                save_campaign(
                    campaign,
                    items=changed_items,
                    removed_items=removed,
                    from_platform=True,
                    # Only what the platform owns: the campaigns were read at the start of
                    # the sync, and a budget, stop rule or units saved by someone since
                    # must not be put back.
                    update_fields=None if before is None else SYNCED_FIELDS,
                    item_fields=PLATFORM_OWNED_ITEM_FIELDS,
                )
            tally.count(outcome)
            if ref is None:
                ExternalRef.objects.create(
                    connection=connection,
                    kind=AD,
                    external_id=ad.external_id,
                    content_type=content_type,
                    object_id=campaign.pk,
                    last_seen_at=now,
                )
    ExternalRef.objects.filter(connection=connection, kind=AD, external_id__in=ids).update(
        last_seen_at=now
    )


def apply_metrics(connection: Connection, rows: Iterable[DailyAdMetric], tally: Tally) -> int:
    """Upsert one ChannelMetric per campaign and day from the platform's daily ad numbers,
    then the channel's whole-channel row for those days (the sum of its campaigns' rows).

    Idempotent on (channel, campaign, date); the insights signal goes out once, after the
    writes, and only when a row changed. Returns the number of rows written.
    """
    by_ad: dict[tuple[str, date], DailyAdMetric] = {}
    for row in rows:
        key = (row.ad_id, row.day)
        if key in by_ad:  # a platform answering an ad-day twice: add them up
            old = by_ad[key]
            row = DailyAdMetric(
                row.ad_id,
                row.day,
                row.currency,
                old.spend + row.spend,
                old.impressions + row.impressions,
                old.clicks + row.clicks,
                old.purchases + row.purchases,
                old.revenue + row.revenue,
                row.attribution_window,
            )
        by_ad[key] = row
    if not by_ad:
        return 0
    refs = dict(
        ExternalRef.objects.filter(
            connection=connection, kind=AD, external_id__in={ad for ad, _ in by_ad}
        ).values_list("external_id", "object_id")
    )
    channel_id = connection.channel_id
    wanted: dict[tuple[int, date], dict] = {}
    for (ad_id, day), row in by_ad.items():
        campaign_id = refs.get(ad_id)
        if campaign_id is None:
            tally.note(
                IssueKind.UNMATCHED,
                ad_id,
                say(
                    gettext_noop("Numbers for %(day)s name an ad SocialOps has not synced."),
                    day=str(day),
                ),
            )
            continue
        values = wanted.setdefault(
            (campaign_id, day),
            {
                "currency": row.currency or connection.channel.currency,
                "spend": Decimal("0"),
                "impressions": 0,
                "clicks": 0,
                "platform_purchases": 0,
                "platform_revenue": Decimal("0"),
                "attribution_window": row.attribution_window[:64],
            },
        )
        values["spend"] += row.spend
        values["impressions"] += row.impressions
        values["clicks"] += row.clicks
        values["platform_purchases"] += row.purchases
        values["platform_revenue"] += row.revenue
    with transaction.atomic():
        changed_campaigns = _upsert_metrics(
            channel_id,
            wanted,
            ChannelMetric.objects.filter(
                channel_id=channel_id,
                campaign_id__in={c for c, _ in wanted},
                date__in={d for _, d in wanted},
            ),
        )
        days = {day for (campaign_id, day) in wanted if campaign_id in changed_campaigns}
        if days:
            _refresh_channel_rows(channel_id, days)
            channel_metrics_changed.send(
                sender=ChannelMetric, campaign_ids=changed_campaigns, channel_ids={channel_id}
            )
    return len(wanted)


def _upsert_metrics(channel_id: int, wanted: dict[tuple[int, date], dict], stored) -> set[int]:
    existing = {(m.campaign_id, m.date): m for m in stored}
    new, updated, changed = [], [], set()
    for (campaign_id, day), values in wanted.items():
        metric = existing.get((campaign_id, day))
        if metric is None:
            new.append(
                ChannelMetric(channel_id=channel_id, campaign_id=campaign_id, date=day, **values)
            )
        elif any(getattr(metric, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(metric, name, value)
            updated.append(metric)
        else:
            continue
        changed.add(campaign_id)
    ChannelMetric.objects.bulk_create(new)
    ChannelMetric.objects.bulk_update(updated, METRIC_FIELDS)
    return changed


def _refresh_channel_rows(channel_id: int, days: set[date]) -> None:
    """The channel-level row of each day: the sum of the channel's campaign rows, so the KPI
    pages (which read channel rows) see the synced spend, and two ad accounts on one channel
    add up instead of overwriting each other."""
    sums = (
        ChannelMetric.objects.filter(channel_id=channel_id, date__in=days, campaign__isnull=False)
        .values("date")
        .annotate(
            spend=Sum("spend"),
            impressions=Sum("impressions"),
            clicks=Sum("clicks"),
            platform_purchases=Sum("platform_purchases"),
            platform_revenue=Sum("platform_revenue"),
            currency=Max("currency"),
            attribution_window=Max("attribution_window"),
        )
    )
    totals = {row.pop("date"): row for row in sums}
    stored = {
        m.date: m
        for m in ChannelMetric.objects.filter(
            channel_id=channel_id, date__in=days, campaign__isnull=True
        )
    }
    new, updated = [], []
    for day, values in totals.items():
        metric = stored.get(day)
        if metric is None:
            new.append(ChannelMetric(channel_id=channel_id, campaign=None, date=day, **values))
            continue
        for name, value in values.items():
            setattr(metric, name, value)
        updated.append(metric)
    ChannelMetric.objects.bulk_create(new)
    ChannelMetric.objects.bulk_update(updated, METRIC_FIELDS)
