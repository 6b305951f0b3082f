"""A synthetic store for `manage.py benchmark`, and the measurements taken on it.

Building a million campaign items through the ORM would take minutes; on PostgreSQL the rows
stream through COPY (generated lazily, so building stays in bounded memory), elsewhere
through bulk_create. About 5% of items break a rule: sold-out SKUs, wrong announced prices,
missing reservations, and some campaigns promise "48h delivery" against a 3-5 day method or
announce a code checkout does not know.
"""

from __future__ import annotations

import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel
from catalog.models import SKU, Location, Product, StockLevel
from common.pgcopy import copy_rows
from promises.models import (
    CampaignCheckState,
    CampaignRecheck,
    CheckoutCountry,
    CheckRun,
    CheckRunSkuTotals,
    Conflict,
    PromoCode,
    ReturnPolicy,
    ShippingMethod,
)

SEED = 20261123
SOLD_OUT_SHARE = 0.02
PRICE_WRONG_SHARE = 0.02
NO_RESERVATION_SHARE = 0.01
FAST_CLAIM_SHARE = 0.03
UNKNOWN_CODE_SHARE = 0.02
STOCK_PER_LOCATION = 1_000
DOMAIN_TABLES = [
    StockLevel,
    CampaignItem,
    CampaignClaim,
    Campaign,
    SKU,
    Product,
    Location,
    Channel,
    ShippingMethod,
    PromoCode,
    ReturnPolicy,
    CheckoutCountry,
]


@dataclass
class Size:
    skus: int
    campaigns: int
    items: int


def holds_data() -> bool:
    return SKU.objects.exists() or Campaign.objects.exists()


def wipe() -> None:
    """Empty the domain tables (benchmark databases only: the caller asked with --force)."""
    if connection.vendor == "postgresql":
        tables = ", ".join(m._meta.db_table for m in DOMAIN_TABLES)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    else:
        for model in DOMAIN_TABLES:
            model.objects.all().delete()


# --- Writing rows fast -----------------------------------------------------------------------


