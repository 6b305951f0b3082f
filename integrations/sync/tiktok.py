"""TikTok advertiser -> campaigns: each ad becomes (or updates) a SocialOps campaign.

Campaigns, ad groups (schedule, locations) and ads (text, landing page, statuses) are read a
thousand a page; the integrated report gives spend, impressions, clicks and purchases per ad
and day. The writes go through integrations/sync/ads.py, as Meta's do.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from campaigns.choices import CampaignStatus
from common.texts import say
from integrations.choices import IssueKind
from integrations.clients.http import IntegrationError
from integrations.clients.tiktok import TikTokClient
from integrations.models import Connection
from integrations.sync.ads import (
    AD_NOT_AN_OBJECT,
    DailyAdMetric,
    SyncedAd,
    apply_ads,
    apply_metrics,
    insights_range,
    read_items,
    whole,
)
from integrations.sync.base import ItemError, Tally, money, text

PLATFORM = "TikTok"
ATTRIBUTION_LABEL = "TikTok account setting"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# secondary_status of an ad -> the campaign's status. An ad switched off by its advertiser
# (operation_status DISABLE) is paused whatever its secondary status says.
STATUS_OF = {
    "AD_STATUS_DELIVERY_OK": CampaignStatus.LIVE,
    "AD_STATUS_NOT_START": CampaignStatus.SCHEDULED,
    "AD_STATUS_DONE": CampaignStatus.ENDED,
    "AD_STATUS_DISABLE": CampaignStatus.PAUSED,
    "AD_STATUS_CAMPAIGN_DISABLE": CampaignStatus.PAUSED,
    "AD_STATUS_ADGROUP_DISABLE": CampaignStatus.PAUSED,
    "AD_STATUS_BALANCE_EXCEED": CampaignStatus.PAUSED,
    "AD_STATUS_BUDGET_EXCEED": CampaignStatus.PAUSED,
    "AD_STATUS_CAMPAIGN_EXCEED": CampaignStatus.PAUSED,
    "AD_STATUS_AUDIT_DENY": CampaignStatus.PAUSED,
    "AD_STATUS_REAUDIT": CampaignStatus.IN_REVIEW,
    "AD_STATUS_AUDIT": CampaignStatus.IN_REVIEW,
    "AD_STATUS_DELETE": CampaignStatus.ENDED,
    "AD_STATUS_CAMPAIGN_DELETE": CampaignStatus.ENDED,
    "AD_STATUS_ADGROUP_DELETE": CampaignStatus.ENDED,
}

# Ad groups target places by GeoNames id; these are the countries' ids. A location id not
# here (a region, a city, a country not listed) is listed on the connection's page.
COUNTRY_OF_LOCATION = {
    "6252001": "US",
    "6251999": "CA",
    "2635167": "GB",
    "2963597": "IE",
    "3017382": "FR",
    "2921044": "DE",
    "2802361": "BE",
    "2750405": "NL",
    "2960313": "LU",
    "2658434": "CH",
    "2782113": "AT",
    "2510769": "ES",
    "2264397": "PT",
    "3175395": "IT",
    "2661886": "SE",
    "2623032": "DK",
    "3144096": "NO",
    "660013": "FI",
    "798544": "PL",
    "2077456": "AU",
    "1861060": "JP",
}


def _when(value, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.strptime(str(value), TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ItemError(
            say(
                gettext_noop("%(field)s is not a date and time (UTC+0): %(value)s."),
                field=name,
                value=repr(value),
            )
        ) from None


def _status(ad: dict, parent: dict, tally: Tally) -> str | None:
    if "DISABLE" in (
        text(ad.get("operation_status"), 16),
        text(parent.get("operation_status"), 16),
    ):
        return CampaignStatus.PAUSED
    secondary = text(ad.get("secondary_status"), 64)
    status = STATUS_OF.get(secondary)
    if status is None:
        tally.note(
            IssueKind.UNKNOWN_FIELD,
            ad.get("ad_id"),
            say(gettext_noop("Unknown secondary_status %(value)s."), value=repr(secondary)),
        )
    return status


def _countries(adgroup: dict, ad_id: str, tally: Tally) -> list[str]:
    locations = adgroup.get("location_ids") or []
    if not isinstance(locations, list):
        raise ItemError(
            say(gettext_noop("location_ids must be a list, got %(value)s."), value=repr(locations))
        )
    found = {COUNTRY_OF_LOCATION.get(str(loc)) for loc in locations}
    unknown = sorted(str(loc) for loc in locations if str(loc) not in COUNTRY_OF_LOCATION)
    if unknown:
        tally.note(
            IssueKind.UNKNOWN_FIELD,
            ad_id,
            say(
                gettext_noop("Location ids that are not a country SocialOps knows: %(ids)s."),
                ids=", ".join(unknown),
            ),
        )
    return sorted(c for c in found if c)


def synced_ad(
    ad: dict, adgroups: dict[str, dict], campaigns: dict[str, dict], tally: Tally
) -> SyncedAd:
    ad_id = text(ad.get("ad_id"), 255)
    if not ad_id:
        raise ItemError(say(gettext_noop("The ad has no ad_id.")))
    adgroup = adgroups.get(text(ad.get("adgroup_id"), 255)) or {}
    starts_at = _when(adgroup.get("schedule_start_time"), "schedule_start_time")
    ends_at = _when(adgroup.get("schedule_end_time"), "schedule_end_time")
    if starts_at and ends_at and ends_at < starts_at:
        raise ItemError(
            say(
                gettext_noop("schedule_end_time %(end)s is before schedule_start_time."),
                end=str(ends_at),
            )
        )
    landing = text(ad.get("landing_page_url"), 2000)
    return SyncedAd(
        external_id=ad_id,
        name=text(ad.get("ad_name"), 200),
        starts_at=starts_at,
        ends_at=ends_at,
        countries=_countries(adgroup, ad_id, tally),
        status=_status(ad, campaigns.get(text(ad.get("campaign_id"), 255)) or {}, tally),
        caption=str(ad.get("ad_text") or ""),
        urls=[landing] if landing else [],
    )


def daily_metric(row: dict, currency: str) -> DailyAdMetric:
    dimensions, metrics = row.get("dimensions") or {}, row.get("metrics") or {}
    if not isinstance(dimensions, dict) or not isinstance(metrics, dict):
        raise ItemError(say(gettext_noop("A report row needs dimensions and metrics objects.")))
    try:
        day = date.fromisoformat(str(dimensions.get("stat_time_day"))[:10])
    except ValueError:
        raise ItemError(
            say(
                gettext_noop("stat_time_day is not a date: %(value)s."),
                value=repr(dimensions.get("stat_time_day")),
            )
        ) from None
    return DailyAdMetric(
        ad_id=text(dimensions.get("ad_id"), 255),
        day=day,
        currency=currency,
        spend=money(metrics.get("spend"), "spend") or Decimal("0"),
        impressions=whole(metrics.get("impressions"), "impressions"),
        clicks=whole(metrics.get("clicks"), "clicks"),
        purchases=whole(metrics.get("conversion"), "conversion"),
        revenue=money(metrics.get("total_complete_payment_rate"), "total_complete_payment_rate")
        or Decimal("0"),
        attribution_window=ATTRIBUTION_LABEL,
    )


def sync_tiktok(connection: Connection, tally: Tally) -> TikTokClient:
    """Read the advertiser's campaigns, ad groups and ads, apply the ads, then the daily
    report."""
    if connection.channel_id is None:
        raise IntegrationError(
            say(gettext_noop("Choose the channel this advertiser's campaigns run on."))
        )
    client = TikTokClient(connection.account_id, connection.credentials())
    tally.client = client
    now = timezone.now()
    currency = text(client.advertiser_info().get("currency"), 3).upper()
    campaigns = {
        str(c.get("campaign_id")): c
        for page in client.campaigns()
        for c in page
        if isinstance(c, dict)
    }
    adgroups = {
        str(g.get("adgroup_id")): g
        for page in client.adgroups()
        for g in page
        if isinstance(g, dict)
    }
    for page in client.ads():
        synced = read_items(
            page,
            lambda ad: synced_ad(ad, adgroups, campaigns, tally),
            tally,
            "ad_id",
            AD_NOT_AN_OBJECT,
        )
        with transaction.atomic():
            apply_ads(connection, synced, tally, now, PLATFORM)
    start, end = insights_range(now)
    currency = currency or connection.channel.currency
    rows = [
        metric
        for page in client.daily_report(start, end)
        for metric in read_items(
            page,
            lambda row: daily_metric(row, currency),
            tally,
            "ad_id",
            gettext_noop("A report row must be an object, got %(value)s."),
        )
    ]
    apply_metrics(connection, rows, tally)
    return client
