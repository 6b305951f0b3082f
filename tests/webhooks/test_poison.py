"""Poisoned deliveries fail alone, with their reason; the valid ones after them are applied."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from catalog.choices import DeliveryStatus
from catalog.models import StockLevel, WebhookDelivery
from catalog.webhooks.inbox import INVENTORY_LEVELS_UPDATE
from catalog.webhooks.services import process_inbox
from tests.factories import LocationFactory, SKUFactory

pytestmark = pytest.mark.django_db

ITEM_ID = 271878346596884015
LOCATION_ID = 24826418
# The figure: the deliveries after the poisoned ones are applied within a minute.
APPLIED_WITHIN_SECONDS = 60


def _level(available: int, item_id: int | str = ITEM_ID) -> bytes:
    return json.dumps(
        {
            "inventory_item_id": item_id,
            "location_id": LOCATION_ID,
            "available": available,
            "updated_at": "2099-01-01T00:00:00Z",
        }
    ).encode()


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


POISONS = {
    "400-digit inventory item id": _level(3, item_id="9" * 400),
    "body nested 5,000 levels": _nested(5000),
}


@pytest.fixture
def mapped(db):
    sku = SKUFactory(code="TEE-S", shopify_inventory_item_id=ITEM_ID)
    location = LocationFactory(name="Main", shopify_location_id=LOCATION_ID)
    return sku, location


def test_poisoned_deliveries_fail_with_their_reason_and_block_nothing(mapped, post_webhook):
    sku, location = mapped
    # Poisons first (oldest), then valid deliveries: the inbox applies oldest first.
    for index, body in enumerate(POISONS.values()):
        post_webhook(body, INVENTORY_LEVELS_UPDATE, triggered_at=f"2025-01-01T00:00:0{index}Z")
    for available in (5, 6, 7):
        post_webhook(
            _level(available), INVENTORY_LEVELS_UPDATE, triggered_at="2025-01-02T00:00:00Z"
        )
    WebhookDelivery.objects.update(status=DeliveryStatus.PENDING)  # as if no task ran yet

    started = time.monotonic()
    counts = process_inbox()
    assert time.monotonic() - started < APPLIED_WITHIN_SECONDS
    assert (counts.failed, counts.processed + counts.ignored) == (2, 3)
    assert StockLevel.objects.get(sku=sku, location=location).available == 7
    failed = WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED)
    reasons = sorted(failed.values_list("last_error", flat=True))
    assert len(reasons) == 2
    assert any("RecursionError" in reason for reason in reasons)
    assert any("9" * 50 in reason for reason in reasons)  # says which id it could not use
    assert not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()


def test_a_delivery_whose_own_row_cannot_be_saved_is_failed_not_left_pending(
    mapped, post_webhook, monkeypatch
):
    """A crash outside the apply's savepoint (saving the inbox row itself) fails it alone."""
    from catalog.webhooks import services

    post_webhook(_level(5), INVENTORY_LEVELS_UPDATE, triggered_at="2025-01-01T00:00:00Z")
    post_webhook(_level(6), INVENTORY_LEVELS_UPDATE, triggered_at="2025-01-02T00:00:00Z")
    WebhookDelivery.objects.update(status=DeliveryStatus.PENDING)
    first = WebhookDelivery.objects.order_by("triggered_at").first()
    real = services.process_delivery

    def crash_on_first(delivery_id: int):
        if delivery_id == first.pk:
            raise MemoryError("boom")
        return real(delivery_id)

    monkeypatch.setattr(services, "process_delivery", crash_on_first)
    process_inbox()
    first.refresh_from_db()
    assert (first.status, first.last_error) == (
        DeliveryStatus.FAILED,
        "Could not be applied: MemoryError: boom",
    )
    sku, location = mapped
    assert StockLevel.objects.get(sku=sku, location=location).available == 6


def test_admins_see_failed_deliveries_with_the_reason_and_retry_them(
    mapped, post_webhook, admin_user, django_capture_on_commit_callbacks
):
    post_webhook(_nested(5000), INVENTORY_LEVELS_UPDATE)
    process_inbox()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    admin_user.is_staff = True  # the admin role's people reach the Django admin (demo users do)
    admin_user.save()
    admin = Client()
    admin.force_login(admin_user)
    page = admin.get("/admin/catalog/webhookdelivery/?status__exact=failed")
    assert page.status_code == 200
    assert "RecursionError" in page.content.decode()
    assert "Retry" in page.content.decode()
    # The fix: the body is corrected at the source; here, replaced by a valid one.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(body=_level(4))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/admin/catalog/webhookdelivery/",
            {"action": "reprocess", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PROCESSED  # applied at once (in-process task)
    sku, location = mapped
    assert StockLevel.objects.get(sku=sku, location=location).available == 4
