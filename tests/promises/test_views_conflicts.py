"""The conflict queue, its bulk actions, the conflict page and waiver requests, per role."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import StockLevel
from promises.choices import ConflictEventKind, ConflictState, Severity
from promises.models import Conflict, ConflictEvent
from tests.factories import CampaignFactory, ConflictFactory, SKUFactory

LIST = reverse("promises:conflict-list")
BULK = reverse("promises:conflict-bulk")
ROLES = ["marketing_user", "ops_user", "exec_user", "admin_user"]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _detail(conflict) -> str:
    return reverse("promises:conflict-detail", args=[conflict.pk])


def _later(days: float) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


# --- Who may see and do what -------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_everywhere(client):
    conflict = ConflictFactory()
    for url in (LIST, _detail(conflict)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post(BULK, {"action": "acknowledge", "ids": [conflict.pk]})
    assert response.status_code == 302
    assert Conflict.objects.get().state == ConflictState.OPEN


@pytest.mark.django_db
def test_a_user_without_a_role_is_refused(login, outsider):
    conflict = ConflictFactory()
    client = login(outsider)
    assert client.get(LIST).status_code == 403
    assert client.get(LIST, {"format": "csv"}).status_code == 403
    assert client.get(_detail(conflict)).status_code == 403
    assert client.post(BULK, {"action": "acknowledge", "ids": [conflict.pk]}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_queue_and_the_conflict(request, login, role):
    conflict = ConflictFactory(message="Nothing left of SERUM-30.")
    client = login(request.getfixturevalue(role))
    page = client.get(LIST)
    assert page.status_code == 200 and b"Nothing left of SERUM-30." in page.content
    assert client.get(_detail(conflict)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, can_act",
    [("marketing_user", False), ("exec_user", False), ("ops_user", True), ("admin_user", True)],
)
def test_only_ops_and_admins_see_the_action_bar(request, login, role, can_act):
    ConflictFactory()
    page = login(request.getfixturevalue(role)).get(LIST)
    assert (b'id="bulk-form"' in page.content) is can_act
    assert (b'name="ids"' in page.content) is can_act


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["marketing_user", "exec_user"])
def test_a_forged_action_from_marketing_or_exec_is_refused(request, login, role):
    conflict = ConflictFactory()
    client = login(request.getfixturevalue(role))
    for data in (
        {"action": "acknowledge", "ids": [conflict.pk]},
        {"action": "waive", "ids": [conflict.pk], "reason": "x", "until": _later(3)},
    ):
        assert client.post(BULK, data).status_code == 403
        assert client.post(_detail(conflict), data).status_code == 403
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.OPEN
    assert not ConflictEvent.objects.exists()


# --- The queue ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_sorts_by_severity_then_lateness_then_age(login, ops_user):
    now = timezone.now()
    campaign = CampaignFactory()

    def make(severity, due_in_hours=None, age_hours=1):
        return ConflictFactory(
            campaign=campaign,
            severity=severity,
            due_at=None if due_in_hours is None else now + timedelta(hours=due_in_hours),
            first_seen_at=now - timedelta(hours=age_hours),
        )

    info = make(Severity.INFO, due_in_hours=-50)
    warning_overdue = make(Severity.WARNING, due_in_hours=-1)
    blocker_no_due_old = make(Severity.BLOCKER, age_hours=90)
    blocker_no_due_new = make(Severity.BLOCKER, age_hours=2)
    blocker_soon = make(Severity.BLOCKER, due_in_hours=3)
    blocker_overdue = make(Severity.BLOCKER, due_in_hours=-5)
    warning_later = make(Severity.WARNING, due_in_hours=30)
    expected = [
        blocker_overdue,
        blocker_soon,
        blocker_no_due_old,
        blocker_no_due_new,
        warning_overdue,
        warning_later,
        info,
    ]
    client = login(ops_user)
    assert list(client.get(LIST).context["object_list"]) == expected
    assert next(iter(client.get(LIST, {"sort": "-priority"}).context["object_list"])) == info


@pytest.mark.django_db
def test_the_default_view_shows_standing_conflicts_and_the_state_filter_opens_the_rest(
    login, ops_user
):
    open_ = ConflictFactory(state=ConflictState.OPEN)
    seen = ConflictFactory(state=ConflictState.ACKNOWLEDGED)
    resolved = ConflictFactory(state=ConflictState.RESOLVED)
    waived = ConflictFactory(
        state=ConflictState.WAIVED, waiver_reason="launch", waived_until=timezone.now()
    )
    client = login(ops_user)
    assert set(client.get(LIST).context["object_list"]) == {open_, seen}
    assert set(client.get(LIST, {"state": "resolved"}).context["object_list"]) == {resolved}
    every = client.get(LIST, {"state": ["open", "acknowledged", "resolved", "waived"]})
    assert set(every.context["object_list"]) == {open_, seen, resolved, waived}


@pytest.mark.django_db
def test_filters_assignee_me_and_none_overdue_and_search(login, ops_user, admin_user):
    now = timezone.now()
    mine = ConflictFactory(assignee=ops_user, due_at=now - timedelta(hours=1))
    theirs = ConflictFactory(assignee=admin_user, message="Price differs on SKU")
    nobody = ConflictFactory(due_at=now + timedelta(days=1))
    client = login(ops_user)

    def listed(**query):
        return set(client.get(LIST, query).context["object_list"])

    assert listed(assignee="me") == {mine}
    assert listed(assignee="none") == {nobody}
    assert listed(overdue="true") == {mine}
    assert listed(q="price differs") == {theirs}


@pytest.mark.django_db
def test_the_export_has_the_filtered_rows(login, ops_user):
    sku = SKUFactory(code="SERUM-30")
    ConflictFactory(severity=Severity.BLOCKER, sku=sku, country="FR")
    ConflictFactory(severity=Severity.WARNING)
    ConflictFactory(severity=Severity.BLOCKER, state=ConflictState.RESOLVED)
    rows = _csv(login(ops_user).get(LIST, {"severity": "blocker", "format": "csv"}))
    assert rows[0][:4] == ["id", "severity", "state", "rule"]
    assert len(rows) == 2
    assert rows[1][1:3] == ["blocker", "open"]
    assert rows[1][7:9] == ["SERUM-30", "FR"]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 20])
def test_the_queue_query_count_does_not_grow_with_rows(
    login, ops_user, django_assert_num_queries, rows
):
    for _ in range(rows):
        ConflictFactory(sku=SKUFactory(), assignee=ops_user)
    client = login(ops_user)
    # Session, user, perms x2, nav roles, count, page, the channels of the filter, the
    # assignable ops users of the action bar.
    with django_assert_num_queries(9):
        assert client.get(LIST).status_code == 200


# --- Bulk actions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ops_acknowledge_and_assign_in_bulk(login, ops_user, admin_user):
    first, second = ConflictFactory(), ConflictFactory()
    client = login(ops_user)
    back = LIST + "?severity=blocker"
    response = client.post(
        BULK, {"action": "acknowledge", "ids": [first.pk, second.pk], "next": back}
    )
    assert response.status_code == 302 and response.url == back
    assert set(Conflict.objects.values_list("state", flat=True)) == {ConflictState.ACKNOWLEDGED}
    page = client.get(back)
    assert b"2 conflicts acknowledged." in page.content

    client.post(BULK, {"action": "assign", "ids": [first.pk], "assignee": str(admin_user.pk)})
    first.refresh_from_db()
    assert first.assignee == admin_user
    client.post(BULK, {"action": "assign", "ids": [second.pk], "assignee": "me"})
    second.refresh_from_db()
    assert second.assignee == ops_user
    assert (
        ConflictEvent.objects.filter(kind=ConflictEventKind.ASSIGNED, actor=ops_user).count() == 2
    )


@pytest.mark.django_db
def test_only_people_who_work_conflicts_can_be_assigned(login, ops_user, marketing_user):
    conflict = ConflictFactory()
    response = login(ops_user).post(
        BULK, {"action": "assign", "ids": [conflict.pk], "assignee": str(marketing_user.pk)}
    )
    assert response.status_code == 400
    assert "assignee" in response.context["form"].errors
    conflict.refresh_from_db()
    assert conflict.assignee is None


@pytest.mark.django_db
def test_ops_waive_in_bulk_with_a_reason_and_an_expiry(login, ops_user):
    first, second = ConflictFactory(), ConflictFactory()
    response = login(ops_user).post(
        BULK,
        {
            "action": "waive",
            "ids": [first.pk, second.pk],
            "reason": "Carrier confirmed 48h",
            "until": _later(7),
        },
        follow=True,
    )
    assert b"2 conflicts waived." in response.content
    for conflict in Conflict.objects.all():
        assert conflict.state == ConflictState.WAIVED
        assert conflict.waiver_reason == "Carrier confirmed 48h"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"reason": "", "until": _later(3)}, "reason", "A waiver needs a reason."),
        ({"reason": "ok"}, "until", "A waiver needs an expiry."),
        ({"reason": "ok", "until": _later(31)}, "until", "30 days at most"),
        ({"reason": "ok", "until": _later(-1)}, "until", "in the future"),
        ({"reason": "ok", "until": "next tuesday"}, "until", "valid date"),
    ],
)
def test_a_bad_waiver_shows_its_message_on_the_field_and_keeps_the_selection(
    login, ops_user, data, field, message
):
    first, second = ConflictFactory(), ConflictFactory()
    response = login(ops_user).post(BULK, {"action": "waive", "ids": [first.pk, second.pk], **data})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert b"field-error" in response.content
    assert response.context["selected"] == [first, second]
    assert f'name="ids" value="{first.pk}" checked'.encode() in response.content
    assert set(Conflict.objects.values_list("state", flat=True)) == {ConflictState.OPEN}


@pytest.mark.django_db
def test_thirty_days_exactly_is_allowed(login, ops_user):
    conflict = ConflictFactory()
    until = (timezone.localtime() + timedelta(days=30, minutes=-2)).strftime("%Y-%m-%dT%H:%M")
    login(ops_user).post(
        BULK, {"action": "waive", "ids": [conflict.pk], "reason": "ok", "until": until}
    )
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.WAIVED


@pytest.mark.django_db
def test_nothing_selected_or_a_fix_note_without_text_is_refused(login, ops_user):
    conflict = ConflictFactory()
    client = login(ops_user)
    response = client.post(BULK, {"action": "acknowledge"})
    assert response.status_code == 400
    assert "Select at least one conflict." in response.context["form"].errors["ids"]
    response = client.post(BULK, {"action": "note", "ids": [conflict.pk], "note": "  "})
    assert response.status_code == 400 and "note" in response.context["form"].errors
    client.post(BULK, {"action": "note", "ids": [conflict.pk], "note": "Raised stock to 200"})
    conflict.refresh_from_db()
    assert conflict.fix_note == "Raised stock to 200"


@pytest.mark.django_db
def test_an_offsite_next_is_ignored(login, ops_user):
    conflict = ConflictFactory()
    response = login(ops_user).post(
        BULK, {"action": "acknowledge", "ids": [conflict.pk], "next": "https://evil.example/"}
    )
    assert response.url == LIST


# --- The conflict page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_conflict_page_shows_the_rule_evidence_history_and_links(login, ops_user, world):
    from promises.checks.engine import run_checks

    world.campaign.claims.create(kind="delivery", days=1, text="Delivered tomorrow")
    run_checks([world.campaign.pk])
    conflict = Conflict.objects.get(rule_code="DELIVERY_CLAIM_UNSUPPORTED")
    page = login(ops_user).get(_detail(conflict))
    body = page.content.decode()
    assert "shorter than the slowest enabled method" in body  # the rule's statement
    assert "Claimed days" in body and "Max days at campaign dates" in body
    assert "Promised against possible" in body
    assert reverse("promises:shipping-detail", args=[world.method.pk]) in body
    assert f"/campaigns/{world.campaign.pk}/" in body
    assert "Opened" in body and "checks engine" in body  # the history


@pytest.mark.django_db
def test_a_stock_conflict_links_to_the_sku(login, ops_user):
    sku = SKUFactory(code="SERUM-30")
    conflict = ConflictFactory(sku=sku, evidence={"sku": "SERUM-30", "available": 0})
    body = login(ops_user).get(_detail(conflict)).content.decode()
    assert reverse("catalog:sku-detail", args=[sku.pk]) in body


@pytest.mark.django_db
def test_ops_act_on_the_conflict_page_and_errors_stay_on_the_fields(login, ops_user):
    conflict = ConflictFactory()
    client = login(ops_user)
    response = client.post(_detail(conflict), {"action": "waive", "reason": "", "until": ""})
    assert response.status_code == 400
    assert "reason" in response.context["action_form"].errors
    assert "until" in response.context["action_form"].errors
    response = client.post(_detail(conflict), {"action": "acknowledge"})
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.ACKNOWLEDGED
    assert "Acknowledged" in client.get(_detail(conflict)).content.decode()


def _sell_out(world) -> Conflict:
    """A real STOCK_OUT the engine found on the world's campaign."""
    from promises.checks.engine import run_checks

    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    run_checks([world.campaign.pk])
    return Conflict.objects.get(rule_code="STOCK_OUT")


