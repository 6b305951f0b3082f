"""Shared field types and database constraints, so integrity lives in the database.

Money is a Decimal amount beside an ISO 4217 currency code; countries are ISO 3166-1
alpha-2 codes (django-countries validates them against the list in forms, the check
constraints below refuse malformed codes from any writer).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Regex

from common.formatting import currency_choices

MONEY_DIGITS = 12
MONEY_PLACES = 2

CURRENCY_RE = r"^[A-Z]{3}$"
COUNTRY_RE = r"^[A-Z]{2}$"
# django-countries stores a multiple-country field as "FR,DE,US".
COUNTRY_LIST_RE = r"^([A-Z]{2}(,[A-Z]{2})*)?$"

# Current ISO 4217 currencies, the store's first: the picker opens on the likely one and
# offers no retired code (ADP, AFA...).
CURRENCY_CHOICES = currency_choices()


def default_currency() -> str:
    return settings.STORE_CURRENCY


class MoneyField(models.DecimalField):
    """A non-negative amount of money with two decimal places."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_PLACES)
        kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "common.db.MoneyField", args, kwargs


class CurrencyField(models.CharField):
    """An ISO 4217 currency code (EUR, USD...)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("default", default_currency)
        kwargs.setdefault("choices", CURRENCY_CHOICES)
        kwargs.setdefault("validators", [RegexValidator(CURRENCY_RE, "Use an ISO 4217 code.")])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        # The choice list comes from Babel; keep it out of migrations.
        kwargs.pop("choices", None)
        return name, "common.db.CurrencyField", args, kwargs


# The checks use the Regex lookup on F() rather than `field__regex`: CountryField rewrites
# lookup values through its country list, which turns a pattern into an empty condition.
def currency_check(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Regex(F(field), CURRENCY_RE), name=name)


def country_check(field: str, name: str, *, blank: bool = False) -> models.CheckConstraint:
    condition = Q(Regex(F(field), COUNTRY_RE))
    if blank:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)


def country_list_check(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Regex(F(field), COUNTRY_LIST_RE), name=name)


def non_negative(field: str, name: str) -> models.CheckConstraint:
    """`field` >= 0; NULL passes (a missing value is not a negative one)."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True}), name=name
    )


def non_negative_all(model: str, *fields: str) -> list[models.CheckConstraint]:
    return [non_negative(field, f"{model}_{field}_gte_0") for field in fields]
