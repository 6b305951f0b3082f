"""Reads of campaigns, and stock as campaigns see it (available to promise)."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
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


def reserved_units_q(prefix: str = "", now: datetime | None = None) -> Q:
    """Q for the campaign items whose reservations hold stock back, through `prefix`.

    Those of checked campaigns (`checked_q`): a draft reserves nothing yet, and a campaign
    ended by status or past its end date (even if still marked live) holds nothing back.
    """
    return checked_q(f"{prefix}campaign__", now)


def annotate_available_to_promise(skus: QuerySet, now: datetime | None = None) -> QuerySet:
    """Annotate SKUs with `available`, `reserved` and `available_to_promise`.

    Available to promise = available at active locations - units reserved by checked
    campaigns (not drafts, not ended, not past their end) - the SKU's safety buffer, floored at
    zero. The one definition: SKU pages, the API, the catalog feeds and the engine's loader
    (through `counted_stock_q` and `reserved_units_q`) all count this way.
    """
    from campaigns.models import CampaignItem

    reserved = (
        CampaignItem.objects.filter(reserved_units_q(now=now), sku=OuterRef("pk"))
        .order_by()
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


def skus_with_promises() -> QuerySet:
    """SKUs with available, reserved, available to promise, and `campaign_count`: how many
    checked campaigns promote each.

    The count is a grouped subquery over campaign items (on the SKU-demand index), like the
    reservations beside it, rather than a COUNT over a join: a join would GROUP BY every SKU
    column and aggregate the whole catalog before the page is cut, while the subqueries are
    evaluated for the 50 SKUs of the page only.
    """
    # Models import this module for their managers, so the models come in here.
    from campaigns.models import CampaignItem
    from catalog.models import SKU

    promoting = (
        CampaignItem.objects.filter(checked_q("campaign__"), sku=OuterRef("pk"))
        .order_by()
        .values("sku")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return annotate_available_to_promise(
        SKU.objects.select_related("product").annotate(
            campaign_count=Coalesce(Subquery(promoting, output_field=IntegerField()), Value(0))
        )
    )
