"""Time from a stock change to the pause request arriving at the ad platform, with a real
Celery worker.

    DATABASE_URL=postgres://... REDIS_URL=redis://... manage.py benchmark_enforcement

Starts a local server speaking Meta's Graph API for one ad (POST /v21.0/{ad_id} status=...,
GET /v21.0/{ad_id}?fields=status), a Meta connection whose channel's policy is "pause", and a
live campaign synced from that ad promoting one SKU. Then sells the SKU out and restocks it N
times, measuring from the commit of each stock change to the arrival of the pause (and of
the turn-back-on) at the local server: the worker's re-check, the run's signal, the
enforcement task, the status-change task. Prints p50/p95. Starts its own worker (pointed at
the local server) unless --no-worker.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import nullcontext
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, Channel
from integrations import enforcement, services
from integrations.choices import ConnectionKind, EnforcementMode
from integrations.models import ExternalRef
from promises.benchmark import Workers, live_campaign_on_one_sku, percentiles

# Seconds to wait for one request before calling the run broken.
TIMEOUT = 60
POLL = 0.005
AD_ID = "23859999"


class FakeGraph:
    """One ad's status, and when each status change arrived (wall clock)."""

    def __init__(self) -> None:
        self.status = "ACTIVE"
        self.arrivals: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        graph = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer({"id": AD_ID, "status": graph.status})

            def do_POST(self) -> None:
                arrived = time.time()
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                status = (form.get("status") or [""])[0]
                if urlsplit(self.path).path.endswith(AD_ID):
                    with graph.lock:
                        graph.status = status
                        graph.arrivals.append((status, arrived))
                self._answer({"success": True})

            def log_message(self, *args) -> None:
                pass

        return Handler


class Command(BaseCommand):
    help = "Measure stock change -> pause request at the platform with a real worker (p50/p95)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--changes", type=int, default=20)
        parser.add_argument("--no-worker", action="store_true", help="Use a running worker.")

    def handle(self, *args, changes: int, no_worker: bool, **options) -> None:
        if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("Set REDIS_URL: this measures a real worker, not in-process tasks.")
        graph = FakeGraph()
        server = ThreadingHTTPServer(("127.0.0.1", 0), graph.handler())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        workers = nullcontext() if no_worker else Workers(1, env={"META_GRAPH_URL": url})
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        pauses, resumes = [], []
        try:
            with workers:
                world = self._world(stamp)
                time.sleep(2)  # the first check of the new campaign settles
                for n in range(changes):
                    pauses.append(self._one_change(world, graph, "PAUSED", units=0))
                    resumes.append(self._one_change(world, graph, "ACTIVE", units=100))
                    self.stdout.write(
                        f"change {n + 1}: pause {pauses[-1] * 1000:.0f} ms, "
                        f"turned back on {resumes[-1] * 1000:.0f} ms"
                    )
        finally:
            server.shutdown()
        for label, timings in (("pause", pauses), ("turn back on", resumes)):
            figures = percentiles([t * 1000 for t in timings])
            self.stdout.write(
                f"stock change -> {label} request at the platform, {figures['samples']} changes: "
                f"p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, "
                f"max {figures['max_ms']:.0f} ms"
            )

    def _world(self, stamp: str) -> dict:
        now = timezone.now()
        with transaction.atomic():
            channel = Channel.objects.create(name=f"Bench ads {stamp}", network="instagram")
            connection = services.add_connection(
                kind=ConnectionKind.META,
                name=f"Bench Meta {stamp}",
                account_id=f"act_{stamp[-12:]}",
                token="EAAGbenchmarkToken",
                channel=channel,
            )
            # Twice the pauses a run makes, without a cooldown: the guardrails stay out of
            # the timing (their own tests cover them).
            enforcement.set_policy(
                channel,
                None,
                mode=EnforcementMode.PAUSE,
                dry_run=False,
                cooldown_minutes=0,
                max_pauses_per_hour=1000,
            )
            campaign, stock = live_campaign_on_one_sku(channel, stamp, name=f"Bench synced {stamp}")
            Campaign.objects.filter(pk=campaign.pk).update(synced_from="Meta")
            ExternalRef.objects.create(
                connection=connection,
                kind="ad",
                external_id=AD_ID,
                content_type=ContentType.objects.get_for_model(Campaign),
                object_id=campaign.pk,
                last_seen_at=now,
            )
        return {"stock": stock}

    def _one_change(self, world: dict, graph: FakeGraph, expected: str, *, units: int) -> float:
        stock = world["stock"]
        before = len(graph.arrivals)
        with transaction.atomic():
            stock.available = stock.on_hand = units
            stock.save()
        committed = time.time()
        started = time.perf_counter()
        while time.perf_counter() - started < TIMEOUT:
            with graph.lock:
                new = graph.arrivals[before:]
            if new:
                status, arrived = new[0]
                if status != expected:
                    raise CommandError(f"The platform received {status}, not {expected}.")
                return arrived - committed
            time.sleep(POLL)
        raise CommandError(f"No {expected} request at the platform in {TIMEOUT} s.")
