"""The queue grouped by fix, its bulk actions on a group, and spend at risk in the queue."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from promises.models import Conflict
from tests.factories import CampaignFactory, ConflictFactory, SKUFactory

pytestmark = pytest.mark.django_db
GROUPS = "/conflicts/by-fix/"


@pytest.fixture
def sold_out():
    """One SKU sold out under three campaigns, and one unrelated shipping conflict."""
    sku = SKUFactory(code="SERUM-30")
    conflicts = [
        ConflictFactory(sku=sku, evidence={"sku": "SERUM-30"}, scope=f"sku:{sku.pk}")
        for _ in range(3)
    ]
    ConflictFactory(
        rule_code="SHIPPING_COUNTRY_UNCOVERED", country="ES", scope="country:ES", evidence={}
    )
    return sku, conflicts


def test_the_groups_name_the_fix_and_count_what_it_resolves(login, ops_user, sold_out):
    page = login(ops_user).get(GROUPS).content.decode()
    assert "Stock of SERUM-30" in page and "fix once, resolve 3" in page
    assert "Shipping to ES" in page and "fix once, resolve 1" in page
    assert f"/catalog/skus/{sold_out[0].pk}/" in page


def test_a_bulk_action_on_a_group_acts_on_each_of_its_conflicts(login, ops_user, sold_out):
    sku, conflicts = sold_out
    answer = login(ops_user).post(
        "/conflicts/bulk/", {"group": [f"sku_stock:{sku.pk}"], "action": "acknowledge"}
    )
    assert answer.status_code == 302
    states = dict(Conflict.objects.values_list("pk", "state"))
    assert {states[c.pk] for c in conflicts} == {"acknowledged"}
    assert list(
        Conflict.objects.filter(rule_code="SHIPPING_COUNTRY_UNCOVERED").values_list(
            "state", flat=True
        )
    ) == ["open"]


def test_the_api_lists_the_groups(api_client_for, sold_out):
    groups = api_client_for().get("/api/conflicts/groups/").json()
    assert [(g["label"], g["count"]) for g in groups] == [
        ("Stock of SERUM-30", 3),
        ("Shipping to ES", 1),
    ]


@pytest.fixture
def api_client_for(ops_user):
    def make(user=None):
        client = APIClient()
        client.force_authenticate(user or ops_user)
        return client

    return make


@pytest.fixture
def burning():
    now = timezone.now()
    live = CampaignFactory(
        status="live",
        budget=Decimal("2000"),
        starts_at=now - timedelta(days=10),
        ends_at=now + timedelta(days=10),
        name="Burning",
    )
    hot = ConflictFactory(campaign=live, first_seen_at=now - timedelta(days=2))
    cold = ConflictFactory(campaign=CampaignFactory(status="scheduled"), first_seen_at=now)
    return hot, cold


def test_the_queue_sorts_by_spend_at_risk_on_request(login, ops_user, burning):
    hot, cold = burning
    page = login(ops_user).get("/conflicts/", {"sort": "spend"}).content.decode()
    assert page.index(f"/conflicts/{hot.pk}/") < page.index(f"/conflicts/{cold.pk}/")
    assert "€200.00" in page  # the campaign's currency, through the formatting layer
    page = login(ops_user).get("/conflicts/", {"sort": "-spend"}).content.decode()
    assert page.index(f"/conflicts/{cold.pk}/") < page.index(f"/conflicts/{hot.pk}/")


def test_the_api_carries_and_orders_by_spend_at_risk(api_client_for, burning):
    hot, cold = burning
    rows = api_client_for().get("/api/conflicts/", {"ordering": "-spend_at_risk"}).json()
    assert [(r["id"], r["spend_at_risk"]) for r in rows["results"]] == [
        (hot.pk, "200.00"),
        (cold.pk, "0.00"),
    ]
    summary = api_client_for().get("/api/conflicts/spend-at-risk/").json()
    assert summary == {"total": "200.00", "conflicts": 1}


def test_the_ops_and_exec_homes_show_spend_at_risk_now(login, ops_user, exec_user, burning):
    ops_home = login(ops_user).get("/").content.decode()
    assert "<strong>€200</strong> spend at risk now" in ops_home
    exec_home = login(exec_user).get("/").content.decode()
    assert 'data-testid="exec-spend-at-risk"' in exec_home
