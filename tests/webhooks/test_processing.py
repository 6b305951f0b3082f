"""Applying the inbox: products/update, inventory_levels/update, staleness, failures, sweep."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from catalog.choices import DeliveryStatus, StockSource
from catalog.models import SKU, Product, StockLevel, WebhookDelivery
from catalog.webhooks.inbox import INVENTORY_LEVELS_UPDATE, PRODUCTS_UPDATE
from catalog.webhooks.services import process_inbox, requeue_deliveries
from promises.choices import ConflictState
from promises.models import Conflict
from tests.factories import LocationFactory, SKUFactory, StockLevelFactory

pytestmark = pytest.mark.django_db

ITEM_ID = 271878346596884015
LOCATION_ID = 24826418


def _deliver(post_webhook, django_capture_on_commit_callbacks, body, topic, **kwargs):
    """Post and run what the request enqueued on commit (the task, in-process)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(body, topic, **kwargs)
    assert response.status_code == 200
    return response


def _level_payload(available: int, updated_at: str) -> bytes:
    return json.dumps(
        {
            "inventory_item_id": ITEM_ID,
            "location_id": LOCATION_ID,
            "available": available,
            "updated_at": updated_at,
        }
    ).encode()


@pytest.fixture
def mapped_sku(db):
    sku = SKUFactory(code="TEE-S", shopify_inventory_item_id=ITEM_ID)
    location = LocationFactory(name="Main", shopify_location_id=LOCATION_ID)
    return sku, location


def test_full_shape_products_update_creates_product_and_skus(
    samples, post_webhook, django_capture_on_commit_callbacks
):
    body = (samples / "products_update.full_shape_sample.json").read_bytes()
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, PRODUCTS_UPDATE)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_error, delivery.attempts) == ("processed", "", 1)
    product = Product.objects.get(shopify_product_id=788032119674292922)
    assert product.handle == "example-t-shirt"
    assert (product.title, product.vendor) == ("Example T-Shirt", "Acme")
    assert product.description == "An example T-Shirt"
    skus = {s.shopify_variant_id: s for s in product.skus.all()}
    small = skus[642667041472713922]
    assert (small.option1, small.price, small.compare_at_price) == (
        "Small",
        Decimal("19.99"),
        Decimal("24.99"),
    )
    assert small.code == ""  # "sku": null in the payload
    assert skus[757650484644203962].option1 == "Medium"


def test_products_update_changes_price_status_and_inventory_item_of_known_skus(
    post_webhook, django_capture_on_commit_callbacks
):
    sku = SKUFactory(code="TSHIRT-001", price=Decimal("35.00"))
    payload = {
        "id": 9554194432293,
        "title": "T-Shirt",
        "status": "draft",
        "updated_at": "2025-04-22T14:30:00-05:00",
        "variants": [
            {
                "id": 123456789,
                "sku": "TSHIRT-001",
                "price": "29.99",
                "compare_at_price": None,
                "inventory_item_id": 555,
                "barcode": "3662661000011",
                "inventory_policy": "continue",
            }
        ],
    }
    body = json.dumps(payload).encode()
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, PRODUCTS_UPDATE)
    sku.refresh_from_db()
    assert sku.price == Decimal("29.99")
    assert sku.shopify_variant_id == 123456789
    assert sku.shopify_inventory_item_id == 555
    assert sku.barcode == "3662661000011"
    assert sku.inventory_policy == "continue"
    assert sku.product.status == "draft"
    assert sku.product.shopify_product_id == 9554194432293


def test_docs_example_matches_the_sku_by_code(
    samples, post_webhook, django_capture_on_commit_callbacks
):
    sku = SKUFactory(code="TSHIRT-001", price=Decimal("10.00"))
    body = (samples / "products_update.docs_example.json").read_bytes()
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, PRODUCTS_UPDATE)
    sku.refresh_from_db()
    assert sku.price == Decimal("29.99")
    assert SKU.objects.count() == 1


