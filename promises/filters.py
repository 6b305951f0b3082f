"""Filters for the conflict queue, shared by the `/conflicts/` page and the API."""

from __future__ import annotations

import re

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.models import Campaign, Channel
from common.filters import DATE, SEARCH, YES_NO, search_any
from promises.checks.registry import all_rules
from promises.choices import (
    AppliesTo,
    CheckRunStatus,
    CheckTrigger,
    ConflictEventKind,
    ConflictState,
    DiscountKind,
    Severity,
    ShippingKind,
    SupportTopic,
)
from promises.models import (
    CheckoutCountry,
    CheckRun,
    Conflict,
    ConflictEvent,
    PromoCode,
    ReturnPolicy,
    ShippingMethod,
    SupportReply,
)
from promises.querysets import STANDING


def _rule_choices() -> list[tuple[str, str]]:
    return sorted((rule.code, rule.code) for rule in all_rules())


class ConflictFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), widget=SEARCH)
    # No DISTINCT: these are columns of the conflict itself, and a DISTINCT would turn the
    # queue's count into a count over a sorted subquery (slow at 100,000 conflicts).
    state = django_filters.MultipleChoiceFilter(
        choices=ConflictState.choices, distinct=False, label=_("State")
    )
    severity = django_filters.MultipleChoiceFilter(
        choices=Severity.choices, distinct=False, label=_("Severity")
    )
    rule = django_filters.ChoiceFilter(
        field_name="rule_code", choices=_rule_choices, label=_("Rule")
    )
    channel = django_filters.ModelChoiceFilter(
        field_name="campaign__channel",
        queryset=Channel.objects.order_by("name"),
        label=_("Channel"),
    )
    campaign = django_filters.ModelChoiceFilter(
        queryset=Campaign.objects.all(), label=_("Campaign")
    )
    assignee = django_filters.CharFilter(
        method="filter_assignee",
        label=_("Assignee"),
        help_text=_('A user id, "me", or "none" for unassigned.'),
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=pgettext_lazy("conflicts", "Overdue"), widget=YES_NO
    )
    waiver_requested = django_filters.BooleanFilter(
        method="filter_waiver_requested", label=_("Waiver requested"), widget=YES_NO
    )

    class Meta:
        model = Conflict
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_any(
            queryset,
            (
                "message__icontains",
                "rule_code__icontains",
                "campaign__name__icontains",
                "sku__code__iexact",
            ),
            value,
        )

    def filter_assignee(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().lower()
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value == "me":
            user = getattr(self.request, "user", None)
            if user is None or not user.is_authenticated:
                return queryset.none()
            return queryset.filter(assignee=user)
        if value.isascii() and value.isdecimal():
            # "²".isdigit() is true and int() refuses it; ids past 64 bits match no one.
            user_id = int(value)
            return queryset.filter(assignee_id=user_id) if user_id < 2**63 else queryset.none()
        user_model = get_user_model()
        return queryset.filter(**{f"assignee__{user_model.USERNAME_FIELD}__iexact": value})

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = Q(state__in=STANDING, due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_waiver_requested(
        self, queryset: QuerySet, name: str, value: bool | None
    ) -> QuerySet:
        """Standing conflicts someone asked ops to waive (yes), or the others (no)."""
        if value is None:
            return queryset
        requested = Q(state__in=STANDING) & Q(Exists(waiver_requests()))
        return queryset.filter(requested) if value else queryset.exclude(requested)


def waiver_requests() -> QuerySet:
    """Waiver requests of the conflict in the outer query (for Exists)."""
    return ConflictEvent.objects.filter(
        conflict=OuterRef("pk"), kind=ConflictEventKind.WAIVER_REQUESTED
    )


class CheckRunFilter(django_filters.FilterSet):
    trigger = django_filters.MultipleChoiceFilter(choices=CheckTrigger.choices, label=_("Trigger"))
    status = django_filters.MultipleChoiceFilter(choices=CheckRunStatus.choices, label=_("Status"))
    started_after = django_filters.DateFilter(
        field_name="started_at",
        lookup_expr="date__gte",
        label=pgettext_lazy("date", "From"),
        widget=DATE,
    )
    started_before = django_filters.DateFilter(
        field_name="started_at",
        lookup_expr="date__lte",
        label=pgettext_lazy("date", "To"),
        widget=DATE,
    )
    with_errors = django_filters.BooleanFilter(
        method="filter_with_errors", label=_("With errors"), widget=YES_NO
    )

    class Meta:
        model = CheckRun
        fields: list[str] = []

    def filter_with_errors(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(errors__gt=0) if value else queryset.filter(errors=0)


# --- Promises (ops pages) --------------------------------------------------------------------


class ShippingMethodFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), widget=SEARCH)
    kind = django_filters.MultipleChoiceFilter(
        choices=ShippingKind.choices, distinct=False, label=pgettext_lazy("shipping method", "Kind")
    )
    country = django_filters.CharFilter(
        method="filter_country", label=_("Country"), help_text=_("An ISO code, e.g. FR.")
    )
    enabled_in_checkout = django_filters.BooleanFilter(label=_("In checkout"), widget=YES_NO)

    class Meta:
        model = ShippingMethod
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_any(queryset, ("name__icontains",), value)

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        code = value.strip().upper()
        if not code:
            return queryset
        if not re.fullmatch(r"[A-Z]{2}", code):
            # Not a country code (and never a pattern: "((" would break the regex).
            return queryset.none()
        # Stored as "FR,DE,US": match a whole code, not a substring of another.
        return queryset.filter(countries__regex=rf"(^|,){code}(,|$)")


class ReturnPolicyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Search"), widget=SEARCH
    )
    is_free = django_filters.BooleanFilter(label=_("Free returns"), widget=YES_NO)
    active = django_filters.BooleanFilter(label=_("Active"), widget=YES_NO)

    class Meta:
        model = ReturnPolicy
        fields: list[str] = []


class CheckoutCountryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="country", lookup_expr="iexact", label=_("Country code"), widget=SEARCH
    )
    enabled = django_filters.BooleanFilter(label=_("Enabled"), widget=YES_NO)

    class Meta:
        model = CheckoutCountry
        fields: list[str] = []


class PromoCodeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="code", lookup_expr="icontains", label=_("Search"), widget=SEARCH
    )
    kind = django_filters.ChoiceFilter(
        choices=DiscountKind.choices, label=pgettext_lazy("promo code", "Kind")
    )
    applies_to = django_filters.ChoiceFilter(choices=AppliesTo.choices, label=_("Applies to"))
    active = django_filters.BooleanFilter(label=_("Active"), widget=YES_NO)
    channel = django_filters.ModelChoiceFilter(
        field_name="channels", queryset=Channel.objects.order_by("name"), label=_("Channel")
    )

    class Meta:
        model = PromoCode
        fields: list[str] = []


class SupportReplyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), widget=SEARCH)
    topic = django_filters.MultipleChoiceFilter(
        choices=SupportTopic.choices, distinct=False, label=_("Topic")
    )
    active = django_filters.BooleanFilter(label=_("Active"), widget=YES_NO)

    class Meta:
        model = SupportReply
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_any(queryset, ("title__icontains", "text__icontains"), value)
