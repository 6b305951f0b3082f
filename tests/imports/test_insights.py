"""Orders, channel metrics and survey answers from CSV: idempotent on their natural keys."""

from __future__ import annotations

from decimal import Decimal

import pytest

from insights.imports import ChannelMetricImporter, OrderImporter, SurveyResponseImporter
from insights.models import ChannelMetric, Order, SurveyResponse
from tests.factories import CampaignFactory, ChannelFactory
from tests.imports.conftest import csv_bytes, run

pytestmark = pytest.mark.django_db

ORDERS = ["external_id", "placed_at", "country", "gross", "discounts", "refunded", "channel",
          "campaign", "checkout_path", "new_customer"]  # fmt: skip


@pytest.fixture
def instagram(db):
    return ChannelFactory(name="Instagram", network="instagram")


def test_orders_import_once_and_a_changed_row_updates(instagram):
    campaign = CampaignFactory(channel=instagram, name="Spring glow")
    rows = [
        ORDERS,
        ["1001", "2026-03-01T10:00:00Z", "fr", "50.00", "5", "0", "instagram", "Spring glow",
         "native", "false"],
        ["1002", "2026-03-02", "DE", "20", "", "", "", "", "", ""],
    ]  # fmt: skip
    first = run(OrderImporter, csv_bytes(rows))
    assert first.errors == []
    assert first.counts["order"]["created"] == 2
    order = Order.objects.get(external_id="1001")
    assert (order.channel, order.campaign, order.country) == (instagram, campaign, "FR")
    assert (order.checkout_path, order.is_new_customer) == ("native", False)
    assert run(OrderImporter, csv_bytes(rows)).counts["order"]["unchanged"] == 2
    rows[2][5] = "20"
    again = run(OrderImporter, csv_bytes(rows))
    assert again.counts["order"] == {"created": 0, "updated": 1, "unchanged": 1, "deleted": 0}
    assert Order.objects.get(external_id="1002").refunded == Decimal("20.00")


def test_bad_order_rows_name_their_column(instagram):
    rows = [
        ORDERS,
        ["1", "2026-03-01", "XX", "10", "", "", "", "", "", ""],
        ["2", "yesterday", "FR", "10", "", "", "", "", "", ""],
        ["3", "2026-03-01", "FR", "10", "", "11", "", "", "", ""],
        ["4", "2026-03-01", "FR", "10", "", "", "Myspace", "", "", ""],
        ["5", "2026-03-01", "FR", "10", "", "", "Instagram", "Nope", "", ""],
        ["5", "2026-03-01", "FR", "10", "", "", "", "", "", ""],
        ["5", "2026-03-01", "FR", "10", "", "", "", "", "", ""],
    ]
    result = run(OrderImporter, csv_bytes(rows))
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "country"),
        (3, "placed_at"),
        (4, "refunded"),
        (5, "channel"),
        (6, "campaign"),
        (8, ""),
    ]
    assert list(Order.objects.values_list("external_id", flat=True)) == ["5"]


def test_metrics_are_one_per_channel_campaign_and_day(instagram):
    campaign = CampaignFactory(channel=instagram, name="Spring glow")
    rows = [
        [
            "date",
            "channel",
            "campaign",
            "spend",
            "clicks",
            "add_to_carts",
            "qualified_add_to_carts",
        ],
        ["2026-03-01", "Instagram", "", "100", "40", "10", "4"],
        ["2026-03-01", "Instagram", "Spring glow", "60", "30", "8", "3"],
        ["2026-03-02", "Instagram", "", "90", "35", "5", "6"],
    ]
    result = run(ChannelMetricImporter, csv_bytes(rows))
    assert [(e.line, e.column) for e in result.errors] == [(4, "qualified_add_to_carts")]
    assert ChannelMetric.objects.count() == 2
    assert ChannelMetric.objects.get(campaign=campaign).spend == Decimal("60.00")
    again = run(ChannelMetricImporter, csv_bytes(rows[:3]))
    assert again.counts["channel metric"]["unchanged"] == 2


def test_survey_answers_map_to_the_channel_they_name(instagram):
    ChannelFactory(name="TikTok", network="tiktok")
    Order.objects.create(external_id="1001", country="FR", placed_at="2026-03-01T00:00Z", gross=10)
    rows = [
        ["external_id", "answered_at", "answer", "channel", "order"],
        ["s1", "2026-03-01", "Saw it on instagram", "", "1001"],
        ["s2", "2026-03-01", "A friend told me", "", ""],
        ["s3", "2026-03-01", "Reel", "TikTok", ""],
        ["s4", "2026-03-01", "Reel", "", "9999"],
    ]
    result = run(SurveyResponseImporter, csv_bytes(rows))
    assert [(e.line, e.column) for e in result.errors] == [(5, "order")]
    answers = {r.external_id: r for r in SurveyResponse.objects.select_related("channel", "order")}
    assert answers["s1"].channel == instagram
    assert answers["s1"].order.external_id == "1001"
    assert answers["s2"].channel is None
    assert answers["s3"].channel.name == "TikTok"
    assert (
        run(SurveyResponseImporter, csv_bytes(rows[:4])).counts["survey response"]["unchanged"] == 3
    )


@pytest.mark.parametrize("amount", ["1e30", "1e400", "123456789012345678901234567", "NaN"])
def test_an_order_amount_too_large_is_refused_and_the_next_orders_import(amount):
    rows = [
        ORDERS,
        ["1001", "2026-03-01", "FR", amount, "", "", "", "", "", ""],
        ["1002", "2026-03-02", "DE", "20", amount, "", "", "", "", ""],
        ["1003", "2026-03-02", "DE", "20", "", "", "", "", "", ""],
    ]
    result = run(OrderImporter, csv_bytes(rows))
    assert [(e.line, e.column) for e in result.errors] == [(2, "gross"), (3, "discounts")]
    assert list(Order.objects.values_list("external_id", flat=True)) == ["1003"]