def test_sample_inventory_level_sets_stock_through_the_item_map(
    samples, mapped_sku, post_webhook, django_capture_on_commit_callbacks
):
    sku, location = mapped_sku
    with time_machine.travel("2021-06-01T00:00:00Z"):  # counted before the sample's change
        StockLevelFactory(sku=sku, location=location, on_hand=50, committed=5, available=45)
    body = (samples / "inventory_levels_update.sample.json").read_bytes()
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, INVENTORY_LEVELS_UPDATE)
    level = StockLevel.objects.get(sku=sku, location=location)
    assert (level.available, level.on_hand, level.source) == (10, 15, StockSource.WEBHOOK)
    delivery = WebhookDelivery.objects.get()
    assert delivery.resource_key == f"inventory:{ITEM_ID}:{LOCATION_ID}"


def test_inventory_level_creates_the_stock_row_when_missing(
    mapped_sku, post_webhook, django_capture_on_commit_callbacks
):
    sku, location = mapped_sku
    body = _level_payload(7, "2026-01-01T00:00:00Z")
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, INVENTORY_LEVELS_UPDATE)
    assert StockLevel.objects.get(sku=sku, location=location).available == 7


def test_oversold_negative_available_is_stored_as_zero(
    mapped_sku, post_webhook, django_capture_on_commit_callbacks
):
    sku, location = mapped_sku
    body = _level_payload(-3, "2026-01-01T00:00:00Z")
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, INVENTORY_LEVELS_UPDATE)
    assert StockLevel.objects.get(sku=sku, location=location).available == 0


def test_stale_inventory_update_is_skipped(
    mapped_sku, post_webhook, django_capture_on_commit_callbacks
):
    sku, location = mapped_sku
    newer = _level_payload(3, "2026-01-02T00:00:00Z")
    older = _level_payload(80, "2026-01-01T00:00:00Z")
    _deliver(post_webhook, django_capture_on_commit_callbacks, newer, INVENTORY_LEVELS_UPDATE)
    _deliver(post_webhook, django_capture_on_commit_callbacks, older, INVENTORY_LEVELS_UPDATE)
    assert StockLevel.objects.get(sku=sku, location=location).available == 3
    stale = WebhookDelivery.objects.get(status=DeliveryStatus.IGNORED)
    assert stale.last_error.startswith("Stale")


def test_stale_product_update_is_skipped(post_webhook, django_capture_on_commit_callbacks):
    def payload(price: str, updated: str) -> bytes:
        variant = {"id": 1, "sku": "A-1", "price": price}
        return json.dumps({"id": 9, "title": "A", "updated_at": updated, "variants": [variant]})

    newer, older = payload("12.00", "2026-01-02T00:00Z"), payload("99.00", "2026-01-01T00:00Z")
    for body in (newer, older):
        _deliver(post_webhook, django_capture_on_commit_callbacks, body.encode(), PRODUCTS_UPDATE)
    assert SKU.objects.get(code="A-1").price == Decimal("12.00")


def test_not_json_after_a_valid_signature_is_stored_and_failed_with_a_clear_error(
    post_webhook, django_capture_on_commit_callbacks
):
    _deliver(post_webhook, django_capture_on_commit_callbacks, b"<html>", PRODUCTS_UPDATE)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("Body is not JSON")
    assert bytes(delivery.body) == b"<html>"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"id": 1, "variants": [{"id": 2, "price": "abc"}]}, "variants[0].price must be a number"),
        ({"id": 1, "status": "sold", "variants": []}, "status must be one of"),
        ({"id": "x", "variants": []}, "id must be a whole number"),
        ({"id": 1, "variants": "none"}, "variants must be a list"),
    ],
)
def test_bad_product_payloads_fail_alone_with_the_field_named(
    payload, message, post_webhook, django_capture_on_commit_callbacks
):
    body = json.dumps(payload).encode()
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, PRODUCTS_UPDATE)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert message in delivery.last_error
    assert not Product.objects.exists()  # the savepoint left no half-write


