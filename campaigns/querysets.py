"""Reads of campaigns, and stock as campaigns see it (available to promise)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from campaigns.choices import CampaignStatus


class CampaignQuerySet(models.QuerySet):
    def checked(self) -> CampaignQuerySet:
        """Campaigns the engine checks: not drafts and not ended."""
        return self.filter(status__in=CampaignStatus.checked())


def annotate_available_to_promise(skus: QuerySet) -> QuerySet:
    """Annotate SKUs with `available`, `reserved` and `available_to_promise`.

    Available to promise = available across locations - units reserved by checked
    campaigns - the SKU's safety buffer, floored at zero.
    """
    from campaigns.models import CampaignItem

    reserved = (
        CampaignItem.objects.filter(
            sku=OuterRef("pk"), campaign__status__in=CampaignStatus.checked()
        )
        .values("sku")
        .annotate(total=Sum("reserved_units"))
        .values("total")
    )
    return (
        skus.annotate_available()
        .annotate(reserved=Coalesce(Subquery(reserved), Value(0)))
        .annotate(
            available_to_promise=Greatest(
                F("available") - F("reserved") - F("safety_buffer"), Value(0)
            )
        )
    )
