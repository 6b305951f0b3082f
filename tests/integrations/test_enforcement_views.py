"""The enforcement policy on the ad account's page, the enforcement log page, and the API."""

from __future__ import annotations

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrations.choices import EnforcementKind, EnforcementMode, EnforcementOutcome
from integrations.models import EnforcementAction, EnforcementPolicy
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _policy_data(**changes) -> dict:
    return {
        "mode": EnforcementMode.PAUSE,
        "cooldown_minutes": 45,
        "max_pauses_per_hour": 5,
        **changes,
    }


def test_an_admin_sets_the_channel_policy_on_the_ad_account_page(login, admin_user, ad_account):
    client = login(admin_user)
    page = client.get(reverse("integrations:detail", args=[ad_account.pk]))
    assert page.status_code == 200
    assert "Enforcement on Instagram ads" in page.content.decode()
    assert "Notify only" in page.content.decode()  # the default, before any policy

    response = client.post(
        reverse("integrations:policy", args=[ad_account.pk]), _policy_data(dry_run="on")
    )

    assert response.status_code == 302
    policy = EnforcementPolicy.objects.get(channel=ad_account.channel)
    assert (policy.mode, policy.dry_run, policy.cooldown_minutes) == ("pause", True, 45)
    assert policy.max_pauses_per_hour == 5 and policy.updated_by == admin_user
    page = client.get(reverse("integrations:detail", args=[ad_account.pk])).content.decode()
    assert "dry run: recorded, nothing sent" in page


@pytest.mark.parametrize("role", ["ops_user", "marketing_user", "exec_user"])
def test_only_admins_set_a_policy(request, login, role, ad_account):
    client = login(request.getfixturevalue(role))

    response = client.post(reverse("integrations:policy", args=[ad_account.pk]), _policy_data())

    assert response.status_code == 403
    assert not EnforcementPolicy.objects.exists()


def _actions(ad_account, n: int) -> None:
    campaign = CampaignFactory(channel=ad_account.channel, name="Spring glow")
    for i in range(n):
        EnforcementAction.objects.create(
            connection=ad_account,
            campaign=campaign,
            external_id=f"2385{i:04d}",
            kind=EnforcementKind.PAUSE,
            outcome=EnforcementOutcome.REFUSED if i == 0 else EnforcementOutcome.OK,
            reason="Meta refused the status change (code 200)" if i == 0 else "Paused",
            done_at=timezone.now(),
        )


def test_the_log_lists_every_action_for_admins_only(login, admin_user, ops_user, ad_account):
    _actions(ad_account, 2)

    page = login(admin_user).get(reverse("integrations:enforcement"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Spring glow" in text and "Refused by the platform" in text and "code 200" in text
    assert login(ops_user).get(reverse("integrations:enforcement")).status_code == 403


def test_the_log_costs_the_same_queries_for_1_and_20_actions(login, admin_user, ad_account):
    client = login(admin_user)
    counts = []
    for n in (1, 20):
        EnforcementAction.objects.all().delete()
        _actions(ad_account, n)
        with CaptureQueriesContext(db) as queries:
            assert client.get(reverse("integrations:enforcement")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_api_reads_the_log_and_admins_set_policies(login, admin_user, ops_user, ad_account):
    _actions(ad_account, 1)
    admin = login(admin_user)

    rows = admin.get("/api/enforcement-actions/").json()["results"]
    assert [(r["kind"], r["outcome"], r["external_id"]) for r in rows] == [
        ("pause", "refused", "23850000")
    ]
    assert admin.post("/api/enforcement-actions/", {}).status_code in (403, 405)
    created = admin.post(
        "/api/enforcement-policies/",
        {"channel": ad_account.channel.pk, "mode": "pause", "max_pauses_per_hour": 3},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["mode"], body["max_pauses_per_hour"], body["updated_by"]) == (
        "pause",
        3,
        admin_user.username,
    )
    changed = admin.patch(
        f"/api/enforcement-policies/{body['id']}/",
        {"dry_run": True},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["dry_run"] is True
    assert EnforcementPolicy.objects.get().mode == "pause"
    ops = login(ops_user)
    assert ops.get("/api/enforcement-actions/").status_code == 403
    assert (
        ops.patch(
            f"/api/enforcement-policies/{body['id']}/",
            {"mode": "off"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_the_campaign_page_says_what_enforcement_did(login, marketing_user, ad_account):
    campaign = CampaignFactory(channel=ad_account.channel, name="Spring glow")
    note = "Paused on Meta by SocialOps at 14:02 because STOCK_OUT SERUM-30"
    type(campaign).objects.filter(pk=campaign.pk).update(enforcement_note=note)

    page = login(marketing_user).get(reverse("campaigns:detail", args=[campaign.pk]))

    assert note in page.content.decode()