def test_unknown_inventory_item_fails_and_can_be_reprocessed_once_mapped(
    post_webhook, django_capture_on_commit_callbacks
):
    location = LocationFactory(shopify_location_id=LOCATION_ID)
    body = _level_payload(4, "2026-01-01T00:00:00Z")
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, INVENTORY_LEVELS_UPDATE)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert f"No SKU has inventory item id {ITEM_ID}" in delivery.last_error
    sku = SKUFactory(shopify_inventory_item_id=ITEM_ID)
    assert requeue_deliveries([delivery.pk]) == 1
    assert process_inbox().processed == 1
    assert StockLevel.objects.get(sku=sku, location=location).available == 4


def test_stock_change_from_a_webhook_rechecks_its_campaigns(
    world, post_webhook, django_capture_on_commit_callbacks
):
    """inventory_levels/update -> StockLevel.save() -> the engine re-checks (STOCK_OUT)."""
    from promises import triggers

    with triggers.suspended():  # setup: only the webhook's own change may re-check
        world.sku.shopify_inventory_item_id = ITEM_ID
        world.sku.save()
        world.stock.location.shopify_location_id = LOCATION_ID
        world.stock.location.save()
    # Shopify's change comes after the world's stock was counted (else it is stale).
    body = _level_payload(0, (timezone.now() + timedelta(seconds=1)).isoformat())
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, INVENTORY_LEVELS_UPDATE)
    assert Conflict.objects.filter(
        rule_code="STOCK_OUT", campaign=world.campaign, state=ConflictState.OPEN
    ).exists()


def test_price_change_from_a_products_webhook_rechecks_its_campaigns(
    world, post_webhook, django_capture_on_commit_callbacks
):
    """products/update -> one products_changed for the delivery -> the engine re-checks."""
    from promises.models import CheckRun

    payload = {
        "id": 9554194432293,
        "handle": world.sku.product.handle,
        "title": world.sku.product.title,
        "variants": [
            {
                "id": 1,
                "sku": "SERUM-30",
                "option1": world.sku.option1 or "Default",
                "price": "29.99",
            }
        ],
    }
    body = json.dumps(payload).encode()
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, PRODUCTS_UPDATE)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PROCESSED
    assert CheckRun.objects.get().scope["campaigns"] == [world.campaign.pk]
    assert Conflict.objects.filter(
        rule_code="PRICE_MISMATCH", campaign=world.campaign, state=ConflictState.OPEN
    ).exists()


def test_deliveries_stored_while_the_task_could_not_be_sent_are_applied_by_the_sweep(
    mapped_sku, post_webhook, django_capture_on_commit_callbacks, monkeypatch, settings
):
    from catalog import tasks
    from promises import sweeper

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.process_webhook_inbox, "apply_async", broker_down)
    sku, location = mapped_sku
    body = _level_payload(6, "2026-01-01T00:00:00Z")
    response = _deliver(
        post_webhook, django_capture_on_commit_callbacks, body, INVENTORY_LEVELS_UPDATE
    )
    assert response.json() == {"status": "accepted"}  # acknowledged all the same
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
    settings.WEBHOOK_INBOX_SWEEP_AFTER_SECONDS = 60
    assert sweeper.sweep_webhook_inbox()["processed"] == 0  # too fresh: its task may be coming
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert tasks.sweep_webhook_inbox() == {
            "processed": 1,
            "failed": 0,
            "ignored": 0,
            "remaining": False,
        }
    assert StockLevel.objects.get(sku=sku, location=location).available == 6
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PROCESSED


def test_the_thread_sweeper_applies_the_inbox_without_redis(
    mapped_sku, post_webhook, monkeypatch, settings
):
    """No capture of on-commit callbacks: the request's task never ran, like a lost message."""
    from promises import sweeper

    settings.WEBHOOK_INBOX_SWEEP_AFTER_SECONDS = 0
    sku, location = mapped_sku
    post_webhook(_level_payload(2, "2026-01-01T00:00:00Z"), INVENTORY_LEVELS_UPDATE)
    assert sweeper.sweep_webhook_inbox()["processed"] == 1
    assert StockLevel.objects.get(sku=sku, location=location).available == 2


