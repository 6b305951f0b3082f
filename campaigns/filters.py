"""Filters for campaign lists, shared by the `/campaigns/` page and the API.

One FilterSet per list, so a filter a marketer uses on the page (`?readiness=blocked`)
means the same thing in `/api/campaigns/?readiness=blocked`.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from campaigns.choices import CampaignFormat, CampaignStatus, Network
from campaigns.models import Campaign, Channel
from catalog.models import SKU
from common.filters import DATE, SEARCH, search_any
from promises.choices import Readiness
from promises.querysets import filter_readiness


class CampaignFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), widget=SEARCH)
    # Every label is given: django-filter reads a model field's verbose name once, in the
    # language of the first request, and would show it to everyone after.
    status = django_filters.MultipleChoiceFilter(choices=CampaignStatus.choices, label=_("Status"))
    readiness = django_filters.ChoiceFilter(
        choices=Readiness.choices, method="filter_readiness", label=_("Readiness")
    )
    channel = django_filters.ModelChoiceFilter(
        queryset=Channel.objects.order_by("name"), label=_("Channel")
    )
    network = django_filters.ChoiceFilter(
        field_name="channel__network", choices=Network.choices, label=_("Channel network")
    )
    format = django_filters.ChoiceFilter(choices=CampaignFormat.choices, label=_("Format"))
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        label=_("Owner"),
    )
    sku = django_filters.ModelChoiceFilter(
        queryset=SKU.objects.all(), field_name="items__sku", distinct=True, label=_("SKU")
    )
    starts_after = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label=_("Starts from"), widget=DATE
    )
    starts_before = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("Starts until"), widget=DATE
    )
    active_on = django_filters.DateFilter(
        method="filter_active_on", label=_("Running on"), widget=DATE
    )

    class Meta:
        model = Campaign
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_any(
            queryset,
            (
                "name__icontains",
                "caption__icontains",
                "promo_code__iexact",
                "channel__name__icontains",
            ),
            value,
        )

    def filter_readiness(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_readiness(queryset, value)

    def filter_active_on(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(
            Q(starts_at__date__lte=value) | Q(starts_at__isnull=True),
            Q(ends_at__date__gte=value) | Q(ends_at__isnull=True),
        )
