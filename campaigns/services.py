"""Writes on campaigns: saving one with its items and claims, and moving it through its statuses.

The form page and the API both save through `save_campaign`, so a campaign's claims read
from its copy follow the copy whichever door it came through. Refusing a blocked campaign
is the engine's business (`promises.services.change_campaign_status`), which calls
`change_status` here once it has found no blocker.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.choices import CampaignStatus, ClaimSource, CopyField
from campaigns.claims import extract_claims, mentions_money
from campaigns.models import Campaign, CampaignClaim, CampaignItem
from campaigns.synced import check_platform_owned, synced_note
from common.concurrency import lock_unchanged

# Which status a campaign may move to from each status.
TRANSITIONS: dict[str, set[str]] = {
    CampaignStatus.DRAFT: {CampaignStatus.IN_REVIEW, CampaignStatus.ENDED},
    CampaignStatus.IN_REVIEW: {
        CampaignStatus.DRAFT,
        CampaignStatus.SCHEDULED,
        CampaignStatus.ENDED,
    },
    CampaignStatus.SCHEDULED: {
        CampaignStatus.IN_REVIEW,
        CampaignStatus.LIVE,
        CampaignStatus.PAUSED,
        CampaignStatus.ENDED,
    },
    CampaignStatus.LIVE: {CampaignStatus.PAUSED, CampaignStatus.ENDED},
    CampaignStatus.PAUSED: {CampaignStatus.LIVE, CampaignStatus.SCHEDULED, CampaignStatus.ENDED},
    CampaignStatus.ENDED: set(),
}
# Moving to these needs a campaign that is not blocked (the engine says which are).
GATED = {CampaignStatus.SCHEDULED, CampaignStatus.LIVE}
# Longest claim text stored (the column's length).
CLAIM_TEXT_MAX = 500
CLAIM_FIELDS = (
    "kind",
    "text",
    "days",
    "is_free",
    "shipping_option",
    "amount",
    "currency",
    "code",
    "date",
    "copy_field",
    "copy_start",
    "copy_end",
)
COPY_FIELDS = (CopyField.CAPTION, CopyField.SCRIPT)  # the order extract_claims reads them in
# What the claims read from the copy depend on: a save writing none of them keeps them.
CLAIM_SOURCE_FIELDS = ("caption", "script", "currency")
# Set on a campaign while save_campaign saves it: the service refreshes its claims itself,
# from the stored copy, so the post_save trigger must not (promises/triggers.py).
SAVING_FLAG = "_saving_through_service"


def check_transition(current: str, status: str) -> None:
    """Refuse a status that does not exist or cannot follow `current`."""
    if status not in TRANSITIONS:
        raise ValidationError({"status": _("Unknown status %(status)r.") % {"status": status}})
    if status not in TRANSITIONS[current]:
        message = _("A campaign cannot go from %(current)s to %(status)s.") % {
            "current": CampaignStatus(current).label.lower(),
            "status": CampaignStatus(status).label.lower(),
        }
        raise ValidationError({"status": message})


@transaction.atomic
def change_status(
    campaign: Campaign, status: str, *, went_live_ready: bool | None = None
) -> Campaign:
    """Move a campaign to `status` if its stored status allows it.

    `went_live_ready`: whether it is ready as it goes live, recorded the first time it does
    (the engine knows readiness; this app does not).
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.synced_from:
        # The platform's status comes back at the next sync: pause or end the ad there.
        raise ValidationError({"status": synced_note(campaign)})
    check_transition(campaign.status, status)  # the stored status, not the caller's copy
    campaign.status = status
    fields = ["status", "updated_at"]
    if (
        status == CampaignStatus.LIVE
        and campaign.went_live_ready is None
        and went_live_ready is not None
    ):
        campaign.went_live_ready = went_live_ready
        fields.append("went_live_ready")
    campaign.save(update_fields=fields)
    return campaign