def test_deliveries_apply_in_triggered_order(mapped_sku, post_webhook, settings):
    """Two updates without updated_at: the one Shopify triggered last wins."""
    sku, location = mapped_sku

    def body(available: int) -> bytes:
        return json.dumps(
            {"inventory_item_id": ITEM_ID, "location_id": LOCATION_ID, "available": available}
        ).encode()

    post_webhook(body(9), INVENTORY_LEVELS_UPDATE, triggered_at="2026-01-02T00:00:00Z")
    post_webhook(body(1), INVENTORY_LEVELS_UPDATE, triggered_at="2026-01-01T00:00:00Z")
    assert process_inbox().processed == 2
    assert StockLevel.objects.get(sku=sku, location=location).available == 9


def test_an_old_body_replayed_under_a_new_id_does_not_undo_a_later_manual_change(
    mapped_sku, post_webhook, django_capture_on_commit_callbacks
):
    """The signature covers the body, not the id: the row's own last write decides."""
    sku, location = mapped_sku
    body = _level_payload(40, "2026-01-01T00:00:00Z")
    with time_machine.travel("2026-01-01T00:00:05Z"):
        _deliver(post_webhook, django_capture_on_commit_callbacks, body, INVENTORY_LEVELS_UPDATE)
    with time_machine.travel("2026-01-02T09:00:00Z"):  # counted by hand the next morning
        level = StockLevel.objects.get(sku=sku, location=location)
        level.available, level.on_hand, level.source = 3, 3, StockSource.MANUAL
        level.save()
    with time_machine.travel("2026-01-03T00:00:00Z"):
        _deliver(
            post_webhook,
            django_capture_on_commit_callbacks,
            body,
            INVENTORY_LEVELS_UPDATE,
            webhook_id="replayed-with-a-new-id",
        )
    assert StockLevel.objects.get(sku=sku, location=location).available == 3
    replay = WebhookDelivery.objects.get(webhook_id="replayed-with-a-new-id")
    assert replay.status == DeliveryStatus.IGNORED
    assert replay.last_error.startswith("Stale: changed in SocialOps at 2026-01-02T09:00:00")


def test_a_genuine_later_change_applies_after_a_webhook_wrote_the_row(
    mapped_sku, post_webhook, django_capture_on_commit_callbacks
):
    """Our clock stamps the webhook's own write: a later Shopify change is not 'older' than it."""
    sku, location = mapped_sku
    with time_machine.travel("2026-01-01T00:00:30Z"):  # applied 30 s after Shopify's change
        _deliver(
            post_webhook,
            django_capture_on_commit_callbacks,
            _level_payload(40, "2026-01-01T00:00:00Z"),
            INVENTORY_LEVELS_UPDATE,
        )
        _deliver(
            post_webhook,
            django_capture_on_commit_callbacks,
            _level_payload(39, "2026-01-01T00:00:10Z"),
            INVENTORY_LEVELS_UPDATE,
        )
    assert StockLevel.objects.get(sku=sku, location=location).available == 39


def test_an_old_products_update_does_not_undo_a_later_price_change(
    post_webhook, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-01-01T00:00:00Z"):
        sku = SKUFactory(code="TEE-1", price=Decimal("20.00"), shopify_variant_id=11)
        sku.product.shopify_product_id = 77
        sku.product.save()
    with time_machine.travel("2026-01-05T00:00:00Z"):
        sku.price = Decimal("25.00")  # changed in SocialOps after Shopify's update below
        sku.save()
    body = json.dumps(
        {
            "id": 77,
            "title": "Tee",
            "updated_at": "2026-01-02T00:00:00Z",
            "variants": [{"id": 11, "sku": "TEE-1", "price": "19.00"}],
        }
    ).encode()
    _deliver(post_webhook, django_capture_on_commit_callbacks, body, PRODUCTS_UPDATE)
    sku.refresh_from_db()
    assert sku.price == Decimal("25.00")
    assert WebhookDelivery.objects.get().status == DeliveryStatus.IGNORED
