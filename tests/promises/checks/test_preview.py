"""The preview: the rules on a campaign as typed, in memory, agree with the engine once saved."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import Campaign, CampaignClaim, CampaignItem
from campaigns.services import save_campaign
from promises.checks import loader
from promises.checks.engine import run_checks
from promises.checks.preview import UNSAVED_ID, campaign_facts, preview_checks
from promises.models import Conflict, RuleSetting
from tests.factories import (
    CampaignClaimFactory,
    CampaignFactory,
    CampaignItemFactory,
    CreatorFactory,
    ShippingMethodFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rival(world):
    """Another scheduled campaign, running at the same time, counting on 70 of the 100 serums."""
    return CampaignItemFactory(
        campaign=CampaignFactory(
            channel=world.channel,
            name="Rival",
            status="scheduled",
            target_countries=["FR"],
            starts_at=world.campaign.starts_at,
        ),
        sku=world.sku,
        expected_units=70,
        reserved_units=70,
    )


def stored(campaign_id: int, *, evidence: bool = True) -> set[tuple]:
    """The campaign's open conflicts as the engine wrote them."""
    rows = Conflict.objects.filter(campaign_id=campaign_id, state="open").values_list(
        "rule_code", "scope", "severity", "message", "evidence"
    )
    return {(*row[:4], json.dumps(row[4], sort_keys=True) if evidence else "") for row in rows}


def previewed(preview, *, evidence: bool = True) -> set[tuple]:
    """The preview's findings, as `stored` reads conflicts."""
    return {
        (
            f.rule_code,
            f.scope,
            preview.severities[f.rule_code],
            f.message,
            json.dumps(f.evidence, sort_keys=True) if evidence else "",
        )
        for f in preview.findings
    }


def test_the_facts_are_the_ones_the_loader_reads_back(world):
    """Built from the rows in memory, a saved campaign's facts equal the loader's, field by
    field: a fact the loader learns to read and the preview does not fails here."""
    campaign = world.campaign
    campaign.creator = CreatorFactory(commission_rate=Decimal("0.1"), promo_code="GLOW10")
    campaign.caption, campaign.is_paid_partnership, campaign.disclosure = (
        "48h delivery",
        True,
        "#ad",
    )
    campaign.save()
    CampaignClaimFactory(campaign=campaign, kind="returns", days=30)
    channels = loader.load_operations().channels
    [loaded] = loader.load_campaigns([campaign.pk], channels)
    campaign = Campaign.objects.get(pk=campaign.pk)
    built = campaign_facts(
        campaign,
        CampaignItem.objects.filter(campaign=campaign).order_by("pk"),
        CampaignClaim.objects.filter(campaign=campaign).order_by("pk"),
        channels,
    )
    assert built == loaded
    assert {c.source for c in built.claims} == {"entered", "extracted"}


def test_an_edit_gets_the_verdict_saving_it_would_get(world, rival, slow_country):
    """Typed: 50 expected, 40 reserved, a 48h promise to Belgium. The stored campaign's own
    reservation (20) must give way to the typed one, or STOCK_SHORT and STOCK_OVERCOMMIT
    would be judged on numbers nobody typed."""
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    campaign.caption = "Livraison en 48h partout en Belgique !"
    campaign.target_countries = ["FR", slow_country]
    item = CampaignItem.objects.get(pk=world.item.pk)
    item.expected_units, item.reserved_units = 50, 40
    preview = preview_checks(copy.copy(campaign), [copy.copy(item)], [])

    save_campaign(campaign, items=[item])
    run_checks([campaign.pk])
    assert preview.checked and not preview.errors
    assert previewed(preview) == stored(campaign.pk)
    codes = {f.rule_code for f in preview.findings}
    assert {"STOCK_SHORT", "STOCK_OVERCOMMIT", "DELIVERY_CLAIM_UNSUPPORTED"} <= codes


def test_a_new_campaign_gets_the_verdict_saving_it_would_get(world, rival, marketing_user):
    campaign = Campaign(
        channel=world.channel,
        name="Summer glow",
        format="short_video",
        status="in_review",
        starts_at=world.campaign.starts_at,
        ends_at=world.campaign.starts_at + timedelta(days=7),
        target_countries=["FR"],
        currency="EUR",
        caption="Delivered tomorrow, code SUMMER20",
        owner=marketing_user,
    )
    item = CampaignItem(sku=world.sku, announced_price=Decimal("24.99"), expected_units=30)
    claim = CampaignClaim(kind="returns", days=90, currency="EUR")
    preview = preview_checks(campaign, [item], [claim])
    assert {f.campaign_id for f in preview.findings} == {UNSAVED_ID}

    save_campaign(campaign, items=[item], claims=[claim])
    run_checks([campaign.pk])
    # Evidence names campaigns by id, which an unsaved campaign has not got yet.
    assert previewed(preview, evidence=False) == stored(campaign.pk, evidence=False)
    codes = {f.rule_code for f in preview.findings}
    assert {"STOCK_OVERCOMMIT", "NO_RESERVATION", "PROMO_CODE_INVALID"} <= codes


def test_a_draft_is_judged_as_submitted_and_an_ended_one_not_at_all(world):
    draft = CampaignFactory(channel=world.channel, status="draft", caption="Livraison en 24h")
    verdict = preview_checks(draft, [], [])
    assert verdict.checked
    assert "DELIVERY_CLAIM_UNSUPPORTED" in {f.rule_code for f in verdict.findings}
    draft.ends_at = timezone.now() - timedelta(hours=1)
    assert not preview_checks(draft, [], []).checked
    draft.ends_at, draft.status = None, "ended"
    assert not preview_checks(draft, [], []).checked


def test_rules_turned_off_are_not_run_and_severities_are_the_admins(world):
    RuleSetting.objects.create(rule_code="NO_RESERVATION", severity="warning", enabled=False)
    RuleSetting.objects.create(rule_code="STOCK_SHORT", severity="blocker", enabled=True)
    loader.forget_operations()
    item = CampaignItem.objects.get(pk=world.item.pk)
    item.expected_units, item.reserved_units = 500, 0
    preview = preview_checks(world.campaign, [item], [])
    codes = {f.rule_code for f in preview.findings}
    assert "NO_RESERVATION" not in codes and "STOCK_SHORT" in codes
    assert preview.severities["STOCK_SHORT"] == "blocker"


@pytest.fixture
def slow_country(world):
    """Belgium, reachable only by a 5-day method."""
    from tests.factories import CheckoutCountryFactory

    ShippingMethodFactory(name="Belgian post", countries=["BE"], min_days=5, max_days=5)
    CheckoutCountryFactory(country="BE")
    return "BE"
