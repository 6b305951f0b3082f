"""Meta ad account -> campaigns: each ad becomes (or updates) a SocialOps campaign.

The platform owns the name, dates, countries, status, copy and promoted products
(campaigns/synced.py); what only SocialOps knows (expected and reserved units, cited
functions, stop rules) is left as it is. The writes go through integrations/sync/ads.py, so
through `save_campaign`, as an edit on the page. Daily spend and purchases come from the
insights edge into channel metrics.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop

from campaigns.choices import CampaignStatus
from common.texts import say
from integrations.choices import IssueKind
from integrations.clients.http import IntegrationError
from integrations.clients.meta import (
    AD_FIELDS,
    ADSET_FIELDS,
    ATTRIBUTION_LABEL,
    CAMPAIGN_FIELDS,
    PURCHASE_ACTIONS,
    MetaClient,
)
from integrations.models import Connection
from integrations.sync.ads import (
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

# Meta's effective_status -> the campaign's status (ACTIVE before its start is scheduled).
STATUS_OF = {
    "ACTIVE": CampaignStatus.LIVE,
    "WITH_ISSUES": CampaignStatus.LIVE,
    "PAUSED": CampaignStatus.PAUSED,
    "CAMPAIGN_PAUSED": CampaignStatus.PAUSED,
    "ADSET_PAUSED": CampaignStatus.PAUSED,
    "DISAPPROVED": CampaignStatus.PAUSED,
    "PENDING_REVIEW": CampaignStatus.IN_REVIEW,
    "IN_PROCESS": CampaignStatus.IN_REVIEW,
    "PREAPPROVED": CampaignStatus.IN_REVIEW,
    "PENDING_BILLING_INFO": CampaignStatus.IN_REVIEW,
    "ARCHIVED": CampaignStatus.ENDED,
    "DELETED": CampaignStatus.ENDED,
}


def _when(value, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(str(value)) if isinstance(value, str) else None
    if parsed is None or timezone.is_naive(parsed):
        raise ItemError(
            say(
                gettext_noop("%(field)s is not a date and time with an offset: %(value)s."),
                field=field,
                value=repr(value),
            )
        )
    return parsed


def _status(ad: dict, starts_at, ends_at, now, tally: Tally) -> str | None:
    effective = text(ad.get("effective_status") or ad.get("status"), 32)
    status = STATUS_OF.get(effective)
    if status is None:
        tally.note(
            IssueKind.UNKNOWN_FIELD,
            ad.get("id"),
            say(gettext_noop("Unknown effective_status %(value)s."), value=repr(effective)),
        )
        return None
    if status == CampaignStatus.LIVE and ends_at and ends_at < now:
        return CampaignStatus.ENDED
    if status == CampaignStatus.LIVE and starts_at and starts_at > now:
        return CampaignStatus.SCHEDULED
    return status


def _countries(adset: dict, ad_id, tally: Tally) -> list[str]:
    targeting = adset.get("targeting") or {}
    wanted = ((targeting.get("geo_locations") or {}).get("countries")) or []
    if not isinstance(wanted, list):
        raise ItemError(
            say(
                gettext_noop("targeting.geo_locations.countries must be a list, got %(value)s."),
                value=repr(wanted),
            )
        )
    return known_countries(wanted, ad_id, tally)


def _links(creative: dict) -> list[str]:
    """Every landing page the creative links to: its own link, the story's link and its
    carousel cards, a video's call to action, and a dynamic creative's link URLs."""
    story = creative.get("object_story_spec") or {}
    link_data = story.get("link_data") or story.get("template_data") or {}
    video = story.get("video_data") or {}
    feed = creative.get("asset_feed_spec") or {}
    links = [creative.get("link_url"), link_data.get("link")]
    links += [card.get("link") for card in link_data.get("child_attachments") or []]
    links.append(((video.get("call_to_action") or {}).get("value") or {}).get("link"))
    links += [entry.get("website_url") for entry in feed.get("link_urls") or []]
    return [str(link) for link in dict.fromkeys(links) if isinstance(link, str) and link]


def _caption(creative: dict) -> str:
    """The primary text: the creative's body, the story's message, or every body of a
    dynamic creative (each one a shopper may read, so each one's promises are checked)."""
    story = creative.get("object_story_spec") or {}
    message = (story.get("link_data") or story.get("video_data") or {}).get("message")
    bodies = [b.get("text") for b in (creative.get("asset_feed_spec") or {}).get("bodies") or []]
    texts = [creative.get("body") or message, *bodies]
    return "\n".join(dict.fromkeys(str(t) for t in texts if t))


def synced_ad(
    ad: dict,
    adsets: dict[str, dict],
    meta_campaigns: dict[str, dict],
    retailer_ids: dict[str, list[str]],
    tally: Tally,
    now: datetime,
) -> SyncedAd:
    """One Graph API ad as SocialOps needs it; ItemError when it cannot be read."""
    ad_id = text(ad.get("id"), 255)
    if not ad_id:
        raise ItemError(say(AD_WITHOUT_ID))
    adset = adsets.get(text(ad.get("adset_id"), 255)) or {}
    parent = meta_campaigns.get(text(ad.get("campaign_id"), 255)) or {}
    creative = ad.get("creative") or {}
    if not isinstance(creative, dict):
        raise ItemError(
            say(gettext_noop("creative must be an object, got %(value)s."), value=repr(creative))
        )
    starts_at = _when(adset.get("start_time") or parent.get("start_time"), "start_time")
    ends_at = _when(adset.get("end_time") or parent.get("stop_time"), "end_time")
    if starts_at and ends_at and ends_at < starts_at:
        raise ItemError(say(ENDS_BEFORE_START, end=str(ends_at), start=str(starts_at)))
    product_set = text(creative.get("product_set_id"), 255)
    return SyncedAd(
        external_id=ad_id,
        name=text(ad.get("name"), 200) or f"Meta ad {ad_id}",
        starts_at=starts_at,
        ends_at=ends_at,
        countries=_countries(adset, ad_id, tally),
        status=_status(ad, starts_at, ends_at, now, tally),
        caption=_caption(creative),
        product_ids=retailer_ids.get(product_set, []) if product_set else [],
        urls=_links(creative),
        catalog=bool(product_set),
    )


def _product_sets(client: MetaClient, ads: list[dict], known: dict[str, list[str]]) -> None:
    """Read the retailer ids of the product sets these ads promote, once per set a sync."""
    for ad in ads:
        creative = ad.get("creative") if isinstance(ad, dict) else None
        product_set = (
            text((creative or {}).get("product_set_id"), 255) if isinstance(creative, dict) else ""
        )
        if product_set and product_set not in known:
            known[product_set] = [
                text(p.get("retailer_id"), 255)
                for page in client.product_set_products(product_set)
                for p in page
                if isinstance(p, dict) and p.get("retailer_id")
            ]


def _count(entries, wanted: tuple[str, ...]) -> Decimal:
    """The value of the first wanted action type present (the sum of the attribution
    windows asked for)."""
    by_type = {e.get("action_type"): e.get("value") for e in entries or [] if isinstance(e, dict)}
    for action_type in wanted:
        if action_type in by_type:
            return money(by_type[action_type], action_type) or Decimal("0")
    return Decimal("0")


def daily_metric(row: dict, currency: str) -> DailyAdMetric:
    """One insights row (an ad on a day) as a daily metric; ItemError when unreadable."""
    try:
        day = date.fromisoformat(str(row.get("date_start")))
    except ValueError:
        raise ItemError(
            say(
                gettext_noop("date_start is not a date: %(value)s."),
                value=repr(row.get("date_start")),
            )
        ) from None
    impressions, clicks = (
        whole(row.get("impressions"), "impressions"),
        whole(row.get("clicks"), "clicks"),
    )
    return DailyAdMetric(
        ad_id=text(row.get("ad_id"), 255),
        day=day,
        currency=text(row.get("account_currency"), 3).upper() or currency,
        spend=money(row.get("spend"), "spend") or Decimal("0"),
        impressions=impressions,
        clicks=clicks,
        purchases=whole(_count(row.get("actions"), PURCHASE_ACTIONS), "purchases"),
        revenue=_count(row.get("action_values"), PURCHASE_ACTIONS),
        attribution_window=ATTRIBUTION_LABEL,
    )


def sync_meta(connection: Connection, tally: Tally) -> MetaClient:
    """Read the account's campaigns, ad sets, ads (with their creatives) and the product
    sets they promote, apply the ads, then the last days' insights."""
    if connection.channel_id is None:
        raise IntegrationError(say(CHANNEL_NEEDED))
    client = MetaClient(connection.account_id, connection.credentials())
    tally.client = client
    now = timezone.now()
    meta_campaigns = {
        str(c.get("id")): c for page in client.pages("campaigns", CAMPAIGN_FIELDS) for c in page
    }
    adsets = {str(a.get("id")): a for page in client.pages("adsets", ADSET_FIELDS) for a in page}
    retailer_ids: dict[str, list[str]] = {}
    for page in client.pages("ads", AD_FIELDS):
        _product_sets(client, page, retailer_ids)
        synced = read_items(
            page,
            lambda ad: synced_ad(ad, adsets, meta_campaigns, retailer_ids, tally, now),
            tally,
            "id",
            AD_NOT_AN_OBJECT,
        )
        with transaction.atomic():
            apply_ads(connection, synced, tally, now, "Meta")
    since, until = insights_range(now)
    currency = connection.channel.currency
    rows = [
        metric
        for page in client.daily_insights(since, until)
        for metric in read_items(
            page,
            lambda row: daily_metric(row, currency),
            tally,
            "ad_id",
            gettext_noop("An insights row must be an object, got %(value)s."),
        )
    ]
    apply_metrics(connection, rows, tally)
    return client
