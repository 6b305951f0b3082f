"""Filters for the catalog pages (SKU list)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from catalog.choices import ProductStatus
from common.filters import SEARCH, YES_NO, search_any

# At or below this many units available to promise (and above zero), a SKU is low on stock.
LOW_STOCK_UNITS = 10


def _low_stock_label() -> str:
    return _("Low (≤ %(units)s)") % {"units": LOW_STOCK_UNITS}


STOCK_CHOICES = [
    ("out", _("Out of stock")),
    ("low", lazy(_low_stock_label, str)()),
    ("ok", _("In stock")),
]


class SKUFilter(django_filters.FilterSet):
    """Filters over SKUs annotated with available to promise and `campaign_count`."""

    q = django_filters.CharFilter(method="search", label=_("Search"), widget=SEARCH)
    status = django_filters.MultipleChoiceFilter(
        field_name="product__status",
        choices=ProductStatus.choices,
        label=_("Product status"),
        distinct=False,
    )
    stock = django_filters.ChoiceFilter(
        method="filter_stock", choices=STOCK_CHOICES, label=_("Available to promise")
    )
    promoted = django_filters.BooleanFilter(
        method="filter_promoted", label=_("Promoted"), widget=YES_NO
    )

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_any(
            queryset, ("code__icontains", "product__title__icontains", "barcode"), value
        )

    def filter_stock(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "out":
            return queryset.filter(available_to_promise__lte=0)
        if value == "low":
            return queryset.filter(
                available_to_promise__gt=0, available_to_promise__lte=LOW_STOCK_UNITS
            )
        if value == "ok":
            return queryset.filter(available_to_promise__gt=LOW_STOCK_UNITS)
        return queryset

    def filter_promoted(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(campaign_count__gt=0) if value else queryset.filter(campaign_count=0)
