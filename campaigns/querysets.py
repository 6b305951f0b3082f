"""Reads of campaigns, and stock as campaigns see it (available to promise)."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from campaigns.choices import CampaignStatus


class CampaignQuerySet(models.QuerySet):
    def checked(self, now: datetime | None = None) -> CampaignQuerySet:
        """Campaigns the engine checks: not drafts, and not ended by status or by date."""
        return self.filter(checked_q(now=now))


def checked_q(prefix: str = "", now: datetime | None = None) -> Q:
    """Q for checked campaigns, through `prefix` ("campaign__") from a related model.

    A campaign still marked live after its end date has ended: it no longer reserves
    stock or counts toward other campaigns' demand.
    """
    return Q(**{f"{prefix}status__in": CampaignStatus.checked()}) & (
        Q(**{f"{prefix}ends_at__isnull": True})
        | Q(**{f"{prefix}ends_at__gt": now if now is not None else timezone.now()})
    )


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
