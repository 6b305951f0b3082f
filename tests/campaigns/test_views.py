"""The marketing pages, per role: the list, the calendar, the form and its preview, the page."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, CampaignClaim, CampaignItem
from promises.checks.engine import run_checks
from promises.checks.registry import all_rules
from promises.models import CheckRun, Conflict, ConflictEvent, RuleSetting
from tests.factories import (
    CampaignFactory,
    CampaignItemFactory,
    CheckoutCountryFactory,
    ConflictFactory,
    ShippingMethodFactory,
    SKUFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("campaigns:list")
TIMELINE = reverse("campaigns:timeline")
CREATE = reverse("campaigns:create")
PREVIEW = reverse("campaigns:preview")
READERS = ["marketing_user", "ops_user", "exec_user", "admin_user"]
EDITORS = ["marketing_user", "admin_user"]
NOT_EDITORS = ["ops_user", "exec_user", "outsider"]


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(world, **overrides) -> dict:
    """What the browser posts for a new campaign on the world's channel, SKU and country."""
    starts = timezone.now() + timedelta(days=3)
    data = {
        "name": "Summer glow",
        "channel": world.channel.pk,
        "format": "short_video",
        "objective": "performance",
        "starts_at": _local(starts),
        "ends_at": _local(starts + timedelta(days=14)),
        "target_countries": ["FR"],
        "checkout_path": "site",
        "currency": "EUR",
        "caption": "Our serum, delivered in 3 days.",
        "script": "",
        "cites_stock": "on",
        "stop_min_roas": "2",
        "qualified_basket_threshold": "40",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-sku": world.sku.pk,
        "items-0-announced_price": "24.99",
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
    data.update(overrides)
    return data


@pytest.fixture
def slow_country(world):
    """Belgium, reachable only by a 5-day method."""
    ShippingMethodFactory(name="Belgian post", countries=["BE"], min_days=5, max_days=5)
    CheckoutCountryFactory(country="BE")
    return "BE"


# --- Who may do what -----------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_role_reads_the_list_calendar_and_page(request, login, role, world):
    client = login(request.getfixturevalue(role))
    for url in (LIST, TIMELINE, reverse("campaigns:detail", args=[world.campaign.pk])):
        assert client.get(url).status_code == 200, url
    assert client.get(LIST, {"export": "csv"}).status_code == 200


def test_outsider_and_anonymous_are_kept_out(login, outsider, client, world):
    pages = [
        LIST,
        TIMELINE,
        CREATE,
        reverse("campaigns:detail", args=[world.campaign.pk]),
        reverse("campaigns:edit", args=[world.campaign.pk]),
    ]
    for url in pages:
        assert login(outsider).get(url).status_code == 403, url
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    assert login(outsider).get(LIST, {"export": "csv"}).status_code == 403


@pytest.mark.parametrize("role", EDITORS)
def test_marketing_and_admins_open_the_forms(request, login, role, world):
    client = login(request.getfixturevalue(role))
    assert client.get(CREATE).status_code == 200
    assert client.get(reverse("campaigns:edit", args=[world.campaign.pk])).status_code == 200


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_others_cannot_create_edit_preview_or_move_a_campaign(request, login, role, world):
    client = login(request.getfixturevalue(role))
    pk = world.campaign.pk
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(world)).status_code == 403
    assert client.get(reverse("campaigns:edit", args=[pk])).status_code == 403
    assert client.post(reverse("campaigns:edit", args=[pk]), form_data(world)).status_code == 403
    assert client.post(PREVIEW, form_data(world)).status_code == 403
    assert client.post(reverse("campaigns:preview", args=[pk]), form_data(world)).status_code == 403
    status = client.post(reverse("campaigns:status", args=[pk]), {"status": "ended"})
    assert status.status_code == 403
    world.campaign.refresh_from_db()
    assert world.campaign.status == "scheduled"
    assert Campaign.objects.count() == 1


def test_anonymous_posts_are_sent_to_login(client, world):
    pk = world.campaign.pk
    for url in (CREATE, PREVIEW, reverse("campaigns:status", args=[pk])):
        response = client.post(url, {"status": "ended"})
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_ops_may_recheck_but_execs_may_not(login, ops_user, exec_user, world):
    url = reverse("campaigns:recheck", args=[world.campaign.pk])
    assert login(exec_user).post(url).status_code == 403
    assert not CheckRun.objects.exists()
    assert login(ops_user).post(url).status_code == 302
    assert CheckRun.objects.filter(trigger="manual").count() == 1


