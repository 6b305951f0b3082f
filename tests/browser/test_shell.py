"""The shell in a real browser: logging in through the form, the navigation, a list page."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.browser.conftest import BROWSER, pick
from tests.factories import CheckRunFactory, UserFactory

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
