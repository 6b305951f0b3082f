"""Template tags shared by the dashboard pages: sortable headers, badges, durations."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()


@register.inclusion_tag("components/sort_header.html", takes_context=True)
def sort_header(context, key: str, label: str, numeric: bool = False) -> dict:
    """A column header that sorts the list by `key`, with aria-sort for screen readers."""
    current = context.get("sort", "")
    active = current.lstrip("-") == key
    descending = active and current.startswith("-")
    query: QueryDict = context["request"].GET.copy()
    # Numbers sort largest first on the first click (the most blockers, the longest run);
    # a second click turns the order around.
    if not active:
        query["sort"] = f"-{key}" if numeric else key
    else:
        query["sort"] = key if descending else f"-{key}"
    query.pop("page", None)
    query.pop("export", None)
    return {
        "label": label,
        "href": "?" + query.urlencode(),
        "aria_sort": ("descending" if descending else "ascending") if active else "none",
        "active": active,
        "descending": descending,
        "numeric": numeric,
    }


@register.filter
def age(moment: datetime | None) -> str:
    """How long ago, compactly: '3d 4h', '2h 10m', '45m'."""
    if moment is None:
        return ""
    return compact_duration(timezone.now() - moment)


@register.filter
def until(moment: datetime | None) -> str:
    """Time left before `moment`, or 'overdue 2h' when it has passed."""
    if moment is None:
        return ""
    left = moment - timezone.now()
    if left < timedelta(0):
        return _("overdue %(duration)s") % {"duration": compact_duration(-left)}
    return pgettext("time left", "in %(duration)s") % {"duration": compact_duration(left)}


def compact_duration(delta: timedelta) -> str:
    """'3d 4h', '2h 10m', '45m' (in French '3 j 4 h', '2 h 10 min', '45 min')."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)sd %(hours)sh") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)sh %(minutes)sm") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)sm") % {"minutes": minutes}


@register.simple_tag
def active_filters(form, query: QueryDict) -> int:
    """How many of the form's filters the address sets (a multi-select counts once)."""
    if form is None:
        return 0
    return sum(1 for name in form.fields if any(value for value in query.getlist(name)))