def test_the_page_hides_buttons_a_role_cannot_use(login, exec_user, marketing_user, world):
    url = reverse("campaigns:detail", args=[world.campaign.pk])
    exec_page = login(exec_user).get(url).content.decode()
    assert "Re-check now" not in exec_page and ">Edit<" not in exec_page
    assert "Go live" not in exec_page
    marketing_page = login(marketing_user).get(url).content.decode()
    assert "Go live" in marketing_page and "Re-check now" in marketing_page


# --- The list ------------------------------------------------------------------------------


def test_list_shows_readiness_counts_and_filters_by_readiness(login, marketing_user, world):
    blocked = CampaignFactory(name="Blocked one", channel=world.channel, owner=marketing_user)
    ConflictFactory(campaign=blocked, severity="blocker")
    ConflictFactory(campaign=blocked, severity="warning", rule_code="STOCK_SHORT")
    ConflictFactory(
        campaign=blocked,
        state="waived",
        rule_code="PRICE_MISMATCH",
        waiver_reason="Agreed with finance",
        waived_until=timezone.now() + timedelta(days=2),
    )
    client = login(marketing_user)
    response = client.get(LIST)
    rows = {c.name: c for c in response.context["object_list"]}
    assert rows["Blocked one"].readiness == "blocked"
    assert (rows["Blocked one"].open_blockers, rows["Blocked one"].open_warnings) == (1, 1)
    assert rows["Spring glow"].readiness == "ready"
    content = response.content.decode()
    assert reverse("campaigns:detail", args=[blocked.pk]) in content
    assert '<span class="badge blocked">Blocked</span>' in content
    filtered = client.get(LIST, {"readiness": "blocked"})
    assert [c.name for c in filtered.context["object_list"]] == ["Blocked one"]
    searched = client.get(LIST, {"q": "spring"})
    assert [c.name for c in searched.context["object_list"]] == ["Spring glow"]


def test_drafts_and_ended_campaigns_do_not_claim_to_be_ready(login, marketing_user, world):
    CampaignFactory(name="Sketch", status="draft", channel=world.channel)
    CampaignFactory(name="Last spring", status="ended", channel=world.channel)
    content = login(marketing_user).get(LIST).content.decode()
    assert '<span class="badge neutral">Draft, not checked</span>' in content
    assert '<span class="badge neutral">Ended</span>' in content


def test_list_sorts_by_blockers_and_name(login, marketing_user, world):
    worst = CampaignFactory(name="Worst")
    ConflictFactory.create_batch(2, campaign=worst)
    ConflictFactory(campaign=CampaignFactory(name="Bad"))
    client = login(marketing_user)
    names = [c.name for c in client.get(LIST, {"sort": "-blockers"}).context["object_list"]]
    assert names[:2] == ["Worst", "Bad"]
    names = [c.name for c in client.get(LIST, {"sort": "name"}).context["object_list"]]
    assert names == ["Bad", "Spring glow", "Worst"]


