"""Celery tasks of the catalog: apply the Shopify webhook inbox."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from catalog.webhooks.services import process_inbox, sweep_inbox

# Worth retrying: the database or the broker blinked; the inbox row is safe meanwhile.
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError, BrokerError),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(
    name="catalog.process_webhook_inbox",
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    **RETRY,
)
def process_webhook_inbox() -> dict:
    """Apply pending webhook deliveries, a batch at a time, re-queuing while more wait."""
    counts = process_inbox()
    if counts.remaining and (counts.processed + counts.failed + counts.ignored):
        process_webhook_inbox.delay()
    return counts.as_dict()


@shared_task(
    name="catalog.sweep_webhook_inbox",
    acks_late=True,
    soft_time_limit=240,
    time_limit=270,
    **RETRY,
)
def sweep_webhook_inbox() -> dict:
    """Apply deliveries left pending because the worker or the broker was down."""
    return sweep_inbox(timedelta(seconds=settings.WEBHOOK_INBOX_SWEEP_AFTER_SECONDS))