def insert(model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> int:
    """Insert rows of `fields` values; every other column takes its model default."""
    concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in concrete:
        if f.attname in fields:
            continue
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            defaults[f.attname] = timezone.now()
        else:
            defaults[f.attname] = f.get_default()
    columns = [f.column for f in concrete]
    names = [f.attname for f in concrete]
    position = {name: i for i, name in enumerate(fields)}
    if connection.vendor == "postgresql":
        ordered = (
            [row[position[n]] if n in position else defaults[n] for n in names] for row in rows
        )
        with connection.cursor() as cursor:
            return copy_rows(cursor.cursor, model._meta.db_table, columns, ordered)
    count = 0
    batch = []
    for row in rows:
        batch.append(model(**{**defaults, **dict(zip(fields, row, strict=True))}))
        if len(batch) == 5000:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return count + len(batch)


# --- The synthetic store ---------------------------------------------------------------------


def build(size: Size, now: datetime) -> dict:
    """Create the store; returns what it built."""
    rng = random.Random(SEED)
    started = time.perf_counter()
    with transaction.atomic():
        channels = [
            Channel.objects.create(
                name=f"Bench {network}",
                network=network,
                catalog_sync="feed",
                last_catalog_sync_at=now,
                catalog_sync_max_age_hours=24 * 365,
                creative_budget_monthly=Decimal("5000"),
                response_time_commitment_hours=2,
                native_checkout_countries=["FR", "DE"],
            )
            for network in ("tiktok", "instagram", "facebook", "pinterest", "youtube")
        ]
        from django.contrib.auth import get_user_model

        owner, _ = get_user_model().objects.get_or_create(username="benchmark")
        Channel.objects.update(calendar_owner=owner)
        for country in ("FR", "DE", "BE", "NL"):
            CheckoutCountry.objects.create(country=country)
        ShippingMethod.objects.create(
            name="Bench standard",
            countries=["FR", "DE", "BE", "NL"],
            min_days=3,
            max_days=5,
            price=Decimal("4.90"),
        )
        ReturnPolicy.objects.create(name="Bench returns", window_days=30)
        PromoCode.objects.create(
            code="BENCH10",
            kind="percentage",
            value=Decimal("10"),
            starts_at=now - timedelta(days=365),
        )
        locations = [Location.objects.create(name=f"Bench DC {i}", country="FR") for i in range(2)]

        products = max(1, size.skus // 4)
        insert(
            Product,
            ["handle", "title", "category"],
            ((f"bench-{p}", f"Bench product {p}", "Bench") for p in range(products)),
        )
        first_product = Product.objects.order_by("pk").values_list("pk", flat=True).first()
        prices = [Decimal(rng.randrange(999, 9999)) / 100 for _ in range(size.skus)]
        insert(
            SKU,
            ["code", "product_id", "option1", "price", "unit_cost", "currency"],
            (
                (
                    f"B{s:07d}",
                    first_product + s // 4,
                    f"V{s % 4}",
                    prices[s],
                    (prices[s] * Decimal("0.4")).quantize(Decimal("0.01")),
                    "EUR",
                )
                for s in range(size.skus)
            ),
        )
        first_sku = SKU.objects.order_by("pk").values_list("pk", flat=True).first()
        sold_out = set(rng.sample(range(size.skus), int(size.skus * SOLD_OUT_SHARE)))

        def stock_rows() -> Iterator[tuple]:
            for s in range(size.skus):
                units = 0 if s in sold_out else STOCK_PER_LOCATION
                for location in locations:
                    yield (first_sku + s, location.pk, units, units, "manual")

        insert(
            StockLevel, ["sku_id", "location_id", "on_hand", "available", "source"], stock_rows()
        )

        def campaign_rows() -> Iterator[tuple]:
            for c in range(size.campaigns):
                # Every campaign is current or upcoming (live ones started up to 6 days ago and
                # run at least 7), so all of them are checked.
                starts = now + timedelta(days=rng.randrange(-6, 60))
                ends = starts + timedelta(days=rng.randrange(7, 30))
                code = "NOPE" if rng.random() < UNKNOWN_CODE_SHARE else "BENCH10"
                yield (
                    channels[c % len(channels)].pk,
                    f"Bench campaign {c}",
                    "short_video",
                    "live" if starts <= now else "scheduled",
                    starts,
                    ends,
                    "FR,DE",
                    True,
                    Decimal("2.0"),
                    Decimal("40"),
                    code,
                    "EUR",
                )

        insert(
            Campaign,
            [
                "channel_id",
                "name",
                "format",
                "status",
                "starts_at",
                "ends_at",
                "target_countries",
                "cites_stock",
                "stop_min_roas",
                "qualified_basket_threshold",
                "promo_code",
                "currency",
            ],
            campaign_rows(),
        )
        first_campaign = Campaign.objects.order_by("pk").values_list("pk", flat=True).first()
        insert(
            CampaignClaim,
            ["campaign_id", "kind", "source", "text", "days", "currency"],
            (
                (first_campaign + c, "delivery", "entered", "48h delivery", 2, "EUR")
                for c in range(size.campaigns)
                if rng.random() < FAST_CLAIM_SHARE
            ),
        )

        def item_rows() -> Iterator[tuple]:
            per_campaign, extra = divmod(size.items, size.campaigns)
            stride = max(1, size.skus // max(per_campaign + 1, 1))
            for c in range(size.campaigns):
                n = per_campaign + (1 if c < extra else 0)
                base = rng.randrange(size.skus)
                for j in range(n):
                    s = (base + j * stride) % size.skus
                    price = prices[s]
                    if rng.random() < PRICE_WRONG_SHARE:
                        price = price - Decimal("1.00")
                    reserved = 0 if rng.random() < NO_RESERVATION_SHARE else 2
                    yield (first_campaign + c, first_sku + s, price, "EUR", 2, reserved)

        items = insert(
            CampaignItem,
            [
                "campaign_id",
                "sku_id",
                "announced_price",
                "currency",
                "expected_units",
                "reserved_units",
            ],
            item_rows(),
        )
    if connection.vendor == "postgresql":
        # As autovacuum would have by the time a real store is swept: visibility and statistics
        # of freshly copied rows, so the first sweep is not measuring the bulk load's aftermath.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "skus": size.skus,
        "campaigns": size.campaigns,
        "items": items,
        "build_seconds": round(time.perf_counter() - started, 1),
    }


# --- Measurements ----------------------------------------------------------------------------


# What every sweep rewrites: each run inserts and deletes its SKU totals, each whole check
# updates its campaign's state row, each batch deletes the marks it answered.
CHURNED_TABLES = (
    CheckRunSkuTotals,
    CampaignCheckState,
    CampaignRecheck,
    CheckRun,
    Conflict,
)


def settle() -> None:
    """Vacuum what the previous sweeps churned, as autovacuum does between two sweeps five
    minutes apart on a real server. A benchmark database often runs without autovacuum, and
    then each sweep reads the dead rows of all the sweeps before it (two million dead SKU
    totals after twenty sweeps), so the figures would depend on their order."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in CHURNED_TABLES:
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')


WORKER_START_TIMEOUT = 60  # seconds for a worker to connect and start consuming
WEBHOOK_TIMEOUT = 30  # seconds to wait for one delivery's conflict to show


def floor_pass(now: datetime) -> dict:
    """The floor: every checked campaign's items and every SKU's facts streamed into Python,
    in batches as the sweep reads them, and nothing else (no rules, no writes). Read as the
    batches read, without the cyclic garbage collector (with it, the collections walking the
    SKU facts held took as long as the reading at 2,000,000 items, and grew faster)."""
    from promises.checks import loader
    from promises.checks.engine import cyclic_gc_paused

    started = time.perf_counter()
    with cyclic_gc_paused():
        operations = loader.load_operations()
        skus = loader.load_skus(now=now)
        ids = sorted(Campaign.objects.checked(now).values_list("pk", flat=True))
        items = 0
        for start in range(0, len(ids), 1000):
            batch = ids[start : start + 1000]
            for campaign in loader.load_campaigns(batch, operations.channels, now):
                items += len(campaign.items)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "items": items, "skus": len(skus), **load()}


def load() -> dict:
    """The machine's load when a figure was taken (it is shared)."""
    one, five, _ = os.getloadavg()
    return {"load_1m": round(one, 2), "load_5m": round(five, 2)}


def _run_line(run, seconds: float) -> dict:
    return {
        "seconds": round(seconds, 2),
        "campaigns": run.campaigns_checked,
        "items": run.items_checked,
        "items_per_second": round(run.items_checked / seconds) if seconds else None,
        "batches": run.batches,
        "opened": run.opened,
        "resolved": run.resolved,
        "reopened": run.reopened,
        "errors": run.errors,
        "status": run.status,
    }


def sweep(*, due_only: bool = False, distribute: bool | None = None) -> dict:
    """One sweep (full, or the periodic one), timed from its start to its last batch's report."""
    from promises.checks.engine import run_checks
    from promises.choices import CheckTrigger

    settle()
    started = time.perf_counter()
    run = run_checks(
        None, trigger=CheckTrigger.BENCHMARK, due_only=due_only, distribute=distribute
    ).run
    figures = _run_line(run, time.perf_counter() - started)
    if run.status != "succeeded":
        raise RuntimeError(f"The sweep did not succeed: {run.status} {run.error_details[-3:]}")
    return {**figures, **load()}


def sweep_in_process() -> dict:
    """A full sweep in this process (no broker), with this process's peak memory."""
    figures = sweep(distribute=False)
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    figures["workers"] = "in-process"
    return figures


def sweep_in_fresh_process() -> dict:
    """A full sweep in a fresh process without workers, so its peak memory is its own."""
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "--sweep-only"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"The sweep failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Workers:
    """Real Celery worker processes on the configured Redis, for the length of a block."""

    def __init__(self, concurrency: int, env: dict[str, str] | None = None) -> None:
        self.concurrency = concurrency
        self.env = env or {}  # settings the workers need beside this process's environment
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Workers:
        from celery import current_app as app

        app.conf.task_always_eager = False
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "socialops",
                "worker",
                "--pool=prefork",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
                f"--hostname=benchmark-{self.concurrency}-{os.getpid()}@%h",
            ],
            cwd=settings.BASE_DIR,
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.5) or []
            named = f"benchmark-{self.concurrency}-{os.getpid()}"
            started = any(named in name for r in replies for name in r)
            if started and len(self.children()) >= self.concurrency:
                return self
            if self.process.poll() is not None:
                raise RuntimeError("The Celery worker exited at start")
        raise RuntimeError("The Celery worker did not start in time")

    def children(self) -> list[int]:
        pid = self.process.pid
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                            found.append(int(entry))
                except (OSError, IndexError, ValueError):
                    continue
        return found

    def peak_memory_mb(self) -> float:
        """The largest peak resident memory (VmHWM) of the worker's processes."""
        peaks = []
        for pid in [self.process.pid, *self.children()]:
            try:
                with open(f"/proc/{pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            peaks.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return round(max(peaks, default=0), 1)

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def full_sweep_on_workers(concurrency: int) -> dict:
    """A full sweep shared by `concurrency` fresh worker processes, with their peak memory."""
    with Workers(concurrency) as workers:
        figures = sweep(distribute=True)
        figures["peak_memory_mb"] = workers.peak_memory_mb()
    figures["workers"] = concurrency
    return figures


def median_run(sweeps: list[dict]) -> dict:
    """The sweep of median time among `sweeps`, with every time taken beside it."""
    ordered = sorted(sweeps, key=lambda sweep: sweep["seconds"])
    return {**ordered[(len(ordered) - 1) // 2], "all_seconds": [s["seconds"] for s in sweeps]}


def change_share_of_stock(share: float) -> dict:
    """Change the stock of `share` of the SKUs as a broker outage would leave it: written and
    marked in one transaction, (campaign, SKU) as the stock triggers mark it, no re-check task
    sent (the periodic sweep must find them)."""
    from promises.checks.loader import stock_pairs
    from promises.triggers import mark_stock_changed

    rng = random.Random(SEED + 2)
    ids = list(SKU.objects.values_list("pk", flat=True))
    changed = rng.sample(ids, max(1, int(len(ids) * share)))
    with transaction.atomic():
        for start in range(0, len(changed), 5000):
            chunk = changed[start : start + 5000]
            StockLevel.objects.filter(sku_id__in=chunk, available__gt=0).update(
                available=models.F("available") - 1, on_hand=models.F("on_hand") - 1
            )
            mark_stock_changed(stock_pairs(chunk))
    return {"skus_changed": len(changed)}


def webhook_to_conflict(samples: int) -> dict:
    """Time from a signed Shopify inventory webhook (posted through the Django stack) to the
    STOCK_OUT conflict it causes being visible, with a real worker applying and re-checking."""
    from django.test import Client, override_settings

    from catalog.models import WebhookDelivery
    from catalog.webhooks.inbox import INVENTORY_LEVELS_UPDATE
    from catalog.webhooks.verify import signature
    from promises.checks.engine import run_checks
    from promises.models import Conflict
    from promises.triggers import suspended

    secret = "benchmark-secret"
    locations = list(Location.objects.order_by("pk"))
    for n, location in enumerate(locations):
        Location.objects.filter(pk=location.pk).update(shopify_location_id=900_000 + n)
    rng = random.Random(SEED + 3)
    candidates = list(
        SKU.objects.filter(campaign_items__isnull=False, stock_levels__available__gt=0)
        .values_list("pk", flat=True)
        .distinct()[:2000]
    )
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "") or "localhost"
    client = Client(HTTP_HOST=host)
    timings = []
    with Workers(2), override_settings(SHOPIFY_WEBHOOK_SECRET=secret):
        for n, sku_id in enumerate(rng.sample(candidates, min(samples, len(candidates)))):
            item_id = 800_000_000 + sku_id
            SKU.objects.filter(pk=sku_id).update(shopify_inventory_item_id=item_id)
            with suspended():  # the other locations sold out already, unchecked
                StockLevel.objects.filter(sku_id=sku_id).exclude(location=locations[0]).update(
                    available=0, on_hand=0
                )
            body = json.dumps(
                {
                    "inventory_item_id": item_id,
                    "location_id": 900_000,
                    "available": 0,
                    "updated_at": timezone.now().isoformat(),
                }
            ).encode()
            started = time.perf_counter()
            response = client.post(
                "/webhooks/shopify/",
                data=body,
                content_type="application/json",
                headers={
                    "X-Shopify-Topic": INVENTORY_LEVELS_UPDATE,
                    "X-Shopify-Webhook-Id": f"benchmark-{time.time_ns()}-{n}",
                    "X-Shopify-Hmac-Sha256": signature(secret, body),
                },
            )
            if response.status_code >= 300:
                raise RuntimeError(f"The webhook answered {response.status_code}")
            deadline = time.monotonic() + WEBHOOK_TIMEOUT
            while not Conflict.objects.filter(
                sku_id=sku_id, rule_code="STOCK_OUT", state="open"
            ).exists():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"No conflict {WEBHOOK_TIMEOUT} s after the webhook")
                time.sleep(0.005)
            timings.append((time.perf_counter() - started) * 1000)
        WebhookDelivery.objects.filter(webhook_id__startswith="benchmark-").delete()
    # Put the stock back and settle the conflicts, so later figures start from the same store.
    with suspended():
        StockLevel.objects.filter(sku__shopify_inventory_item_id__gte=800_000_000).update(
            available=STOCK_PER_LOCATION, on_hand=STOCK_PER_LOCATION
        )
    touched = SKU.objects.filter(shopify_inventory_item_id__gte=800_000_000).values_list(
        "pk", flat=True
    )
    run_checks(stock_skus=list(touched), distribute=False)
    return {**percentiles(timings), **load()}


def percentiles(timings: list[float]) -> dict:
    """p50, p95 and max of timings in milliseconds, and how many there were."""
    timings = sorted(timings)
    if not timings:
        return {"samples": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {
        "samples": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(math.ceil(len(timings) * 0.95) - 1, 0)], 1),
        "max_ms": round(timings[-1], 1),
    }


