"""The conflict queue through the API: every action goes through the services and its
history records who did what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import StockLevel
from promises.checks.engine import run_checks
from promises.models import Conflict
from tests.factories import ConflictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock_out(world) -> Conflict:
    """A real STOCK_OUT the engine found on the world's campaign."""
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    run_checks([world.campaign.pk])
    return Conflict.objects.get(rule_code="STOCK_OUT")


def in_days(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def test_acknowledging_records_who_and_when(api, stock_out, ops_user):
    response = api(ops_user).post(f"/api/conflicts/{stock_out.pk}/acknowledge/")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "acknowledged"
    last = body["events"][-1]
    assert (last["kind"], last["actor_username"], last["from_state"], last["to_state"]) == (
        "acknowledged",
        "ops-user",
        "open",
        "acknowledged",
    )


def test_assigning_and_unassigning(api, stock_out, ops_user, admin_user):
    client = api(ops_user)
    url = f"/api/conflicts/{stock_out.pk}/assign/"
    assert client.post(url, {"assignee": admin_user.pk}, format="json").json()["assignee"] == (
        admin_user.pk
    )
    assert client.post(url, {"assignee": None}, format="json").json()["assignee"] is None
    refused = client.post(url, {"assignee": 999999}, format="json")
    assert refused.status_code == 400
    assert "assignee" in refused.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "", "until": in_days(3)}, "reason"),
        ({"reason": "   ", "until": in_days(3)}, "reason"),
        ({"reason": "Restock Friday", "until": in_days(31)}, "until"),
        ({"reason": "Restock Friday", "until": in_days(-1)}, "until"),
        ({"reason": "Restock Friday", "until": "next week"}, "until"),
        ({"reason": "Restock Friday"}, "until"),
    ],
)
def test_a_waiver_needs_a_reason_and_an_expiry_within_30_days(
    api, stock_out, ops_user, body, field
):
    response = api(ops_user).post(f"/api/conflicts/{stock_out.pk}/waive/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    stock_out.refresh_from_db()
    assert stock_out.state == "open"


def test_a_waiver_with_a_reason_and_expiry(api, stock_out, ops_user):
    response = api(ops_user).post(
        f"/api/conflicts/{stock_out.pk}/waive/",
        {"reason": "Restock Friday", "until": in_days(5)},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["waiver_reason"]) == ("waived", "Restock Friday")
    assert body["events"][-1]["kind"] == "waived"


def test_resolving_what_still_fails_keeps_it_open_with_the_note(api, stock_out, ops_user):
    response = api(ops_user).post(
        f"/api/conflicts/{stock_out.pk}/resolve/", {"note": "Asked the warehouse"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["resolved"] is False
    assert body["conflict"]["state"] == "open"
    assert body["conflict"]["fix_note"] == "Asked the warehouse"
    assert body["check_run"]["campaigns_checked"] == 1


def test_resolving_after_the_fix_resolves_it(api, world, stock_out, ops_user):
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=50, available=50)
    response = api(ops_user).post(
        f"/api/conflicts/{stock_out.pk}/resolve/", {"note": "Restocked 50"}, format="json"
    )
    body = response.json()
    assert body["resolved"] is True
    assert body["conflict"]["state"] == "resolved"
    kinds = [e["kind"] for e in body["conflict"]["events"]]
    assert kinds[-2:] == ["note", "resolved"]


def test_a_fix_note_must_say_something(api, stock_out, ops_user):
    response = api(ops_user).post(
        f"/api/conflicts/{stock_out.pk}/resolve/", {"note": " "}, format="json"
    )
    assert response.status_code == 400
    assert "note" in response.json()["errors"]


def test_bulk_acknowledge_counts_what_changed(api, ops_user):
    open_one, open_two = ConflictFactory(), ConflictFactory()
    done = ConflictFactory(state="acknowledged")
    response = api(ops_user).post(
        "/api/conflicts/acknowledge/", {"ids": [open_one.pk, open_two.pk, done.pk]}, format="json"
    )
    assert response.json() == {"changed": 2}


def test_bulk_actions_refuse_bad_id_lists(api, ops_user):
    client = api(ops_user)
    for ids in ([], ["x"], [0], list(range(1, 502))):
        response = client.post("/api/conflicts/acknowledge/", {"ids": ids}, format="json")
        assert response.status_code == 400, ids
        assert "ids" in response.json()["errors"]


def test_the_queue_uses_the_shared_conflict_filters(api, ops_user):
    mine = ConflictFactory(assignee=ops_user, severity="warning", rule_code="STOCK_SHORT")
    ConflictFactory(severity="blocker")
    client = api(ops_user)
    assert [c["id"] for c in client.get("/api/conflicts/?assignee=me").json()["results"]] == [
        mine.pk
    ]
    warnings = client.get("/api/conflicts/?severity=warning").json()["results"]
    assert [c["id"] for c in warnings] == [mine.pk]
    assert client.get("/api/conflicts/?rule=NOPE").status_code == 400


def test_history_is_readable_on_its_own(api, stock_out, ops_user, exec_user):
    api(ops_user).post(f"/api/conflicts/{stock_out.pk}/acknowledge/")
    events = api(exec_user).get(f"/api/conflict-events/?conflict={stock_out.pk}").json()
    assert [e["kind"] for e in events["results"]] == ["opened", "acknowledged"]


@pytest.mark.parametrize("value", ["\u00b2", "9" * 30, "nobody", "\x00"])
def test_odd_filter_values_are_answered_not_crashed_on(api, ops_user, value):
    response = api(ops_user).get("/api/conflicts/", {"assignee": value})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(("who", "code"), [("marketing", 200), ("ops", 403), ("exec", 403)])
def test_marketing_asks_ops_for_a_waiver(api, stock_out, cast, who, code):
    response = api(cast[who]).post(
        f"/api/conflicts/{stock_out.pk}/request-waiver/",
        {"reason": "The restock lands on launch day"},
        format="json",
    )
    assert response.status_code == code
    if code == 200:
        body = response.json()
        assert body["state"] == "open"  # a request changes nothing until ops waive
        assert body["events"][-1]["kind"] == "waiver_requested"


def test_a_waiver_request_needs_a_reason(api, stock_out, marketing_user):
    response = api(marketing_user).post(
        f"/api/conflicts/{stock_out.pk}/request-waiver/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


@pytest.mark.parametrize("assignee", ["marketing_user", "exec_user"])
def test_only_people_who_work_conflicts_can_be_assigned(
    api, stock_out, ops_user, assignee, request
):
    """The page's rule holds in the API: a conflict goes to someone who works conflicts
    (ops or admins), never to marketing or an exec."""
    marketing_user = request.getfixturevalue(assignee)
    response = api(ops_user).post(
        f"/api/conflicts/{stock_out.pk}/assign/", {"assignee": marketing_user.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["assignee"] == ["Choose someone who works conflicts."]
    bulk = api(ops_user).post(
        "/api/conflicts/assign/",
        {"ids": [stock_out.pk], "assignee": marketing_user.pk},
        format="json",
    )
    assert bulk.status_code == 400
    stock_out.refresh_from_db()
    assert stock_out.assignee is None


@pytest.fixture
def campaign_editor(db):
    """Someone who may change campaigns but not see the conflict queue."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory(username="campaign-editor")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="campaigns", codename="change_campaign")
    )
    return user


def test_asking_for_a_waiver_needs_to_see_the_conflict_as_on_the_page(
    api, login, stock_out, campaign_editor
):
    from django.urls import reverse

    page = reverse("promises:conflict-request-waiver", args=[stock_out.pk])
    assert login(campaign_editor).post(page, {"reason": "please"}).status_code == 403
    response = api(campaign_editor).post(
        f"/api/conflicts/{stock_out.pk}/request-waiver/", {"reason": "please"}, format="json"
    )
    assert response.status_code == 403
    assert not stock_out.events.filter(kind="waiver_requested").exists()


def test_resolving_many_says_which_resolved_and_which_are_still_found(
    api, world, stock_out, ops_user
):
    world.campaign.claims.create(kind="delivery", days=1, text="Delivered tomorrow")
    run_checks([world.campaign.pk])
    delivery = Conflict.objects.get(rule_code="DELIVERY_CLAIM_UNSUPPORTED")
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=50, available=50)
    response = api(ops_user).post(
        "/api/conflicts/resolve/",
        {"ids": [stock_out.pk, delivery.pk], "note": "Restocked"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["resolved"], body["still_found"]) == ([stock_out.pk], [delivery.pk])
    assert body["check_run"]["campaigns_checked"] == 1
    assert set(Conflict.objects.values_list("fix_note", flat=True)) == {"Restocked"}
    refused = api(ops_user).post(
        "/api/conflicts/resolve/", {"ids": [stock_out.pk], "note": " "}, format="json"
    )
    assert refused.status_code == 400
    assert "note" in refused.json()["errors"]