def _told(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_a_fix_note_on_the_page_re_checks_and_resolves_what_was_fixed(login, ops_user, world):
    """The page's note does what the API's resolve does: record the note, then re-check."""
    conflict = _sell_out(world)
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=50, available=50)
    response = login(ops_user).post(
        _detail(conflict), {"action": "note", "note": "Restocked 50"}, follow=True
    )
    conflict.refresh_from_db()
    assert (conflict.state, conflict.fix_note) == (ConflictState.RESOLVED, "Restocked 50")
    kinds = list(conflict.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == [ConflictEventKind.NOTE, ConflictEventKind.RESOLVED]
    assert _told(response) == ["Fix note recorded. Re-checked: the conflict is resolved."]


@pytest.mark.django_db
def test_a_fix_note_on_what_still_fails_keeps_the_conflict_and_says_so(login, ops_user, world):
    conflict = _sell_out(world)
    response = login(ops_user).post(
        _detail(conflict), {"action": "note", "note": "Asked the warehouse"}, follow=True
    )
    conflict.refresh_from_db()
    assert (conflict.state, conflict.fix_note) == (ConflictState.OPEN, "Asked the warehouse")
    assert "the checks still find this conflict" in _told(response)[0]


@pytest.mark.django_db
def test_a_bulk_fix_note_names_what_resolved_and_what_is_still_found(login, ops_user, world):
    stock_out = _sell_out(world)
    world.campaign.claims.create(kind="delivery", days=1, text="Delivered tomorrow")
    from promises.checks.engine import run_checks

    run_checks([world.campaign.pk])
    delivery = Conflict.objects.get(rule_code="DELIVERY_CLAIM_UNSUPPORTED")
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=50, available=50)
    response = login(ops_user).post(
        BULK,
        {"action": "note", "ids": [stock_out.pk, delivery.pk], "note": "Restocked"},
        follow=True,
    )
    assert _told(response) == [
        "Fix note recorded on 2 conflicts and their campaigns re-checked. "
        f"Resolved: #{stock_out.pk} STOCK_OUT. "
        f"Still found by the checks: #{delivery.pk} DELIVERY_CLAIM_UNSUPPORTED."
    ]
    states = dict(Conflict.objects.values_list("pk", "state"))
    assert states == {stock_out.pk: ConflictState.RESOLVED, delivery.pk: ConflictState.OPEN}


