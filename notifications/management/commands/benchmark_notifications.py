"""Time from a stock change to its notification being sent, through a real Celery worker.

    DATABASE_URL=postgres://... REDIS_URL=redis://... manage.py benchmark_notifications

Builds a live campaign promoting one SKU, a subscribed ops user (email and a chat message
to a local HTTP server through apprise), then sells the SKU out and restocks it N times.
Each time it measures from the commit of the stock change to the delivery's `sent_at`
(the worker's re-check, the run's signal, the notify task, the send task), and prints
p50/p95. Starts its own worker unless --no-worker (then one must be running).
"""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaigns.models import Channel
from notifications.choices import DeliveryStatus, DestinationKind, NotificationKind
from notifications.models import Delivery, Subscription
from promises.benchmark import Workers, live_campaign_on_one_sku, percentiles
from promises.models import Conflict

# Seconds to wait for one notification before calling the run broken.
TIMEOUT = 60
POLL = 0.01


class _Sink(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


class Command(BaseCommand):
    help = "Measure stock change -> notification sent with a real worker (p50/p95)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--changes", type=int, default=20)
        parser.add_argument("--no-worker", action="store_true", help="Use a running worker.")

    def handle(self, *args, changes: int, no_worker: bool, **options) -> None:
        if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("Set REDIS_URL: this measures a real worker, not in-process tasks.")
        sink = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
        threading.Thread(target=sink.serve_forever, daemon=True).start()
        workers = nullcontext() if no_worker else Workers(1)
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        timings = []
        try:
            with workers:
                world = self._world(stamp, sink.server_address[1])
                time.sleep(2)  # the first check of the new campaign settles
                for n in range(changes):
                    timings.append(self._one_change(world, sold_out=True))
                    self._one_change(world, sold_out=False)
                    self.stdout.write(f"change {n + 1}: {timings[-1] * 1000:.0f} ms")
        finally:
            sink.shutdown()
        figures = percentiles([t * 1000 for t in timings])
        self.stdout.write(
            f"stock change -> notification sent, {figures['samples']} changes: "
            f"p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, "
            f"max {figures['max_ms']:.0f} ms"
        )

    def _world(self, stamp: str, port: int) -> dict:
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench-ops-{stamp}", defaults={"email": f"ops-{stamp}@example.com"}
        )
        user.groups.add(Group.objects.get(name="ops"))  # its default email subscription
        Subscription.objects.create(
            user=user,
            destination=DestinationKind.CHAT,
            target=f"json://127.0.0.1:{port}/hook",
            kinds=[NotificationKind.NEW_CONFLICT],
            severities=["blocker"],
        )
        with transaction.atomic():
            channel = Channel.objects.create(name=f"Bench {stamp}", network="tiktok")
            campaign, stock = live_campaign_on_one_sku(channel, stamp, name=f"Bench live {stamp}")
        return {"stock": stock, "campaign": campaign, "user": user}

    def _one_change(self, world: dict, *, sold_out: bool) -> float:
        stock, campaign = world["stock"], world["campaign"]
        before = Delivery.objects.filter(subscription__user=world["user"]).count()
        with transaction.atomic():
            stock.available = stock.on_hand = 0 if sold_out else 100
            stock.save()
        committed = timezone.now()
        started = time.perf_counter()
        while time.perf_counter() - started < TIMEOUT:
            if sold_out:
                sent = Delivery.objects.filter(
                    subscription__user=world["user"], status=DeliveryStatus.SENT
                )
                if sent.count() >= before + 2:  # the email and the chat message
                    last = max(sent.values_list("sent_at", flat=True))
                    return (last - committed).total_seconds()
            elif (
                not Conflict.objects.standing()
                .filter(campaign=campaign, rule_code="STOCK_OUT")
                .exists()
            ):
                return time.perf_counter() - started
            time.sleep(POLL)
        raise CommandError(f"No {'notification' if sold_out else 'resolution'} in {TIMEOUT} s.")
