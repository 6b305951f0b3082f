"""Filters for the connections list, shared by the page and the API."""

from __future__ import annotations

import django_filters

from integrations.choices import ConnectionKind, ConnectionStatus
from integrations.models import Connection


class ConnectionFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ConnectionKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=ConnectionStatus.choices)

    class Meta:
        model = Connection
        fields: list[str] = []
