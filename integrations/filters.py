"""Filters for the connections list and the enforcement log, shared by the pages and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from integrations.choices import (
    ConnectionKind,
    ConnectionStatus,
    EnforcementKind,
    EnforcementOutcome,
)
from integrations.models import Connection, EnforcementAction


class ConnectionFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=ConnectionKind.choices)
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=ConnectionStatus.choices
    )

    class Meta:
        model = Connection
        fields: list[str] = []


class EnforcementActionFilter(django_filters.FilterSet):
    """The audit log's filters, on the page and in the API."""

    kind = django_filters.MultipleChoiceFilter(label=_("Action"), choices=EnforcementKind.choices)
    outcome = django_filters.MultipleChoiceFilter(
        label=_("Outcome"), choices=EnforcementOutcome.choices
    )
    dry_run = django_filters.BooleanFilter(label=_("Dry run"))
    connection = django_filters.ModelChoiceFilter(
        label=_("Connection"), queryset=Connection.objects.all()
    )
    campaign = django_filters.NumberFilter(label=_("Campaign (id)"), field_name="campaign_id")

    class Meta:
        model = EnforcementAction
        fields: list[str] = []
