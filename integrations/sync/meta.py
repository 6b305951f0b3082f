"""Meta ad account -> campaigns: each ad becomes (or updates) a SocialOps campaign.

The platform owns the name, dates, countries, status and copy; what only SocialOps knows
(SKUs, expected and reserved units, cited functions, stop rules) is left as it is. The
campaign is saved through the model, so its claims are re-extracted from the copy and the
engine re-checks it, as for an edit on the page.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_countries import countries

from campaigns.choices import CampaignFormat, CampaignStatus
from campaigns.models import Campaign
from integrations.choices import IssueKind
from integrations.clients.http import IntegrationError
from integrations.clients.meta import AD_FIELDS, ADSET_FIELDS, CAMPAIGN_FIELDS, MetaClient
from integrations.models import Connection, ExternalRef
from integrations.sync.base import ItemError, Tally, text, upsert

AD = "ad"

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
        raise ItemError(f"{field} is not a date and time with an offset: {value!r}.")
    return parsed


def _status(ad: dict, starts_at, ends_at, now, tally: Tally) -> str | None:
    effective = text(ad.get("effective_status") or ad.get("status"), 32)
    status = STATUS_OF.get(effective)
    if status is None:
        tally.note(
            IssueKind.UNKNOWN_FIELD, ad.get("id"), f"Unknown effective_status {effective!r}."
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
        raise ItemError(f"targeting.geo_locations.countries must be a list, got {wanted!r}.")
    known = sorted({str(c).upper() for c in wanted if str(c).upper() in countries})
    unknown = sorted({str(c) for c in wanted} - set(known))
    if unknown:
        tally.note(
            IssueKind.UNKNOWN_FIELD, ad_id, f"Unknown target countries: {', '.join(unknown)}."
        )
    return known


def apply_ads(
    connection: Connection,
    ads: list[dict],
    adsets: dict[str, dict],
    meta_campaigns: dict[str, dict],
    tally: Tally,
    now: datetime,
) -> None:
    for bad in [ad for ad in ads if not isinstance(ad, dict)]:
        tally.note(IssueKind.MALFORMED, "", f"An ad must be an object, got {bad!r}."[:500])
    ads = [ad for ad in ads if isinstance(ad, dict)]
    ids = [text(ad.get("id"), 255) for ad in ads]
    refs = {
        ref.external_id: ref
        for ref in ExternalRef.objects.filter(connection=connection, kind=AD, external_id__in=ids)
    }
    campaigns = Campaign.objects.in_bulk([ref.object_id for ref in refs.values()])
    content_type = ContentType.objects.get_for_model(Campaign)
    for ad in ads:
        ad_id = text(ad.get("id"), 255)
        with tally.item(ad_id or repr(ad)[:100]):
            if not ad_id:
                raise ItemError("The ad has no id.")
            adset = adsets.get(text(ad.get("adset_id"), 255)) or {}
            parent = meta_campaigns.get(text(ad.get("campaign_id"), 255)) or {}
            creative = ad.get("creative") or {}
            if not isinstance(creative, dict):
                raise ItemError(f"creative must be an object, got {creative!r}.")
            starts_at = _when(adset.get("start_time") or parent.get("start_time"), "start_time")
            ends_at = _when(adset.get("end_time") or parent.get("stop_time"), "end_time")
            if starts_at and ends_at and ends_at < starts_at:
                raise ItemError(f"end_time {ends_at} is before start_time {starts_at}.")
            ref = refs.get(ad_id)
            campaign = campaigns.get(ref.object_id) if ref else None
            status = _status(ad, starts_at, ends_at, now, tally)
            if campaign is None:
                has_products = bool(creative.get("product_set_id"))
                campaign = Campaign(
                    format=CampaignFormat.CATALOG_AD
                    if has_products
                    else CampaignFormat.SHORT_VIDEO,
                    status=status or CampaignStatus.IN_REVIEW,
                )
            values = {
                "channel_id": connection.channel_id,
                "name": text(ad.get("name"), 200) or f"Meta ad {ad_id}",
                "starts_at": starts_at,
                "ends_at": ends_at,
                "target_countries": _countries(adset, ad_id, tally),
                "caption": str(creative.get("body") or ""),
            }
            if status:
                values["status"] = status
            tally.count(upsert(campaign, values))
            if ref is None:
                ExternalRef.objects.create(
                    connection=connection,
                    kind=AD,
                    external_id=ad_id,
                    content_type=content_type,
                    object_id=campaign.pk,
                    last_seen_at=now,
                )
    ExternalRef.objects.filter(connection=connection, kind=AD, external_id__in=ids).update(
        last_seen_at=now
    )


def sync_meta(connection: Connection, tally: Tally) -> MetaClient:
    """Read the account's campaigns, ad sets and ads, and apply the ads."""
    if connection.channel_id is None:
        raise IntegrationError("Choose the channel this ad account's campaigns run on.")
    client = MetaClient(connection.account_id, connection.credentials())
    tally.client = client
    now = timezone.now()
    meta_campaigns = {
        str(c.get("id")): c for page in client.pages("campaigns", CAMPAIGN_FIELDS) for c in page
    }
    adsets = {str(a.get("id")): a for page in client.pages("adsets", ADSET_FIELDS) for a in page}
    for page in client.pages("ads", AD_FIELDS):
        with transaction.atomic():
            apply_ads(connection, page, adsets, meta_campaigns, tally, now)
    return client
