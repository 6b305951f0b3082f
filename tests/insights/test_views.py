"""The exec pages per role: the scorecard, a channel's KPI page, the period picker, the CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.choices import CatalogSync, Network
from tests.factories import (
    CampaignFactory,
    ChannelFactory,
    ChannelMetricFactory,
    ConflictFactory,
    OrderFactory,
    UserFactory,
)

LIST = reverse("insights:channel-list")
ROLES = ["marketing_user", "ops_user", "exec_user", "admin_user"]


def detail(channel) -> str:
    return reverse("insights:channel-detail", args=[channel.pk])


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def tiktok(db):
    channel = ChannelFactory(name="TikTok Shop", network=Network.TIKTOK)
    now = timezone.now()
    OrderFactory(channel=channel, gross=D("100"), discounts=D("10"), refunded=D("20"))
    OrderFactory(channel=channel, gross=D("50"), placed_at=now - timedelta(days=2))
    ChannelMetricFactory(
        channel=channel,
        spend=D("40"),
        platform_revenue=D("200"),
        sessions=1000,
        add_to_carts=60,
        qualified_add_to_carts=25,
    )
    return channel


# --- Who may read ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, tiktok):
    for url in (LIST, detail(tiktok)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_user_without_a_role_is_refused(login, outsider, tiktok):
    client = login(outsider)
    assert client.get(LIST).status_code == 403
    assert client.get(LIST, {"format": "csv"}).status_code == 403
    assert client.get(detail(tiktok)).status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_scorecard_and_the_channel_page(request, login, role, tiktok):
    client = login(request.getfixturevalue(role))
    scorecard = client.get(LIST)
    assert scorecard.status_code == 200
    assert "TikTok Shop" in scorecard.content.decode()
    page = client.get(detail(tiktok))
    assert page.status_code == 200
    assert page.context["row"].net_revenue == D("120.00")


@pytest.mark.parametrize("role", ["exec_user", "admin_user"])
def test_the_pages_change_nothing_a_post_is_refused(request, login, role, tiktok):
    client = login(request.getfixturevalue(role))
    assert client.post(LIST).status_code == 405
    assert client.post(detail(tiktok), {"name": "Renamed"}).status_code == 405
    tiktok.refresh_from_db()
    assert tiktok.name == "TikTok Shop"


def test_an_unknown_channel_is_404(login, exec_user):
    assert (
        login(exec_user).get(reverse("insights:channel-detail", args=[999999])).status_code == 404
    )


# --- Execs change nothing anywhere -----------------------------------------------------------


def test_exec_cannot_create_a_campaign_with_a_forged_post(login, exec_user, tiktok):
    from campaigns.models import Campaign

    response = login(exec_user).post(
        "/campaigns/new/", {"name": "Forged", "channel": tiktok.pk, "format": "story"}
    )
    assert response.status_code == 403
    assert not Campaign.objects.filter(name="Forged").exists()


def test_exec_cannot_run_a_bulk_action_on_conflicts(login, exec_user, tiktok):
    conflict = ConflictFactory(campaign=CampaignFactory(channel=tiktok))
    response = login(exec_user).post(
        "/conflicts/bulk/", {"action": "acknowledge", "conflicts": [conflict.pk]}
    )
    assert response.status_code == 403
    conflict.refresh_from_db()
    assert conflict.state == "open"


# --- The scorecard ----------------------------------------------------------------------------


def test_the_scorecard_shows_each_channel_with_its_kpis(login, exec_user, tiktok):
    ChannelFactory(name="Pinterest", network=Network.PINTEREST)
    response = login(exec_user).get(LIST)
    rows = {row.name: row for row in response.context["rows"]}
    assert set(rows) == {"TikTok Shop", "Pinterest"}
    assert rows["TikTok Shop"].roas == 3
    assert rows["TikTok Shop"].platform_roas == 5
    content = response.content.decode()
    assert "€120" in content and "3.00\u00d7" in content
    assert detail(tiktok) in content
    # Platform ROAS is one of the columns on demand.
    assert ">Platform ROAS<" not in content and "5.00\u00d7" not in content
    everything = login(exec_user).get(LIST, {"columns": "all"}).content.decode()
    assert ">Platform ROAS<" in everything and "5.00\u00d7" in everything
    assert 'name="columns" value="all"' in everything  # the period picker keeps it


def test_the_scorecard_sorts_both_ways_and_ignores_unknown_keys(login, exec_user, tiktok):
    small = ChannelFactory(name="A small one")
    OrderFactory(channel=small, gross=D("5"))
    client = login(exec_user)

    def names(**query) -> list[str]:
        return [row.name for row in client.get(LIST, query).context["rows"]]

    assert names() == ["TikTok Shop", "A small one"]  # net revenue, highest first
    assert names(sort="revenue") == ["A small one", "TikTok Shop"]
    assert names(sort="name") == ["A small one", "TikTok Shop"]
    assert names(sort="-name") == ["TikTok Shop", "A small one"]
    assert names(sort="password") == ["TikTok Shop", "A small one"]
    # No spend, no ROAS: unknown values go last, whichever the direction.
    assert names(sort="roas") == ["TikTok Shop", "A small one"]
    assert names(sort="-roas") == ["TikTok Shop", "A small one"]


def test_the_csv_export_has_the_rows_of_the_page(login, exec_user, tiktok):
    ChannelFactory(name="=cmd|' /C calc'!A0", network=Network.OTHER)
    response = login(exec_user).get(LIST, {"export": "csv", "period": "7", "sort": "name"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:6] == ["channel", "network", "orders", "net_revenue", "spend", "roas"]
    body = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert body["TikTok Shop"]["net_revenue"] == "120.00"
    assert body["TikTok Shop"]["roas"] == "3.00"
    assert body["TikTok Shop"]["platform_roas"] == "5.00"
    # A channel name that a spreadsheet would run as a formula is written as text.
    assert "'=cmd|' /C calc'!A0" in body


def test_htmx_asks_for_the_results_only(login, exec_user, tiktok):
    client = login(exec_user)
    partial = client.get(
        LIST, {"sort": "name"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert b"<html" not in partial.content and b"<table" in partial.content


# --- The period picker ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"period": "custom", "start": "2025-02-01"}, "end", "Enter the last day"),
        ({"period": "custom", "end": "2025-02-01"}, "start", "Enter the first day"),
        ({"start": "2025-03-01", "end": "2025-02-01"}, "end", "on or after the first day"),
        ({"start": "2023-01-01", "end": "2024-01-03"}, "start", "at most 366 days"),
        ({"start": "yesterday", "end": "2025-02-01"}, "start", "Enter a valid date"),
        ({"period": "365"}, "period", "Select a valid choice"),
    ],
)
def test_a_bad_period_gets_a_field_message_and_the_default_period(
    login, exec_user, tiktok, query, field, message
):
    response = login(exec_user).get(LIST, query)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert response.context["period"].days == 30
    assert b"field-error" in response.content


def test_an_end_in_the_future_is_refused(login, exec_user, tiktok):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = login(exec_user).get(
        detail(tiktok), {"start": str(tomorrow - timedelta(days=3)), "end": str(tomorrow)}
    )
    assert "cannot be in the future" in " ".join(response.context["form"].errors["end"])


def test_presets_and_custom_dates_choose_the_period(login, exec_user, tiktok):
    client = login(exec_user)
    assert client.get(LIST, {"period": "7"}).context["period"].days == 7
    assert client.get(LIST, {"period": "90"}).context["period"].days == 90
    today = timezone.localdate()
    custom = client.get(
        detail(tiktok), {"start": str(today - timedelta(days=1)), "end": str(today)}
    ).context
    assert (custom["period"].start, custom["period"].end) == (today - timedelta(days=1), today)
    # Only the order of two days ago falls outside: 120 - 50 = 70 kept.
    assert custom["row"].net_revenue == D("70.00")
    long = client.get(
        detail(tiktok), {"start": str(today - timedelta(days=200)), "end": str(today)}
    )
    assert long.context["period"].bucket == "week"
    assert "per week" in long.content.decode()


# --- The channel page -------------------------------------------------------------------------


def test_the_channel_page_has_its_charts_with_text_alternatives(login, exec_user, tiktok):
    ChannelFactory(name="Site organic", network=Network.ORGANIC)
    content = login(exec_user).get(detail(tiktok), {"period": "7"}).content.decode()
    assert content.count('role="img"') == 4
    for slug in ("revenue-spend", "roas", "margin", "atc-rates"):
        assert f'<title id="{slug}-title">' in content
        assert f'<desc id="{slug}-desc">' in content
    assert content.count("<summary>Data table</summary>") == 4
    assert "ROAS (platform)" in content and "Site organic" in content
    assert "Share of revenue and concentration" in content


def test_the_governance_checklist_marks_each_item(login, exec_user, tiktok):
    owner = UserFactory(username="calendar-owner", first_name="Ines", last_name="Roux")
    tiktok.calendar_owner = owner
    tiktok.catalog_sync = CatalogSync.FEED
    tiktok.last_catalog_sync_at = timezone.now() - timedelta(hours=1)
    tiktok.save()
    response = login(exec_user).get(detail(tiktok))
    items = {item.label: item for item in response.context["governance"]}
    assert items["Calendar owner"].ok and items["Calendar owner"].detail == "Ines Roux"
    assert items["Catalog sync"].ok
    assert not items["Creative budget"].ok
    assert not items["Response-time commitment"].ok
    assert {"Conversion definition", "Attribution window", "Pixel", "Consent"} <= set(items)
    content = response.content.decode()
    assert "Governance checklist" in content
    assert content.count("✓ pass") == 2


def test_a_stale_catalog_sync_is_not_a_pass(login, exec_user, tiktok):
    tiktok.catalog_sync = CatalogSync.FEED
    tiktok.last_catalog_sync_at = timezone.now() - timedelta(hours=48)
    tiktok.save()
    items = {i.label: i for i in login(exec_user).get(detail(tiktok)).context["governance"]}
    assert not items["Catalog sync"].ok and "stale" in items["Catalog sync"].detail


def test_the_channel_page_shows_its_conflicts_only(login, exec_user, tiktok):
    ConflictFactory(campaign=CampaignFactory(channel=tiktok))
    ConflictFactory(campaign=CampaignFactory(channel=ChannelFactory()))
    assert login(exec_user).get(detail(tiktok)).context["row"].open_conflicts == 1


def test_a_channel_without_any_data_still_answers(login, exec_user):
    empty = ChannelFactory(name="Snapchat", network=Network.SNAPCHAT)
    response = login(exec_user).get(detail(empty))
    assert response.status_code == 200
    assert response.content.decode().count("No data in this period.") == 4


# --- Query counts -----------------------------------------------------------------------------

# Session, user, user and group permissions, the navigation's roles: 5, before the page's own.
SCORECARD_QUERIES = 5 + 6
# The page also reads the previous period's scorecard (4) for the changes, and the spend at
# risk now (1); the CSV has neither.
SCORECARD_PAGE_QUERIES = SCORECARD_QUERIES + 4 + 1
# The channel, the scorecard's reads, the previous period's scorecard, the trend's two.
CHANNEL_PAGE_QUERIES = 5 + 1 + 6 + 4 + 2


def _populate(channels: int, orders: int) -> list:
    made = []
    for _ in range(channels):
        channel = ChannelFactory()
        OrderFactory.create_batch(orders, channel=channel)
        ChannelMetricFactory(channel=channel)
        ConflictFactory.create_batch(2, campaign=CampaignFactory(channel=channel))
        made.append(channel)
    return made


@pytest.mark.parametrize(("channels", "orders"), [(1, 1), (15, 20)])
def test_the_scorecard_query_count_does_not_grow(
    login, exec_user, django_assert_num_queries, channels, orders
):
    _populate(channels, orders)
    client = login(exec_user)
    with django_assert_num_queries(SCORECARD_PAGE_QUERIES):
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(SCORECARD_QUERIES - 1):  # CSV: no navigation
        # The header, a row per channel, and the unattributed orders.
        assert len(_csv(client.get(LIST, {"format": "csv"}))) == channels + 2


@pytest.mark.parametrize(("channels", "orders"), [(1, 1), (15, 20)])
def test_the_channel_page_query_count_does_not_grow(
    login, exec_user, django_assert_num_queries, channels, orders
):
    first = _populate(channels, orders)[0]
    client = login(exec_user)
    with django_assert_num_queries(CHANNEL_PAGE_QUERIES):
        assert client.get(detail(first), {"period": "90"}).status_code == 200


def test_the_exec_home_panel_reads_the_same_kpis(login, exec_user, tiktok):
    response = login(exec_user).get("/")
    row = next(iter(response.context["scorecard"]))
    assert (row.name, row.net_revenue, row.roas) == ("TikTok Shop", D("120.00"), 3)
    content = response.content.decode()
    assert detail(tiktok) in content and reverse("insights:channel-list") in content


def test_the_site_organic_channel_is_the_baseline_not_a_network(login, exec_user):
    organic = ChannelFactory(name="Site organic", network=Network.ORGANIC)
    assert organic.governance_gaps == []
    page = login(exec_user).get(reverse("insights:channel-detail", args=[organic.pk]))
    content = page.content.decode()
    assert "the baseline other channels are read against" in content
    assert "CHANNEL_GOVERNANCE_INCOMPLETE warning" not in content


# --- The dashboard: tiles, changes, the unattributed row -------------------------------------


def test_the_tiles_compare_with_the_previous_period_of_the_same_length(login, exec_user, tiktok):
    now = timezone.now()
    # 40 days ago is in the previous 30 days; 70 days ago is in neither period.
    OrderFactory(channel=tiktok, gross=D("100"), placed_at=now - timedelta(days=40))
    OrderFactory(channel=tiktok, gross=D("999"), placed_at=now - timedelta(days=70))
    response = login(exec_user).get(LIST)
    tiles = {tile.label: tile for tile in response.context["tiles"]}
    revenue = tiles["Net revenue"]
    assert (revenue.value, revenue.previous) == (D("120.00"), D("100.00"))
    assert revenue.change == D("0.2") and revenue.direction == "up" and revenue.tone == "good"
    assert tiles["Spend"].tone == "neutral"  # more spend is neither good nor bad news
    assert not tiles["Open blockers"].compared and not tiles["Spend at risk"].compared
    content = response.content.decode()
    assert "+20.0 %" in content and "vs €100 in the previous 30 days" in content
    # The table's revenue cell says it too, in words as well as colour.
    row = next(r for r in response.context["rows"] if r.channel == tiktok)
    assert row.revenue_change == D("0.2")


def test_the_open_blockers_tile_counts_standing_blockers_and_links_to_them(
    login, exec_user, tiktok
):
    campaign = CampaignFactory(channel=tiktok)
    ConflictFactory(campaign=campaign, severity="blocker")
    ConflictFactory(campaign=campaign, severity="blocker", state="resolved")
    ConflictFactory(campaign=campaign, severity="warning")
    tiles = {t.label: t for t in login(exec_user).get(LIST).context["tiles"]}
    assert tiles["Open blockers"].value == 1
    assert tiles["Open blockers"].href.endswith("?severity=blocker")


def test_the_unattributed_orders_have_their_row_and_the_shares_add_up(login, exec_user, tiktok):
    OrderFactory(channel=None, gross=D("30"))  # 120 + 30 = 150 of all net revenue
    response = login(exec_user).get(LIST)
    card = response.context["card"]
    shares = [row.share_of_revenue for row in response.context["rows"]]
    assert sum(shares, card.unattributed_share) == 1
    assert card.unattributed_share == D("0.2")
    assert card.concentration == D("0.64")  # TikTok's 0.8, squared: of all net revenue
    content = response.content.decode()
    assert "Unattributed orders" in content and "20.0 %" in content and "80.0 %" in content
    assert "0.64" in content
    rows = _csv(login(exec_user).get(LIST, {"export": "csv"}))
    assert rows[-1][0] == "Unattributed orders" and rows[-1][3] == "30.00"
    page = login(exec_user).get(detail(tiktok)).content.decode()
    assert "Unattributed orders" in page and "0.64" in page
