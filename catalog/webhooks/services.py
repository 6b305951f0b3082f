"""Apply the webhook inbox: pending deliveries in the order Shopify triggered them.

Each delivery is applied in its own transaction, row-locked with SKIP LOCKED on PostgreSQL, so
two workers (or a worker and the sweep) never apply the same delivery twice, and one bad
delivery fails alone with its error written down instead of stopping the rest.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, Max
from django.utils import timezone

from catalog.choices import DeliveryStatus
from catalog.models import WebhookDelivery
from catalog.webhooks import apply, topics
from catalog.webhooks.inbox import INVENTORY_LEVELS_UPDATE, PRODUCTS_UPDATE
from common.enqueue import enqueue

logger = logging.getLogger(__name__)

# Deliveries per task run: a few seconds of work; the task re-queues itself for the rest.
INBOX_BATCH = 200
# Tries before a delivery whose apply keeps crashing on a database error is failed for good
# (a blip passes within a couple of sweeps; a row the database always refuses does not).
MAX_ATTEMPTS = 5
# Characters of an error kept as the delivery's reason (a RecursionError's text is short,
# a DataError can quote the whole value).
ERROR_LIMIT = 2000


@dataclass
class InboxCounts:
    processed: int = 0
    failed: int = 0
    ignored: int = 0
    remaining: bool = False
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "processed": self.processed,
            "failed": self.failed,
            "ignored": self.ignored,
            "remaining": self.remaining,
        }


def _newer_applied(delivery: WebhookDelivery, target: apply.Target) -> WebhookDelivery | None:
    if target.updated_at is None:
        return None
    return (
        WebhookDelivery.objects.filter(
            topic=delivery.topic,
            resource_key=delivery.resource_key,
            status=DeliveryStatus.PROCESSED,
            resource_updated_at__gt=target.updated_at,
        )
        .exclude(pk=delivery.pk)
        .only("webhook_id")
        .first()
    )


def _apply(delivery: WebhookDelivery) -> tuple[str, str]:
    """(status, note) for one delivery; raises PayloadError when it cannot be applied."""
    try:
        payload = json.loads(bytes(delivery.body).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise apply.PayloadError(f"Body is not JSON: {error}") from None
    if not isinstance(payload, dict):
        raise apply.PayloadError("Body is JSON but not an object.")
    if delivery.topic == PRODUCTS_UPDATE:
        target = apply.product_target(payload)
        action = apply.apply_product_update
    elif delivery.topic == INVENTORY_LEVELS_UPDATE:
        target = apply.inventory_target(payload, delivery.triggered_at)
        action = apply.apply_inventory_level_update
    elif delivery.topic in topics.HANDLERS:
        handler = topics.HANDLERS[delivery.topic]
        target = handler.target(payload, delivery.triggered_at)

        def action(payload: dict, handler=handler) -> str:
            return handler.apply(payload, delivery)
    else:
        return DeliveryStatus.IGNORED, "Topic not applied."
    delivery.resource_key = _fit_key(target.key)
    delivery.resource_updated_at = target.updated_at
    newer = _newer_applied(delivery, target)
    if newer is not None:
        return DeliveryStatus.IGNORED, f"Stale: delivery {newer.webhook_id} was newer."
    written = _written_since(delivery, target, payload)
    if written is not None:
        return DeliveryStatus.IGNORED, (
            f"Stale: changed in SocialOps at {written.isoformat()}, after this delivery "
            f"({target.updated_at.isoformat()})."
        )
    return DeliveryStatus.PROCESSED, action(payload)


def _written_since(
    delivery: WebhookDelivery, target: apply.Target, payload: dict
) -> datetime | None:
    """When the target's rows were last written by something other than a webhook, if that is
    later than the delivery's own time (its body's updated_at, else X-Shopify-Triggered-At).

    The signature covers the body, not the webhook id: an old body re-sent under a new id
    must not set stock back below a later manual edit, import or sync. A write by a webhook is
    recognised by its delivery's processed_at (written after the rows), and those are compared
    by Shopify's own times in _newer_applied instead: our clock is not Shopify's.
    """
    if target.updated_at is None:
        return None
    last_write = apply.last_write(delivery.topic, payload)
    if last_write is None or last_write <= target.updated_at:
        return None
    by_webhook = (
        WebhookDelivery.objects.filter(
            topic=delivery.topic,
            resource_key=delivery.resource_key,
            status=DeliveryStatus.PROCESSED,
        )
        .exclude(pk=delivery.pk)
        .aggregate(last=Max("processed_at"))["last"]
    )
    if by_webhook is not None and by_webhook >= last_write:
        return None
    return last_write


def process_delivery(delivery_id: int) -> str | None:
    """Apply one pending delivery; its new status, or None when another worker holds it."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts = F("attempts") + 1
        try:
            with transaction.atomic():  # a savepoint: a failed apply leaves no half-write
                delivery.status, note = _apply(delivery)
            delivery.last_error = "" if delivery.status == DeliveryStatus.PROCESSED else note
        except apply.PayloadError as error:
            delivery.status, delivery.last_error = DeliveryStatus.FAILED, str(error)
        except (OperationalError, InterfaceError):
            raise  # the database blinked: the row stays pending for a retry
        except DatabaseError as error:  # a constraint the payload breaks, e.g. a taken code
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = f"The catalog refused the update: {error}"
        except Exception as error:
            # Failing it is what keeps it from blocking every later delivery; it can be retried
            # from the admin once the cause is fixed.
            logger.exception("Webhook delivery %s could not be applied", delivery_id)
            delivery.status, delivery.last_error = DeliveryStatus.FAILED, _describe(error)
        delivery.resource_key = _fit_key(delivery.resource_key)
        delivery.processed_at = timezone.now()
        delivery.save()
        return delivery.status


