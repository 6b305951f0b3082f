"""Filters for the connections list and the enforcement log, shared by the pages and the API."""

from __future__ import annotations

import django_filters

from integrations.choices import (
    ConnectionKind,
    ConnectionStatus,
    EnforcementKind,
    EnforcementOutcome,
)
from integrations.models import Connection, EnforcementAction


class ConnectionFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ConnectionKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=ConnectionStatus.choices)

    class Meta:
        model = Connection
        fields: list[str] = []


class EnforcementActionFilter(django_filters.FilterSet):
    """The audit log's filters, on the page and in the API."""

    kind = django_filters.MultipleChoiceFilter(choices=EnforcementKind.choices)
    outcome = django_filters.MultipleChoiceFilter(choices=EnforcementOutcome.choices)
    dry_run = django_filters.BooleanFilter()
    connection = django_filters.ModelChoiceFilter(queryset=Connection.objects.all())
    campaign = django_filters.NumberFilter(field_name="campaign_id")

    class Meta:
        model = EnforcementAction
        fields: list[str] = []
