"""Marketing in a real browser: a campaign promising 48h delivery to a 5-day country.

Marketing types the caption, sees the checks' verdict before saving, saves, sees the campaign
blocked with the reason, and is refused when trying to schedule it.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from tests.browser.conftest import BROWSER
from tests.factories import (
    CampaignFactory,
    CampaignItemFactory,
    CheckoutCountryFactory,
    ShippingMethodFactory,
)
from tests.promises.conftest import World

pytestmark = BROWSER
PHONE = {"width": 390, "height": 844}


def _belgium() -> None:
    """Belgium is reachable by one method only, and it takes 5 days."""
    ShippingMethodFactory(name="Belgian post", countries=["BE"], min_days=5, max_days=5)
    CheckoutCountryFactory(country="BE")


def test_marketing_sees_a_48h_promise_blocked_before_and_after_saving(
    browse, screenshot, marketing_user
):
    world = World(marketing_user)
    _belgium()
    page = browse(marketing_user)
    page.goto(reverse("campaigns:create"))
    starts = timezone.localtime() + timedelta(days=5)
    page.locator("#id_name").fill("Belgian summer")
    page.locator("#id_channel").select_option(label="Instagram")
    page.locator("#id_format").select_option("short_video")
    page.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT10:00"))
    page.locator("#id_ends_at").fill((starts + timedelta(days=10)).strftime("%Y-%m-%dT10:00"))
    page.locator("#id_target_countries").select_option(["BE"])
    page.locator("#id_items-0-sku").select_option(str(world.sku.pk))
    page.locator("#id_items-0-expected_units").fill("10")
    page.locator("#id_items-0-reserved_units").fill("10")
    page.locator("#id_caption").fill("Livraison en 48h partout en Belgique ! 48h delivery.")

    preview = page.locator("#preview")
    preview.get_by_text("DELIVERY_CLAIM_UNSUPPORTED").wait_for()
    assert preview.get_by_text("Blocked", exact=True).is_visible()
    assert preview.get_by_text(re.compile("Belgian post takes up to 5")).is_visible()
    assert not Campaign.objects.filter(name="Belgian summer").exists()  # only a preview
    screenshot(page, "campaign-form-preview")

    page.get_by_role("button", name="Save campaign").click()
    page.wait_for_url(re.compile(r"/campaigns/\d+/$"))
    campaign = Campaign.objects.get(name="Belgian summer")
    assert page.get_by_text("If it were submitted now").is_visible()

    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Belgian summer is now in review.").wait_for()
    checklist = page.locator("table.checklist")
    assert checklist.get_by_text(re.compile("Belgian post takes up to 5")).is_visible()
    assert page.locator(".readiness-card .badge.blocked").is_visible()

    page.get_by_role("button", name="Schedule").click()
    page.get_by_text(re.compile("Cannot schedule Belgian summer")).wait_for()
    messages = page.locator(".messages")
    assert messages.get_by_text(re.compile("DELIVERY_CLAIM_UNSUPPORTED: .*48")).is_visible()
    campaign.refresh_from_db()
    assert campaign.status == "in_review"
    screenshot(page, "campaign-blocked")

    phone = browse(marketing_user, viewport=PHONE)
    phone.goto(reverse("campaigns:detail", args=[campaign.pk]))
    screenshot(phone, "campaign-blocked-phone")
    phone.goto(reverse("campaigns:create"))
    screenshot(phone, "campaign-form-phone")


def test_list_and_calendar_show_readiness_and_overlaps(browse, screenshot, marketing_user):
    world = World(marketing_user)
    rival = CampaignFactory(
        channel=world.channel,
        name="Rival promo",
        owner=marketing_user,
        starts_at=world.campaign.starts_at + timedelta(days=4),
    )
    CampaignItemFactory(campaign=rival, sku=world.sku, expected_units=200, reserved_units=90)
    from promises.checks.engine import run_checks

    run_checks()
    page = browse(marketing_user)
    page.goto(reverse("campaigns:list"))
    assert page.get_by_role("link", name="Rival promo").is_visible()
    page.get_by_label("Readiness").select_option("blocked")
    page.wait_for_url(re.compile("readiness=blocked"))
    page.get_by_role("status").get_by_text(re.compile(r"^\d+ results?$")).wait_for()
    assert page.locator("#results .badge.ready").count() == 0
    screenshot(page, "campaign-list")

    page.goto(reverse("campaigns:timeline"))
    table = page.locator("section[aria-labelledby=tl-list-title]")
    assert table.get_by_text("overlap").first.is_visible()
    assert table.get_by_role("link", name="Rival promo").first.is_visible()
    screenshot(page, "campaign-calendar")
    phone = browse(marketing_user, viewport=PHONE)
    phone.goto(reverse("campaigns:timeline"))
    screenshot(phone, "campaign-calendar-phone")
    phone.goto(reverse("campaigns:list"))
    screenshot(phone, "campaign-list-phone")


def test_other_roles_are_refused_the_campaign_forms(browse, ops_user, exec_user, marketing_user):
    world = World(marketing_user)
    for user in (ops_user, exec_user):
        page = browse(user)
        response = page.goto(reverse("campaigns:create"))
        assert response.status == 403
        page.goto(reverse("campaigns:detail", args=[world.campaign.pk]))
        assert page.get_by_role("heading", name="Spring glow").is_visible()
        assert page.get_by_role("button", name="Go live").count() == 0


def test_a_refused_schedule_shows_one_banner_listing_the_blockers(
    browse, screenshot, marketing_user
):
    from catalog.models import StockLevel
    from promises.checks.engine import run_checks

    world = World(marketing_user)
    world.campaign.claims.create(kind="delivery", days=2, text="Delivered in 48h")
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    Campaign.objects.filter(pk=world.campaign.pk).update(status="in_review")
    run_checks([world.campaign.pk])
    blockers = world.campaign.conflicts.filter(severity="blocker", state="open").count()
    assert blockers >= 2
    for name, viewport in (("desktop", None), ("phone", PHONE)):
        page = browse(marketing_user, viewport=viewport)
        page.goto(reverse("campaigns:detail", args=[world.campaign.pk]))
        page.get_by_role("button", name="Schedule", exact=True).click()
        banner = page.locator(".messages > li")
        banner.first.wait_for()
        assert banner.count() == 1  # one banner, not one per blocker
        assert f"{blockers} blockers must be fixed or waived first" in banner.inner_text()
        assert banner.locator("ul.message-list > li").count() == blockers
        screenshot(page, f"marketing-schedule-refused-{name}")
    world.campaign.refresh_from_db()
    assert world.campaign.status == "in_review"
