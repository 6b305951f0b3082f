from __future__ import annotations

from decimal import Decimal

import pytest

from integrations import services
from integrations.choices import IssueKind
from integrations.models import ExternalRef
from integrations.sync.shopify_delivery import kind_from_name
from promises.choices import ShippingKind
from promises.models import ShippingMethod
from tests.integrations.fakes import delivery_profile, rate, zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles(shopify):
    shopify.profiles = [
        delivery_profile(
            1,
            [
                zone(
                    1,
                    "France",
                    ["FR"],
                    [
                        rate(1, "Standard", "4.90"),
                        rate(2, "Free shipping", "0.00", minimum="50.00"),
                        rate(3, "Express 24h", "9.90"),
                    ],
                ),
                zone(2, "Benelux", ["BE", "NL", "LU"], [rate(4, "Standard", "6.90")]),
            ],
        )
    ]
    return shopify


def test_rates_become_shipping_methods_with_countries_prices_and_thresholds(store, profiles):
    run = services.sync_connection(store.pk)

    methods = {m.name: m for m in ShippingMethod.objects.all()}
    assert set(methods) == {"Standard (France)", "Express 24h", "Standard (Benelux)"}
    france = methods["Standard (France)"]
    assert [str(c) for c in france.countries] == ["FR"]
    assert (france.price, france.currency, france.kind) == (
        Decimal("4.90"),
        "EUR",
        ShippingKind.STANDARD,
    )
    # "Free shipping from 50" is the threshold of the zone's standard rate, not a method.
    assert france.free_shipping_threshold == Decimal("50.00")
    express = methods["Express 24h"]
    assert express.kind == ShippingKind.NEXT_DAY and express.free_shipping_threshold is None
    benelux = methods["Standard (Benelux)"]
    assert sorted(str(c) for c in benelux.countries) == ["BE", "LU", "NL"]
    # New methods get the slow default days and are listed until someone sets them.
    assert (france.min_days, france.max_days) == (3, 10)
    needing = [i for i in run.issues.all() if "needs its delivery days" in i.message]
    assert len(needing) == 3
    assert ExternalRef.objects.filter(connection=store, kind="delivery_method").count() == 3


def test_days_set_by_ops_are_never_overwritten_and_no_longer_listed(store, profiles):
    services.sync_connection(store.pk)
    method = ShippingMethod.objects.get(name="Standard (France)")
    method.min_days, method.max_days = 1, 2
    method.save()
    profiles.profiles[0]["profileLocationGroups"][0]["locationGroupZones"]["nodes"][0][
        "methodDefinitions"
    ]["nodes"][0] = rate(1, "Standard", "5.50")

    run = services.sync_connection(store.pk)

    method.refresh_from_db()
    assert (method.min_days, method.max_days, method.price) == (1, 2, Decimal("5.50"))
    needing = [i.external_id for i in run.issues.all() if "needs its delivery days" in i.message]
    assert "Standard (France)" not in needing and len(needing) == 2


def test_a_second_sync_changes_nothing_and_a_removed_rate_is_switched_off(store, profiles):
    services.sync_connection(store.pk)
    stamps = dict(ShippingMethod.objects.values_list("pk", "updated_at"))

    services.sync_connection(store.pk)
    assert dict(ShippingMethod.objects.values_list("pk", "updated_at")) == stamps

    zones = profiles.profiles[0]["profileLocationGroups"][0]["locationGroupZones"]["nodes"]
    del zones[1]
    services.sync_connection(store.pk)
    gone = ShippingMethod.objects.get(name="Standard (Benelux)")
    assert not gone.enabled_in_checkout
    assert ShippingMethod.objects.get(name="Standard (France)").enabled_in_checkout


def test_a_method_keyed_in_by_hand_is_adopted_with_its_days(store, shopify):
    manual = ShippingMethod.objects.create(
        name="Colissimo",
        countries=["FR"],
        min_days=2,
        max_days=4,
        price=Decimal("5"),
        currency="EUR",
    )
    shopify.profiles = [
        delivery_profile(1, [zone(1, "France", ["FR", "MC"], [rate(9, "Colissimo", "4.50")])])
    ]

    run = services.sync_connection(store.pk)

    manual.refresh_from_db()
    assert ShippingMethod.objects.count() == 1
    assert (manual.min_days, manual.max_days, manual.price) == (2, 4, Decimal("4.50"))
    assert sorted(str(c) for c in manual.countries) == ["FR", "MC"]
    assert not [i for i in run.issues.all() if "needs its delivery days" in i.message]


def test_carrier_rates_and_zones_without_countries_are_listed(store, shopify):
    carrier = rate(5, "UPS", "0.00")
    carrier["rateProvider"] = {
        "__typename": "DeliveryParticipant",
        "id": "gid://shopify/DeliveryParticipant/1",
    }
    shopify.profiles = [
        delivery_profile(
            1,
            [
                zone(1, "France", ["FR"], [carrier]),
                zone(2, "Nowhere", [], [rate(6, "Mail", "1.00")]),
            ],
        )
    ]

    run = services.sync_connection(store.pk)

    assert not ShippingMethod.objects.exists()
    issues = {(i.kind, i.external_id) for i in run.issues.all()}
    assert (IssueKind.UNKNOWN_FIELD, "gid://shopify/DeliveryMethodDefinition/5") in issues
    assert (IssueKind.MALFORMED, "gid://shopify/DeliveryMethodDefinition/6") in issues


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Standard", ShippingKind.STANDARD),
        ("Livraison Express", ShippingKind.EXPRESS),
        ("Same day Paris", ShippingKind.SAME_DAY),
        ("Point relais", ShippingKind.PICKUP),
        ("Economy", ShippingKind.ECONOMY),
    ],
)
def test_the_kind_comes_from_the_name(name, kind):
    assert kind_from_name(name) == kind
