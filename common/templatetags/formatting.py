"""Template filters over common.formatting: {{ price|money:sku.currency }}, {{ n|number }},
{{ moment|when }}, {{ moment|ago }} (a <time> with the absolute moment on hover), {{ code|label }}.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from common import formatting

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    """€12.90 in the user's locale; the store's currency unless one is given."""
    return formatting.money(amount, currency or None)


@register.filter
def money_whole(amount, currency: str = "") -> str:
    """€110,160: money without cents, for KPI tiles and totals."""
    return formatting.money(amount, currency or None, whole=True)


@register.filter
def number(value, places: int | None = None) -> str:
    """17,898 with the locale's thousands separator."""
    return formatting.number(value, places)


@register.filter
def day(value) -> str:
    """Mar 12, 2026."""
    return formatting.day(value)


@register.filter
def when(moment) -> str:
    """Mar 12, 2026, 14:05, in the local time zone."""
    return formatting.when(moment)


@register.filter
def ago(moment: datetime | None) -> str:
    """<time datetime="…" title="Mar 12, 2026, 14:05">3 hr. ago</time>: relative for scanning,
    absolute on hover and for machines."""
    if moment is None:
        return formatting.BLANK
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        formatting.when(moment),
        formatting.ago(moment),
    )


@register.filter
def elapsed(moment: datetime | None) -> str:
    """How far `moment` is from now, without a direction: 2 days (for "overdue by 2 days")."""
    if moment is None:
        return formatting.BLANK
    return formatting.duration(moment - timezone.now())


@register.filter
def label(code) -> str:
    """free_shipping -> Free shipping."""
    return formatting.label(code)
