"""An exec in a real browser: the scorecard, a channel's KPI page with its charts, the period."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal as D

from django.urls import reverse
from django.utils import timezone

from campaigns.choices import CatalogSync, Network
from insights.models import ChannelMetric, Order
from tests.browser.conftest import BROWSER
from tests.factories import CampaignFactory, ChannelFactory, ConflictFactory

pytestmark = BROWSER

PHONE = {"width": 390, "height": 844}
DAYS = 45


def _history(channel, daily_orders: int, basket: D, spend: D, roas_lift: D) -> None:
    """A month and a half of orders and channel metrics, varying by day so the lines move."""
    today = timezone.localdate()
    orders, metrics = [], []
    for back in range(DAYS):
        day = today - timedelta(days=back)
        placed = timezone.make_aware(datetime.combine(day, time(12)))
        count = daily_orders + back % 4
        for n in range(count):
            orders.append(
                Order(
                    external_id=f"{channel.pk}-{day}-{n}",
                    channel=channel,
                    country="FR",
                    placed_at=placed,
                    currency="EUR",
                    gross=basket,
                    refunded=basket if n == 0 and back % 3 == 0 else D("0"),
                    cost_of_goods=basket * D("0.35"),
                    fees=D("1.50"),
                )
            )
        day_spend = spend * (1 + D(back % 5) / 10)
        metrics.append(
            ChannelMetric(
                channel=channel,
                date=day,
                currency="EUR",
                spend=day_spend,
                sessions=400 + 10 * (back % 7),
                add_to_carts=32 + back % 5,
                qualified_add_to_carts=15 + back % 3,
                platform_revenue=basket * count * roas_lift,
                attribution_window="7-day click, 1-day view",
            )
        )
    Order.objects.bulk_create(orders)
    ChannelMetric.objects.bulk_create(metrics)


def _shop():
    tiktok = ChannelFactory(
        name="TikTok Shop",
        network=Network.TIKTOK,
        catalog_sync=CatalogSync.API,
        last_catalog_sync_at=timezone.now(),
        response_time_commitment_hours=2,
        creative_budget_monthly=D("4000"),
    )
    insta = ChannelFactory(name="Instagram", network=Network.INSTAGRAM)
    organic = ChannelFactory(name="Site organic", network=Network.ORGANIC)
    _history(tiktok, 6, D("42.00"), D("80"), D("1.3"))
    _history(insta, 4, D("55.00"), D("120"), D("1.25"))
    _history(organic, 8, D("38.00"), D("0"), D("0"))
    ConflictFactory(campaign=CampaignFactory(channel=tiktok))
    return tiktok


def test_exec_reads_the_scorecard_then_a_channel_and_changes_the_period(
    browse, screenshot, exec_user
):
    tiktok = _shop()
    page = browse(exec_user)
    page.goto(reverse("home"))
    assert page.get_by_role("heading", name="Channel scorecard, last 30 days").is_visible()
    page.get_by_role("link", name="Channels").click()
    page.wait_for_url(re.compile("/channels/$"))
    assert page.get_by_role("heading", name="Channel scorecard").is_visible()
    assert page.get_by_role("row", name=re.compile("TikTok Shop")).is_visible()
    screenshot(page, "exec-scorecard")

    page.get_by_role("link", name="ROAS", exact=True).click()
    page.wait_for_url(re.compile("sort=-?roas"))

    page.get_by_role("link", name="TikTok Shop").click()
    page.wait_for_url(re.compile(f"/channels/{tiktok.pk}/"))
    assert page.get_by_role("heading", name="TikTok Shop", level=1).is_visible()
    charts = page.locator('svg[role="img"]')
    assert charts.count() == 4
    for index in range(4):
        chart = charts.nth(index)
        assert chart.locator(":scope > title").text_content()
        assert chart.locator(":scope > desc").text_content()
        assert chart.locator("polyline, rect").count() > 0
    checklist = page.get_by_role("heading", name="Governance checklist")
    assert checklist.is_visible()
    assert page.get_by_text("✓ pass").count() == 3  # budget, sync, response time
    page.get_by_text("Data table").first.click()
    assert page.get_by_role("row", name=re.compile("€")).first.is_visible()
    screenshot(page, "exec-channel-30-days")

    page.get_by_role("combobox", name="Period").select_option("7")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile("period=7"))
    assert page.get_by_text(re.compile(r"\(7 days\)")).is_visible()

    page.get_by_role("combobox", name="Period").select_option("custom")
    page.get_by_role("textbox", name="From").fill("2025-03-10")
    page.get_by_role("textbox", name="To").fill("2025-03-01")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_text("The last day must be on or after the first day.").is_visible()
    screenshot(page, "exec-channel-bad-period")


def test_the_pages_read_well_on_a_phone(browse, screenshot, exec_user):
    tiktok = _shop()
    page = browse(exec_user, viewport=PHONE)
    page.goto(reverse("insights:channel-list"))
    assert page.get_by_role("heading", name="Channel scorecard").is_visible()
    screenshot(page, "exec-scorecard-phone")
    page.goto(reverse("insights:channel-detail", args=[tiktok.pk]) + "?period=90")
    first_chart = page.locator('svg[role="img"]').first
    box = first_chart.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    screenshot(page, "exec-channel-phone")
    # The first chart at phone size, for a close look at its labels.
    page.locator("figure.chart-card").first.screenshot(
        path=str(screenshot(page, "exec-channel-phone").with_name("exec-chart-phone.png"))
    )


def _unattributed(amount: D) -> None:
    Order.objects.create(
        external_id="no-channel-1",
        channel=None,
        country="FR",
        placed_at=timezone.now() - timedelta(hours=2),
        currency="EUR",
        gross=amount,
    )


def _fits(page, selector: str) -> bool:
    """The element's content is no wider than the element (nothing clipped or scrolled)."""
    return page.eval_on_selector(selector, "el => el.scrollWidth <= el.clientWidth + 1")


