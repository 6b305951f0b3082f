"""Campaigns read from an ad platform: which of their fields the platform owns.

A campaign synced from Meta, TikTok or Pinterest (`Campaign.synced_from` set) takes its name,
dates, countries, status, copy and promoted products from the platform at every sync, so
SocialOps must not let anyone change them here: the change would be silently undone at the
next sync, and the checks would have judged an ad that does not exist. What only SocialOps
knows (expected and reserved units, format, objective, cited functions, stop rules, budget,
entered claims) stays editable. Kept in campaigns so its form, API and services can refuse
the edits without knowing the integrations app that fills the field.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaigns.models import Campaign, CampaignItem

# The campaign fields a platform owns once a campaign is synced from it.
PLATFORM_OWNED_FIELDS = ("name", "starts_at", "ends_at", "target_countries", "status", "caption")
# On its items (the promoted products): which SKU, and the price the ad announces.
PLATFORM_OWNED_ITEM_FIELDS = ("sku", "announced_price", "currency")


def synced_note(campaign: Campaign) -> str:
    """What a read-only field says, in plain words."""
    return _("Synced from %(platform)s; edit it there.") % {"platform": campaign.synced_from}


def products_synced_note(campaign: Campaign) -> str:
    """Why a synced campaign's promoted products cannot be added, removed or re-priced here."""
    return _("Its promoted products are synced from %(platform)s; edit them there.") % {
        "platform": campaign.synced_from
    }


def _stored(field: str, instance):
    """The value as the database would store it: two times at one instant in different
    offsets are equal, a list of countries compares as its codes."""
    model_field = type(instance)._meta.get_field(field)
    return model_field.get_prep_value(model_field.value_from_object(instance))


def changed_fields(before, after, fields: Iterable[str]) -> list[str]:
    """The fields whose stored form differs between two instances of one model."""
    return [f for f in fields if _stored(f, before) != _stored(f, after)]


def check_platform_owned(
    campaign: Campaign,
    items: Iterable[CampaignItem] = (),
    removed_items: Iterable[CampaignItem] = (),
) -> None:
    """Refuse a change to what the platform owns of a synced campaign, naming the fields."""
    # synced_from is not editable, so the instance's value is the stored one: a campaign
    # planned here costs no query.
    if campaign.pk is None or not campaign.synced_from:
        return
    stored = Campaign.objects.filter(pk=campaign.pk).first()
    if stored is None or not stored.synced_from:
        return
    note = synced_note(stored)
    refused = changed_fields(stored, campaign, PLATFORM_OWNED_FIELDS)
    errors: dict[str, str] = dict.fromkeys(refused, note)
    items = list(items)
    products_note = products_synced_note(stored)
    if any(item.pk is None for item in items) or any(i.pk is not None for i in removed_items):
        errors["items"] = products_note
    existing = CampaignItem.objects.in_bulk([item.pk for item in items if item.pk is not None])
    for item in items:
        before = existing.get(item.pk)
        if before is not None and changed_fields(before, item, PLATFORM_OWNED_ITEM_FIELDS):
            errors["items"] = products_note
    if errors:
        raise ValidationError(errors)
