"""Campaign writes: the lifecycle's moves, and one save for the form page and the API alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, CampaignClaim, CampaignItem
from campaigns.services import (
    GATED,
    TRANSITIONS,
    change_status,
    check_transition,
    refresh_extracted_claims,
    save_campaign,
)
from tests.api.conftest import api  # noqa: F401 - the API door
from tests.factories import CampaignClaimFactory

pytestmark = pytest.mark.django_db

# The lifecycle as PRODUCT.md tells it: every status, and where it may go next.
ALLOWED = {
    "draft": {"in_review", "ended"},
    "in_review": {"draft", "scheduled", "ended"},
    "scheduled": {"in_review", "live", "paused", "ended"},
    "live": {"paused", "ended"},
    "paused": {"live", "scheduled", "ended"},
    "ended": set(),
}


@pytest.mark.parametrize("current", ALLOWED)
@pytest.mark.parametrize("target", ALLOWED)
def test_the_lifecycle_allows_its_moves_and_refuses_the_others(current, target):
    if target in ALLOWED[current]:
        check_transition(current, target)
    else:
        with pytest.raises(ValidationError, match="A campaign cannot go from"):
            check_transition(current, target)
    assert set(TRANSITIONS) == set(ALLOWED)


def test_an_unknown_status_is_refused():
    with pytest.raises(ValidationError, match="Unknown status 'launched'"):
        check_transition("draft", "launched")
    assert {"scheduled", "live"} == GATED


def test_a_move_is_judged_on_the_stored_status_not_the_callers_copy(world):
    stale = Campaign.objects.get(pk=world.campaign.pk)  # scheduled, as far as it knows
    Campaign.objects.filter(pk=stale.pk).update(status="ended")
    with pytest.raises(ValidationError, match="cannot go from ended to paused"):
        change_status(stale, "paused")
    assert Campaign.objects.get(pk=stale.pk).status == "ended"


def test_going_live_records_readiness_the_first_time_only(world):
    campaign = change_status(world.campaign, "live", went_live_ready=False)
    assert (campaign.status, campaign.went_live_ready) == ("live", False)
    campaign = change_status(campaign, "paused")
    campaign = change_status(campaign, "live", went_live_ready=True)
    assert (campaign.status, campaign.went_live_ready) == ("live", False)


# --- Saving --------------------------------------------------------------------------------


def _claims(campaign: Campaign, source: str) -> set[tuple]:
    return set(
        CampaignClaim.objects.filter(campaign=campaign, source=source).values_list("kind", "days")
    )


def test_save_writes_the_campaign_its_lines_and_the_claims_in_its_copy(world):
    campaign = world.campaign
    campaign.caption = "Livraison en 48h"
    entered = CampaignClaim(kind="returns", days=30, currency="EUR", source="extracted")
    save_campaign(campaign, claims=[entered])
    assert _claims(campaign, "extracted") == {("delivery", 2)}
    # A claim given by hand is an entered claim, whatever it says it is.
    assert _claims(campaign, "entered") == {("returns", 30)}
    campaign.caption = "Free returns for 60 days"
    save_campaign(campaign)
    assert _claims(campaign, "extracted") == {("returns", 60)}
    assert _claims(campaign, "entered") == {("returns", 30)}


def test_a_line_removed_and_added_again_for_the_same_sku_is_saved(world):
    again = CampaignItem(sku=world.sku, expected_units=5, reserved_units=5)
    save_campaign(world.campaign, items=[again], removed_items=[world.item])
    assert list(world.campaign.items.values_list("pk", "reserved_units")) == [(again.pk, 5)]


def test_claims_read_from_the_copy_are_not_removed_by_hand(world):
    world.campaign.caption = "48h delivery"
    save_campaign(world.campaign)
    read = CampaignClaim.objects.get(campaign=world.campaign, source="extracted")
    save_campaign(world.campaign, removed_claims=[read])
    assert CampaignClaim.objects.filter(pk=read.pk).exists()


def test_save_is_all_or_nothing(world, marketing_user):
    campaign = Campaign(
        channel=world.channel, name="Half saved", format="story", owner=marketing_user
    )
    broken = CampaignClaim(kind="delivery", days=-1, currency="EUR")  # refused by a constraint
    with pytest.raises(IntegrityError):
        save_campaign(
            campaign,
            items=[CampaignItem(sku=world.sku, expected_units=1)],
            claims=[broken],
        )
    assert not Campaign.objects.filter(name="Half saved").exists()
    assert not CampaignItem.objects.filter(campaign__name="Half saved").exists()


def test_refreshing_the_copy_claims_twice_writes_once(world, django_assert_num_queries):
    world.campaign.caption = "48h delivery"
    world.campaign.save()
    [claim] = world.campaign.claims.filter(source="extracted")
    with django_assert_num_queries(1):  # reads them, finds them as the copy says
        assert refresh_extracted_claims(world.campaign) == 1
    assert CampaignClaim.objects.get(source="extracted").pk == claim.pk


@pytest.fixture
def engine_not_listening():
    """Without the engine's re-check on save, which also reads the copy's claims: the
    campaigns app must keep its claims in step with the copy by itself."""
    from promises import triggers

    uid = "recheck-Campaign-True"
    assert post_save.disconnect(sender=Campaign, dispatch_uid=uid)
    yield
    post_save.connect(triggers._campaign_changed, sender=Campaign, weak=False, dispatch_uid=uid)


COPY = "Livraison en 48h, code SUMMER20"
READ = {("delivery", 2), ("promo_code", None)}


def test_the_form_page_saves_through_the_service(
    login, marketing_user, world, engine_not_listening
):
    starts = timezone.localtime(timezone.now() + timedelta(days=3))
    data = {
        "name": "By the form",
        "channel": world.channel.pk,
        "format": "story",
        "objective": "branding",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "target_countries": ["FR"],
        "checkout_path": "site",
        "currency": "EUR",
        "caption": COPY,
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-sku": world.sku.pk,
        "items-0-currency": "EUR",
        "items-0-expected_units": "10",
        "items-0-reserved_units": "10",
        "claims-TOTAL_FORMS": "1",
        "claims-INITIAL_FORMS": "0",
        "claims-0-kind": "returns",
        "claims-0-days": "30",
        "claims-0-currency": "EUR",
        "claims-0-is_free": "unknown",
    }
    response = login(marketing_user).post(reverse("campaigns:create"), data)
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="By the form")
    assert _claims(campaign, "extracted") == READ
    assert _claims(campaign, "entered") == {("returns", 30)}
    assert campaign.items.get().reserved_units == 10


def test_the_api_saves_through_the_service(api, marketing_user, world, engine_not_listening):  # noqa: F811
    client = api(marketing_user)
    body = {"channel": world.channel.pk, "name": "By the API", "format": "story", "caption": COPY}
    response = client.post("/api/campaigns/", body, format="json")
    assert response.status_code == 201, response.json()
    campaign = Campaign.objects.get(name="By the API")
    assert _claims(campaign, "extracted") == READ
    assert {(c["kind"], c["days"]) for c in response.json()["claims"]} == READ
    CampaignClaimFactory(campaign=campaign, kind="returns", days=30)
    response = client.patch(
        f"/api/campaigns/{campaign.pk}/", {"caption": "Free returns for 60 days"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert _claims(campaign, "extracted") == {("returns", 60)}
    assert _claims(campaign, "entered") == {("returns", 30)}
