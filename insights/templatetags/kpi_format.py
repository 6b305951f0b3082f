"""Template filters that print KPIs the way the charts do: money, ratios, shares, durations."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.translation import pgettext

from insights.charts import MINUS, format_value

register = template.Library()


@register.filter
def money(value: Decimal | None, currency: str = "") -> str:
    """€12,345 (the store's currency unless named); a dash when unknown."""
    return format_value(value, "currency", currency or settings.STORE_CURRENCY)


@register.filter
def times(value: Decimal | None) -> str:
    """A ratio such as ROAS: 2.45 times."""
    return format_value(value, "ratio")


@register.filter
def pct(value: Decimal | None) -> str:
    """A share or rate: 12.3 %."""
    return format_value(value, "percent")


@register.filter
def span(value: timedelta | None) -> str:
    """A duration such as a time to resolve, in two units at most: 3d 4h, 2h 10m, 45m."""
    if value is None:
        return "—"
    minutes = max(int(value.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return pgettext("duration", "%(days)sd %(hours)sh") % {"days": days, "hours": hours}
    if hours:
        return pgettext("duration", "%(hours)sh %(minutes)sm") % {
            "hours": hours,
            "minutes": minutes,
        }
    return pgettext("duration", "%(minutes)sm") % {"minutes": minutes}


@register.filter
def kpi(value: Decimal | int | None, unit: str) -> str:
    """A KPI tile's figure in its unit: money in the store's currency, ratio, percent, count."""
    return format_value(value, unit, settings.STORE_CURRENCY)


@register.filter
def signed_pct(value: Decimal | None) -> str:
    """A change as people read it: +12.3 %, 0.0 %, and a loss with a real minus sign."""
    if value is None:
        return "—"
    text = format_value(abs(value), "percent")
    if value > 0:
        return f"+{text}"
    return f"{MINUS}{text}" if value < 0 else text
