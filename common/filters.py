"""Filter pieces shared by every list page and API list: widgets and a text search."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet

# A search box: type=search, so browsers offer to clear it and screen readers announce it.
SEARCH = forms.TextInput(attrs={"type": "search", "placeholder": "Search…"})
# A native date picker.
DATE = forms.DateInput(attrs={"type": "date"})
# Yes / no / either, worded for people ("Any" rather than NullBooleanSelect's "Unknown").
YES_NO = forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])


def search_any(queryset: QuerySet, fields: tuple[str, ...], value: str) -> QuerySet:
    """Rows where any of the lookups matches the stripped search text (all rows if blank)."""
    value = value.strip()
    if not value:
        return queryset
    query = Q()
    for field in fields:
        query |= Q(**{field: value})
    return queryset.filter(query)
