"""The insights importers announce each chunk's orders and metrics once, with their scope."""

from __future__ import annotations

import pytest

from insights.imports import ChannelMetricImporter, OrderImporter, SurveyResponseImporter
from insights.models import ChannelMetric, Order
from insights.signals import channel_metrics_changed, orders_changed
from tests.factories import CampaignFactory, ChannelFactory
from tests.imports.conftest import csv_bytes, run
from tests.imports.test_insights import ORDERS
from tests.signals import sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def instagram(db):
    return ChannelFactory(name="Instagram", network="instagram")


def test_an_orders_chunk_announces_its_campaigns_and_channels_once(instagram):
    campaign = CampaignFactory(channel=instagram, name="Spring glow")
    tiktok = ChannelFactory(name="TikTok", network="tiktok")
    rows = [
        ORDERS,
        ["1", "2026-03-01", "FR", "50", "", "", "Instagram", "Spring glow", "", ""],
        ["2", "2026-03-01", "FR", "20", "", "", "TikTok", "", "", ""],
        ["3", "2026-03-01", "FR", "20", "", "", "", "", "", ""],
    ]  # fmt: skip
    with sent(orders_changed) as calls:
        run(OrderImporter, csv_bytes(rows))
    assert len(calls) == 1
    assert calls[0]["sender"] is Order
    assert calls[0]["campaign_ids"] == {campaign.pk}
    assert calls[0]["channel_ids"] == {instagram.pk, tiktok.pk}
    with sent(orders_changed) as again:
        run(OrderImporter, csv_bytes(rows))  # unchanged: nothing to announce
    assert again == []


def test_a_metrics_chunk_announces_whole_channel_rows_by_channel_only(instagram):
    campaign = CampaignFactory(channel=instagram, name="Spring glow")
    rows = [
        ["date", "channel", "campaign", "spend"],
        ["2026-03-01", "Instagram", "", "100"],
        ["2026-03-01", "Instagram", "Spring glow", "60"],
    ]
    with sent(channel_metrics_changed) as calls:
        run(ChannelMetricImporter, csv_bytes(rows))
    assert [(c["sender"], c["campaign_ids"], c["channel_ids"]) for c in calls] == [
        (ChannelMetric, {campaign.pk}, {instagram.pk})
    ]


def test_survey_answers_announce_neither_orders_nor_metrics(instagram):
    rows = [["external_id", "answered_at", "answer"], ["s1", "2026-03-01", "instagram"]]
    with sent(orders_changed) as orders, sent(channel_metrics_changed) as metrics:
        assert run(SurveyResponseImporter, csv_bytes(rows)).errors == []
    assert (orders, metrics) == ([], [])
