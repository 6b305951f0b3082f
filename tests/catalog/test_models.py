"""Integrity lives in the database: bad rows are refused by constraints, not only by forms."""

from decimal import Decimal

import pytest

from catalog.models import SKU, StockLevel
from tests.db import refused
from tests.factories import LocationFactory, ProductFactory, SKUFactory, StockLevelFactory

pytestmark = pytest.mark.django_db


def test_sku_codes_are_unique():
    SKUFactory(code="SERUM-30")
    with refused():
        SKUFactory(code="SERUM-30")


def test_variants_without_sku_code_may_coexist():
    product = ProductFactory()
    SKUFactory(code="", product=product, option1="S")
    SKUFactory(code="", product=product, option1="M")
    assert SKU.objects.filter(code="").count() == 2


def test_one_variant_per_option_combination():
    product = ProductFactory()
    SKUFactory(product=product, option1="Red", option2="S")
    with refused():
        SKUFactory(product=product, option1="Red", option2="S")


@pytest.mark.parametrize("field", ["price", "compare_at_price", "unit_cost"])
def test_money_cannot_be_negative(field):
    sku = SKUFactory()
    with refused():
        SKU.objects.filter(pk=sku.pk).update(**{field: Decimal("-0.01")})


@pytest.mark.parametrize("currency", ["eur", "EURO", "E1R", ""])
def test_currency_must_be_an_iso_code(currency):
    with refused():
        SKUFactory(currency=currency)


def test_one_stock_row_per_sku_and_location():
    level = StockLevelFactory()
    with refused():
        StockLevelFactory(sku=level.sku, location=level.location)


@pytest.mark.parametrize("field", ["on_hand", "committed", "available", "incoming"])
def test_stock_quantities_cannot_be_negative(field):
    level = StockLevelFactory(on_hand=5, available=5)
    with refused():
        StockLevel.objects.filter(pk=level.pk).update(**{field: -1})


def test_available_cannot_exceed_on_hand():
    with refused():
        StockLevelFactory(on_hand=3, available=4)


@pytest.mark.parametrize("country", ["F", "1A", "F R", ""])
def test_location_country_must_be_an_iso_code(country):
    with refused():
        LocationFactory(country=country)


@pytest.mark.parametrize("written", ["fr", "FRA", "FR"])
def test_country_codes_are_stored_as_alpha2(written):
    location = LocationFactory(country=written)
    location.refresh_from_db()
    assert location.country.code == "FR"


def test_restricted_countries_are_iso_codes():
    ProductFactory(restricted_countries=["US", "CA"])
    with refused():
        ProductFactory(restricted_countries="US;ca")


def test_available_sums_every_location():
    sku = SKUFactory()
    StockLevelFactory(sku=sku, on_hand=10, available=7)
    StockLevelFactory(sku=sku, on_hand=4, available=4)
    empty = SKUFactory()
    rows = dict(SKU.objects.annotate_available().values_list("code", "available"))
    assert rows == {sku.code: 11, empty.code: 0}
