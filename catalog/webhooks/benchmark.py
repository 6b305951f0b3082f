"""How long the webhook endpoint takes to answer, for `manage.py benchmark_webhook`.

Posts signed `inventory_levels/update` deliveries through Django's test client (middleware,
verification, the inbox insert, its commit and the task enqueue; no network), then removes
the deliveries it stored. A benchmark command rather than a timed test: figures on a shared
2-core machine say little in a pass/fail assertion.
"""

from __future__ import annotations

import json
import math
import statistics
import time

from django.conf import settings
from django.test import Client, override_settings

from catalog.models import WebhookDelivery
from catalog.webhooks.inbox import INVENTORY_LEVELS_UPDATE
from catalog.webhooks.verify import signature

SECRET = "benchmark-secret"
PREFIX = "benchmark-"


def measure(posts: int) -> dict:
    body = json.dumps(
        {
            "inventory_item_id": 1,
            "location_id": 1,
            "available": 7,
            "updated_at": "2026-01-01T00:00:00-05:00",
        }
    ).encode()
    header = signature(SECRET, body)
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "") or "localhost"
    client = Client(HTTP_HOST=host)
    timings = []
    with override_settings(SHOPIFY_WEBHOOK_SECRET=SECRET):
        try:
            for n in range(posts):
                started = time.perf_counter()
                response = client.post(
                    "/webhooks/shopify/",
                    data=body,
                    content_type="application/json",
                    headers={
                        "X-Shopify-Topic": INVENTORY_LEVELS_UPDATE,
                        "X-Shopify-Webhook-Id": f"{PREFIX}{time.time_ns()}-{n}",
                        "X-Shopify-Hmac-Sha256": header,
                    },
                )
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"The webhook answered {response.status_code}")
        finally:
            WebhookDelivery.objects.filter(webhook_id__startswith=PREFIX).delete()
    timings.sort()
    return {
        "posts": posts,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[math.ceil(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
    }
