"""The KPI formulas and the grouped reads, on small data computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from campaigns.choices import Network
from insights import kpis
from insights.charts import Chart, Series, format_value, nice_ticks
from insights.kpis import Period
from tests.factories import (
    CampaignFactory,
    ChannelFactory,
    ChannelMetricFactory,
    OrderFactory,
    SurveyResponseFactory,
)

JUNE = Period(date(2025, 6, 1), date(2025, 6, 7))


def at(day: int, hour: int = 12, month: int = 6) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UTC)


# --- Formulas ---------------------------------------------------------------------------------


def test_ratio_is_unknown_without_a_denominator():
    assert kpis.ratio(D("120"), D("40")) == 3
    assert kpis.ratio(D("5"), 0) is None
    assert kpis.ratio(0, D("10")) == 0


def test_net_revenue_and_margin_after_returns():
    assert kpis.net_revenue(D("100"), D("10"), D("20")) == D("70")
    # net 120 - cost of goods kept 52 - fees 7 - spend 40
    assert kpis.margin_after_returns(D("120"), D("52"), D("7"), D("40")) == D("21")


@pytest.mark.parametrize(
    ("revenues", "expected"),
    [
        ([D("100")], D("1")),  # one channel brings everything
        ([D("50"), D("50")], D("0.5")),
        ([D("120"), D("60"), D("0")], D("5") / D("9")),
        ([D("0"), D("0")], None),
    ],
)
def test_concentration_is_the_sum_of_squared_shares(revenues, expected):
    assert kpis.concentration(revenues) == expected


def test_concentration_of_shares_of_a_larger_whole():
    # Two channels with 30 and 20 of a store's 100: shares 0.3 and 0.2, not 0.6 and 0.4.
    assert kpis.concentration([D("30"), D("20")], of=D("100")) == D("0.13")
    assert kpis.concentration([D("30")], of=D("0")) is None


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (D("125"), D("100"), D("0.25")),
        (D("75"), D("100"), D("-0.25")),
        (D("100"), D("100"), D("0")),
        (D("-50"), D("-100"), D("0.5")),  # a loss halved is an improvement
        (D("10"), D("0"), None),  # no base to compare to
        (None, D("10"), None),
        (D("10"), None, None),
    ],
)
def test_change_against_the_previous_period(current, previous, expected):
    assert kpis.change(current, previous) == expected


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    before = JUNE.previous()
    assert (before.start, before.end, before.days) == (date(2025, 5, 25), date(2025, 5, 31), 7)


def test_periods_cover_whole_days_and_switch_to_weeks_past_a_quarter():
    week = Period.last(7, today=date(2025, 6, 7))
    assert (week.start, week.end, week.days) == (date(2025, 6, 1), date(2025, 6, 7), 7)
    assert week.bucket == "day" and len(week.buckets()) == 7
    first, after = week.bounds()
    assert after - first == timedelta(days=7)
    long = Period(date(2025, 1, 1), date(2025, 6, 30))  # Wednesday to Monday
    assert long.bucket == "week"
    assert long.buckets()[0] == date(2024, 12, 30)  # the Monday of the first week
    assert long.buckets()[-1] == date(2025, 6, 30)
    assert all(day.weekday() == 0 for day in long.buckets())


# --- Reads ------------------------------------------------------------------------------------


@pytest.fixture
def shop(db):
    """Two paid channels and the organic baseline, with orders, metrics and survey answers."""
    tiktok = ChannelFactory(name="TikTok", network=Network.TIKTOK)
    insta = ChannelFactory(name="Instagram", network=Network.INSTAGRAM)
    organic = ChannelFactory(name="Site organic", network=Network.ORGANIC)
    # TikTok: net (100 - 10 - 20) + 50 = 120; cost kept 40 x 80/100 + 20 = 52; fees 7.
    OrderFactory(
        channel=tiktok,
        placed_at=at(2),
        gross=D("100"),
        discounts=D("10"),
        refunded=D("20"),
        cost_of_goods=D("40"),
        fees=D("5"),
        is_new_customer=True,
    )
    OrderFactory(
        channel=tiktok,
        placed_at=at(3),
        gross=D("50"),
        cost_of_goods=D("20"),
        fees=D("2"),
        is_new_customer=False,
    )
    # Instagram: a fully refunded order keeps no cost of goods and brings nothing.
    OrderFactory(
        channel=insta,
        placed_at=at(3),
        gross=D("200"),
        refunded=D("200"),
        cost_of_goods=D("80"),
        fees=D("6"),
    )
    OrderFactory(channel=organic, placed_at=at(4), gross=D("60"), is_new_customer=False)
    OrderFactory(channel=None, placed_at=at(4), gross=D("150"), is_new_customer=False)
    # Outside the period, by a second on either side.
    OrderFactory(channel=tiktok, placed_at=at(31, month=5) - timedelta(hours=12, seconds=1))
    OrderFactory(channel=tiktok, placed_at=datetime(2025, 6, 8, tzinfo=UTC), gross=D("999"))

    metric = dict(attribution_window="7-day click")
    ChannelMetricFactory(
        channel=tiktok,
        date=date(2025, 6, 2),
        spend=D("30"),
        platform_revenue=D("150"),
        sessions=1000,
        add_to_carts=80,
        qualified_add_to_carts=40,
        **metric,
    )
    ChannelMetricFactory(
        channel=tiktok, date=date(2025, 6, 3), spend=D("10"), platform_revenue=D("50"), **metric
    )
    # A campaign's own row breaks the channel's numbers down: counting it would count twice.
    ChannelMetricFactory(
        channel=tiktok,
        campaign=CampaignFactory(channel=tiktok),
        date=date(2025, 6, 2),
        spend=D("999"),
    )
    ChannelMetricFactory(channel=tiktok, date=date(2025, 5, 31), spend=D("500"))
    ChannelMetricFactory(
        channel=insta, date=date(2025, 6, 5), spend=D("100"), platform_revenue=D("300")
    )
    ChannelMetricFactory(
        channel=organic,
        date=date(2025, 6, 5),
        spend=D("0"),
        sessions=2000,
        add_to_carts=200,
        qualified_add_to_carts=50,
    )

    for channel in (tiktok, tiktok, organic, None):
        SurveyResponseFactory(channel=channel, answered_at=at(5))
    SurveyResponseFactory(channel=tiktok, answered_at=at(20))

    return tiktok, insta, organic


def test_the_scorecard_computes_every_kpi_per_channel(shop):
    card = kpis.scorecard(JUNE)
    rows = {row.name: row for row in card.rows}
    t = rows["TikTok"]
    assert (t.orders, t.new_customers) == (2, 1)
    assert t.net_revenue == D("120.00")
    assert t.cost_of_goods_kept == D("52.00")
    assert t.spend == D("40.00")
    assert t.roas == 3
    assert t.platform_roas == 5
    assert t.attribution_window == "7-day click"
    assert t.margin_after_returns == D("21.00")
    assert t.aov == 60
    assert t.cac == 40
    assert t.return_rate == D("20") / D("150")
    assert t.add_to_cart_rate == D("0.08")
    assert t.qualified_add_to_cart_rate == D("0.04")
    assert t.share_of_revenue == D("120") / D("330")
    assert t.survey_answers == 2 and t.survey_share == D("0.5")

    i = rows["Instagram"]
    assert i.net_revenue == 0 and i.roas == 0 and i.platform_roas == 3
    assert i.margin_after_returns == D("-106.00")
    assert i.add_to_cart_rate is None  # no sessions: unknown, not zero

    assert card.organic.add_to_cart_rate == D("0.1")
    assert card.organic.qualified_add_to_cart_rate == D("0.025")
    assert card.store.net_revenue == D("330.00")  # unattributed orders included
    assert card.store.spend == D("140.00")
    assert card.mer == D("330") / D("140")
    # Of all net revenue (330), as the shares: TikTok 120 and organic 60; Instagram brings 0.
    assert card.concentration == (D("120") ** 2 + D("60") ** 2) / D("330") ** 2
    assert card.top_channel.name == "TikTok"
    assert card.survey_answers == 4


def test_the_shares_and_the_unattributed_share_add_up_to_all_net_revenue(shop):
    card = kpis.scorecard(JUNE)
    assert card.unattributed.net_revenue == D("150.00")
    assert card.unattributed.orders == 1
    assert card.unattributed_share == D("150") / D("330")
    total = sum((row.share_of_revenue for row in card.rows), card.unattributed_share)
    assert abs(total - 1) < D("1e-20")
    net = sum((row.net_revenue for row in card.rows), card.unattributed.net_revenue)
    assert net == card.store.net_revenue


def test_concentration_matches_its_footnote_the_squared_shares_shown(shop):
    card = kpis.scorecard(JUNE)
    shown = [row.share_of_revenue for row in card.rows]
    assert card.concentration == sum((share**2 for share in shown), D("0"))


def test_the_trend_has_every_day_even_without_data(shop):
    tiktok, _, _ = shop
    trend = kpis.channel_trend(tiktok, JUNE)
    assert [p.day for p in trend] == JUNE.buckets()
    by_day = {p.day: p.figures for p in trend}
    assert by_day[date(2025, 6, 2)].net_revenue == D("70.00")
    assert by_day[date(2025, 6, 2)].spend == D("30.00")
    assert by_day[date(2025, 6, 3)].roas == 5  # 50 / 10
    assert by_day[date(2025, 6, 3)].platform_roas == 5
    assert by_day[date(2025, 6, 6)].net_revenue == 0
    assert by_day[date(2025, 6, 6)].roas is None


def test_a_long_trend_reads_per_week(shop):
    tiktok, _, _ = shop
    trend = kpis.channel_trend(tiktok, Period(date(2025, 3, 1), date(2025, 6, 7)))
    weeks = {p.day: p.figures for p in trend}
    # June 2 and 3 fall in the week of Monday June 2; May 31 in the week of May 26.
    assert weeks[date(2025, 6, 2)].net_revenue == D("120.00")
    assert weeks[date(2025, 6, 2)].spend == D("40.00")
    assert weeks[date(2025, 5, 26)].spend == D("500.00")


@pytest.mark.parametrize("channels", [1, 12])
def test_the_scorecard_reads_in_four_queries_however_many_rows(
    db, django_assert_num_queries, channels
):
    for n in range(channels):
        channel = ChannelFactory()
        OrderFactory.create_batch(3, channel=channel, placed_at=at(2 + n % 5))
        ChannelMetricFactory(channel=channel, date=date(2025, 6, 2))
        SurveyResponseFactory(channel=channel, answered_at=at(3))
    # channels, orders, metrics, answers (conflicts are promises.kpis' two)
    with django_assert_num_queries(4):
        card = kpis.scorecard(JUNE)
    assert len(card.rows) == channels


# --- Charts -----------------------------------------------------------------------------------


def test_ticks_are_round_numbers_covering_the_range():
    assert nice_ticks(0, 87) == [0, 25, 50, 75, 100]
    assert nice_ticks(-106, 21)[0] <= -106 and nice_ticks(-106, 21)[-1] >= 21
    assert nice_ticks(0, 0) == [0, 0.25, 0.5, 0.75, 1]


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (D("1234.5"), "currency", "€1,234"),
        (D("12345"), "currency", "€12,345"),
        (D("-106"), "currency", "\u2212€106"),
        (D("2.456"), "ratio", "2.46\u00d7"),
        (D("0.1234"), "percent", "12.3 %"),
        (None, "ratio", "—"),
    ],
)
def test_values_are_formatted_with_their_unit(value, unit, expected):
    assert format_value(value, unit, "EUR") == expected


def test_a_chart_is_an_accessible_svg_with_escaped_text_and_gaps():
    chart = Chart(
        "t",
        "Revenue <b>",
        "Per day & per channel",
        ["Jun 1", "Jun 2", "Jun 3", "Jun 4"],
        [Series("<script>", [D("10"), None, D("30"), D("40")]), Series("Spend", [1, 2, 3, 4])],
        unit="currency",
        currency="EUR",
    )
    svg = str(chart.svg())
    assert 'role="img"' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert '<title id="t-title">Revenue &lt;b&gt;</title>' in svg
    assert '<desc id="t-desc">Per day &amp; per channel</desc>' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "€40" in svg  # a y tick with its unit
    # The unknown day splits the first series: a lone point, then a line.
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 1
    assert chart.table[1] == ("Jun 2", ["—", "€2"])
    assert not chart.is_empty


def test_bars_go_below_zero_for_losses():
    chart = Chart(
        "m",
        "Margin",
        "d",
        ["a", "b"],
        [Series("Margin", [D("50"), D("-20")])],
        unit="currency",
        currency="EUR",
        kind="bar",
    )
    svg = str(chart.svg())
    assert svg.count("<rect") == 3  # two bars and the legend's key
    assert "a: €50" in svg and "b: \u2212€20" in svg
