"""A campaign synced from an ad platform: what the platform owns is read-only everywhere."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign, CampaignItem
from campaigns.services import change_status, save_campaign
from tests.factories import CampaignFactory, CampaignItemFactory, SKUFactory

pytestmark = pytest.mark.django_db

NOTE = "Synced from Meta; edit it there."


@pytest.fixture
def synced() -> Campaign:
    campaign = CampaignFactory(
        synced_from="Meta", name="Summer ad", caption="Linen shirts", status=CampaignStatus.LIVE
    )
    CampaignItemFactory(campaign=campaign, expected_units=10, reserved_units=4)
    return campaign


@pytest.fixture
def api(marketing_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(marketing_user)
    return client


def test_the_service_refuses_a_change_to_what_the_platform_owns(synced):
    synced.name = "Renamed here"
    synced.caption = "Now with free returns"

    with pytest.raises(ValidationError) as refused:
        save_campaign(synced)

    assert refused.value.message_dict == {"name": [NOTE], "caption": [NOTE]}
    assert Campaign.objects.get(pk=synced.pk).name == "Summer ad"


def test_what_only_socialops_knows_stays_editable(synced):
    item = synced.items.get()
    synced.cites_stock, synced.stop_min_roas = True, Decimal("2.5")
    item.expected_units = 50

    save_campaign(synced, items=[item])

    item.refresh_from_db()
    assert item.expected_units == 50 and Campaign.objects.get(pk=synced.pk).cites_stock


def test_promoted_products_cannot_be_added_or_repriced_by_hand(synced):
    item = synced.items.get()
    item.announced_price = Decimal("1.00")

    with pytest.raises(ValidationError) as repriced:
        save_campaign(synced, items=[item])
    with pytest.raises(ValidationError) as added:
        save_campaign(synced, items=[CampaignItem(sku=SKUFactory(), currency="EUR")])

    expected = ["Its promoted products are synced from Meta; edit them there."]
    assert repriced.value.message_dict["items"] == expected
    assert added.value.message_dict["items"] == expected


def test_the_sync_itself_may_write_them(synced):
    synced.name = "Renamed on Meta"

    save_campaign(synced, from_platform=True)

    assert Campaign.objects.get(pk=synced.pk).name == "Renamed on Meta"


def test_a_campaign_planned_here_is_not_affected():
    campaign = CampaignFactory()
    campaign.name = "Renamed"

    save_campaign(campaign)

    assert Campaign.objects.get(pk=campaign.pk).name == "Renamed"


def test_its_status_moves_on_the_platform_only(synced):
    with pytest.raises(ValidationError) as refused:
        change_status(synced, CampaignStatus.PAUSED)

    assert refused.value.message_dict == {"status": [NOTE]}


def test_the_form_disables_the_platform_fields_and_keeps_them(synced, login, marketing_user):
    client = login(marketing_user)
    url = reverse("campaigns:edit", args=[synced.pk])
    item = synced.items.get()
    sku_id, price = item.sku_id, item.announced_price

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Typed over",
            "caption": "Typed over too",
            "channel": synced.channel_id,
            "format": synced.format,
            "objective": synced.objective,
            "checkout_path": synced.checkout_path,
            "currency": "EUR",
            "cites_margin": "on",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "1",
            "items-0-id": item.pk,
            "items-0-campaign": synced.pk,
            "items-0-sku": SKUFactory().pk,
            "items-0-announced_price": "1.00",
            "items-0-expected_units": "80",
            "items-0-reserved_units": "6",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
        },
    )

    assert 'name="name"' in page and "disabled" in page.split('name="name"')[1].split(">")[0]
    assert NOTE in page and "Synced from Meta:" in page
    assert response.status_code == 302, response.content.decode()[:2000]
    synced.refresh_from_db()
    item.refresh_from_db()
    assert (synced.name, synced.caption, synced.cites_margin) == ("Summer ad", "Linen shirts", True)
    assert (item.sku_id, item.announced_price) == (sku_id, price)
    assert (item.expected_units, item.reserved_units) == (80, 6)


def test_the_api_refuses_platform_fields_with_a_400(synced, api):
    url = f"/api/campaigns/{synced.pk}/"

    refused = api.patch(url, {"name": "Renamed", "stop_min_roas": "2"}, format="json")
    allowed = api.patch(url, {"stop_min_roas": "2", "cites_stock": True}, format="json")
    status = api.post(f"{url}status/", {"status": "paused"}, format="json")

    assert refused.status_code == 400
    assert NOTE in str(refused.json())
    assert allowed.status_code == 200 and allowed.json()["synced_from"] == "Meta"
    assert status.status_code == 400 and NOTE in str(status.json())


def test_the_items_api_keeps_units_editable_and_products_read_only(synced, api):
    item = synced.items.get()
    url = f"/api/campaign-items/{item.pk}/"

    units = api.patch(url, {"expected_units": 30}, format="json")
    sku = api.patch(url, {"sku": SKUFactory().pk}, format="json")
    removed = api.delete(url)

    assert units.status_code == 200
    assert sku.status_code == 400 and NOTE in str(sku.json())
    assert removed.status_code == 400
    assert CampaignItem.objects.filter(pk=item.pk, expected_units=30).exists()


def test_the_campaign_page_offers_no_status_buttons(synced, login, marketing_user):
    page = login(marketing_user).get(reverse("campaigns:detail", args=[synced.pk]))

    assert page.status_code == 200
    assert "Pause" not in page.content.decode()
