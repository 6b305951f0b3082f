"""Reads of the catalog: stock available across locations, computed in the database.

Available to promise also takes off campaign reservations, so it lives in campaigns.querysets.
"""

from __future__ import annotations

from django.db import models
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


class SKUQuerySet(models.QuerySet):
    def annotate_available(self) -> SKUQuerySet:
        """`available`: units available across all locations."""
        from catalog.models import StockLevel

        total = (
            StockLevel.objects.filter(sku=OuterRef("pk"))
            .values("sku")
            .annotate(total=Sum("available"))
            .values("total")
        )
        return self.annotate(available=Coalesce(Subquery(total), Value(0)))
