from decimal import Decimal

import pytest

from insights.models import ChannelMetric, Order
from tests.db import refused
from tests.factories import CampaignFactory, ChannelFactory, ChannelMetricFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_order_external_ids_are_unique():
    OrderFactory(external_id="#1001")
    with refused():
        OrderFactory(external_id="#1001")


@pytest.mark.parametrize("field", ["gross", "discounts", "shipping", "cost_of_goods", "fees"])
def test_order_money_cannot_be_negative(field):
    order = OrderFactory()
    with refused():
        Order.objects.filter(pk=order.pk).update(**{field: Decimal("-1")})


def test_refunds_cannot_exceed_the_order():
    with refused():
        OrderFactory(gross=Decimal("50"), refunded=Decimal("50.01"))


def test_net_revenue_takes_off_discounts_and_refunds():
    order = OrderFactory(gross=Decimal("100"), discounts=Decimal("20"), refunded=Decimal("30"))
    assert order.net_revenue == Decimal("50")


def test_one_channel_level_metric_per_day():
    metric = ChannelMetricFactory()
    with refused():
        ChannelMetricFactory(channel=metric.channel, date=metric.date)


def test_one_campaign_level_metric_per_day_beside_the_channel_row():
    channel = ChannelFactory()
    campaign = CampaignFactory(channel=channel)
    day = ChannelMetricFactory(channel=channel).date
    ChannelMetricFactory(channel=channel, campaign=campaign, date=day)
    with refused():
        ChannelMetricFactory(channel=channel, campaign=campaign, date=day)


def test_qualified_add_to_carts_are_a_subset():
    with refused():
        ChannelMetricFactory(add_to_carts=10, qualified_add_to_carts=11)


def test_metric_counts_cannot_be_negative():
    metric = ChannelMetricFactory()
    with refused():
        ChannelMetric.objects.filter(pk=metric.pk).update(sessions=-5)
