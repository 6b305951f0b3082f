"""Reads of what happened: net revenue, the one definition every page and rule uses.

Net revenue = gross - discounts - refunds (PRODUCT.md, "KPI definitions"). `net_revenue` is
the formula; applied to columns it gives `NET_REVENUE`, the same formula in SQL, so the KPI
pages (which sum the parts and subtract) and the engine's stop rule (which sums it per
campaign) cannot drift apart.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from django.db import models
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Coalesce

from common.db import MONEY_PLACES

Amount = TypeVar("Amount")

# Sums of many orders need more digits than one order's amount.
_TOTAL = DecimalField(max_digits=18, decimal_places=MONEY_PLACES)


def net_revenue(gross: Amount, discounts: Amount, refunded: Amount) -> Amount:
    """Net revenue = gross - discounts - refunds: of amounts, or of columns (F) in SQL."""
    return gross - discounts - refunded


# One order's net revenue, in SQL.
NET_REVENUE = ExpressionWrapper(
    net_revenue(F("gross"), F("discounts"), F("refunded")), output_field=_TOTAL
)


def sum_net_revenue() -> Coalesce:
    """The net revenue of the orders aggregated (0 for none)."""
    return Coalesce(Sum(NET_REVENUE, output_field=_TOTAL), Value(Decimal(0), _TOTAL))


class OrderQuerySet(models.QuerySet):
    def net_revenue_by_campaign(self) -> dict[int, tuple[Decimal, int]]:
        """{campaign id: (net revenue, orders)} over these orders: one grouped query."""
        return {
            campaign_id: (net, count)
            for campaign_id, net, count in self.filter(campaign__isnull=False)
            .order_by()
            .values("campaign_id")
            .annotate(net=sum_net_revenue(), count=Count("pk"))
            .values_list("campaign_id", "net", "count")
        }