@pytest.mark.django_db
def test_a_missing_conflict_is_a_404(login, ops_user):
    assert login(ops_user).get(reverse("promises:conflict-detail", args=[999])).status_code == 404


# --- Waiver requests ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_marketing_requests_a_waiver_and_ops_grant_it(login, marketing_user, ops_user):
    conflict = ConflictFactory()
    url = reverse("promises:conflict-request-waiver", args=[conflict.pk])
    marketing = login(marketing_user)
    assert b"Request a waiver" in marketing.get(_detail(conflict)).content

    refused = marketing.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "reason" in refused.context["request_form"].errors

    assert marketing.post(url, {"reason": "Carrier promised 48h in writing"}).status_code == 302
    event = ConflictEvent.objects.get(kind=ConflictEventKind.WAIVER_REQUESTED)
    assert event.actor == marketing_user and event.note == "Carrier promised 48h in writing"
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.OPEN  # a request changes nothing by itself

    ops = login(ops_user)
    assert list(ops.get(LIST, {"waiver_requested": "true"}).context["object_list"]) == [conflict]
    page = ops.get(_detail(conflict)).content.decode()
    assert "Grant the waiver" in page and "Carrier promised 48h in writing" in page
    ops.post(_detail(conflict), {"action": "waive", "reason": event.note, "until": _later(5)})
    conflict.refresh_from_db()
    assert conflict.state == ConflictState.WAIVED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["ops_user", "exec_user", "outsider"])
