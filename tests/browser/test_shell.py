"""The shell in a real browser: logging in through the form, the navigation, a list page, and
the interface language picked in the top bar."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from socialops.roles import Role
from tests.browser.conftest import BROWSER, pick
from tests.factories import CheckRunFactory, ConflictFactory, UserFactory

pytestmark = BROWSER


def test_logging_in_through_the_form_lands_on_home(browse, screenshot):
    UserFactory(username="maya", password="correct horse battery")
    page = browse()
    page.goto(reverse("home"))
    assert "/login/" in page.url
    screenshot(page, "login")
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text(re.compile("enter a correct username and password")).is_visible()
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("button", name="Log out").is_visible()


def test_a_list_filters_in_place_and_sorts(browse, screenshot, ops_user):
    CheckRunFactory.create_batch(3, status="succeeded")
    CheckRunFactory(status="failed", errors=3)
    page = browse(ops_user)
    page.goto(reverse("promises:checkrun-list"))
    assert page.get_by_text("4 results").is_visible()
    pick(page, "Status", "Failed")
    page.get_by_text("1 result", exact=True).wait_for()
    # htmx kept the filters in the address, so the view can be shared and reloaded.
    assert "status=failed" in page.url
    page.get_by_role("link", name=re.compile("^Errors")).click()
    page.wait_for_url(re.compile("sort=-errors"))
    screenshot(page, "check-runs")


# --- The language, picked in the top bar ------------------------------------------------------

PHONE = {"width": 390, "height": 844}


def _french_queue() -> None:
    """Two standing conflicts with the brand's own (French) words, for the queue."""
    ConflictFactory(message="Le sérum 30 ml est en rupture.", due_at=timezone.now())
    ConflictFactory(message="Le code ETE20 expire trop tôt.", severity="warning")


def test_picking_french_in_the_top_bar_holds_after_logging_out_and_in(browse, screenshot):
    _french_queue()
    ops = UserFactory(username="mehdi", password="mot de passe sûr")
    ops.groups.add(Group.objects.get(name=Role.OPS))
    page = browse(ops)
    page.goto(reverse("home"))
    assert page.get_by_role("heading", name="Conflict queue").is_visible()
    picker = page.get_by_label("Language")
    assert picker.is_visible() and picker.input_value() == ""  # following the browser
    with page.expect_navigation():
        picker.select_option("fr")  # a pointer choice applies at once
    page.get_by_role("heading", name="File des conflits").wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Conflits", exact=True).is_visible()
    assert page.get_by_label("Langue").input_value() == "fr"
    screenshot(page, "fr-home-ops")

    # The bulk bar's count comes from the JavaScript catalog.
    page.goto(reverse("promises:conflict-list"))
    page.locator("input[name=ids]").first.wait_for()
    for box in page.locator("input[name=ids]").all()[:2]:
        box.check()
    bar = page.locator("fieldset.bulk-bar")
    assert "(2 sélectionnées)" in bar.inner_text()
    screenshot(page, "fr-queue-selected")

    # Logged out, a new browser without the language cookie: the login page follows the
    # browser (English); once logged in, the stored choice is back.
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile("/login/"))
    page.context.clear_cookies()
    page.goto(reverse("login"))
    assert page.get_by_role("heading", name="Log in to SocialOps").is_visible()
    page.get_by_label("Username").fill("mehdi")
    page.get_by_label("Password").fill("mot de passe sûr")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="File des conflits").wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"


def test_the_picker_from_the_keyboard_and_on_a_phone(browse, screenshot, marketing_user):
    page = browse(marketing_user, viewport=PHONE)
    page.goto(reverse("home"))
    picker = page.get_by_label("Language")
    apply = page.get_by_role("button", name="Apply")
    # In the top bar, next to the account, within the screen.
    box = picker.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not apply.is_visible()  # with JavaScript, a pointer choice needs no button
    # From the keyboard an arrow steps to the next option without reloading the page under
    # the person's fingers; Apply comes back and applies it.
    picker.focus()
    page.keyboard.press("ArrowDown")
    apply.wait_for()
    assert "/language/" not in page.url and picker.input_value() == "en-us"
    page.keyboard.press("ArrowDown")
    assert picker.input_value() == "fr"
    page.keyboard.press("Tab")
    assert apply.evaluate("el => el === document.activeElement")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="Mes campagnes").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "fr-home-marketing-phone")
    # And back to the browser's language.
    with page.expect_navigation():
        page.get_by_label("Langue").select_option("")
    page.get_by_role("heading", name="My campaigns").wait_for()


def test_the_picker_without_javascript(chromium, live_server, exec_user):
    from django.conf import settings
    from django.test import Client

    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    client = Client()
    client.force_login(exec_user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(reverse("home"))
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("heading", name="Tableau de bord des canaux, 30 derniers jours").wait_for()
    context.close()
