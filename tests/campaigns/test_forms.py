"""The campaign form as marketing meets it: the workflow hint, SKU pickers that name the
product, no blank rows after a save, "Add a row" without JavaScript, pickers for countries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.forms import sku_label
from campaigns.models import Campaign
from tests.campaigns.test_views import CREATE, TIMELINE, form_data
from tests.factories import CampaignFactory, CampaignItemFactory, ConflictFactory

pytestmark = pytest.mark.django_db


def test_sku_options_show_code_and_product_name(login, marketing_user, world):
    page = login(marketing_user).get(CREATE)
    label = sku_label(world.sku)
    assert label.startswith(f"{world.sku.code} · {world.sku.product.title}")
    assert f">{label}</option>" in page.content.decode()
    assert 'data-search=""' in page.content.decode()


def test_a_new_form_says_a_draft_must_be_submitted_for_review(login, marketing_user, world):
    body = login(marketing_user).get(CREATE).content.decode()
    assert "submit it for review" in body
    assert "Hold Ctrl" not in body


def test_a_saved_campaign_comes_back_without_blank_rows(login, marketing_user, world):
    client = login(marketing_user)
    client.post(CREATE, form_data(world))
    campaign = Campaign.objects.get(name="Summer glow")
    page = client.get(reverse("campaigns:edit", args=[campaign.pk]))
    items, claims = page.context["items"], page.context["claims"]
    assert len(items.forms) == 1 and items.forms[0].instance.pk  # the saved row only
    assert len(claims.forms) == 1 and claims.forms[0].instance.pk
    body = page.content.decode()
    assert 'id="items-empty-row"' in body and 'data-add-row="claims"' in body


def test_add_a_row_without_javascript_answers_one_more_row_and_saves_nothing(
    login, marketing_user, world
):
    client = login(marketing_user)
    response = client.post(CREATE, form_data(world, more_rows="claims"))
    assert response.status_code == 200
    assert len(response.context["claims"].forms) == 2
    assert not Campaign.objects.filter(name="Summer glow").exists()
    # The typed values stay.
    assert response.context["form"]["name"].value() == "Summer glow"


def test_calendar_bars_say_readiness_in_words(login, marketing_user, world):
    start = timezone.now() + timedelta(days=1)
    blocked = CampaignFactory(
        name="Blocked one",
        channel=world.channel,
        status="scheduled",
        starts_at=start,
        ends_at=start + timedelta(days=3),
    )
    CampaignItemFactory(campaign=blocked, sku=world.sku)
    ConflictFactory(campaign=blocked, severity="blocker")
    body = login(marketing_user).get(TIMELINE).content.decode()
    assert "ready-blocked" in body
    assert "Scheduled · ✕ Blocked" in body