def test_list_answers_htmx_with_the_results_only(login, marketing_user, world):
    response = login(marketing_user).get(LIST, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert response.templates[0].name == "campaigns/_campaign_results.html"
    assert "<html" not in response.content.decode()


def test_csv_exports_every_filtered_row(login, exec_user, world):
    blocked = CampaignFactory(name="=cmd|' /C calc'!A0", channel=world.channel)
    ConflictFactory(campaign=blocked)
    CampaignFactory(name="A live video", format="live", channel=world.channel)
    response = login(exec_user).get(LIST, {"export": "csv", "readiness": "blocked"})
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:9] == [
        "id",
        "name",
        "channel",
        "network",
        "format",
        "status",
        "readiness",
        "open_blockers",
        "open_warnings",
    ]
    assert len(rows) == 2
    assert rows[1][1].startswith("'=")  # a formula is written as text
    assert rows[1][6:9] == ["blocked", "1", "0"]
    assert rows[1][11] == "FR"
    # The export keeps the campaign-format filter (`format` is a filter on this list).
    live = _csv(login(exec_user).get(LIST, {"export": "csv", "format": "live"}))
    assert [row[1] for row in live[1:]] == ["A live video"]
    # Here `?format=` is the campaign format filter, not an export.
    not_export = login(exec_user).get(LIST, {"format": "csv"})
    assert not_export.status_code == 200 and not_export["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("rows", [1, 20])
def test_list_query_count_does_not_grow_with_rows(
    login, marketing_user, django_assert_num_queries, rows
):
    for campaign in CampaignFactory.create_batch(rows, owner=marketing_user):
        ConflictFactory(campaign=campaign)
    client = login(marketing_user)
    # Session, user, the user's language (common.UserPreference), user and group permissions,
    # nav roles, the filter bar's channel and owner choices, the count, the page (one query:
    # readiness subqueries, channel and owner joined).
    with django_assert_num_queries(9):
        assert client.get(LIST).status_code == 200


# --- The calendar --------------------------------------------------------------------------


def test_calendar_marks_campaigns_overlapping_on_a_sku(login, marketing_user, world):
    start = world.campaign.starts_at
    rival = CampaignFactory(name="Rival", starts_at=start + timedelta(days=3))
    CampaignItemFactory(campaign=rival, sku=world.sku)
    later = CampaignFactory(name="Later", starts_at=start + timedelta(days=15))
    CampaignItemFactory(campaign=later, sku=world.sku)  # starts after Spring glow ends
    CampaignFactory(name="Elsewhere", starts_at=start)  # no shared SKU
    response = login(marketing_user).get(TIMELINE, {"start": start.date().isoformat()})
    bars = {b.campaign.name: b for lane in response.context["lanes"] for b in lane.bars}
    assert set(bars) == {"Spring glow", "Rival", "Later", "Elsewhere"}
    assert [o.name for o, _ in bars["Spring glow"].overlaps_with] == ["Rival"]
    assert [o.name for o, _ in bars["Later"].overlaps_with] == ["Rival"]
    assert bars["Rival"].overlaps_with[0][1] == [world.sku]
    assert bars["Elsewhere"].overlaps_with == []
    assert response.context["overlapping"] == 3
    # The text alternative names the overlap and the SKU, not only a colour.
    assert "SERUM-30" in response.content.decode()


def test_calendar_by_sku_and_navigation(login, marketing_user, world):
    client = login(marketing_user)
    start = world.campaign.starts_at.date()
    response = client.get(TIMELINE, {"by": "sku", "start": start.isoformat()})
    assert [lane.label for lane in response.context["lanes"]] == [str(world.sku)]
    later = client.get(TIMELINE, {"start": (start + timedelta(days=60)).isoformat()})
    assert later.context["lanes"] == []
    assert client.get(TIMELINE, {"start": "not-a-date"}).status_code == 200


def test_calendar_ignores_ended_campaigns_and_other_periods(login, marketing_user, world):
    CampaignFactory(name="Old", starts_at=timezone.now() - timedelta(days=200))
    CampaignFactory(name="Ended", status="ended")
    response = login(marketing_user).get(TIMELINE)
    names = {b.campaign.name for lane in response.context["lanes"] for b in lane.bars}
    assert names == {"Spring glow"}


# --- Create, edit, preview -----------------------------------------------------------------


def test_marketing_creates_a_campaign_with_items_and_claims(login, marketing_user, world):
    response = login(marketing_user).post(CREATE, form_data(world))
    campaign = Campaign.objects.get(name="Summer glow")
    assert response.status_code == 302
    assert response.url == reverse("campaigns:detail", args=[campaign.pk])
    assert campaign.owner == marketing_user and campaign.status == "draft"
    assert list(campaign.items.values_list("sku__code", "reserved_units")) == [("SERUM-30", 10)]
    entered = campaign.claims.filter(source="entered")
    assert list(entered.values_list("kind", "days")) == [("returns", 30)]
    # The caption's promise is read on save.
    assert campaign.claims.filter(source="extracted", kind="delivery", days=3).exists()


def test_bad_input_comes_back_with_field_errors_not_a_500(login, marketing_user, world):
    client = login(marketing_user)
    starts = timezone.now() + timedelta(days=3)
    data = form_data(
        world,
        name="",
        ends_at=_local(starts - timedelta(days=1)),
        budget="-5",
        target_countries=["XX"],
        **{"items-TOTAL_FORMS": "2", "items-1-sku": world.sku.pk, "items-1-currency": "EUR"},
        **{"items-1-expected_units": "1", "items-1-reserved_units": "-1"},
    )
    response = client.post(CREATE, data)
    assert response.status_code == 400
    form, items = response.context["form"], response.context["items"]
    assert "name" in form.errors
    assert form.errors["ends_at"] == ["The campaign must end after it starts."]
    assert "budget" in form.errors
    assert "target_countries" in form.errors
    assert "reserved_units" in items.forms[1].errors
    assert not Campaign.objects.filter(name="").exists()
    assert Campaign.objects.count() == 1


def test_a_sku_twice_is_a_form_error(login, marketing_user, world):
    data = form_data(
        world,
        **{"items-TOTAL_FORMS": "2", "items-1-sku": world.sku.pk, "items-1-currency": "EUR"},
        **{"items-1-expected_units": "1", "items-1-reserved_units": "1"},
    )
    response = login(marketing_user).post(CREATE, data)
    assert response.status_code == 400
    assert response.context["items"].non_form_errors()
    assert Campaign.objects.count() == 1


def test_a_paid_partnership_must_say_its_disclosure(login, marketing_user, world):
    data = form_data(world, is_paid_partnership="on", disclosure=" ")
    response = login(marketing_user).post(CREATE, data)
    assert response.status_code == 400
    assert "disclosure" in response.context["form"].errors


def test_marketing_edits_items_and_claims(login, marketing_user, world):
    url = reverse("campaigns:edit", args=[world.campaign.pk])
    data = form_data(
        world,
        name="Spring glow, extended",
        **{
            "items-INITIAL_FORMS": "1",
            "items-0-id": world.item.pk,
            "items-0-campaign": world.campaign.pk,
            "items-0-reserved_units": "5",
        },
    )
    response = login(marketing_user).post(url, data)
    assert response.status_code == 302
    world.campaign.refresh_from_db()
    world.item.refresh_from_db()
    assert world.campaign.name == "Spring glow, extended"
    assert world.campaign.status == "scheduled"  # the form does not move the status
    assert world.item.reserved_units == 5
    assert CampaignItem.objects.count() == 1


def _footprint() -> tuple[int, ...]:
    return (
        Campaign.objects.count(),
        CampaignItem.objects.count(),
        CampaignClaim.objects.count(),
        CheckRun.objects.count(),
        Conflict.objects.count(),
        ConflictEvent.objects.count(),
    )


def test_preview_shows_claims_and_the_verdict_and_leaves_nothing(
    login, marketing_user, world, slow_country
):
    before = _footprint()
    data = form_data(
        world, caption="Livraison en 48h partout en Belgique !", target_countries=[slow_country]
    )
    response = login(marketing_user).post(PREVIEW, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Delivery time</span> “48h”" in content  # the extracted claim
    verdict = response.context["verdict"]
    assert verdict.checked and verdict.readiness == "blocked"
    assert [c.rule_code for c in verdict.blockers] == ["DELIVERY_CLAIM_UNSUPPORTED"]
    assert "Belgian post takes up to 5" in content
    assert _footprint() == before


def test_preview_of_an_edit_leaves_the_campaign_and_its_conflicts_alone(
    login, marketing_user, world, slow_country
):
    standing = ConflictFactory(campaign=world.campaign, rule_code="STOCK_OUT", scope="sku:1")
    before = _footprint()
    data = form_data(
        world,
        caption="Delivered in 2 days!",
        target_countries=[slow_country],
        **{"items-INITIAL_FORMS": "1", "items-0-id": world.item.pk},
    )
    url = reverse("campaigns:preview", args=[world.campaign.pk])
    response = login(marketing_user).post(url, data)
    assert "DELIVERY_CLAIM_UNSUPPORTED" in response.content.decode()
    assert _footprint() == before
    world.campaign.refresh_from_db()
    standing.refresh_from_db()
    assert world.campaign.caption == "" and list(world.campaign.target_countries) == ["FR"]
    assert standing.state == "open"  # the preview finds no STOCK_OUT, and resolves nothing


# Statements that write or lock: a preview must issue none (SQLite has no FOR UPDATE, so the
# savepoint of a transaction is what betrays a write there).
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b|\bSAVEPOINT\b|\bFOR UPDATE\b", re.I)


def _constraint_check(following: list[str]) -> bool:
    return (
        len(following) == 2
        and '"_check"' in following[0]
        and following[1].startswith("RELEASE SAVEPOINT")
    )


def _writes(queries: CaptureQueriesContext) -> list[str]:
    sqls = [q["sql"] for q in queries.captured_queries]
    statements, i = [], 0
    while i < len(sqls):
        # The form's validation checks each check constraint with a SELECT in a savepoint of
        # its own (Django's Q.check): a read, released at once, which the save page does too.
        if sqls[i].startswith("SAVEPOINT") and _constraint_check(sqls[i + 1 : i + 3]):
            i += 3
            continue
        statements.append(sqls[i])
        i += 1
    return [sql for sql in statements if WRITES.search(sql)]


@pytest.mark.parametrize("edit", [False, True])
def test_preview_writes_nothing_and_locks_nothing(login, marketing_user, world, edit):
    client = login(marketing_user)
    url = reverse("campaigns:preview", args=[world.campaign.pk]) if edit else PREVIEW
    data = form_data(world, caption="Livraison en 48h, code SUMMER20")
    if edit:
        data.update({"items-INITIAL_FORMS": "1", "items-0-id": world.item.pk})
    before = _footprint()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 200 and response.context["verdict"].checked
    assert _writes(queries) == []
    assert _footprint() == before


def test_a_draft_page_writes_nothing(login, marketing_user, world, slow_country):
    draft = CampaignFactory(channel=world.channel, status="draft", caption="Livraison en 48h")
    CampaignItemFactory(campaign=draft, sku=world.sku, expected_units=500, reserved_units=0)
    client = login(marketing_user)
    before = _footprint()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("campaigns:detail", args=[draft.pk]))
    assert response.context["preview"].blockers
    assert _writes(queries) == []
    assert _footprint() == before


def test_the_preview_says_what_the_checks_say_once_saved(login, marketing_user, world):
    """Previewed, then saved and submitted: the engine opens the conflicts the preview showed."""
    client = login(marketing_user)
    data = form_data(
        world,
        caption="Livré demain ! Retours gratuits 60 jours, code SUMMER20",
        **{"items-0-expected_units": "150", "items-0-reserved_units": "0"},
    )
    previewed = response_conflicts(client.post(PREVIEW, data).context["verdict"].conflicts)
    assert {"STOCK_SHORT", "PROMO_CODE_INVALID", "RETURN_CLAIM_EXCEEDS_POLICY"} <= {
        code for code, *_ in previewed
    }
    assert client.post(CREATE, data).status_code == 302
    saved = Campaign.objects.get(name="Summer glow")
    page = client.get(reverse("campaigns:detail", args=[saved.pk]))
    assert response_conflicts(page.context["preview"].conflicts) == previewed
    Campaign.objects.filter(pk=saved.pk).update(status="in_review")
    run_checks([saved.pk])
    assert response_conflicts(Conflict.objects.filter(campaign=saved, state="open")) == previewed


def response_conflicts(conflicts) -> set[tuple[str, str, str, str]]:
    return {(c.rule_code, c.scope, c.severity, c.message) for c in conflicts}


def test_the_preview_lists_the_claims_the_save_stores(login, marketing_user, world):
    """A price in the product's own name is not an announced price, in the preview as on
    save (the preview read the copy without the product names)."""
    world.sku.product.title = "Mini Kit 10€"
    world.sku.product.save()
    client = login(marketing_user)
    data = form_data(world, caption="Le Mini Kit 10€ est de retour, livré en 3 jours")
    previewed = [(c.kind, c.text) for _, c in client.post(PREVIEW, data).context["extracted"]]
    assert client.post(CREATE, data).status_code == 302
    saved = Campaign.objects.get(name="Summer glow")
    stored = list(saved.claims.filter(source="extracted").values_list("kind", "text"))
    assert previewed == stored
    assert "price" not in {kind for kind, _ in previewed}


def test_preview_of_an_invalid_form_still_shows_the_claims(login, marketing_user, world):
    data = form_data(world, name="", caption="Free returns for 60 days")
    response = login(marketing_user).post(PREVIEW, data)
    assert response.status_code == 200
    assert response.context["verdict"] is None
    assert "Returns</span> “Free returns for 60 days”" in response.content.decode()
    assert not CheckRun.objects.exists()


# --- The campaign page ---------------------------------------------------------------------


def test_page_lists_every_rule_with_its_outcome_and_evidence(login, marketing_user, world):
    blocker = ConflictFactory(
        campaign=world.campaign,
        rule_code="STOCK_OUT",
        message="SERUM-30 has nothing to promise",
        evidence={"available_to_promise": 0, "locations": ["Paris", "Lyon"]},
    )
    ConflictFactory(
        campaign=world.campaign,
        rule_code="STOCK_SHORT",
        severity="warning",
        state="waived",
        waiver_reason="Restock lands Monday",
        waived_until=timezone.now() + timedelta(days=3),
    )
    RuleSetting.objects.create(rule_code="NEGATIVE_MARGIN", severity="warning", enabled=False)
    response = login(marketing_user).get(reverse("campaigns:detail", args=[world.campaign.pk]))
    outcomes = {r.code: r.outcome for r in response.context["checklist"]}
    assert set(outcomes) == {rule.code for rule in all_rules()}
    assert outcomes["STOCK_OUT"] == "blocker"
    assert outcomes["STOCK_SHORT"] == "waived"
    assert outcomes["NEGATIVE_MARGIN"] == "off"
    assert outcomes["DISCLOSURE_MISSING"] == "pass"
    content = response.content.decode()
    assert f'href="/conflicts/{blocker.pk}/"' in content
    assert "Restock lands Monday" in content
    assert "<dt>Available to promise</dt><dd>0</dd>" in content
    assert "<dt>Locations</dt><dd>Paris, Lyon</dd>" in content
    assert response.context["campaign"].readiness == "blocked"


def test_page_shows_skus_with_available_to_promise(login, marketing_user, world):
    response = login(marketing_user).get(reverse("campaigns:detail", args=[world.campaign.pk]))
    (item,) = response.context["items"]
    # 100 available, 20 reserved by this scheduled campaign, no safety buffer.
    assert (item.stock.available, item.stock.reserved, item.stock.available_to_promise) == (
        100,
        20,
        80,
    )


def test_a_draft_page_shows_what_the_checks_would_say(login, marketing_user, world, slow_country):
    draft = CampaignFactory(
        channel=world.channel,
        status="draft",
        caption="Livraison en 48h",
        target_countries=[slow_country],
    )
    before = _footprint()
    response = login(marketing_user).get(reverse("campaigns:detail", args=[draft.pk]))
    assert response.context["preview"].readiness == "blocked"
    outcomes = {r.code: r.outcome for r in response.context["checklist"]}
    assert outcomes["DELIVERY_CLAIM_UNSUPPORTED"] == "blocker"
    assert "If it were submitted now" in response.content.decode()
    assert _footprint() == before


def test_page_query_count_does_not_grow_with_skus(
    login, marketing_user, world, django_assert_max_num_queries
):
    CampaignItemFactory.create_batch(15, campaign=world.campaign)
    ConflictFactory.create_batch(5, campaign=world.campaign)
    client = login(marketing_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("campaigns:detail", args=[world.campaign.pk])).status_code == 200


# --- Status changes and re-checks ----------------------------------------------------------


def test_scheduling_a_blocked_campaign_is_refused_with_the_reasons(
    login, marketing_user, world, slow_country
):
    campaign = CampaignFactory(
        channel=world.channel,
        status="in_review",
        caption="Livraison en 48h",
        target_countries=[slow_country],
    )
    client = login(marketing_user)
    response = client.post(
        reverse("campaigns:status", args=[campaign.pk]), {"status": "scheduled"}, follow=True
    )
    campaign.refresh_from_db()
    assert campaign.status == "in_review"
    content = response.content.decode()
    assert "Cannot schedule" in content
    assert "DELIVERY_CLAIM_UNSUPPORTED" in content
    assert "Belgian post takes up to 5" in content
    # One banner lists every blocker (not a banner per blocker), escaped as text.
    banners = list(response.context["messages"])
    assert len(banners) == 1
    assert content.count('class="blockers error"') == 1
    assert "<li><code>DELIVERY_CLAIM_UNSUPPORTED</code>: " in content


def test_status_moves_through_the_service(login, marketing_user, world):
    client = login(marketing_user)
    url = reverse("campaigns:status", args=[world.campaign.pk])
    response = client.post(url, {"status": "paused"}, follow=True)
    world.campaign.refresh_from_db()
    assert world.campaign.status == "paused"
    assert "is now paused" in response.content.decode()
    refused = client.post(url, {"status": "draft"}, follow=True)
    world.campaign.refresh_from_db()
    assert world.campaign.status == "paused"
    assert "cannot go from paused to draft" in refused.content.decode()
    nonsense = client.post(url, {"status": "sideways"}, follow=True)
    assert nonsense.status_code == 200
    assert "Choose a status" in nonsense.content.decode()


def test_recheck_runs_the_checks_for_the_campaign(login, marketing_user, world):
    world.stock.available = 0
    world.stock.save()
    Conflict.objects.all().delete()
    response = login(marketing_user).post(
        reverse("campaigns:recheck", args=[world.campaign.pk]), follow=True
    )
    assert "Checked:" in response.content.decode()
    assert Conflict.objects.filter(campaign=world.campaign, rule_code="STOCK_OUT").exists()
    assert response.context["campaign"].readiness == "blocked"


def test_views_answer_404_for_a_missing_campaign(login, marketing_user, db):
    client = login(marketing_user)
    assert client.get(reverse("campaigns:detail", args=[999])).status_code == 404
    assert client.get(reverse("campaigns:edit", args=[999])).status_code == 404
    assert client.post(reverse("campaigns:status", args=[999]), {"status": "x"}).status_code == 404


def test_pages_refuse_the_wrong_method(login, marketing_user, world):
    client = login(marketing_user)
    assert client.get(reverse("campaigns:status", args=[world.campaign.pk])).status_code == 405
    assert client.get(PREVIEW).status_code == 405


def test_list_filters_by_sku_and_offers_only_that_sku(login, marketing_user, world):
    other = SKUFactory(code="MASK-50")
    CampaignItemFactory(campaign=CampaignFactory(name="Mask week"), sku=other)
    client = login(marketing_user)
    response = client.get(LIST, {"sku": other.pk})
    assert [c.name for c in response.context["object_list"]] == ["Mask week"]
    assert list(response.context["filter_form"].fields["sku"].queryset) == [other]
    assert "sku" not in client.get(LIST).context["filter_form"].fields


# --- The marketing home panel --------------------------------------------------------------


def test_home_groups_my_campaigns_by_readiness_with_what_blocks_them(
    login, marketing_user, world, django_assert_max_num_queries
):
    world.campaign.owner = marketing_user
    world.campaign.save()
    blocked = CampaignFactory(name="Blocked launch", owner=marketing_user)
    for n in range(4):
        ConflictFactory(campaign=blocked, rule_code=f"RULE_{n}", message=f"Reason {n}")
    CampaignFactory(name="Finished", owner=marketing_user, status="ended")
    client = login(marketing_user)
    response = client.get("/")
    groups = {
        g["readiness"]: [c.name for c in g["campaigns"]] for g in response.context["my_campaigns"]
    }
    assert groups == {"blocked": ["Blocked launch"], "ready": ["Spring glow"]}
    content = response.content.decode()
    assert "Reason 0" in content and "Reason 2" in content and "Reason 3" not in content
    assert "and 1 more on the campaign page" in content
    for n in range(10):
        ConflictFactory(campaign=CampaignFactory(owner=marketing_user), rule_code=f"X{n}")
    with django_assert_max_num_queries(9):
        client.get("/")


def test_readiness_filter_means_what_the_badge_says(login, marketing_user, world):
    """The list filters readiness set-based; each choice matches annotate_readiness."""
    blocked = CampaignFactory(name="Blocked")
    ConflictFactory(campaign=blocked)
    ConflictFactory(campaign=blocked, severity="warning", rule_code="STOCK_SHORT")
    at_risk = CampaignFactory(name="At risk")
    ConflictFactory(campaign=at_risk, severity="warning", rule_code="STOCK_SHORT")
    ConflictFactory(campaign=at_risk, state="resolved", rule_code="STOCK_OUT")
    acknowledged = CampaignFactory(name="Acknowledged")
    ConflictFactory(campaign=acknowledged, state="acknowledged")
    client = login(marketing_user)

    def names(readiness: str) -> set[str]:
        rows = client.get(LIST, {"readiness": readiness}).context["object_list"]
        assert {c.readiness for c in rows} <= {readiness}
        return {c.name for c in rows}

    assert names("blocked") == {"Blocked", "Acknowledged"}
    assert names("at_risk") == {"At risk"}
    assert names("ready") == {"Spring glow"}


def test_sorting_by_blockers_counts_only_standing_ones(login, marketing_user, world):
    """Sorting by counts uses a join instead of per-row subqueries: same counts, same badge."""
    waived_only = CampaignFactory(name="Waived only")
    ConflictFactory.create_batch(
        3,
        campaign=waived_only,
        state="waived",
        waiver_reason="Agreed",
        waived_until=timezone.now() + timedelta(days=1),
    )
    two = CampaignFactory(name="Two blockers")
    ConflictFactory.create_batch(2, campaign=two)
    ConflictFactory(campaign=two, severity="warning", rule_code="STOCK_SHORT")
    warned = CampaignFactory(name="Warned")
    ConflictFactory(campaign=warned, severity="warning", rule_code="STOCK_SHORT")
    client = login(marketing_user)
    rows = list(client.get(LIST, {"sort": "-blockers"}).context["object_list"])
    assert [r.name for r in rows][:2] == ["Two blockers", "Warned"]
    counts = {r.name: (r.open_blockers, r.open_warnings, r.readiness) for r in rows}
    assert counts["Two blockers"] == (2, 1, "blocked")
    assert counts["Warned"] == (0, 1, "at_risk")
    assert counts["Waived only"] == (0, 0, "ready")
    blocked = client.get(LIST, {"sort": "-blockers", "readiness": "blocked"})
    assert [r.name for r in blocked.context["object_list"]] == ["Two blockers"]
    exported = _csv(client.get(LIST, {"sort": "-blockers", "export": "csv"}))
    assert [row[1] for row in exported[1:3]] == ["Two blockers", "Warned"]


@pytest.mark.parametrize("rows", [1, 20])
def test_blockers_sort_query_count_does_not_grow(
    login, marketing_user, django_assert_num_queries, rows
):
    for campaign in CampaignFactory.create_batch(rows):
        ConflictFactory(campaign=campaign)
    client = login(marketing_user)
    # As the list above (the user's language included).
    with django_assert_num_queries(9):
        assert client.get(LIST, {"sort": "-blockers"}).status_code == 200


def test_the_detail_page_highlights_each_claim_in_the_copy(client, marketing_user, world):
    world.campaign.caption = "Le duo 1\u202f299 € 🖤 livré en 48h, retours gratuits 30 jours"
    world.campaign.save()
    client.force_login(marketing_user)
    page = client.get(reverse("campaigns:detail", args=[world.campaign.pk])).content.decode()
    assert "<mark>1\u202f299 €</mark>" in page
    assert "livré en <mark>48h</mark>, retours" in page
    assert "<mark>retours gratuits 30 jours</mark>" in page


def test_a_form_opened_before_another_save_does_not_revert_it(
    login, marketing_user, admin_user, world
):
    from tests.opened import opened_form

    url = reverse("campaigns:edit", args=[world.campaign.pk])
    mine, theirs = login(marketing_user), login(admin_user)
    my_form = opened_form(mine.get(url), "campaign-form")
    their_form = opened_form(theirs.get(url), "campaign-form")
    assert theirs.post(url, {**their_form, "budget": ["999"]}).status_code == 302

    refused = mine.post(url, {**my_form, "name": ["Mine"]})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Changed by admin-user since you opened it: " in page
    assert "Budget is now 999.00" in page
    stored = Campaign.objects.get(pk=world.campaign.pk)
    assert (stored.name, stored.budget) == ("Spring glow", 999)

    # The refused form keeps what was typed and carries the new version: saving again
    # replaces theirs knowingly.
    again = mine.post(url, opened_form(refused, "campaign-form"))
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.name, stored.updated_by) == ("Mine", marketing_user)


def test_a_form_opened_after_the_last_save_saves(login, marketing_user, world):
    from tests.opened import opened_form

    url = reverse("campaigns:edit", args=[world.campaign.pk])
    client = login(marketing_user)
    assert client.post(url, {**opened_form(client.get(url), "campaign-form")}).status_code == 302
    response = client.post(url, {**opened_form(client.get(url), "campaign-form"), "name": ["B"]})
    assert response.status_code == 302
    assert Campaign.objects.get(pk=world.campaign.pk).name == "B"
