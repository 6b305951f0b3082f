"""The whole promise, across roles, in a real browser.

Marketing creates a campaign whose caption promises 48h delivery to Belgium, where the only
shipping method takes 5 days, and sees it blocked with the reason; ops waive the conflict
from the queue with a reason and an expiry; marketing then sees the campaign ready and
schedules it. Execs, meanwhile, can read the campaign but not change it.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from promises.models import Conflict
from tests.browser.conftest import BROWSER, pick
from tests.factories import CheckoutCountryFactory, ShippingMethodFactory
from tests.promises.conftest import World

pytestmark = BROWSER


def test_blocked_by_a_48h_promise_then_waived_by_ops_then_scheduled(
    browse, screenshot, marketing_user, ops_user, exec_user
):
    world = World(marketing_user)
    ShippingMethodFactory(name="Belgian post", countries=["BE"], min_days=5, max_days=5)
    CheckoutCountryFactory(country="BE")

    # Marketing: a branding campaign (no stop rule needed) that cites stock, promising 48h.
    page = browse(marketing_user)
    page.goto(reverse("campaigns:create"))
    starts = timezone.localtime() + timedelta(days=5)
    page.locator("#id_name").fill("Belgian launch")
    page.locator("#id_channel").select_option(label="Instagram")
    page.locator("#id_format").select_option("short_video")
    page.locator("#id_objective").select_option("branding")
    page.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT10:00"))
    page.locator("#id_ends_at").fill((starts + timedelta(days=10)).strftime("%Y-%m-%dT10:00"))
    page.locator("#id_target_countries").select_option(["BE"])
    page.locator("#id_cites_stock").check()
    page.locator("#id_items-0-sku").select_option(str(world.sku.pk))
    page.locator("#id_items-0-expected_units").fill("10")
    page.locator("#id_items-0-reserved_units").fill("10")
    page.locator("#id_caption").fill("Livraison en 48h partout en Belgique !")
    page.locator("#preview").get_by_text("DELIVERY_CLAIM_UNSUPPORTED").wait_for()
    page.get_by_role("button", name="Save campaign").click()
    page.wait_for_url(re.compile(r"/campaigns/\d+/$"))
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Belgian launch is now in review.").wait_for()
    page.get_by_role("button", name="Schedule").click()
    page.get_by_text(re.compile("Cannot schedule Belgian launch")).wait_for()
    assert page.locator(".messages").get_by_text(re.compile("48")).is_visible()
    campaign = Campaign.objects.get(name="Belgian launch")
    conflict = Conflict.objects.get(campaign=campaign, rule_code="DELIVERY_CLAIM_UNSUPPORTED")

    # Execs read the campaign, without a single button to change it.
    reader = browse(exec_user)
    reader.goto(reverse("campaigns:detail", args=[campaign.pk]))
    assert reader.get_by_role("heading", name="Belgian launch").is_visible()
    assert reader.get_by_role("button", name="Schedule").count() == 0

    # Ops: the queue, blockers of this campaign, waive it with a reason and an expiry.
    ops = browse(ops_user)
    ops.goto(reverse("promises:conflict-list") + f"?campaign={campaign.pk}")
    pick(ops, "Severity", "Blocker")
    ops.get_by_label(re.compile(f"Select conflict {conflict.pk}:")).check()
    ops.get_by_label("Waiver reason").fill("Carrier confirmed 48h to Belgium for the launch")
    until = (timezone.localtime() + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    ops.get_by_label(re.compile("Waived until")).fill(until)
    ops.get_by_role("button", name="Waive").click()
    ops.get_by_text("1 conflict waived.").wait_for()
    screenshot(ops, "journey-ops-waived")

    # Marketing: the campaign is ready now and schedules.
    page.goto(reverse("campaigns:detail", args=[campaign.pk]))
    assert page.locator(".readiness-card .badge.ready").is_visible()
    page.get_by_role("button", name="Schedule").click()
    page.get_by_text(re.compile("Belgian launch is now scheduled")).wait_for()
    campaign.refresh_from_db()
    assert campaign.status == "scheduled"
    screenshot(page, "journey-marketing-scheduled")
