"""Pinterest ad account -> campaigns: each ad (a promoted pin) becomes a SocialOps campaign.

Campaigns, ad groups (schedule, GEO targeting) and ads are read 250 a page. An ad's copy is
its pin's title and description, and the pin's link its landing page; a pin is read when
its ad is new to SocialOps or changed on Pinterest since the last good sync (v5 has no batch
read of pins, so reading every pin every time would cost a request per ad). Daily spend and
checkouts come from ads/analytics, a hundred ads a request.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from campaigns.choices import CampaignStatus
from common.texts import say
from integrations.choices import IssueKind, SyncRunStatus
from integrations.clients.http import IntegrationError
from integrations.clients.pinterest import ATTRIBUTION_LABEL, NotFound, PinterestClient
from integrations.models import Connection, ExternalRef, SyncRun
from integrations.sync.ads import (
    AD,
    AD_NOT_AN_OBJECT,
    AD_WITHOUT_ID,
    CHANNEL_NEEDED,
    ENDS_BEFORE_START,
    DailyAdMetric,
    SyncedAd,
    apply_ads,
    apply_metrics,
    insights_range,
    known_countries,
    read_items,
    whole,
)
from integrations.sync.base import ItemError, Tally, money, text

PLATFORM = "Pinterest"
MICRO = Decimal("1000000")

# summary_status of an ad -> the campaign's status; a pin still in review or rejected
# (review_status) is in review or paused whatever its summary says.
STATUS_OF = {
    "RUNNING": CampaignStatus.LIVE,
    "NOT_STARTED": CampaignStatus.SCHEDULED,
    "PAUSED": CampaignStatus.PAUSED,
    "ADVERTISER_DISABLED": CampaignStatus.PAUSED,
    "COMPLETED": CampaignStatus.ENDED,
    "ARCHIVED": CampaignStatus.ENDED,
    "DRAFT": CampaignStatus.DRAFT,
}
REVIEW_STATUS_OF = {"PENDING": CampaignStatus.IN_REVIEW, "REJECTED": CampaignStatus.PAUSED}


def _when(value, name: str) -> datetime | None:
    """Pinterest's times are Unix seconds."""
    if value in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        raise ItemError(
            say(
                gettext_noop("%(field)s is not a Unix time: %(value)s."),
                field=name,
                value=repr(value),
            )
        ) from None


def _status(ad: dict, tally: Tally) -> str | None:
    review = REVIEW_STATUS_OF.get(text(ad.get("review_status"), 32))
    if review:
        return review
    summary = text(ad.get("summary_status") or ad.get("status"), 32)
    status = STATUS_OF.get(summary)
    if status is None:
        tally.note(
            IssueKind.UNKNOWN_FIELD,
            ad.get("id"),
            say(gettext_noop("Unknown summary_status %(value)s."), value=repr(summary)),
        )
    return status


def _countries(ad_group: dict, ad_id: str, tally: Tally) -> list[str]:
    geo = (ad_group.get("targeting_spec") or {}).get("GEO") or []
    if not isinstance(geo, list):
        raise ItemError(
            say(gettext_noop("targeting_spec.GEO must be a list, got %(value)s."), value=repr(geo))
        )
    # GEO holds countries ("FR") and regions ("US-CA"): a region targets part of a country.
    return known_countries({str(code).split("-")[0] for code in geo}, ad_id, tally)


def synced_ad(
    ad: dict,
    ad_groups: dict[str, dict],
    campaigns: dict[str, dict],
    pins: dict[str, dict],
    tally: Tally,
) -> SyncedAd:
    ad_id = text(ad.get("id"), 255)
    if not ad_id:
        raise ItemError(say(AD_WITHOUT_ID))
    ad_group = ad_groups.get(text(ad.get("ad_group_id"), 255)) or {}
    parent = campaigns.get(text(ad.get("campaign_id"), 255)) or {}
    starts_at = _when(ad_group.get("start_time") or parent.get("start_time"), "start_time")
    ends_at = _when(ad_group.get("end_time") or parent.get("end_time"), "end_time")
    if starts_at and ends_at and ends_at < starts_at:
        raise ItemError(say(ENDS_BEFORE_START, end=str(ends_at), start=str(starts_at)))
    pin = pins.get(text(ad.get("pin_id"), 255))
    caption, urls = None, []
    if pin is not None:
        caption = "\n".join(str(t) for t in (pin.get("title"), pin.get("description")) if t)
        urls = [str(u) for u in (ad.get("destination_url"), pin.get("link")) if u]
    return SyncedAd(
        external_id=ad_id,
        name=text(ad.get("name"), 200) or text((pin or {}).get("title"), 200),
        starts_at=starts_at,
        ends_at=ends_at,
        countries=_countries(ad_group, ad_id, tally),
        status=_status(ad, tally),
        caption=caption,
        urls=list(dict.fromkeys(urls)),
    )