def test_only_marketing_and_admins_request_waivers(request, login, role):
    conflict = ConflictFactory()
    url = reverse("promises:conflict-request-waiver", args=[conflict.pk])
    client = login(request.getfixturevalue(role))
    assert client.post(url, {"reason": "please"}).status_code == 403
    assert not ConflictEvent.objects.exists()


@pytest.mark.django_db
def test_a_resolved_conflict_cannot_be_asked_for_a_waiver(login, marketing_user):
    conflict = ConflictFactory(state=ConflictState.RESOLVED)
    url = reverse("promises:conflict-request-waiver", args=[conflict.pk])
    response = login(marketing_user).post(url, {"reason": "please"})
    assert response.status_code == 400
    assert not ConflictEvent.objects.exists()


# --- The ops panel of the home page ------------------------------------------------------------


@pytest.mark.django_db
def test_the_ops_home_panel_lists_blockers_first_and_what_is_overdue(login, ops_user):
    now = timezone.now()
    late = ConflictFactory(message="Late blocker", due_at=now - timedelta(hours=2))
    ConflictFactory(message="Late warning", severity=Severity.WARNING, due_at=now)
    ConflictFactory(message="Settled", state=ConflictState.RESOLVED, due_at=now)
    page = login(ops_user).get(reverse("home"))
    queue = page.context["queue"]
    assert (queue["blockers"], queue["warnings"], queue["overdue"]) == (1, 1, 2)
    assert queue["top_blockers"] == [late]
    assert [c.message for c in queue["overdue_list"]] == ["Late blocker", "Late warning"]
    assert reverse("promises:conflict-detail", args=[late.pk]).encode() in page.content


