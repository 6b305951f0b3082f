from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from campaigns.choices import CampaignStatus
from integrations import services
from integrations.choices import IssueKind, SyncRunStatus
from integrations.models import ExternalRef
from promises.choices import AppliesTo, DiscountKind
from promises.models import Conflict, PromoCode
from tests.factories import CampaignFactory
from tests.integrations.fakes import discount, discount_products

pytestmark = pytest.mark.django_db


def test_codes_arrive_with_value_dates_limits_and_scope(store, shopify):
    shopify.discounts = [
        discount(1, "SUMMER20", percentage=0.2, ends="2025-08-31T21:59:59Z", limit=500, used=42),
        discount(2, "TENOFF", percentage=None, amount="10.00", ends=None),
        discount(3, "SHIRTS", items=discount_products(products=[1])),
        discount(4, "ONEVARIANT", items=discount_products(variants=[21])),
        discount(5, "OLD", status="EXPIRED", ends="2025-06-30T00:00:00Z"),
    ]

    run = services.sync_connection(store.pk)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    summer = PromoCode.objects.get(code="SUMMER20")
    assert (summer.kind, summer.value, summer.usage_limit, summer.usage_count) == (
        DiscountKind.PERCENTAGE,
        Decimal("20.00"),
        500,
        42,
    )
    assert summer.starts_at == datetime(2025, 6, 1, tzinfo=UTC)
    assert summer.ends_at == datetime(2025, 8, 31, 21, 59, 59, tzinfo=UTC)
    assert summer.active and summer.applies_to == AppliesTo.ALL
    tenoff = PromoCode.objects.get(code="TENOFF")
    assert (tenoff.kind, tenoff.value, tenoff.currency, tenoff.ends_at) == (
        DiscountKind.FIXED,
        Decimal("10.00"),
        "EUR",
        None,
    )
    shirts = PromoCode.objects.get(code="SHIRTS")
    assert shirts.applies_to == AppliesTo.PRODUCTS
    assert list(shirts.products.values_list("shopify_product_id", flat=True)) == [1]
    one = PromoCode.objects.get(code="ONEVARIANT")
    assert one.applies_to == AppliesTo.SKUS
    assert list(one.skus.values_list("shopify_variant_id", flat=True)) == [21]
    assert not PromoCode.objects.get(code="OLD").active
    assert ExternalRef.objects.filter(connection=store, kind="discount").count() == 5


def test_a_second_sync_changes_no_code_and_a_changed_limit_is_updated(store, shopify):
    shopify.discounts = [discount(1, "SUMMER20", limit=500, used=42)]
    services.sync_connection(store.pk)
    stamp = PromoCode.objects.get().updated_at

    run = services.sync_connection(store.pk)
    assert PromoCode.objects.get().updated_at == stamp
    assert run.updated == 0

    shopify.discounts = [discount(1, "SUMMER20", limit=500, used=499)]
    run = services.sync_connection(store.pk)
    assert run.updated == 1 and PromoCode.objects.get().usage_count == 499


def test_a_code_keyed_in_by_hand_is_adopted_and_keeps_its_channels(store, shopify):
    from tests.factories import ChannelFactory

    channel = ChannelFactory()
    manual = PromoCode.objects.create(
        code="summer20",
        kind=DiscountKind.PERCENTAGE,
        value=Decimal("15"),
        currency="EUR",
        starts_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    manual.channels.add(channel)
    shopify.discounts = [discount(1, "SUMMER20")]

    services.sync_connection(store.pk)

    assert PromoCode.objects.count() == 1
    manual.refresh_from_db()
    assert manual.value == Decimal("20.00") and list(manual.channels.all()) == [channel]


def test_a_code_gone_from_shopify_is_switched_off_and_rechecks_its_campaign(store, shopify, commit):
    shopify.discounts = [discount(1, "SUMMER20")]
    services.sync_connection(store.pk)
    campaign = CampaignFactory(status=CampaignStatus.SCHEDULED, promo_code="SUMMER20")
    shopify.discounts = []

    with commit():
        services.sync_connection(store.pk)

    assert not PromoCode.objects.get(code="SUMMER20").active
    conflict = Conflict.objects.get(campaign=campaign, rule_code="PROMO_CODE_INVALID")
    assert "it is inactive" in conflict.message


def test_free_shipping_codes_and_collections_are_listed_not_guessed(store, shopify):
    shopify.discounts = [
        discount(1, "SHIPFREE", typename="DiscountCodeFreeShipping"),
        discount(2, "COLL", items={"__typename": "DiscountCollections"}),
        discount(3, "BROKEN", percentage=1.5),
    ]

    run = services.sync_connection(store.pk)

    assert not PromoCode.objects.filter(code="SHIPFREE").exists()
    coll = PromoCode.objects.get(code="COLL")
    assert coll.applies_to == AppliesTo.PRODUCTS and not coll.products.exists()
    issues = {(i.kind, i.external_id) for i in run.issues.all()}
    assert (IssueKind.UNKNOWN_FIELD, "gid://shopify/DiscountCodeNode/1") in issues
    assert (IssueKind.UNKNOWN_FIELD, "gid://shopify/DiscountCodeNode/2") in issues
    assert (IssueKind.MALFORMED, "gid://shopify/DiscountCodeNode/3") in issues
    assert run.status == SyncRunStatus.PARTIAL
