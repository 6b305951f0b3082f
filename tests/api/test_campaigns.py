"""Campaigns through the API: readiness, conflicts with evidence, status through the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, CampaignClaim
from catalog.models import StockLevel
from promises.models import CheckRun, Conflict
from tests.factories import CampaignFactory, ChannelFactory

pytestmark = pytest.mark.django_db


def sold_out(world) -> None:
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)


def in_review(world) -> Campaign:
    Campaign.objects.filter(pk=world.campaign.pk).update(status="in_review")
    return world.campaign


def test_the_list_shows_readiness_and_filters_on_it(api, world, marketing_user, exec_user):
    sold_out(world)
    assert api(marketing_user).post(f"/api/campaigns/{world.campaign.pk}/check/").status_code == 200
    fine = CampaignFactory(channel=world.channel, status="draft")
    rows = api(exec_user).get("/api/campaigns/").json()["results"]
    assert {r["id"]: r["readiness"] for r in rows} == {
        world.campaign.pk: "blocked",
        fine.pk: "ready",
    }
    blocked = api(exec_user).get("/api/campaigns/?readiness=blocked").json()
    assert [r["id"] for r in blocked["results"]] == [world.campaign.pk]


def test_the_list_uses_the_shared_campaign_filters(api, world, exec_user):
    other = CampaignFactory(name="Autumn drop", status="draft", format="story")
    client = api(exec_user)
    assert [r["id"] for r in client.get("/api/campaigns/?status=draft").json()["results"]] == [
        other.pk
    ]
    found = client.get("/api/campaigns/", {"q": "spring"}).json()["results"]
    assert [r["id"] for r in found] == [world.campaign.pk]
    other_format = client.get("/api/campaigns/?format=story").json()["results"]
    assert [r["id"] for r in other_format] == [other.pk]
    refused = client.get("/api/campaigns/?status=nonsense")
    assert refused.status_code == 400
    assert "status" in refused.json()["errors"]


def test_the_detail_has_items_claims_and_conflicts_with_evidence(api, world, ops_user):
    sold_out(world)
    body = api(ops_user).post(f"/api/campaigns/{world.campaign.pk}/check/").json()
    assert body["check_run"]["campaigns_checked"] == 1
    campaign = body["campaign"]
    assert campaign["readiness"] == "blocked"
    assert campaign["open_blockers"] >= 1
    assert [i["sku_code"] for i in campaign["items"]] == ["SERUM-30"]
    stock_out = next(c for c in campaign["conflicts"] if c["rule_code"] == "STOCK_OUT")
    assert stock_out["severity"] == "blocker"
    assert stock_out["evidence"]  # the numbers the rule compared
    assert stock_out["sku_code"] == "SERUM-30"
    assert campaign["conflicts"][0]["severity"] == "blocker"  # blockers first


def test_a_blocked_campaign_cannot_be_scheduled_and_is_told_why(api, world, marketing_user):
    sold_out(world)
    campaign = in_review(world)
    response = api(marketing_user).post(
        f"/api/campaigns/{campaign.pk}/status/", {"status": "scheduled"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "campaign_blocked"
    assert [b["rule_code"] for b in body["blockers"]] == ["STOCK_OUT"]
    assert "SERUM-30" in body["blockers"][0]["message"]
    campaign.refresh_from_db()
    assert campaign.status == "in_review"


def test_waived_blockers_let_it_through(api, world, marketing_user, ops_user):
    sold_out(world)
    campaign = in_review(world)
    api(ops_user).post(f"/api/campaigns/{campaign.pk}/check/")
    ids = list(Conflict.objects.filter(severity="blocker").values_list("pk", flat=True))
    waived = api(ops_user).post(
        "/api/conflicts/waive/",
        {
            "ids": ids,
            "reason": "Restock lands the day before launch",
            "until": (timezone.now() + timedelta(days=3)).isoformat(),
        },
        format="json",
    )
    assert waived.json() == {"changed": len(ids)}
    response = api(marketing_user).post(
        f"/api/campaigns/{campaign.pk}/status/", {"status": "scheduled"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "scheduled"


def test_a_fine_campaign_is_scheduled(api, world, marketing_user):
    campaign = in_review(world)
    response = api(marketing_user).post(
        f"/api/campaigns/{campaign.pk}/status/", {"status": "scheduled"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["readiness"]) == ("scheduled", "ready")


def test_an_impossible_transition_is_a_field_error(api, world, marketing_user):
    response = api(marketing_user).post(
        f"/api/campaigns/{world.campaign.pk}/status/", {"status": "draft"}, format="json"
    )
    assert response.status_code == 400
    assert "cannot go from scheduled to draft" in response.json()["errors"]["status"][0]


def test_status_only_changes_through_the_action(api, world, marketing_user):
    response = api(marketing_user).patch(
        f"/api/campaigns/{world.campaign.pk}/", {"status": "live", "name": "Renamed"}
    )
    assert response.status_code == 200
    world.campaign.refresh_from_db()
    assert (world.campaign.status, world.campaign.name) == ("scheduled", "Renamed")


@pytest.mark.parametrize(
    ("who", "code"), [("marketing", 200), ("ops", 200), ("exec", 403), ("outsider", 403)]
)
def test_who_may_run_checks_and_change_status(api, world, cast, who, code):
    client = api(cast[who])
    assert client.post(f"/api/campaigns/{world.campaign.pk}/check/").status_code == code
    status_code = client.post(
        f"/api/campaigns/{world.campaign.pk}/status/", {"status": "paused"}, format="json"
    ).status_code
    assert status_code == (200 if who == "marketing" else 403)


def test_checks_record_a_run(api, world, ops_user):
    api(ops_user).post(f"/api/campaigns/{world.campaign.pk}/check/")
    assert CheckRun.objects.filter(trigger="manual").count() == 1


def test_a_new_campaign_is_a_draft_owned_by_its_planner(api, marketing_user):
    channel = ChannelFactory()
    response = api(marketing_user).post(
        "/api/campaigns/",
        {
            "channel": channel.pk,
            "name": "Launch",
            "format": "story",
            "target_countries": ["FR", "DE"],
            "caption": "Livraison en 48h, code SUMMER20",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["owner"], body["target_countries"]) == (
        "draft",
        marketing_user.pk,
        ["DE", "FR"],
    )
    # Claims read from the copy show beside entered ones.
    assert {c["kind"] for c in body["claims"]} >= {"delivery", "promo_code"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"target_countries": ["XX"]}, "target_countries"),
        ({"target_countries": ["²"]}, "target_countries"),
        ({"target_countries": [3, None]}, "target_countries"),
        ({"currency": "EURO"}, "currency"),
        ({"budget": "-1"}, "budget"),
        ({"budget": "1" * 30}, "budget"),
        ({"name": "a\x00b"}, "name"),
        ({"format": "billboard"}, "format"),
        ({"channel": 2**63}, "channel"),
        (
            {"starts_at": "2026-05-10T00:00:00Z", "ends_at": "2026-05-01T00:00:00Z"},
            "non_field_errors",
        ),
    ],
)
def test_bad_campaign_input_gets_field_errors(api, marketing_user, change, field):
    channel = ChannelFactory()
    body = {"channel": channel.pk, "name": "Launch", "format": "story"} | change
    response = api(marketing_user).post("/api/campaigns/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Campaign.objects.exists()


def test_claims_read_from_the_copy_follow_the_copy(api, world, marketing_user):
    world.campaign.caption = "Free returns for 60 days"
    world.campaign.save()
    claim = CampaignClaim.objects.get(campaign=world.campaign, source="extracted")
    client = api(marketing_user)
    assert client.patch(f"/api/campaign-claims/{claim.pk}/", {"days": 10}).status_code == 400
    assert client.delete(f"/api/campaign-claims/{claim.pk}/").status_code == 400
    entered = client.post(
        "/api/campaign-claims/",
        {"campaign": world.campaign.pk, "kind": "delivery", "days": 2, "source": "extracted"},
        format="json",
    )
    assert entered.status_code == 201
    assert entered.json()["source"] == "entered"


def test_an_item_names_its_sku_once_per_campaign(api, world, marketing_user):
    response = api(marketing_user).post(
        "/api/campaign-items/",
        {"campaign": world.campaign.pk, "sku": world.sku.pk, "expected_units": 5},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]


@pytest.mark.parametrize("role", ["marketing", "ops", "exec", "admin"])
def test_no_role_reads_a_channels_feed_token_through_the_api(api, world, cast, role):
    """The token is the secret of the feed URLs, shown on the feed page to ops and admins."""
    client = api(cast[role])
    listed = client.get("/api/channels/").json()["results"]
    one = client.get(f"/api/channels/{world.channel.pk}/").content.decode()
    assert world.channel.feed_token not in str(listed) + one


def test_what_a_channel_publishes_is_set_through_the_api(api, world, admin_user):
    url = f"/api/channels/{world.channel.pk}/"
    body = {"feed_product_types": ["Skincare"], "feed_tags": ["spring"]}
    response = api(admin_user).patch(url, body, format="json")
    assert response.status_code == 200
    assert (response.json()["feed_product_types"], response.json()["feed_tags"]) == (
        ["Skincare"],
        ["spring"],
    )
