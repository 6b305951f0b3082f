from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from promises.models import Conflict, PromoCode, ShippingMethod
from tests.db import refused
from tests.factories import (
    CampaignFactory,
    CheckoutCountryFactory,
    ConflictFactory,
    PromoCodeFactory,
    ShippingMethodFactory,
    ShippingOverrideFactory,
)

pytestmark = pytest.mark.django_db


def test_shipping_min_days_cannot_exceed_max_days():
    with refused():
        ShippingMethodFactory(min_days=5, max_days=3)


def test_shipping_countries_are_iso_codes():
    method = ShippingMethodFactory(countries=["FR", "BE"])
    with refused():
        ShippingMethod.objects.filter(pk=method.pk).update(countries="FR,Belgium")


def test_shipping_override_cannot_end_before_it_starts():
    today = timezone.localdate()
    with refused():
        ShippingOverrideFactory(starts_on=today, ends_on=today - timedelta(days=1))


def test_one_checkout_row_per_country():
    CheckoutCountryFactory(country="FR")
    with refused():
        from promises.models import CheckoutCountry

        CheckoutCountry.objects.create(country="FR")


def test_promo_codes_are_unique_whatever_the_case():
    PromoCodeFactory(code="SUMMER20")
    with refused():
        PromoCodeFactory(code="summer20")


def test_promo_code_cannot_end_before_it_starts():
    with refused():
        PromoCodeFactory(ends_at=timezone.now() - timedelta(days=30))


@pytest.mark.parametrize(
    ("kind", "value"),
    [("percentage", Decimal("120")), ("percentage", Decimal("0")), ("fixed", Decimal("-5"))],
)
def test_promo_code_values_must_make_sense(kind, value):
    with refused():
        PromoCodeFactory(kind=kind, value=value)


def test_promo_code_usage_cannot_be_negative():
    code = PromoCodeFactory()
    with refused():
        PromoCode.objects.filter(pk=code.pk).update(usage_count=-1)


def test_one_conflict_per_rule_campaign_and_scope():
    conflict = ConflictFactory(scope="sku:1")
    ConflictFactory(campaign=conflict.campaign, scope="sku:2")
    ConflictFactory(campaign=conflict.campaign, scope="sku:1", rule_code="STOCK_SHORT")
    with refused():
        ConflictFactory(campaign=conflict.campaign, scope="sku:1")


def test_a_waiver_needs_a_reason_and_an_expiry():
    conflict = ConflictFactory()
    with refused():
        Conflict.objects.filter(pk=conflict.pk).update(state="waived")
    with refused():
        Conflict.objects.filter(pk=conflict.pk).update(
            state="waived", waived_until=timezone.now() + timedelta(days=1), waiver_reason=""
        )
    Conflict.objects.filter(pk=conflict.pk).update(
        state="waived",
        waived_until=timezone.now() + timedelta(days=1),
        waiver_reason="Restock confirmed by the supplier for Tuesday",
    )
    assert Conflict.objects.get(pk=conflict.pk).state == "waived"


@pytest.mark.parametrize(("field", "value"), [("state", "closed"), ("severity", "critical")])
def test_conflict_state_and_severity_are_from_the_list(field, value):
    conflict = ConflictFactory()
    with refused():
        Conflict.objects.filter(pk=conflict.pk).update(**{field: value})


def test_conflicts_go_with_their_campaign():
    campaign = CampaignFactory()
    ConflictFactory(campaign=campaign)
    campaign.delete()
    assert Conflict.objects.count() == 0
