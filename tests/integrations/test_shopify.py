from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.choices import CampaignStatus
from catalog.models import SKU, Location, Product, StockLevel
from integrations import services
from integrations.choices import ConnectionStatus, IssueKind, SyncRunStatus
from integrations.models import SyncRun
from integrations.sync.base import Tally
from integrations.sync.shopify import sync_shopify
from promises.models import Conflict
from tests.factories import CampaignFactory, CampaignItemFactory, ProductFactory, SKUFactory
from tests.integrations.fakes import SHOPIFY_TOKEN, THROTTLED, cost, level, now_iso, variant

pytestmark = pytest.mark.django_db


def test_a_sync_reads_products_variants_locations_and_stock(store, shopify):
    run = services.sync_connection(store.pk)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    # 2 products + 3 variants + 1 location + 3 stock levels.
    assert (run.created, run.updated, run.unchanged, run.errors) == (9, 0, 0, 0)
    shirt = Product.objects.get(shopify_product_id=1)
    assert (shirt.handle, shirt.title, shirt.status, shirt.published) == (
        "product-1",
        "Product 1",
        "active",
        True,
    )
    assert shirt.tags == "summer, cotton" and shirt.option1_name == "Size"
    sku = SKU.objects.get(shopify_variant_id=11)
    assert (sku.code, sku.price, sku.option1, sku.shopify_inventory_item_id, sku.product) == (
        "SHIRT-11",
        Decimal("25.00"),
        "S11",
        11,
        shirt,
    )
    paris = Location.objects.get(shopify_location_id=7)
    assert (paris.name, str(paris.country), paris.active) == ("Entrepôt Paris", "FR", True)
    held = StockLevel.objects.get(sku__shopify_variant_id=12, location=paris)
    assert (held.available, held.on_hand, held.committed) == (0, 3, 3)
    # The variant count (a small store: pages), then pages of two: the three variants and
    # the three stock levels each took a second page; then codes and delivery profiles.
    assert run.requests == 1 + 1 + 2 + 1 + 2 + 1 + 1
    assert set(shopify.tokens_seen) == {SHOPIFY_TOKEN}
    store.refresh_from_db()
    assert store.status == ConnectionStatus.ACTIVE and store.last_sync_at and store.next_sync_at


def test_a_second_sync_changes_nothing(store, shopify):
    services.sync_connection(store.pk)
    stamps = dict(SKU.objects.values_list("pk", "updated_at"))
    shopify.queries.clear()

    run = services.sync_connection(store.pk)

    # Incremental: no product changed since the first run, so only the location and the
    # three stock levels (read whole each time) come back, unchanged.
    assert (run.created, run.updated, run.unchanged, run.errors) == (0, 0, 4, 0)
    assert dict(SKU.objects.values_list("pk", "updated_at")) == stamps


def test_a_full_sync_rereads_everything_and_changes_nothing(store, shopify):
    services.sync_connection(store.pk)
    run = SyncRun.objects.create(connection=store, started_at=timezone.now())

    tally = Tally(run)
    sync_shopify(store, tally, full=True)

    assert (tally.created, tally.updated, tally.unchanged, tally.errors) == (0, 0, 9, 0)
    assert not any("updated_at" in q for q in shopify.queries if "query:" in q)


def test_rows_imported_before_are_adopted_by_handle_and_sku_code(store, shopify):
    old = ProductFactory(handle="product-1")
    sku = SKUFactory(product=old, code="SHIRT-11", price=Decimal("19.00"))

    run = services.sync_connection(store.pk)

    sku.refresh_from_db()
    old.refresh_from_db()
    assert old.shopify_product_id == 1 and sku.shopify_variant_id == 11
    assert sku.price == Decimal("25.00")
    assert Product.objects.count() == 2 and run.updated == 2


