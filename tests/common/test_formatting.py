"""One formatting layer: money, numbers, dates, relative times and codes as people read them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from common import formatting
from common.db import CURRENCY_CHOICES

MOMENT = datetime(2026, 3, 12, 14, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        (Decimal("12.90"), "EUR", "en-us", "€12.90"),
        (Decimal("1234.5"), "USD", "en-us", "$1,234.50"),
        (Decimal("12.90"), "EUR", "fr", "12,90\u00a0€"),
        (None, "EUR", "en-us", "—"),
    ],
)
def test_money_is_written_in_the_users_locale(amount, currency, language, expected):
    with translation.override(language):
        assert formatting.money(amount, currency) == expected


def test_money_defaults_to_the_store_currency_and_can_drop_cents(settings):
    settings.STORE_CURRENCY = "EUR"
    assert formatting.money(Decimal("110160.40"), whole=True) == "€110,160"
    assert formatting.money(Decimal("0")) == "€0.00"


def test_numbers_have_thousands_separators():
    assert formatting.number(17898) == "17,898"
    assert formatting.number(Decimal("2.456"), 2) == "2.46"
    assert formatting.number(None) == "—"


def test_dates_in_one_style_in_the_local_time_zone(settings):
    settings.TIME_ZONE = "Europe/Paris"
    with translation.override("en-us"):
        assert formatting.when(MOMENT) == "Mar 12, 2026, 15:05"
        assert formatting.day(MOMENT) == "Mar 12, 2026"


def test_relative_times_for_scanning():
    now = MOMENT
    assert formatting.ago(now - timedelta(hours=3), now) == "3 hr. ago"
    assert formatting.ago(now + timedelta(days=2), now) == "in 2 days"
    assert formatting.ago(now - timedelta(seconds=5), now) == "just now"


def test_ago_filter_keeps_the_absolute_moment_on_hover(settings):
    settings.TIME_ZONE = "UTC"
    html = Template("{% load formatting %}{{ moment|ago }}").render(Context({"moment": MOMENT}))
    assert html.startswith(
        '<time datetime="2026-03-12T14:05:00+00:00" title="Mar 12, 2026, 14:05">'
    )


def test_codes_read_as_words():
    assert formatting.label("free_shipping") == "Free shipping"
    assert formatting.label("at_risk") == "At risk"


def test_currency_picker_lists_current_currencies_store_currency_first(settings):
    codes = [code for code, _ in CURRENCY_CHOICES]
    assert codes[0] == settings.STORE_CURRENCY
    assert {"EUR", "USD", "GBP", "JPY", "CHF"} <= set(codes)
    # Retired codes (Andorran peseta, old afghani, French franc) are not offered.
    assert not {"ADP", "AFA", "FRF", "DEM"} & set(codes)
    assert dict(CURRENCY_CHOICES)["EUR"] == "EUR · Euro"
