"""A synthetic store for `manage.py benchmark`, and the measurements taken on it.

Building a million campaign items through the ORM would take minutes; on PostgreSQL the rows
stream through COPY (generated lazily, so building stays in bounded memory), elsewhere
through bulk_create. About 5% of items break a rule: sold-out SKUs, wrong announced prices,
missing reservations, and some campaigns promise "48h delivery" against a 3-5 day method or
announce a code checkout does not know.
"""

from __future__ import annotations

import json
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
from promises.models import CheckoutCountry, PromoCode, ReturnPolicy, ShippingMethod

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


def sweep_here() -> dict:
    """One full sweep in this process, with this process's peak memory."""
    from promises.checks.engine import run_checks
    from promises.choices import CheckTrigger

    started = time.perf_counter()
    run = run_checks(None, trigger=CheckTrigger.BENCHMARK).run
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "campaigns": run.campaigns_checked,
        "items": run.items_checked,
        "items_per_second": round(run.items_checked / seconds),
        "opened": run.opened,
        "resolved": run.resolved,
        "reopened": run.reopened,
        "errors": run.errors,
        # ru_maxrss is in kilobytes on Linux. The sweep may fork checking processes: report
        # the largest of this process and them (each is a sweeping process of its own).
        "peak_memory_mb": round(
            max(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            )
            / 1024,
            1,
        ),
        "processes": settings.CHECKS_SWEEP_PROCESSES,
    }


def full_sweep() -> dict:
    """One full sweep in a fresh process, so the peak memory measured is the sweep's own."""
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


def stock_change_rechecks(samples: int) -> dict:
    """Times from a stock change to its campaigns re-checked, as the change task does it."""
    from promises.checks.engine import run_checks
    from promises.choices import CheckTrigger
    from promises.triggers import campaigns_promoting, suspended

    rng = random.Random(SEED + 1)
    sku_ids = list(
        SKU.objects.filter(campaign_items__isnull=False)
        .values_list("pk", flat=True)
        .distinct()[:5000]
    )
    timings, campaigns = [], []
    for sku_id in rng.sample(sku_ids, min(samples, len(sku_ids))):
        level = StockLevel.objects.filter(sku_id=sku_id).first()
        units = 0 if level.available else STOCK_PER_LOCATION
        with suspended():  # time the re-check itself, not a task round trip
            StockLevel.objects.filter(pk=level.pk).update(on_hand=units, available=units)
        started = time.perf_counter()
        ids = campaigns_promoting([sku_id])
        run_checks(ids, trigger=CheckTrigger.BENCHMARK)
        timings.append((time.perf_counter() - started) * 1000)
        campaigns.append(len(ids))
    timings.sort()
    return {
        "samples": len(timings),
        "campaigns_per_change_median": statistics.median(campaigns) if campaigns else 0,
        "p50_ms": round(statistics.median(timings), 1) if timings else None,
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1) if timings else None,
        "max_ms": round(timings[-1], 1) if timings else None,
    }
