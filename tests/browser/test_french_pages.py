"""The exec pages and the integrations pages in French, in real Chromium, at 1366 px and on a
phone: French is about a third longer, and nothing may be clipped or push the page sideways.
Screenshots land in test-output/screenshots/ (fr-*)."""

from __future__ import annotations

import re
from decimal import Decimal as D

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from common.i18n import set_preferred_language
from common.texts import say
from integrations import services
from integrations.clients.http import STATUS_CHANGE_REFUSED
from integrations.models import Connection, EnforcementAction, SyncRun
from tests.browser.conftest import BROWSER
from tests.browser.test_exec import PHONE, _fits, _shop, _unattributed
from tests.factories import CampaignFactory

pytestmark = BROWSER


def _nothing_sideways(page) -> None:
    """The page does not scroll sideways, and no card is wider than its content box."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('main .card, main .kpi-tile')]
            .filter(el => !el.classList.contains('table-scroll'))
            .filter(el => el.scrollWidth > el.clientWidth + 1)
            .map(el => (el.querySelector('h2, h3')?.textContent || el.className).trim())"""
    )
    assert overflowing == []


def _ticks_inside(page) -> None:
    """Every y label of every chart starts inside its chart (1,5 k € is longer than €1.5K)."""
    lefts = page.evaluate(
        "() => [...document.querySelectorAll('svg.chart text.tick')].map(t => t.getBBox().x)"
    )
    assert lefts and min(lefts) >= 0


def test_the_scorecard_and_a_channel_page_fit_in_french(browse, screenshot, exec_user):
    tiktok = _shop()
    _unattributed(D("900.00"))
    set_preferred_language(exec_user, "fr")
    page = browse(exec_user)
    page.goto(reverse("insights:channel-list"))
    assert page.locator("html").get_attribute("lang") == "fr"
    tiles = page.get_by_test_id("store-tiles")
    assert "sur les 30 jours précédents" in tiles.inner_text()
    # The compact table fits its card at 1366 px, headers and badges included.
    assert _fits(page, ".card.flush")
    assert page.get_by_role("columnheader", name=re.compile("Gouvernance")).is_visible()
    _nothing_sideways(page)
    screenshot(page, "fr-exec-scorecard")

    page.goto(reverse("insights:channel-detail", args=[tiktok.pk]))
    assert "Part du chiffre d’affaires et concentration" in page.inner_text("main")
    assert _fits(page, "section[aria-labelledby=share-heading]")
    _nothing_sideways(page)
    _ticks_inside(page)
    screenshot(page, "fr-exec-channel")


def test_the_exec_pages_are_cards_on_a_phone_in_french(browse, screenshot, exec_user):
    tiktok = _shop()
    _unattributed(D("900.00"))
    set_preferred_language(exec_user, "fr")
    page = browse(exec_user, viewport=PHONE)
    page.goto(reverse("insights:channel-list"))
    row = page.get_by_role("row", name=re.compile("TikTok Shop"))
    assert row.locator("td[data-label='Chiffre d’affaires net']").is_visible()
    _nothing_sideways(page)
    screenshot(page, "fr-exec-scorecard-phone")
    page.goto(reverse("insights:channel-detail", args=[tiktok.pk]))
    # The shares keep their column in view; every chart's data table shows every series.
    assert _fits(page, "section[aria-labelledby=share-heading]")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate(
        "() => [...document.querySelectorAll('.chart-card')]"
        ".every(c => c.scrollWidth <= c.clientWidth + 1)"
    )
    _nothing_sideways(page)
    _ticks_inside(page)
    screenshot(page, "fr-exec-channel-phone")


def _integrations(admin_user) -> Connection:
    """A store whose sync keeps failing, an ad account whose pause Meta refused."""
    store = services.add_connection(
        kind="shopify", name="Maison Lumen", account_id="maisonlumen.myshopify.com", token="x"
    )
    failure = say(
        gettext_noop(
            "%(platform)s kept answering %(status)s after %(attempts)s attempts; the next sync "
            "will try again."
        ),
        platform="Shopify",
        status=503,
        attempts=5,
    )
    SyncRun.objects.create(
        connection=store,
        status="failed",
        started_at=timezone.now(),
        finished_at=timezone.now(),
        error=str(failure),
        error_parts=failure.parts,
    )
    Connection.objects.filter(pk=store.pk).update(
        status="failing", last_error=str(failure), last_error_parts=failure.parts
    )
    campaign = CampaignFactory(status="live", name="Soldes d’été")
    ads = services.add_connection(
        kind="meta",
        name="Publicités Instagram",
        account_id="act_1",
        token="x",
        channel=campaign.channel,
    )
    reason = say(STATUS_CHANGE_REFUSED, platform="Meta", code=100, message="Annonce verrouillée")
    EnforcementAction.objects.create(
        connection=ads,
        campaign=campaign,
        external_id="23850001",
        kind="pause",
        outcome="refused",
        reason=str(reason),
        reason_parts=reason.parts,
        status_set="PAUSED",
        policy_set_by=admin_user,
    )
    return ads


def test_the_integrations_pages_fit_in_french(browse, screenshot, admin_user):
    ads = _integrations(admin_user)
    set_preferred_language(admin_user, "fr")
    for viewport, suffix in ((None, ""), (PHONE, "-phone")):
        page = browse(admin_user, viewport=viewport)
        page.goto(reverse("integrations:list"))
        assert "Shopify répond toujours 503 après 5 tentatives" in page.inner_text("main")
        _nothing_sideways(page)
        screenshot(page, f"fr-integrations{suffix}")
        page.goto(reverse("integrations:detail", args=[ads.pk]))
        assert "Meta a refusé le changement de statut (code 100)" in page.inner_text("main")
        _nothing_sideways(page)
        screenshot(page, f"fr-integrations-ad-account{suffix}")
        page.goto(reverse("integrations:enforcement"))
        assert "Refusé par la plateforme" in page.inner_text("main")
        _nothing_sideways(page)
        screenshot(page, f"fr-enforcement-log{suffix}")