def stock_change_rechecks(samples: int) -> dict:
    """Times from a stock change to its campaigns re-checked, as the change task
    (`promises.check_stock`) does it: the stock rules of the campaigns promoting the SKU."""
    from promises.checks.engine import run_checks
    from promises.choices import CheckTrigger
    from promises.triggers import suspended

    rng = random.Random(SEED + 1)
    sku_ids = list(
        SKU.objects.filter(campaign_items__isnull=False)
        .values_list("pk", flat=True)
        .distinct()[:5000]
    )
    settle()
    timings, campaigns = [], []
    for sku_id in rng.sample(sku_ids, min(samples, len(sku_ids))):
        level = StockLevel.objects.filter(sku_id=sku_id).first()
        units = 0 if level.available else STOCK_PER_LOCATION
        with suspended():  # time the re-check itself, not a task round trip
            StockLevel.objects.filter(pk=level.pk).update(on_hand=units, available=units)
        started = time.perf_counter()
        run = run_checks(stock_skus=[sku_id], trigger=CheckTrigger.BENCHMARK, distribute=False).run
        timings.append((time.perf_counter() - started) * 1000)
        campaigns.append(run.campaigns_checked)
    return {
        **percentiles(timings),
        "campaigns_per_change_median": statistics.median(campaigns) if campaigns else 0,
        **load(),
    }


