"""A Redis outage does not hold webhooks: 200 signed deliveries, 20 at a time, each answered
within a second by a live threaded server with Redis stopped; all applied once it is back.

The broker, result backend and cache are a redis-server of the test's own, killed for the
outage (never the shared Redis). The figures are printed (`pytest -s`) for the issue.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import QuietWSGIRequestHandler
from django.utils import timezone

from catalog.choices import DeliveryStatus
from catalog.models import StockLevel, WebhookDelivery
from catalog.webhooks.inbox import INVENTORY_LEVELS_UPDATE
from catalog.webhooks.services import sweep_inbox
from catalog.webhooks.verify import signature
from tests.factories import LocationFactory, SKUFactory
from tests.outage import app_redis, redis_server  # noqa: F401 - fixture
from tests.webhooks.conftest import TEST_SECRET

# serialized_rollback: the flush after a transactional test would take the role groups.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DELIVERIES = 200
AT_ONCE = 20
# Shopify waits 5 s; the issue asks for each answer within 1 s whatever the broker does.
ANSWER_WITHIN_SECONDS = 1.0
LOCATION_ID = 24826418


class _Server(ThreadedWSGIServer):
    # Django's listen backlog is 10: with 20 clients connecting at once the kernel drops SYNs
    # and the client retries after 1 s, which measures the backlog (gunicorn's is 2048).
    request_queue_size = 128


class _FairLock:
    """First come, first served (threading.Lock lets a newcomer overtake a waiter, which
    starves some requests for seconds and measures the lock, not the app)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._next_ticket = 0
        self._serving = 0

    def __enter__(self) -> None:
        with self._condition:
            ticket = self._next_ticket
            self._next_ticket += 1
            self._condition.wait_for(lambda: self._serving == ticket)

    def __exit__(self, *exc) -> None:
        with self._condition:
            self._serving += 1
            self._condition.notify_all()


@contextmanager
def live_server():
    """A threaded WSGI server of the app on a free port, one thread per request.

    SQLite's in-memory test database is one connection that every thread must share (as
    Django's own live server does), and SQLite serialises writers anyway: there, requests take
    turns on it. On PostgreSQL each request thread has its own connection.
    """
    shared = {}
    conn = connections["default"]
    if conn.vendor == "sqlite" and conn.is_in_memory_db():
        conn.inc_thread_sharing()
        shared = {"default": conn}
    lock = _FairLock() if shared else None
    handler = WSGIHandler()

    def app(environ, start_response):
        if lock is None:
            return handler(environ, start_response)
        with lock:
            return list(handler(environ, start_response))

    server = _Server(("127.0.0.1", 0), QuietWSGIRequestHandler, connections_override=shared)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        if shared:
            conn.dec_thread_sharing()


def _warm_up(url: str) -> None:
    """One request first, as a server in service has had: the first loads the URLconf and
    middleware (a cold start is not what an outage is about). Unsigned: nothing is stored."""
    request = urllib.request.Request(f"{url}/webhooks/shopify/", data=b"{}", method="POST")
    try:
        urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 401


def _send(url: str, index: int, item_id: int) -> tuple[int, float]:
    body = json.dumps(
        {
            "inventory_item_id": item_id,
            "location_id": LOCATION_ID,
            "available": index,
            "updated_at": "2099-01-01T00:00:00Z",
        }
    ).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/shopify/",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Shopify-Topic": INVENTORY_LEVELS_UPDATE,
            "X-Shopify-Hmac-Sha256": signature(TEST_SECRET, body),
            "X-Shopify-Webhook-Id": f"outage-{index}",
            "X-Shopify-Triggered-At": f"2099-01-01T00:00:{index % 60:02d}Z",
        },
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        status = response.status
    return status, time.perf_counter() - started


def test_webhooks_answer_within_a_second_while_redis_is_down(redis_server, settings):  # noqa: F811
    skus = [SKUFactory(code=f"OUT-{i}", shopify_inventory_item_id=9000 + i) for i in range(10)]
    LocationFactory(name="Main", shopify_location_id=LOCATION_ID)
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    with app_redis(redis_server.url, settings):
        redis_server.stop()  # the outage
        with live_server() as url, ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
            _warm_up(url)
            results = list(
                pool.map(lambda i: _send(url, i, 9000 + i % len(skus)), range(DELIVERIES))
            )
        statuses = [status for status, _ in results]
        seconds = sorted(elapsed for _, elapsed in results)
        p50 = statistics.median(seconds)
        p95 = seconds[int(len(seconds) * 0.95) - 1]
        print(
            f"\nRedis down: {DELIVERIES} webhooks, {AT_ONCE} at a time: p50 {p50 * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {seconds[-1] * 1000:.0f} ms"
        )
        assert all(200 <= status < 300 for status in statuses)
        assert seconds[-1] < ANSWER_WITHIN_SECONDS
        assert WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == DELIVERIES

        redis_server.start()  # Redis is back; the beat's inbox sweep runs
        with time_machine.travel(timezone.now() + timedelta(minutes=2)):
            counts = sweep_inbox(timedelta(seconds=settings.WEBHOOK_INBOX_SWEEP_AFTER_SECONDS))
    assert counts["processed"] + counts["ignored"] == DELIVERIES
    assert counts["failed"] == 0
    assert not WebhookDelivery.objects.exclude(
        status__in=[DeliveryStatus.PROCESSED, DeliveryStatus.IGNORED]
    ).exists()
    # Each SKU ends at its latest delivery by Shopify's time (ties: the one received last).
    for offset, sku in enumerate(skus):
        mine = [i for i in range(DELIVERIES) if i % len(skus) == offset]
        latest = max(mine, key=lambda i: (i % 60, i))
        assert StockLevel.objects.get(sku=sku).available == latest