def test_the_scorecard_is_a_dashboard_that_fits_the_screen(browse, screenshot, exec_user):
    _shop()
    _unattributed(D("900.00"))
    page = browse(exec_user)
    page.goto(reverse("insights:channel-list"))
    tiles = page.get_by_test_id("store-tiles").locator("li")
    labels = [tiles.nth(i).locator(".kpi-label").inner_text() for i in range(tiles.count())]
    assert labels == [
        "Net revenue",
        "Spend",
        "MER (blended)",
        "Margin after returns",
        "Open blockers",
        "Spend at risk",
    ]
    # The change against the previous 30 days, in words and a sign, not colour alone.
    revenue = tiles.first.inner_text()
    assert re.search(r"[+\u2212]\d+\.\d %", revenue) and "in the previous 30 days" in revenue
    # The compact table fits its card at 1366 px: no column clipped.
    assert _fits(page, ".card.flush")
    assert page.get_by_role("columnheader", name=re.compile("Governance")).is_visible()
    assert page.get_by_role("columnheader", name=re.compile("Platform ROAS")).count() == 0
    # The unattributed orders have their row, and the shares add up to 100 %.
    assert page.get_by_test_id("unattributed-row").is_visible()
    shares = page.locator("td[data-label='Share']").all_inner_texts()
    total = sum(float(re.search(r"([\d.]+) %", s).group(1)) for s in shares[:-1])
    assert abs(total - 100) < 0.3  # each share rounded to 0.1 %
    assert "100.0 %" in shares[-1]
    screenshot(page, "exec-scorecard-dashboard")

    page.get_by_role("link", name="More columns").click()
    page.get_by_role("columnheader", name=re.compile("Platform ROAS")).wait_for()
    assert "columns=all" in page.url
    screenshot(page, "exec-scorecard-all-columns")
    page.get_by_role("link", name="Fewer columns").click()
    page.wait_for_url(re.compile(r"/channels/$"))


def test_the_scorecard_is_cards_on_a_phone(browse, screenshot, exec_user):
    tiktok = _shop()
    _unattributed(D("900.00"))
    page = browse(exec_user, viewport=PHONE)
    page.goto(reverse("insights:channel-list"))
    # Nothing wider than the screen: the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    row = page.get_by_role("row", name=re.compile("TikTok Shop"))
    box = row.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    # Each figure carries its label on a card.
    assert row.locator("td[data-label='Net revenue']").is_visible()
    screenshot(page, "exec-scorecard-cards-phone")
    page.goto(reverse("insights:channel-detail", args=[tiktok.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_test_id("channel-tiles").locator("li").count() == 9
    screenshot(page, "exec-channel-tiles-phone")


def test_the_channel_page_tiles_and_shares_add_up(browse, screenshot, exec_user):
    tiktok = _shop()
    _unattributed(D("900.00"))
    page = browse(exec_user)
    page.goto(reverse("insights:channel-detail", args=[tiktok.pk]))
    tiles = page.get_by_test_id("channel-tiles")
    assert "in the previous 30 days" in tiles.inner_text()
    shares = page.locator("table.shares").inner_text()
    assert "Unattributed orders" in shares and "100.0 %" in shares
    screenshot(page, "exec-channel-dashboard")