def _describe(error: BaseException) -> str:
    """The reason shown to admins: the error's type and message, bounded."""
    return f"Could not be applied: {type(error).__name__}: {error}"[:ERROR_LIMIT]


def _fit_key(key: str) -> str:
    """A resource key that fits its column: a 400-digit id is hashed, not cut or refused."""
    limit = WebhookDelivery._meta.get_field("resource_key").max_length
    if len(key) <= limit:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def record_crash(delivery_id: int, error: BaseException) -> str:
    """Write down why applying a delivery crashed; fail it for good after MAX_ATTEMPTS.

    A delivery that breaks the transaction itself (its own row cannot be saved, the database
    refused mid-way) is counted here, in a transaction of its own, so it never stays pending
    at the head of the inbox forever.
    """
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return delivery.status if delivery else DeliveryStatus.FAILED
        delivery.attempts += 1
        delivery.last_error = _describe(error)
        if delivery.attempts >= MAX_ATTEMPTS or not isinstance(
            error, OperationalError | InterfaceError
        ):
            delivery.status = DeliveryStatus.FAILED
            delivery.processed_at = timezone.now()
        delivery.save(update_fields=["attempts", "last_error", "status", "processed_at"])
        return delivery.status


def pending_deliveries(older_than: timedelta | None = None):
    """Pending deliveries in the order Shopify triggered them (received order breaks ties)."""
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING)
    if older_than is not None:
        pending = pending.filter(received_at__lte=timezone.now() - older_than)
    return pending.order_by(F("triggered_at").asc(nulls_last=True), "received_at", "pk")


def process_inbox(limit: int = INBOX_BATCH, older_than: timedelta | None = None) -> InboxCounts:
    """Apply up to `limit` pending deliveries; `remaining` says whether more wait."""
    counts = InboxCounts()
    ids = list(pending_deliveries(older_than).values_list("pk", flat=True)[: limit + 1])
    counts.remaining = len(ids) > limit
    for delivery_id in ids[:limit]:
        try:
            status = process_delivery(delivery_id)
        except Exception as error:
            logger.warning("Webhook delivery %s crashed: %r", delivery_id, error)
            # Raises only when the database itself is down: the task retries the whole batch.
            status = record_crash(delivery_id, error)
        if status == DeliveryStatus.PROCESSED:
            counts.processed += 1
        elif status == DeliveryStatus.FAILED:
            counts.failed += 1
        elif status == DeliveryStatus.IGNORED:
            counts.ignored += 1
    if counts.failed:
        logger.warning("Webhook inbox: %s deliveries failed", counts.failed)
    return counts


def requeue_deliveries(delivery_ids: list[int]) -> int:
    """Put failed or ignored deliveries back in the inbox (after the cause was fixed)."""
    return (
        WebhookDelivery.objects.filter(pk__in=delivery_ids)
        .exclude(status=DeliveryStatus.PENDING)
        .update(status=DeliveryStatus.PENDING, last_error="", processed_at=None)
    )


def sweep_inbox(older_than: timedelta) -> dict:
    """Apply every delivery pending longer than `older_than`, batch after batch.

    The delay leaves fresh deliveries to the task their own request enqueued. Stops when a
    batch moves nothing (the rest is locked by a worker applying it right now).
    """
    total = InboxCounts()
    while True:
        counts = process_inbox(older_than=older_than)
        total.processed += counts.processed
        total.failed += counts.failed
        total.ignored += counts.ignored
        if not counts.remaining or not (counts.processed + counts.failed + counts.ignored):
            return total.as_dict()


def enqueue_inbox_processing() -> None:
    """Send the inbox task; when the broker is down the rows wait for the sweep."""
    from catalog.tasks import process_webhook_inbox

    # One bounded attempt: Shopify gives up after 5 s, and the stored row waits for the sweep.
    if not enqueue(process_webhook_inbox):
        logger.warning("Webhook inbox task not sent; the inbox sweep will apply the delivery")