@transaction.atomic
def save_campaign(
    campaign: Campaign,
    *,
    items: Iterable[CampaignItem] = (),
    removed_items: Iterable[CampaignItem] = (),
    claims: Iterable[CampaignClaim] = (),
    removed_claims: Iterable[CampaignClaim] = (),
    from_platform: bool = False,
    editor=None,
    version: str | None = None,
    update_fields: Iterable[str] | None = None,
    item_fields: Iterable[str] | None = None,
) -> Campaign:
    """Save a campaign with its new or changed items and entered claims, drop the removed
    ones, and make its claims read from the copy match the copy, all or nothing.

    Removals come first, so a line removed and added again for the same SKU does not hit the
    one-line-per-SKU constraint. A campaign synced from an ad platform refuses changes to
    what the platform owns (campaigns/synced.py) unless the sync itself writes them
    (`from_platform`).

    `version`: the version the editor read (`common.concurrency.version_of`); if the stored
    campaign has changed since, nothing is written and `StaleEdit` says what is stored.
    `update_fields`: write only these fields (a partial edit), leaving what others changed
    meanwhile in the other fields alone. `editor`: who saves, named to the next stale editor.
    `item_fields`: write only these fields of the items already stored (a sync writing what
    it owns, leaving the units someone set meanwhile alone).
    """
    items, removed_items = list(items), list(removed_items)
    if not from_platform:
        check_platform_owned(campaign, items, removed_items)
    if campaign.pk is not None and version is not None:
        lock_unchanged(campaign, version)
    if editor is not None:
        campaign.updated_by = editor
    copy_fields = CLAIM_SOURCE_FIELDS
    copy_changed = True
    setattr(campaign, SAVING_FLAG, True)
    try:
        if update_fields is None or campaign.pk is None:
            campaign.save()
        else:
            fields = {*update_fields, "updated_at"} | (
                {"updated_by"} if editor is not None else set()
            )
            campaign.save(update_fields=sorted(fields))
            copy_changed = bool(fields.intersection(copy_fields))
            # The copy fields not sent may have been changed by someone else meanwhile: the
            # claims follow the stored copy, not this caller's older read of it.
            others = [f for f in copy_fields if f not in fields]
            if copy_changed and others:
                campaign.refresh_from_db(fields=others)
    finally:
        delattr(campaign, SAVING_FLAG)
    for item in removed_items:
        if item.pk is not None:
            item.delete()
    for claim in removed_claims:
        if claim.pk is not None and claim.source == ClaimSource.ENTERED:
            claim.delete()
    item_fields = None if item_fields is None else list(item_fields)
    for item in items:
        item.campaign = campaign
        if item.pk is not None and item_fields is not None:
            item.save(update_fields=item_fields)
        else:
            item.save()
    for claim in claims:
        claim.campaign = campaign
        claim.source = ClaimSource.ENTERED  # the copy's claims are written below, not by hand
        claim.save()
    if copy_changed:
        refresh_extracted_claims(campaign)
    return campaign


def product_names(campaign: Campaign, items: Iterable[CampaignItem] | None = None) -> list[str]:
    """The titles and SKU codes of the campaign's products, so a number in a name ("Mini Kit
    10€") is not read as an announced price. `items`: unsaved rows, else the stored ones."""
    if items is None:
        if campaign.pk is None:
            return []
        items = campaign.items.select_related("sku__product")
    names: list[str] = []
    for item in items:
        sku = getattr(item, "sku", None) if item.sku_id else None
        if sku is not None:
            names += [sku.product.title, sku.code or ""]
    return [name for name in names if name]


def claims_in_copy(
    campaign: Campaign, items: Iterable[CampaignItem] | None = None
) -> list[CampaignClaim]:
    """The claims the campaign's caption and script make, as unsaved rows."""
    return [
        CampaignClaim(
            campaign=campaign,
            source=ClaimSource.EXTRACTED,
            kind=c.kind,
            text=c.text[:CLAIM_TEXT_MAX],
            days=c.days,
            is_free=c.is_free,
            shipping_option=c.shipping_option,
            amount=c.amount,
            currency=c.currency or campaign.currency,
            code=c.code,
            date=c.date,
            copy_field=COPY_FIELDS[c.part],
            copy_start=c.start,
            copy_end=c.end,
        )
        for c in extract_claims(
            campaign.caption,
            campaign.script,
            # Names only tell amounts apart: copy with no money needs no query for them.
            names=product_names(campaign, items)
            if mentions_money(campaign.caption, campaign.script)
            else (),
            today=timezone.localdate(),
        )
    ]


def refresh_extracted_claims(campaign: Campaign) -> int:
    """Replace the campaign's claims read from its copy with what the copy says now."""
    wanted = claims_in_copy(campaign)
    stored = CampaignClaim.objects.filter(campaign=campaign, source=ClaimSource.EXTRACTED).order_by(
        "pk"
    )
    if [tuple(getattr(c, f) for f in CLAIM_FIELDS) for c in wanted] == list(
        stored.values_list(*CLAIM_FIELDS)
    ):
        return len(wanted)  # the copy says what it said: nothing to write
    with transaction.atomic():
        stored.delete()
        CampaignClaim.objects.bulk_create(wanted)
    return len(wanted)
