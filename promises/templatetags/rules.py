"""Template filters of the ops pages."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def breakable(code: str | None) -> SafeString:
    """A rule code that may wrap after its underscores (DELIVERY_<wbr>CLAIM_<wbr>UNSUPPORTED),
    so a narrow column does not stretch the queue; copied, it reads as typed."""
    return mark_safe(escape(code or "").replace("_", "_<wbr>"))