def live_campaign_on_one_sku(channel: Channel, stamp: str, **campaign_fields) -> tuple:
    """A live campaign promoting one SKU with 100 in stock, shipped and sold in FR, so that
    selling the SKU out opens STOCK_OUT and restocking resolves it: (campaign, stock level).
    The notification and enforcement benchmarks time what follows such a change."""
    now = timezone.now()
    product = Product.objects.create(handle=f"bench-{stamp}", title="Bench serum")
    sku = SKU.objects.create(product=product, code=f"BENCH-{stamp}", price=Decimal("20"))
    location, _ = Location.objects.get_or_create(name="Bench warehouse", defaults={"country": "FR"})
    stock = StockLevel.objects.create(sku=sku, location=location, on_hand=100, available=100)
    ShippingMethod.objects.get_or_create(
        name="Bench standard",
        defaults={"countries": ["FR"], "min_days": 1, "max_days": 2, "price": 5},
    )
    CheckoutCountry.objects.get_or_create(country="FR")
    campaign = Campaign.objects.create(
        channel=channel,
        format="short_video",
        status="live",
        objective="branding",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=13),
        target_countries=["FR"],
        budget=Decimal("1400"),
        cites_stock=True,
        **campaign_fields,
    )
    CampaignItem.objects.create(
        campaign=campaign,
        sku=sku,
        announced_price=Decimal("20"),
        expected_units=5,
        reserved_units=5,
    )
    return campaign, stock
