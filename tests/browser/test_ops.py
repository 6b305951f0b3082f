"""Ops in a real browser: the queue, filtering to blockers, waiving one, fixing another at its
source (the shipping method) and seeing it resolve after the re-check; marketing and exec are
refused the actions. Screenshots of the ops pages land in test-output/screenshots/."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from promises import triggers
from promises.checks.engine import run_checks
from promises.models import Conflict
from tests.browser.conftest import BROWSER, pick
from tests.factories import ConflictFactory, SKUFactory, StockLevelFactory
from tests.promises.conftest import World

pytestmark = BROWSER

PHONE = {"width": 390, "height": 844}


def _store(marketing_user) -> World:
    """The small store with one campaign promising 48h to France against a 2-3 day method,
    plus a few unrelated conflicts so the queue has something to sort and filter."""
    world = World(marketing_user)
    world.campaign.claims.create(kind="delivery", days=2, text="Delivered in 48h")
    run_checks([world.campaign.pk])
    now = timezone.now()
    with triggers.suspended():  # these campaigns are only there to carry the conflicts
        _extra_conflicts(now)
    return world


def _extra_conflicts(now) -> None:
    ConflictFactory(severity="warning", message="Stock runs short on LIP-02", due_at=now)
    ConflictFactory(
        severity="blocker",
        message="Nothing left of CANDLE-1",
        sku=SKUFactory(code="CANDLE-1"),
        due_at=now - timedelta(hours=3),
    )


def _standing() -> str:
    count = Conflict.objects.standing().count()
    return f"{count} result{'s' if count != 1 else ''}"


def test_ops_filter_to_blockers_and_waive_one(browse, screenshot, ops_user, marketing_user):
    _store(marketing_user)
    target = Conflict.objects.get(message="Nothing left of CANDLE-1")
    page = browse(ops_user)
    page.goto(reverse("promises:conflict-list"))
    page.get_by_text(_standing(), exact=True).wait_for()
    screenshot(page, "ops-queue")
    blockers = Conflict.objects.blockers().count()
    pick(page, "Severity", "Blocker")
    page.get_by_text(f"{blockers} results", exact=True).wait_for()
    assert "severity=blocker" in page.url
    # Blockers first, the overdue one on top.
    first_row = page.locator("table.queue tbody tr").first
    assert "CANDLE-1" in first_row.inner_text()

    # A waiver without a reason is refused field by field, and the selection is kept.
    page.get_by_label(re.compile(f"Select conflict {target.pk}:")).check()
    page.get_by_role("button", name="Waive").click()
    page.get_by_text("A waiver needs a reason.").wait_for()
    assert page.get_by_label(re.compile("CANDLE|STOCK_OUT")).first.is_checked()
    screenshot(page, "ops-waive-refused")

    page.get_by_label("Waiver reason").fill("Restock lands tomorrow morning")
    until = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label(re.compile("Waived until")).fill(until)
    page.get_by_role("button", name="Waive").click()
    page.get_by_text("1 conflict waived.").wait_for()
    assert "severity=blocker" in page.url  # back on the same filtered queue
    target.refresh_from_db()
    assert target.state == "waived" and target.waiver_reason == "Restock lands tomorrow morning"

    page.goto(reverse("promises:conflict-detail", args=[target.pk]))
    assert page.get_by_text("Restock lands tomorrow morning").first.is_visible()
    screenshot(page, "ops-conflict-waived")


def test_ops_fix_the_shipping_method_and_the_conflict_resolves(
    browse, screenshot, ops_user, marketing_user
):
    world = _store(marketing_user)
    conflict = Conflict.objects.get(rule_code="DELIVERY_CLAIM_UNSUPPORTED")
    page = browse(ops_user)
    page.goto(reverse("promises:conflict-detail", args=[conflict.pk]))
    assert page.get_by_text("Promised against possible").is_visible()
    screenshot(page, "ops-conflict")
    page.get_by_role("link", name=re.compile("Shipping method Colissimo")).click()
    page.get_by_role("heading", name="Colissimo").wait_for()
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Min days").fill("1")
    page.get_by_label("Max days").fill("2")
    screenshot(page, "ops-shipping-edit")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(re.compile("Saved Colissimo")).wait_for()
    screenshot(page, "ops-shipping-list")
    conflict.refresh_from_db()
    assert conflict.state == "resolved"
    page.goto(reverse("promises:conflict-detail", args=[conflict.pk]))
    assert page.get_by_text("Resolved by the checks").is_visible()
    world.method.refresh_from_db()
    assert world.method.max_days == 2


def test_a_bad_shipping_method_shows_field_errors(browse, ops_user, marketing_user):
    world = _store(marketing_user)
    page = browse(ops_user)
    page.goto(reverse("promises:shipping-edit", args=[world.method.pk]))
    page.get_by_label("Min days").fill("9")
    page.get_by_label("Max days").fill("2")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The slowest delivery cannot be faster than the fastest.").wait_for()


def test_marketing_and_exec_get_no_action_buttons_and_a_forged_post_is_refused(
    browse, ops_user, marketing_user, exec_user
):
    _store(marketing_user)
    conflict = Conflict.objects.get(message="Nothing left of CANDLE-1")
    for user in (marketing_user, exec_user):
        page = browse(user)
        page.goto(reverse("promises:conflict-list"))
        page.get_by_text(_standing(), exact=True).wait_for()
        assert page.get_by_role("button", name="Waive").count() == 0
        assert page.get_by_role("button", name="Acknowledge").count() == 0
        token = page.context.cookies()
        csrf = next((c["value"] for c in token if c["name"] == "csrftoken"), "")
        response = page.request.post(
            reverse("promises:conflict-bulk"),
            form={"action": "acknowledge", "ids": str(conflict.pk)},
            headers={"X-CSRFToken": csrf, "Referer": page.url},
        )
        assert response.status == 403
    conflict.refresh_from_db()
    assert conflict.state == "open"


def test_marketing_requests_a_waiver_that_ops_see(browse, screenshot, ops_user, marketing_user):
    _store(marketing_user)
    conflict = Conflict.objects.get(rule_code="DELIVERY_CLAIM_UNSUPPORTED")
    page = browse(marketing_user)
    page.goto(reverse("promises:conflict-detail", args=[conflict.pk]))
    page.get_by_label("Why should ops waive it?").fill("Carrier confirmed 48h for this launch")
    page.get_by_role("button", name="Request a waiver").click()
    page.get_by_text("Waiver requested: ops will see it").wait_for()
    ops = browse(ops_user)
    ops.goto(reverse("promises:conflict-list") + "?waiver_requested=true")
    ops.get_by_text("1 result", exact=True).wait_for()
    assert ops.get_by_text("waiver asked").is_visible()


def test_the_ops_pages_on_a_phone_and_the_sku_list(browse, screenshot, ops_user, marketing_user):
    world = _store(marketing_user)
    StockLevelFactory(sku=SKUFactory(code="LOW-1"), on_hand=5, available=5)
    page = browse(ops_user)
    page.goto(reverse("catalog:sku-list"))
    page.get_by_role("link", name="SERUM-30").wait_for()
    screenshot(page, "ops-sku-list")
    page.get_by_role("link", name="SERUM-30").click()
    page.get_by_role("button", name="Save stock").wait_for()
    screenshot(page, "ops-sku")
    page.goto(reverse("home"))
    page.get_by_role("heading", name="Conflict queue").wait_for()
    screenshot(page, "ops-home")

    phone = browse(ops_user, viewport=PHONE)
    phone.goto(reverse("promises:conflict-list"))
    phone.get_by_text(_standing(), exact=True).wait_for()
    screenshot(phone, "ops-queue-phone")
    phone.goto(reverse("promises:shipping-detail", args=[world.method.pk]))
    screenshot(phone, "ops-shipping-phone")


def test_the_bulk_bar_appears_once_a_row_is_selected(browse, screenshot, ops_user, marketing_user):
    _store(marketing_user)
    page = browse(ops_user)
    page.goto(reverse("promises:conflict-list"))
    page.get_by_text(_standing(), exact=True).wait_for()
    bar = page.locator("fieldset.bulk-bar")
    assert not bar.is_visible()
    assert page.get_by_text("Select conflicts to assign").is_visible()
    page.locator("input[name=ids]").first.check()
    assert bar.is_visible()
    assert "(1 selected)" in bar.inner_text()
    screenshot(page, "ops-queue-selected")
    page.locator("input[name=ids]").first.uncheck()
    assert not bar.is_visible()
    # Select every row from the header, and the bar counts them.
    page.get_by_label("Select every conflict on this page").check()
    assert f"({Conflict.objects.standing().count()} selected)" in bar.inner_text()


def test_the_bulk_bar_stays_visible_without_javascript(chromium, live_server, ops_user):
    from django.conf import settings
    from django.test import Client

    _extra_conflicts(timezone.now())
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    client = Client()
    client.force_login(ops_user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(reverse("promises:conflict-list"))
    assert page.locator("fieldset.bulk-bar").is_visible()
    assert page.get_by_role("search", name="Filter conflicts").is_visible()
    context.close()


def test_after_back_the_filters_show_what_the_list_uses(browse, ops_user, marketing_user):
    _store(marketing_user)
    blockers = Conflict.objects.blockers().count()
    page = browse(ops_user)
    page.goto(reverse("promises:conflict-list"))
    page.get_by_text(_standing(), exact=True).wait_for()
    pick(page, "Severity", "Blocker")
    page.get_by_text(f"{blockers} results", exact=True).wait_for()
    page.get_by_label("Search").fill("CANDLE")
    page.wait_for_url(re.compile("q=CANDLE"))
    page.get_by_text("1 result", exact=True).wait_for()
    page.go_back()
    page.wait_for_url(lambda url: "q=CANDLE" not in url and "severity=blocker" in url)
    page.get_by_text(f"{blockers} results", exact=True).wait_for()
    # The form shows the filter the list uses: the next change keeps it.
    assert page.locator("#id_severity").evaluate(
        "el => Array.from(el.selectedOptions).map(o => o.value)"
    ) == ["blocker"]
    assert page.get_by_label("Search").input_value() == ""
    # Away to a conflict and Back (the browser's own cache): the same.
    page.locator("table.queue tbody a").first.click()
    page.wait_for_url(re.compile(r"/conflicts/\d+/"))
    page.go_back()
    page.get_by_text(f"{blockers} results", exact=True).wait_for()
    # The whole page, not the cached partial htmx fetched for this address.
    assert page.get_by_role("heading", name="Conflict queue").is_visible()
    assert page.locator("#id_severity").evaluate(
        "el => Array.from(el.selectedOptions).map(o => o.value)"
    ) == ["blocker"]
    # The standing states the queue shows by default are the ones selected.
    states = page.locator("#id_state").evaluate(
        "el => Array.from(el.selectedOptions).map(o => o.value)"
    )
    assert sorted(states) == ["acknowledged", "open"]


def test_a_refused_waive_keeps_assign_to(browse, screenshot, ops_user, admin_user, marketing_user):
    _store(marketing_user)
    conflict = Conflict.objects.get(message="Nothing left of CANDLE-1")
    page = browse(ops_user)
    page.goto(reverse("promises:conflict-detail", args=[conflict.pk]))
    page.get_by_label("Assign to").select_option(str(admin_user.pk))
    page.get_by_label("Fix note").fill("Asked the warehouse")
    page.get_by_role("button", name="Waive").click()
    page.get_by_text("A waiver needs a reason.").wait_for()
    assert page.get_by_label("Assign to").input_value() == str(admin_user.pk)
    assert page.get_by_label("Fix note").input_value() == "Asked the warehouse"
    screenshot(page, "ops-conflict-waive-refused")


def test_on_a_phone_the_filters_fold_away_and_the_first_conflict_shows(
    browse, screenshot, ops_user, marketing_user
):
    _store(marketing_user)
    page = browse(ops_user, viewport=PHONE)
    page.goto(reverse("promises:conflict-list") + "?severity=blocker")
    first = page.locator("table.queue tbody tr").first
    first.wait_for()
    assert not page.get_by_role("combobox", name="Severity").is_visible()
    assert page.get_by_text("1 active").is_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] < PHONE["height"]  # no scrolling past the filters
    screenshot(page, "ops-queue-phone-folded")
    page.locator("details.filter-panel > summary").click()
    assert page.get_by_role("combobox", name="Severity").is_visible()
    screenshot(page, "ops-queue-phone-filters")


def test_a_resolved_conflict_says_nothing_is_due(browse, screenshot, ops_user):
    done = ConflictFactory(
        state="resolved",
        resolved_at=timezone.now(),
        due_at=timezone.now() + timedelta(hours=3),
        message="Fixed already",
    )
    for name, viewport in (("desktop", None), ("phone", PHONE)):
        page = browse(ops_user, viewport=viewport)
        page.goto(reverse("promises:conflict-list") + "?state=resolved")
        page.get_by_text("1 result", exact=True).wait_for()
        row = page.locator("table.queue tbody tr").first
        assert "— resolved" in row.inner_text() and "in 3 hr." not in row.inner_text()
        page.goto(reverse("promises:conflict-detail", args=[done.pk]))
        assert page.get_by_text("nothing due: resolved").is_visible()
        screenshot(page, f"ops-conflict-resolved-{name}")
