"""The webhook inbox: one row per Shopify delivery id, written before anything else happens.

Storing first and applying later is what lets the endpoint answer Shopify in milliseconds
and lose nothing when the worker or Redis is down: the row waits for a task or the sweep.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from catalog.choices import DeliveryStatus
from catalog.models import WebhookDelivery

PRODUCTS_UPDATE = "products/update"
INVENTORY_LEVELS_UPDATE = "inventory_levels/update"
# Applied by integrations (catalog/webhooks/topics.py): the code is re-read from Shopify.
DISCOUNT_TOPICS = frozenset({"discounts/create", "discounts/update", "discounts/delete"})
HANDLED_TOPICS = frozenset({PRODUCTS_UPDATE, INVENTORY_LEVELS_UPDATE, *DISCOUNT_TOPICS})

# Shopify stamps nanoseconds ("...18:00:27.877041743Z"); Python parses at most microseconds.
_EXTRA_DIGITS = re.compile(r"(\.\d{6})\d+")


@dataclass(frozen=True)
class Envelope:
    """What the Shopify headers say about a delivery (the body is kept apart, unparsed)."""

    webhook_id: str
    topic: str
    shop_domain: str = ""
    api_version: str = ""
    event_id: str = ""
    triggered_at: datetime | None = None


def parse_timestamp(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp from Shopify, or None when absent or unreadable."""
    if not value:
        return None
    text = _EXTRA_DIGITS.sub(r"\1", value.strip()).replace("Z", "+00:00")
    try:
        parsed = parse_datetime(text)
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.UTC)
    return parsed


def webhook_key(webhook_id: str) -> str:
    """The dedup key of a webhook id: its SHA-256, so ids of any length stay distinct."""
    return hashlib.sha256(webhook_id.encode("utf-8", "surrogateescape")).hexdigest()


def store_delivery(envelope: Envelope, body: bytes) -> int | None:
    """Insert the delivery unless its webhook id is already in: the new row's id, or None.

    One INSERT ... ON CONFLICT DO NOTHING: a repeated delivery, even two racing at once,
    changes nothing. Topics SocialOps does not apply are kept, marked ignored.
    """
    status = DeliveryStatus.PENDING if envelope.topic in HANDLED_TOPICS else DeliveryStatus.IGNORED
    values = {
        "webhook_id": envelope.webhook_id,
        "webhook_key": webhook_key(envelope.webhook_id),
        "topic": envelope.topic[:100],
        "shop_domain": envelope.shop_domain[:255],
        "api_version": envelope.api_version[:32],
        "event_id": envelope.event_id[:255],
        "triggered_at": envelope.triggered_at,
        "body": body,
        "received_at": timezone.now(),
        "status": status,
        "attempts": 0,
        "last_error": "" if status == DeliveryStatus.PENDING else "Topic not applied.",
        "processed_at": None,
        "resource_key": "",
        "resource_updated_at": None,
    }
    meta = WebhookDelivery._meta
    fields = [meta.get_field(name) for name in values]
    params = [f.get_db_prep_save(values[f.name], connection) for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(meta.get_field('webhook_key').column)}) DO NOTHING "
        f"RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None
