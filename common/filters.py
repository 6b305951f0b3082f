"""Filter pieces shared by every list page and API list: widgets and a text search."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A search box: type=search, so browsers offer to clear it and screen readers announce it.
SEARCH = forms.TextInput(attrs={"type": "search", "placeholder": _("Search…")})
# A native date picker.
DATE = forms.DateInput(attrs={"type": "date"})
# Yes / no / either, worded for people ("Any" rather than NullBooleanSelect's "Unknown").
YES_NO = forms.Select(
    choices=[("", pgettext_lazy("filter", "Any")), ("true", _("Yes")), ("false", _("No"))]
)


def search_any(queryset: QuerySet, fields: tuple[str, ...], value: str) -> QuerySet:
    """Rows where any of the lookups matches the stripped search text (all rows if blank)."""
    value = value.strip()
    if not value:
        return queryset
    query = Q()
    for field in fields:
        query |= Q(**{field: value})
    return queryset.filter(query)
