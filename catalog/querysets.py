"""Reads of the catalog: stock available at active locations, computed in the database.

Available to promise also takes off campaign reservations, so it lives in campaigns.querysets;
it builds on `annotate_available` here, and the engine's loader filters stock with the same
`counted_stock_q`, so a page, a feed and a rule count the same units.
"""

from __future__ import annotations

from django.db import models
from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def counted_stock_q(prefix: str = "") -> Q:
    """Q for the stock levels that count, through `prefix` ("stock_levels__") from a relation.

    Only active locations count: an inactive one (closed, or not selling) ships nothing, so its
    units cannot be promised.
    """
    return Q(**{f"{prefix}location__active": True})


class SKUQuerySet(models.QuerySet):
    def annotate_available(self) -> SKUQuerySet:
        """`available`: units available at active locations."""
        from catalog.models import StockLevel

        total = (
            StockLevel.objects.filter(counted_stock_q(), sku=OuterRef("pk"))
            .order_by()
            .values("sku")
            .annotate(total=Sum("available"))
            .values("total")
        )
        return self.annotate(available=Coalesce(Subquery(total), Value(0)))