@pytest.mark.django_db
def test_the_home_page_of_marketing_has_no_queue(login, marketing_user):
    ConflictFactory()
    assert "queue" not in login(marketing_user).get(reverse("home")).context


# --- Ergonomics: what a refused action keeps, what a finished conflict no longer says ---------


@pytest.mark.django_db
def test_a_refused_waive_keeps_assign_to_and_the_other_fields(login, ops_user, admin_user):
    conflict = ConflictFactory()
    response = login(ops_user).post(
        _detail(conflict),
        {
            "action": "waive",
            "assignee": str(admin_user.pk),
            "reason": "",  # refused: a waiver needs a reason
            "until": _later(3),
            "note": "Asked the warehouse for a date",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "reason" in response.context["action_form"].errors
    # Every field is in the one form the button sent, and comes back as it was.
    assert f'<option value="{admin_user.pk}" selected>' in content
    assert "Asked the warehouse for a date</textarea>" in content
    assert content.count('<form method="post" class="act-grid"') == 1


@pytest.mark.django_db
def test_resolved_conflicts_say_nothing_is_due(login, ops_user):
    soon = timezone.now() + timedelta(hours=3)
    done = ConflictFactory(
        state=ConflictState.RESOLVED, resolved_at=timezone.now(), due_at=soon, rule_code="DONE"
    )
    standing = ConflictFactory(due_at=soon)
    client = login(ops_user)
    queue = client.get(LIST, {"state": ["open", "resolved"]}).content.decode()
    assert queue.count("in 3 hr.") == 1  # the standing one only
    assert "— resolved" in queue
    page = client.get(_detail(done)).content.decode()
    assert "nothing due: resolved" in page and "in 3 hr." not in page
    assert "in 3 hr." in client.get(_detail(standing)).content.decode()
