"""One way to write money, numbers, dates and codes for people, in the user's locale.

Pages (through the template filters in common/templatetags/formatting.py), messages and
the evidence of conflicts call these functions, so "€12.90", "17,898" and "Mar 12, 2026,
14:05" read the same everywhere. CSV exports do not: they keep plain numbers beside a
currency column, so a spreadsheet can add them up.

The locale is Django's active language (en-us -> en_US); Babel knows how each locale
writes a currency, a thousands separator or a month.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_skeleton, format_timedelta
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_currency_name,
    get_territory_currencies,
)
from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import lazy

# What a missing value prints as, everywhere.
BLANK = "—"
Number = int | float | Decimal


def locale_name(language: str | None = None) -> str:
    """The Babel locale of a Django language code (the active one by default): en-us -> en_US."""
    return _babel_locale(language or translation.get_language() or settings.LANGUAGE_CODE)


@cache
def _babel_locale(language: str) -> str:
    try:
        return str(Locale.parse(translation.to_locale(language)))
    except (UnknownLocaleError, ValueError):
        return "en"


def money(
    amount: Number | None, currency: str | None = None, *, whole: bool = False, locale=None
) -> str:
    """€12.90 (the store's currency unless named); `whole` drops the cents: €110,160."""
    if amount is None or amount == "":
        return BLANK
    currency = (currency or settings.STORE_CURRENCY).upper()
    return _money(str(amount), currency, locale or locale_name(), whole)


@lru_cache(maxsize=16_384)
def _money(amount: str, currency: str, locale: str, whole: bool) -> str:
    """format_currency, remembered: a catalog repeats a few thousand prices, and the checks
    write each one in every message and evidence of a sweep (Babel takes ~90 us a call)."""
    options = {"format": _whole_pattern(locale), "currency_digits": False} if whole else {}
    return format_currency(Decimal(amount), currency, locale=locale, **options)


@cache
def _whole_pattern(locale: str) -> str:
    """The locale's currency pattern without decimals: ¤#,##0 in English, #,##0 ¤ in French
    (the symbol where the locale puts it)."""
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return re.sub(r"\.0+", "", pattern)


def number(value: Number | None, places: int | None = None, *, locale=None) -> str:
    """17,898 / 2.45 with the locale's separators; `places` fixes the decimals shown."""
    if value is None or value == "":
        return BLANK
    if places is None:
        return format_decimal(value, locale=locale or locale_name())
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=locale or locale_name())


def _local(moment: datetime) -> datetime:
    if timezone.is_aware(moment):
        return timezone.localtime(moment)
    return moment


def day(value: date | datetime | None, *, locale=None) -> str:
    """A date: Mar 12, 2026."""
    if value is None:
        return BLANK
    if isinstance(value, datetime):
        value = _local(value)
    return format_skeleton("yMMMd", value, locale=locale or locale_name())


def when(moment: datetime | date | None, *, locale=None) -> str:
    """A moment, in the one style every page uses: Mar 12, 2026, 14:05 (local time)."""
    if moment is None:
        return BLANK
    if not isinstance(moment, datetime):
        return day(moment, locale=locale)
    loc = locale or locale_name()
    moment = _local(moment)
    date_part = format_skeleton("yMMMd", moment, locale=loc)
    return f"{date_part}, {format_skeleton('Hm', moment, locale=loc)}"


def ago(moment: datetime | None, now: datetime | None = None, *, locale=None) -> str:
    """How long ago or how far ahead, the way people scan a list: 3 hr. ago, in 2 days."""
    if moment is None:
        return BLANK
    delta: timedelta = moment - (now or timezone.now())
    if abs(delta) < timedelta(minutes=1):
        return translation.gettext("just now")
    return format_timedelta(
        delta, add_direction=True, format="short", threshold=1, locale=locale or locale_name()
    )


def duration(delta: timedelta, *, locale=None) -> str:
    """A length of time in its largest unit, without a direction: 3 hr, 2 days (3 h, 2 j).

    For sentences that say the direction themselves: "overdue by 2 days"."""
    return format_timedelta(abs(delta), format="short", threshold=1, locale=locale or locale_name())


def percent(value: Number | None, *, locale=None) -> str:
    """A percentage given in percent (20 for 20%): 20%, 12.5% (20 %, 12,5 % in French)."""
    if value is None or value == "":
        return BLANK
    return format_percent(
        Decimal(value) / 100, locale=locale or locale_name(), decimal_quantization=False
    )


def label(code: str | None) -> str:
    """An internal code as words: free_shipping -> Free shipping; 'at_risk' -> At risk."""
    if not code:
        return ""
    words = str(code).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:].lower()


def current_currencies() -> list[str]:
    """ISO 4217 currencies some territory uses today (no ADP, AFA or other retired codes)."""
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, tender=True))
    return sorted(codes)


def currency_label(code: str) -> str:
    """EUR · Euro (EUR · euro in French): the code, then the currency's name in the locale."""
    return f"{code} · {get_currency_name(code, locale=locale_name())}"


# Lazy: the choices are built once (model fields, forms made at import time), their labels
# are read in each reader's language.
_lazy_currency_label = lazy(currency_label, str)


def currency_choices(first: str | None = None) -> list[tuple[str, str]]:
    """(code, "EUR · Euro") for the current currencies, the store's currency first."""
    first = (first or settings.STORE_CURRENCY).upper()
    codes = current_currencies()
    ordered = [first] + [c for c in codes if c != first]
    return [(code, _lazy_currency_label(code)) for code in ordered]
