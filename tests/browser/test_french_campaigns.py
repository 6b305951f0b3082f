"""A French marketer in a real browser: the campaign form with its live preview, the list and
the calendar, on a desktop and on a phone, with the longer French words kept in their boxes.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from tests.browser.conftest import BROWSER
from tests.campaigns.french import FrenchStore, french

pytestmark = BROWSER
PHONE = {"width": 390, "height": 844}

# Elements wider than the page (outside the tables and the calendar, which scroll), and
# buttons or badges whose words do not fit.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.querySelectorAll('main *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !el.closest('.table-scroll, .timeline-scroll'))
      found.push(el.tagName + ' ' + el.className);
    if (el.matches('.btn, button, .badge') && el.scrollWidth > el.clientWidth + 1)
      found.push('clipped: ' + el.textContent.trim());
  }
  return found;
}"""


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.evaluate(OVERFLOW) == []


def test_a_french_marketer_types_a_caption_and_reads_the_preview(
    browse, screenshot, marketing_user
):
    store = FrenchStore(french(marketing_user))
    page = browse(marketing_user)
    page.goto(reverse("campaigns:create"))
    assert page.get_by_role("heading", name="Nouvelle campagne").is_visible()
    assert page.get_by_text("L’enregistrement la laisse en brouillon.").is_visible()
    starts = timezone.localtime() + timedelta(days=5)
    page.locator("#id_name").fill("Été éclatant")
    page.locator("#id_channel").select_option(label="Boutique Instagram")
    page.locator("#id_format").select_option("short_video")
    page.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT10:00"))
    page.locator("#id_ends_at").fill((starts + timedelta(days=10)).strftime("%Y-%m-%dT10:00"))
    page.locator("#id_target_countries").select_option(["FR"])
    page.locator("#id_items-0-sku").select_option(str(store.serum.pk))
    page.locator("#id_caption").fill("Livraison offerte en 48h, code SOLEIL20")

    preview = page.locator("#preview")
    preview.get_by_text("Promesses du texte").wait_for()
    assert preview.get_by_text("Délai de livraison", exact=True).is_visible()
    assert preview.get_by_text("Livraison gratuite", exact=True).is_visible()
    assert preview.get_by_text("— code SOLEIL20").is_visible()
    assert preview.get_by_text("Le verdict des vérifications").is_visible()
    assert not Campaign.objects.filter(name="Été éclatant").exists()  # only a preview

    # The SKU row's inputs stand on one line though "Unités prévues (obligatoire)" wraps.
    row = page.locator("#items-rows .inline-fields").first
    tops = {
        name: row.locator(f"#id_items-0-{name}").bounding_box()["y"]
        for name in ("announced_price", "currency", "expected_units", "reserved_units")
    }
    assert max(tops.values()) - min(tops.values()) < 2, tops
    _fits(page)
    screenshot(page, "fr-campaign-form-preview")

    phone = browse(marketing_user, viewport=PHONE)
    phone.goto(reverse("campaigns:edit", args=[store.campaigns["draft"].pk]))
    phone.locator("#preview").get_by_text("Promesses du texte").wait_for()
    assert phone.get_by_role("heading", name="Modifier Printemps 1").is_visible()
    _fits(phone)
    screenshot(phone, "fr-campaign-form-preview-phone")


def test_the_french_list_and_calendar_fit_on_a_desktop_and_a_phone(
    browse, screenshot, marketing_user
):
    store = FrenchStore(french(marketing_user))
    page = browse(marketing_user)
    page.goto(reverse("campaigns:list"))
    assert page.get_by_role("heading", name="Campagnes", exact=True).is_visible()
    badge = page.locator("#results .badge", has_text="Brouillon, non vérifié").first
    line = page.locator("#results .badge", has_text="Prête").first
    # A long badge stays one pill on one line, as tall as a short one.
    assert abs(badge.bounding_box()["height"] - line.bounding_box()["height"]) < 1
    assert page.get_by_role("link", name=store.blocked.name).is_visible()
    _fits(page)
    screenshot(page, "fr-campaign-list")

    page.goto(reverse("campaigns:timeline"))
    assert page.get_by_role("heading", name="Calendrier des campagnes").is_visible()
    bars = page.locator("a.tl-bar")
    assert bars.filter(has_text=re.compile("Bloquée")).count() >= 1
    assert bars.filter(has_text=re.compile("Prête")).count() >= 1
    table = page.locator("section[aria-labelledby=tl-list-title]")
    assert table.get_by_text("chevauchement").first.is_visible()
    _fits(page)
    screenshot(page, "fr-campaign-calendar")

    phone = browse(marketing_user, viewport=PHONE)
    for url, name in (
        (reverse("campaigns:list"), "fr-campaign-list-phone"),
        (reverse("campaigns:timeline"), "fr-campaign-calendar-phone"),
    ):
        phone.goto(url)
        _fits(phone)
        screenshot(phone, name)
