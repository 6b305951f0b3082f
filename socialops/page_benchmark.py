"""Server-side page times at benchmark scale, for `manage.py benchmark --pages`.

The engine benchmark builds 20,000 campaigns; this tops the conflict table up to the wanted
number of open conflicts (100,000 by default, spread over the campaigns with real rule codes
and severities), adds 90 days of orders, channel metrics and survey answers, then times the
busiest pages through Django's test client: middleware, queries and templates, no network.
Each page is requested a few times to warm up, then `samples` times; p50 and p95 are reported
with the page's query count.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from campaigns.models import Campaign, Channel
from insights.models import ChannelMetric, Order, SurveyResponse
from promises.checks.registry import all_rules
from promises.choices import ConflictState
from promises.models import Conflict
from promises.querysets import STANDING

SEED = 20261124
WARMUP = 3
# Orders per channel per day in the synthetic history.
ORDERS_PER_CHANNEL_DAY = 60
HISTORY_DAYS = 90
OVERDUE_BLOCKERS = "?severity=blocker&overdue=true"


def top_up_conflicts(target_open: int) -> int:
    """Add open conflicts until `target_open` stand; returns how many were added."""
    from promises.benchmark import insert

    standing = Conflict.objects.filter(state__in=STANDING).count()
    missing = max(target_open - standing, 0)
    if not missing:
        return 0
    rng = random.Random(SEED)
    rules = [(rule.code, rule.severity) for rule in all_rules()]
    campaign_ids = list(Campaign.objects.values_list("pk", flat=True))
    owner = get_user_model().objects.get(username="benchmark")
    now = timezone.now()

    def rows():
        for n in range(missing):
            code, severity = rules[n % len(rules)]
            seen = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 14))
            yield (
                code,
                severity,
                rng.choice(campaign_ids),
                f"bench:{n}",
                ConflictState.OPEN if n % 5 else ConflictState.ACKNOWLEDGED,
                f"Benchmark conflict {n}: the promise and the data disagree.",
                {"announced": n % 97, "actual": n % 89},
                seen,
                seen,
                seen,
                seen + timedelta(hours=rng.choice((4, 24, 72))),
                owner.pk if n % 3 == 0 else None,
            )

    with transaction.atomic():
        added = insert(
            Conflict,
            [
                "rule_code",
                "severity",
                "campaign_id",
                "scope",
                "state",
                "message",
                "evidence",
                "data_as_of",
                "first_seen_at",
                "updated_at",
                "due_at",
                "assignee_id",
            ],
            rows(),
        )
        Campaign.objects.filter(owner__isnull=True).update(owner=owner)
    return added


def add_history(days: int = HISTORY_DAYS) -> dict:
    """Orders, channel metrics and survey answers for every channel over the last `days`."""
    from promises.benchmark import insert

    if Order.objects.filter(external_id__startswith="bench-").exists():
        return {"orders": Order.objects.count(), "metrics": ChannelMetric.objects.count()}
    rng = random.Random(SEED)
    channels = list(Channel.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    now = timezone.now()

    def orders():
        n = 0
        for day in range(days):
            placed = now - timedelta(days=day)
            for channel in channels:
                for _ in range(ORDERS_PER_CHANNEL_DAY):
                    n += 1
                    gross = Decimal(rng.randrange(1500, 12000)) / 100
                    yield (
                        f"bench-{n}",
                        channel,
                        "FR",
                        placed - timedelta(minutes=rng.randrange(0, 1440)),
                        "EUR",
                        gross,
                        (gross * Decimal("0.4")).quantize(Decimal("0.01")),
                        gross if rng.random() < 0.08 else Decimal(0),
                    )

    def metrics():
        for day in range(days):
            for channel in channels:
                sessions = rng.randrange(2000, 9000)
                yield (
                    channel,
                    today - timedelta(days=day),
                    "EUR",
                    Decimal(rng.randrange(20000, 90000)) / 100,
                    sessions * 12,
                    sessions,
                    sessions,
                    sessions // 12,
                    sessions // 30,
                    sessions // 80,
                    Decimal(rng.randrange(40000, 200000)) / 100,
                )

    with transaction.atomic():
        order_count = insert(
            Order,
            [
                "external_id",
                "channel_id",
                "country",
                "placed_at",
                "currency",
                "gross",
                "cost_of_goods",
                "refunded",
            ],
            orders(),
        )
        metric_count = insert(
            ChannelMetric,
            [
                "channel_id",
                "date",
                "currency",
                "spend",
                "impressions",
                "clicks",
                "sessions",
                "add_to_carts",
                "qualified_add_to_carts",
                "platform_purchases",
                "platform_revenue",
            ],
            metrics(),
        )
        first_order = Order.objects.aggregate(first=Max("pk"))["first"] - order_count + 1
        survey_count = insert(
            SurveyResponse,
            ["external_id", "order_id", "answered_at", "answer", "channel_id"],
            (
                (f"bench-s{i}", first_order + i, now - timedelta(days=i % days), "TikTok", None)
                for i in range(0, order_count, 10)
            ),
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {"orders": order_count, "metrics": metric_count, "survey_responses": survey_count}


def _pages() -> list[tuple[str, str]]:
    channel = Channel.objects.order_by("pk").values_list("pk", flat=True).first()
    wanted = [
        ("campaign list", "campaigns:list", ()),
        ("campaign list, blocked only", "campaigns:list", (), "?readiness=blocked"),
        ("conflict queue", "promises:conflict-list", ()),
        (
            "conflict queue, overdue blockers",
            "promises:conflict-list",
            (),
            "?severity=blocker&overdue=true",
        ),
        ("channel scorecard", "insights:channel-list", ()),
        ("channel KPI page (30 days)", "insights:channel-detail", (channel,)),
        ("channel KPI page (90 days)", "insights:channel-detail", (channel,), "?period=90"),
        ("home", "home", ()),
    ]
    pages = []
    for label, name, args, *query in wanted:
        try:
            pages.append((label, reverse(name, args=args) + (query[0] if query else "")))
        except NoReverseMatch:
            continue
    return pages


def time_pages(samples: int) -> list[dict]:
    """p50/p95 server-side times of the busiest pages, as a user holding every role."""
    user, _ = get_user_model().objects.get_or_create(
        username="benchmark-reader", defaults={"is_superuser": True, "is_staff": True}
    )
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
    client = Client(HTTP_HOST=host or "localhost")
    client.force_login(user)
    figures = []
    for label, url in _pages():
        for _ in range(WARMUP):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        figures.append(
            {
                "page": label,
                "url": url,
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[math.ceil(len(times) * 0.95) - 1], 1),
                "max_ms": round(times[-1], 1),
                "queries": len(queries),
            }
        )
    return figures