def daily_metric(row: dict, currency: str) -> DailyAdMetric:
    try:
        day = date.fromisoformat(str(row.get("DATE")))
    except ValueError:
        raise ItemError(
            say(gettext_noop("DATE is not a date: %(value)s."), value=repr(row.get("DATE")))
        ) from None
    spend = money(row.get("SPEND_IN_MICRO_DOLLAR"), "SPEND_IN_MICRO_DOLLAR") or Decimal("0")
    value = money(
        row.get("TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"), "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR"
    ) or Decimal("0")
    return DailyAdMetric(
        ad_id=text(row.get("AD_ID"), 255),
        day=day,
        currency=currency,
        # Micro-units of the account's currency, whatever the column's name says.
        spend=(spend / MICRO).quantize(Decimal("0.01")),
        impressions=whole(row.get("TOTAL_IMPRESSION"), "TOTAL_IMPRESSION"),
        clicks=whole(row.get("TOTAL_CLICKTHROUGH"), "TOTAL_CLICKTHROUGH"),
        purchases=whole(row.get("TOTAL_CHECKOUT"), "TOTAL_CHECKOUT"),
        revenue=(value / MICRO).quantize(Decimal("0.01")),
        attribution_window=ATTRIBUTION_LABEL,
    )


def _pins_to_read(connection: Connection, ads: list[dict]) -> list[str]:
    """Pins of the ads SocialOps has not synced yet or that changed since the last good
    sync began."""
    last = (
        SyncRun.objects.filter(
            connection=connection, status__in=[SyncRunStatus.SUCCEEDED, SyncRunStatus.PARTIAL]
        )
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    known = set(
        ExternalRef.objects.filter(
            connection=connection, kind=AD, external_id__in=[text(a.get("id"), 255) for a in ads]
        ).values_list("external_id", flat=True)
    )
    wanted = []
    for ad in ads:
        try:
            updated = int(ad.get("updated_time") or 0)
        except (TypeError, ValueError):
            updated = None  # unreadable: read the pin to be safe
        stale = last is None or updated is None or updated >= int(last.timestamp())
        if ad.get("pin_id") and (text(ad.get("id"), 255) not in known or stale):
            wanted.append(text(ad.get("pin_id"), 255))
    return list(dict.fromkeys(wanted))


def _read_ads(
    client: PinterestClient,
    connection: Connection,
    page: list,
    ad_groups: dict[str, dict],
    campaigns: dict[str, dict],
    tally: Tally,
) -> list[SyncedAd]:
    """A page of ads with the pins they need read; an ad whose pin is gone is listed and
    left for a later sync."""
    wanted = _pins_to_read(connection, [ad for ad in page if isinstance(ad, dict)])
    pins: dict[str, dict] = {}
    for pin_id in wanted:
        with suppress(NotFound):  # its ad is listed below
            pins[pin_id] = client.pin(pin_id)

    def read(ad: dict) -> SyncedAd:
        pin_id = text(ad.get("pin_id"), 255)
        if pin_id in wanted and pin_id not in pins:
            raise ItemError(
                say(
                    gettext_noop("Its pin %(pin)s could not be read (Pinterest: not found)."),
                    pin=pin_id,
                )
            )
        return synced_ad(ad, ad_groups, campaigns, pins, tally)

    return read_items(page, read, tally, "id", AD_NOT_AN_OBJECT)


def sync_pinterest(connection: Connection, tally: Tally) -> PinterestClient:
    """Read the account's campaigns, ad groups, ads and the pins that changed, apply the ads,
    then the last days' analytics."""
    if connection.channel_id is None:
        raise IntegrationError(say(CHANNEL_NEEDED))
    client = PinterestClient(connection.account_id, connection.credentials())
    tally.client = client
    now = timezone.now()
    currency = text(client.account_info().get("currency"), 3).upper()
    campaigns = {
        str(c.get("id")): c for page in client.campaigns() for c in page if isinstance(c, dict)
    }
    ad_groups = {
        str(g.get("id")): g for page in client.ad_groups() for g in page if isinstance(g, dict)
    }
    ad_ids: list[str] = []
    for page in client.ads():
        synced = _read_ads(client, connection, page, ad_groups, campaigns, tally)
        ad_ids += [ad.external_id for ad in synced]
        with transaction.atomic():
            apply_ads(connection, synced, tally, now, PLATFORM)
    start, end = insights_range(now)
    currency = currency or connection.channel.currency
    rows = [
        metric
        for page in client.daily_analytics(ad_ids, start, end)
        for metric in read_items(
            page,
            lambda row: daily_metric(row, currency),
            tally,
            "AD_ID",
            gettext_noop("An analytics row must be an object, got %(value)s."),
        )
    ]
    apply_metrics(connection, rows, tally)
    return client
