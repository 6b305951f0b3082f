"""Cell parsers: text in, a typed value out, or CellError naming what is wrong."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from common.db import MONEY_DIGITS, MONEY_PLACES

CENT = Decimal(1).scaleb(-MONEY_PLACES)
MONEY_MAX = Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES)
# "19,99": a decimal comma (European spreadsheets). "1,234" stays ambiguous and is refused.
DECIMAL_COMMA_RE = re.compile(r"^-?\d+,\d{1,2}$")
# What a spreadsheet makes of a long barcode: 3.65275E+11, the last digits gone for good.
SCIENTIFIC_RE = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
# An absolute http(s) address with a host and no spaces: what an image column must hold.
WEB_ADDRESS_RE = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
TRUE = {"true", "yes", "y", "1", "t"}
FALSE = {"false", "no", "n", "0", "f"}


class CellError(ValueError):
    """One cell cannot be used as it is."""


def text(value: str, max_length: int) -> str:
    if len(value) > max_length:
        raise CellError(
            _("is %(length)s characters long; at most %(limit)s fit.")
            % {"length": len(value), "limit": max_length}
        )
    return value


def money(value: str) -> Decimal:
    """A non-negative amount, rounded to the cent."""
    raw = value.replace("\u00a0", "").replace(" ", "")
    if DECIMAL_COMMA_RE.match(raw):
        raw = raw.replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise CellError(
            _("%(value)s is not an amount (write it like 19.99).") % {"value": repr(value)}
        ) from None
    if not amount.is_finite():
        raise CellError(_("%(value)s is not an amount.") % {"value": repr(value)})
    if amount < 0:
        raise CellError(_("%(value)s is negative.") % {"value": value})
    # Compared before rounding: quantize() raises InvalidOperation on a number with more
    # digits than the decimal context holds (1e30, 27 digits), which would stop the import.
    if amount >= MONEY_MAX:
        raise CellError(_too_large(value))
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if amount >= MONEY_MAX:  # 9999999999.999 rounds up past the largest amount
        raise CellError(_too_large(value))
    return amount


def _too_large(value: str) -> str:
    return _("%(value)s is too large (at most %(limit)s).") % {
        "value": value,
        "limit": MONEY_MAX - CENT,
    }


def optional_money(value: str) -> Decimal | None:
    return money(value) if value else None


def whole(value: str, *, allow_negative: bool = False) -> int:
    """A whole number; "12.0" (a spreadsheet's float) is accepted as 12."""
    try:
        number = Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        raise CellError(_("%(value)s is not a whole number.") % {"value": repr(value)}) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("%(value)s is not a whole number.") % {"value": repr(value)})
    if number < 0 and not allow_negative:
        raise CellError(_("%(value)s is negative.") % {"value": value})
    if abs(number) >= 2**62:
        raise CellError(_("%(value)s is too large.") % {"value": value})
    return int(number)


def boolean(value: str) -> bool:
    folded = value.casefold()
    if folded in TRUE:
        return True
    if folded in FALSE:
        return False
    raise CellError(_("%(value)s is neither true nor false.") % {"value": repr(value)})


def choice(value: str, choices: dict[str, str]) -> str:
    """One of `choices` (spelling -> stored value), compared case-insensitively."""
    found = choices.get(value.casefold())
    if found is None:
        raise CellError(
            _("%(value)s is not one of %(choices)s.")
            % {"value": repr(value), "choices": ", ".join(sorted(set(choices)))}
        )
    return found


def barcode(value: str) -> str:
    """The barcode as text, leading zeros kept; CellError when a spreadsheet mangled it."""
    if SCIENTIFIC_RE.match(value):
        raise CellError(
            _(
                "%(value)s is a barcode a spreadsheet turned into a number in scientific "
                "notation; its digits are lost. Format the column as text and export again."
            )
            % {"value": repr(value)}
        )
    return text(value, 64)


def weight(value: str) -> Decimal:
    """A non-negative weight (any unit), as a spreadsheet writes it."""
    raw = value.replace("\u00a0", "").replace(" ", "")
    if DECIMAL_COMMA_RE.match(raw):
        raw = raw.replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(
            _("%(value)s is not a weight (write it like 180 or 0.18).") % {"value": repr(value)}
        ) from None
    if not number.is_finite() or number < 0:
        raise CellError(_("%(value)s is not a weight.") % {"value": repr(value)})
    return number


def web_address(value: str) -> str:
    """An absolute http(s) address, as image columns hold."""
    if not WEB_ADDRESS_RE.match(value):
        raise CellError(
            _("%(value)s is not a web address (https://...).") % {"value": repr(value[:80])}
        )
    return value


def moment(value: str) -> datetime:
    """An ISO 8601 date or date-time; a bare date is midnight in the project's time zone."""
    try:
        parsed = parse_datetime(value.replace(" ", "T", 1) if "T" not in value else value)
    except ValueError:
        parsed = None
    if parsed is None:
        day = day_of(value)
        parsed = datetime.combine(day, time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def day_of(value: str) -> date:
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise CellError(
            _("%(value)s is not a date (write it as YYYY-MM-DD).") % {"value": repr(value)}
        )
    return parsed