def test_a_changed_price_shows_up_at_the_next_sync_and_rechecks_the_campaign(
    store, shopify, commit
):
    services.sync_connection(store.pk)
    sku = SKU.objects.get(shopify_variant_id=11)
    item = CampaignItemFactory(
        sku=sku,
        announced_price=Decimal("25.00"),
        campaign=CampaignFactory(status=CampaignStatus.SCHEDULED),
    )
    assert not Conflict.objects.filter(campaign=item.campaign, rule_code="PRICE_MISMATCH").exists()
    shopify.variants[0] = variant(11, 1, price="29.00", updatedAt=now_iso())

    with commit():
        run = services.sync_connection(store.pk)

    # Only the changed variant is read again (plus the location and stock, read whole).
    assert (run.updated, run.unchanged) == (1, 4)
    sku.refresh_from_db()
    assert sku.price == Decimal("29.00")
    assert Conflict.objects.filter(campaign=item.campaign, rule_code="PRICE_MISMATCH").exists()


def test_stock_changes_show_up(store, shopify):
    services.sync_connection(store.pk)
    shopify.levels["gid://shopify/Location/7"][0] = level(11, 1)

    run = services.sync_connection(store.pk)

    assert run.updated == 1
    assert StockLevel.objects.get(sku__shopify_variant_id=11).available == 1


def test_a_429_is_retried_after_retry_after_and_a_throttled_answer_after_the_refill(
    store, shopify, slept
):
    shopify.queued.append((429, {"errors": "Exceeded 2 calls per second"}, {"Retry-After": "3"}))
    shopify.queued.append((200, THROTTLED, {}))

    run = services.sync_connection(store.pk)

    assert run.status == SyncRunStatus.SUCCEEDED and run.created == 9
    # Retry-After: 3 s; THROTTLED: (752 requested - 452 available) / 100 restored per s.
    assert slept[:2] == [3.0, 3.0]
    assert run.requests == 9 + 2


def test_a_low_bucket_slows_the_next_query_down(store, shopify, slept):
    shopify.queued.append(
        (
            200,
            {
                "data": {"productVariantsCount": {"count": 3, "precision": "EXACT"}},
                "extensions": cost(requested=300, available=100.0, restore=50.0),
            },
            {},
        )
    )

    services.sync_connection(store.pk)

    assert slept[0] == 4.0  # (300 - 100) / 50


def test_an_invalid_token_asks_for_a_reconnect(store, shopify):
    shopify.queued.append((401, {"errors": "[API] Invalid API key or access token"}, {}))

    run = services.sync_connection(store.pk)

    store.refresh_from_db()
    assert run.status == SyncRunStatus.FAILED
    assert store.status == ConnectionStatus.RECONNECT_NEEDED
    assert "Reconnect the store" in store.last_error
    assert SHOPIFY_TOKEN not in store.last_error


def test_server_errors_are_retried_then_reported(store, shopify, slept):
    for _ in range(5):
        shopify.queued.append((503, {"errors": "unavailable"}, {}))

    run = services.sync_connection(store.pk)

    store.refresh_from_db()
    assert run.status == SyncRunStatus.FAILED and store.status == ConnectionStatus.FAILING
    assert "503" in run.error and run.requests == 5
    assert slept == [2.0, 4.0, 8.0, 16.0]


def test_a_malformed_variant_is_recorded_and_the_rest_applied(store, shopify):
    shopify.variants[1] = variant(12, 1, price="twelve")
    shopify.variants.append(variant(99, 404))

    run = services.sync_connection(store.pk)

    assert run.status == SyncRunStatus.PARTIAL and run.errors == 1
    assert SKU.objects.filter(shopify_variant_id__in=[11, 21]).count() == 2
    assert not SKU.objects.filter(shopify_variant_id=12).exists()
    issues = {(i.kind, i.external_id): i.message for i in run.issues.all()}
    assert (
        "price must be a number" in issues[(IssueKind.MALFORMED, "gid://shopify/ProductVariant/12")]
    )
    assert (IssueKind.UNMATCHED, "gid://shopify/ProductVariant/99") in issues
    # Stock for the variant that was refused has no SKU: listed, not dropped.
    assert (IssueKind.UNMATCHED, "gid://shopify/InventoryItem/12") in issues


def test_a_paused_connection_is_not_due(store):
    services.pause_connection(store)

    assert not services.due_connections(store.next_sync_at).exists()
