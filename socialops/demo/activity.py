"""What happened over the last 90 days: orders, daily channel metrics, survey answers.

Each day draws from its own seeded generator and its orders are keyed by their date
("ML-20250614-007"). The window rolls: a run on a later day adds the new day and removes
the demo rows (orders, metrics, answers) that fall out of it or that it no longer describes.
Numbers are shaped for the KPI pages: platforms report more revenue than the store
attributes, newer customers cost more, refunds follow returns, codes bring discounts.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from campaigns.choices import CampaignFormat, CampaignStatus, CheckoutPath, Objective
from catalog.choices import ProductStatus
from insights.models import ChannelMetric, Order, SurveyResponse
from socialops.demo.campaign_specs import CampaignSpec
from socialops.demo.context import DemoContext, money
from socialops.demo.marketing import CAMPAIGNS
from socialops.demo.operations import (
    PROMO_CODE_SPECS,
    SHIPPING_METHODS,
    WELCOME_CODE,
    PromoCodeSpec,
    build_promo_codes,
)
from socialops.demo.people import (
    CHANNEL_SPECS,
    CREATOR_SPECS,
    CREATORS,
    INSTAGRAM,
    LIVE,
    PINTEREST,
    SITE_ORGANIC,
    TIKTOK_SHOP,
)
from socialops.demo.store import SKU_SPECS, SOLD_OUT_SKU
from socialops.demo.upsert import sync_rows

ORDER_DAYS = 90
ORDER_PREFIX = "ML-"
SURVEY_PREFIX = "SRV-"

BASE_ORDERS_PER_DAY = 34
# The brand grows about 40% over the quarter; weekends sell a fifth more.
DAILY_GROWTH = 0.0045
WEEKEND_LIFT = 1.2
SELLING_HOURS = (7, 24)

# Where orders come from; None is direct and email traffic, attributed to no channel.
CHANNEL_ORDER_SHARE: dict[str | None, float] = {
    SITE_ORGANIC: 0.30,
    TIKTOK_SHOP: 0.20,
    INSTAGRAM: 0.18,
    PINTEREST: 0.07,
    CREATORS: 0.10,
    LIVE: 0.05,
    None: 0.10,
}
COUNTRY_SHARE: dict[str, int] = {
    "FR": 36,
    "DE": 14,
    "BE": 8,
    "NL": 8,
    "ES": 7,
    "IT": 7,
    "GB": 8,
    "US": 12,
}
NEW_CUSTOMER_SHARE: dict[str | None, float] = {
    SITE_ORGANIC: 0.40,
    TIKTOK_SHOP: 0.72,
    INSTAGRAM: 0.60,
    PINTEREST: 0.66,
    CREATORS: 0.70,
    LIVE: 0.50,
    None: 0.25,
}
# Of a channel's orders placed while one of its campaigns runs, the share it is credited with.
ATTRIBUTED_SHARE = 0.6
CODE_USE_SHARE = 0.75
WELCOME_CODE_SHARE = 0.3
NATIVE_CHECKOUT_SHARE = 0.5
# Live shows sell during the show and in the day after (the replay).
LIVE_SHOW_TAIL = timedelta(days=1)
# A campaign's guaranteed sale of the day is numbered after the day's own orders.
GUARANTEED_ORDER_NUMBER_BASE = 900
BASKET_LINES = ((1, 0.6), (2, 0.3), (3, 0.1))
DOUBLE_QUANTITY_SHARE = 0.1
# Beauty sells three times as often as apparel.
CATEGORY_WEIGHT = {"Skincare": 3, "Makeup": 3, "Apparel": 1}
# Clothes come back (fit); opened cosmetics rarely do. Returns take a few days to arrive.
REFUND_SHARE = {"Apparel": 0.14, "Skincare": 0.04, "Makeup": 0.04}
REFUND_AFTER_DAYS = 4
PAYMENT_FEE_RATE = Decimal("0.015")
PAYMENT_FEE_FIXED = Decimal("0.25")


@dataclass(frozen=True)
class Funnel:
    """How a channel's traffic behaves; None in roas means it costs nothing (organic)."""

    conversion_rate: float
    add_to_cart_rate: float
    click_through_rate: float
    roas: float | None
    attribution_window: str


FUNNELS: dict[str, Funnel] = {
    TIKTOK_SHOP: Funnel(0.014, 0.085, 0.012, 2.6, "7-day click, 1-day view"),
    INSTAGRAM: Funnel(0.018, 0.075, 0.010, 2.2, "7-day click, 1-day view"),
    PINTEREST: Funnel(0.011, 0.060, 0.006, 1.7, "30-day click, 1-day view"),
    CREATORS: Funnel(0.030, 0.090, 0.020, 3.8, "30-day click or code"),
    LIVE: Funnel(0.045, 0.120, 0.050, 3.0, "1-day click"),
    SITE_ORGANIC: Funnel(0.026, 0.080, 0.0, None, ""),
}
# Campaign-level return on spend: comfortably above every stop rule, so none trips.
CAMPAIGN_ROAS = (3.0, 4.5)
# Spend on a campaign day that sold nothing.
IDLE_DAY_SPEND = (8, 20)
QUALIFIED_SHARE = (0.45, 0.70)
# Platforms count view-throughs and longer windows: they report more than the store sees.
PLATFORM_REVENUE_LIFT = (1.12, 1.45)
PLATFORM_PURCHASE_LIFT = (1.10, 1.40)
CLICKS_PER_SESSION = (1.05, 1.25)

SURVEY_SHARE = 0.35
# How shoppers answer "How did you hear about us?", by the channel the answer maps to.
SURVEY_ANSWERS: dict[str | None, tuple[str, ...]] = {
    TIKTOK_SHOP: ("TikTok", "tiktok", "Saw it on TikTok", "TikTok Shop"),
    INSTAGRAM: ("Instagram", "Saw it on Instagram", "insta", "An Instagram ad"),
    PINTEREST: ("Pinterest", "Found it on Pinterest"),
    CREATORS: ("A creator I follow", "@lea.sunday", "Nora's video"),
    LIVE: ("Live shopping", "The live show"),
    SITE_ORGANIC: ("Google", "Searched online"),
    None: ("a friend", "A friend told me", "Podcast", "Magazine", "Don't remember", "In a shop"),
}
# Answers name the order's own channel this often, name no channel (None) up to the second.
SURVEY_OWN_CHANNEL = 0.55
SURVEY_UNMAPPED = 0.85

ATTRIBUTED_STATUSES = {CampaignStatus.LIVE, CampaignStatus.PAUSED, CampaignStatus.ENDED}


@dataclass(frozen=True)
class Window:
    """When a campaign spent (starts to stops) and sold (until sells_until)."""

    spec: CampaignSpec
    campaign_id: int
    starts: datetime
    stops: datetime
    sells_until: datetime
    code: PromoCodeSpec | None
    commission: Decimal


def campaign_windows(ctx: DemoContext) -> dict[str, list[Window]]:
    """The campaigns that ran, per channel name, with the time they spent and sold."""
    windows: dict[str, list[Window]] = defaultdict(list)
    for spec in CAMPAIGNS:
        if spec.status not in ATTRIBUTED_STATUSES or spec.starts is None or spec.ends is None:
            continue
        starts, ends = ctx.anchor + spec.starts, ctx.anchor + spec.ends
        stops = min(ends, ctx.anchor - spec.paused_for if spec.paused_for else ends, ctx.anchor)
        if stops <= starts:
            continue
        tail = LIVE_SHOW_TAIL if spec.format == CampaignFormat.LIVE else timedelta(0)
        creator = CREATOR_SPECS.get(spec.creator or "")
        windows[spec.channel].append(
            Window(
                spec,
                ctx.campaigns[spec.name].pk,
                starts,
                stops,
                min(stops + tail, ctx.anchor),
                PROMO_CODE_SPECS.get(spec.promo_code),
                creator.commission_rate if creator else Decimal("0"),
            )
        )
    return windows


def _weighted(rng: random.Random, weights: dict[Any, float] | dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _code_covers(code: PromoCodeSpec, ctx: DemoContext, moment: datetime) -> bool:
    starts = ctx.anchor + code.starts
    ends = ctx.anchor + code.ends if code.ends is not None else None
    return code.active and starts <= moment and (ends is None or moment <= ends)


def _cheapest_shipping() -> dict[str, tuple[Decimal, Decimal | None]]:
    """Per country, the price and free-from threshold of the cheapest enabled method."""
    cheapest: dict[str, tuple[Decimal, Decimal | None]] = {}
    for spec in SHIPPING_METHODS:
        if not spec.enabled:
            continue
        for country in spec.countries:
            if country not in cheapest or spec.price < cheapest[country][0]:
                cheapest[country] = (spec.price, spec.free_from)
    return cheapest


CHEAPEST_SHIPPING = _cheapest_shipping()
SELLABLE_SKUS = [
    code
    for code, (product, _variant) in SKU_SPECS.items()
    if product.status == ProductStatus.ACTIVE and product.published
]


def orders_for_day(
    ctx: DemoContext, day: date, windows: dict[str, list[Window]]
) -> list[dict[str, Any]]:
    """The day's orders as Order rows (field attnames).

    Each order draws from a generator of its own (day and number), so when campaign windows
    move on a later day only the orders they touch change. Every campaign that ran that day
    sells at least once: a paid day with no sale would read as a tripped stop rule (ROAS 0),
    which the sound campaigns must not show.
    """
    day_rng = ctx.rng("orders", day.isoformat())
    index = (day - ctx.today).days + ORDER_DAYS
    volume = BASE_ORDERS_PER_DAY * (1 + DAILY_GROWTH * index)
    if day.weekday() >= 5:
        volume *= WEEKEND_LIFT
    day_start = ctx.anchor + timedelta(days=(day - ctx.today).days)
    opens, closes = (day_start + timedelta(hours=hour) for hour in SELLING_HOURS)
    open_seconds = int((closes - opens).total_seconds())
    count = round(volume * day_rng.uniform(0.85, 1.15))
    # Order numbers follow the clock, as a store's do.
    times = sorted(day_rng.randrange(open_seconds) for _ in range(count))

    rows = []
    for number, second in enumerate(times, start=1):
        rng = ctx.rng("order", day.isoformat(), number)
        placed_at = opens + timedelta(seconds=second)
        channel_name = _weighted(rng, CHANNEL_ORDER_SHARE)
        attributed, pick = rng.random(), rng.random()
        running = [
            w for w in windows.get(channel_name or "", []) if w.starts <= placed_at < w.sells_until
        ]
        window = (
            running[int(pick * len(running))] if running and attributed < ATTRIBUTED_SHARE else None
        )
        rows.append(_order(ctx, rng, number, placed_at, channel_name, window))

    sold = {row["campaign_id"] for row in rows}
    for position, spec in enumerate(CAMPAIGNS, start=1):
        window = next((w for w in windows.get(spec.channel, []) if w.spec is spec), None)
        if window is None or window.campaign_id in sold:
            continue
        first, last = max(opens, window.starts), min(closes, window.sells_until)
        if first >= last:
            continue
        number = GUARANTEED_ORDER_NUMBER_BASE + position
        rng = ctx.rng("order", day.isoformat(), number)
        placed_at = first + timedelta(seconds=rng.randrange(int((last - first).total_seconds())))
        rows.append(_order(ctx, rng, number, placed_at, spec.channel, window))
    return rows


def _order(
    ctx: DemoContext,
    rng: random.Random,
    number: int,
    placed_at: datetime,
    channel_name: str | None,
    window: Window | None,
) -> dict[str, Any]:
    """One order row: basket, code, shipping, fees and refund."""
    channel_spec = CHANNEL_SPECS.get(channel_name or "")
    if window:
        country = rng.choice(window.spec.countries)
        checkout = window.spec.checkout
    else:
        country = _weighted(rng, COUNTRY_SHARE)
        native = channel_spec is not None and country in channel_spec.native_checkout_countries
        checkout = (
            CheckoutPath.NATIVE
            if native and rng.random() < NATIVE_CHECKOUT_SHARE
            else CheckoutPath.SITE
        )
    is_new = rng.random() < NEW_CUSTOMER_SHARE[channel_name]

    lines = _basket(rng, window, country)
    gross = sum((price * qty for _code, price, qty in lines), Decimal("0"))
    cost = sum((SKU_SPECS[code][1].unit_cost * qty for code, _p, qty in lines), Decimal("0"))

    code = None
    if window and window.code and _code_covers(window.code, ctx, placed_at):
        code = window.code if rng.random() < CODE_USE_SHARE else None
    if code is None and is_new and rng.random() < WELCOME_CODE_SHARE:
        code = PROMO_CODE_SPECS[WELCOME_CODE]
    discounts = Decimal("0")
    if code:
        eligible = sum(
            (
                price * qty
                for sku, price, qty in lines
                if not code.products or SKU_SPECS[sku][0].handle in code.products
            ),
            Decimal("0"),
        )
        discounts = money(eligible * code.percent / 100)
    paid = gross - discounts

    ship_price, free_from = CHEAPEST_SHIPPING[country]
    ship = Decimal("0") if free_from is not None and paid >= free_from else ship_price
    fees = PAYMENT_FEE_RATE * (paid + ship) + PAYMENT_FEE_FIXED
    if checkout == CheckoutPath.NATIVE and channel_spec is not None:
        fees += paid * channel_spec.native_checkout_fee_rate
    if window:
        fees += paid * window.commission

    refunded = Decimal("0")
    if (ctx.anchor - placed_at).days >= REFUND_AFTER_DAYS:
        returned = [
            line for line in lines if rng.random() < REFUND_SHARE[SKU_SPECS[line[0]][0].category]
        ]
        if returned:
            _sku, price, qty = returned[0]
            # The refund is what was paid for the line: its share of the discounted total.
            refunded = money(price * qty * paid / gross)

    return {
        "external_id": f"{ORDER_PREFIX}{placed_at:%Y%m%d}-{number:03d}",
        "channel_id": ctx.channels[channel_name].pk if channel_name else None,
        "campaign_id": window.campaign_id if window else None,
        "promo_code": code.code if code else "",
        "country": country,
        "placed_at": placed_at,
        "checkout_path": checkout,
        "is_new_customer": is_new,
        "currency": ctx.currency,
        "gross": money(gross),
        "discounts": discounts,
        "shipping": money(ship),
        "cost_of_goods": money(cost),
        "fees": money(fees),
        "refunded": refunded,
    }


def _basket(
    rng: random.Random, window: Window | None, country: str
) -> list[tuple[str, Decimal, int]]:
    """(SKU code, unit price, quantity) lines; a campaign's order starts with a promoted SKU."""
    allowed = [
        code for code in SELLABLE_SKUS if country not in SKU_SPECS[code][0].restricted_countries
    ]
    weights = [CATEGORY_WEIGHT[SKU_SPECS[code][0].category] for code in allowed]
    picks: list[str] = []
    if window:
        promoted = [item.sku for item in window.spec.items if item.sku != SOLD_OUT_SKU]
        if promoted:
            picks.append(rng.choice(promoted))
    count = _weighted(rng, dict(BASKET_LINES))
    while len(picks) < count:
        pick = rng.choices(allowed, weights=weights)[0]
        if pick not in picks:
            picks.append(pick)
    return [
        (code, SKU_SPECS[code][1].price, 2 if rng.random() < DOUBLE_QUANTITY_SHARE else 1)
        for code in picks
    ]


@dataclass
class DayTotals:
    """One day's orders for a channel or a campaign."""

    orders: int = 0
    platform_visible: Decimal = Decimal("0")  # before refunds, as the platform sees it
    net: Decimal = Decimal("0")

    def add(self, row: dict[str, Any]) -> None:
        self.orders += 1
        self.platform_visible += row["gross"] - row["discounts"]
        self.net += row["gross"] - row["discounts"] - row["refunded"]


METRIC_COUNTS = (
    "impressions",
    "clicks",
    "sessions",
    "add_to_carts",
    "qualified_add_to_carts",
    "platform_purchases",
)
METRIC_AMOUNTS = ("spend", "platform_revenue")


def _funnel_row(
    rng: random.Random, funnel: Funnel, totals: DayTotals, spend: Decimal
) -> dict[str, Any]:
    """Traffic and platform figures consistent with a day's orders and spend."""
    paid = funnel.roas is not None
    sessions = round(
        (totals.orders + rng.uniform(0.5, 2.0)) / (funnel.conversion_rate * rng.uniform(0.85, 1.15))
    )
    add_to_carts = max(
        totals.orders, round(sessions * funnel.add_to_cart_rate * rng.uniform(0.85, 1.15))
    )
    clicks = round(sessions * rng.uniform(*CLICKS_PER_SESSION)) if paid else 0
    return {
        "spend": money(spend),
        "impressions": round(clicks / (funnel.click_through_rate * rng.uniform(0.8, 1.2)))
        if paid
        else 0,
        "clicks": clicks,
        "sessions": sessions,
        "add_to_carts": add_to_carts,
        "qualified_add_to_carts": round(add_to_carts * rng.uniform(*QUALIFIED_SHARE)),
        "platform_purchases": round(totals.orders * rng.uniform(*PLATFORM_PURCHASE_LIFT))
        if paid
        else 0,
        "platform_revenue": money(
            totals.platform_visible * Decimal(str(rng.uniform(*PLATFORM_REVENUE_LIFT)))
        )
        if paid
        else Decimal("0.00"),
    }


def metrics_for_day(
    ctx: DemoContext,
    day: date,
    orders: Iterable[dict[str, Any]],
    windows: dict[str, list[Window]],
) -> list[dict[str, Any]]:
    """A row per channel (campaign NULL: the whole channel) and per campaign that ran that day."""
    per_channel: dict[int, DayTotals] = defaultdict(DayTotals)
    per_campaign: dict[int, DayTotals] = defaultdict(DayTotals)
    for row in orders:
        if row["campaign_id"]:
            per_campaign[row["campaign_id"]].add(row)
        elif row["channel_id"]:
            per_channel[row["channel_id"]].add(row)
    day_start = ctx.anchor + timedelta(days=(day - ctx.today).days)
    day_end = day_start + timedelta(days=1)

    rows = []
    for name, channel in ctx.channels.items():
        funnel = FUNNELS[name]
        campaign_rows = []
        for window in windows.get(name, []):
            if not (window.starts < day_end and day_start < window.sells_until):
                continue
            totals = per_campaign[window.campaign_id]
            spec = window.spec
            rng = ctx.rng("metrics", day.isoformat(), spec.name)
            if spec.objective == Objective.BRANDING and spec.budget and spec.ends and spec.starts:
                run_days = max(1, (spec.ends - spec.starts).days)
                spend = spec.budget / run_days * Decimal(str(rng.uniform(0.8, 1.2)))
            elif totals.net > 0:
                spend = totals.net / Decimal(str(rng.uniform(*CAMPAIGN_ROAS)))
            else:
                spend = Decimal(rng.randint(*IDLE_DAY_SPEND))
            campaign_rows.append(
                {"campaign_id": window.campaign_id, **_funnel_row(rng, funnel, totals, spend)}
            )
        rest = per_channel[channel.pk]
        rng = ctx.rng("metrics", day.isoformat(), name)
        rest_spend = (
            rest.net / Decimal(str(funnel.roas * rng.uniform(0.8, 1.2))) if funnel.roas else 0
        )
        whole = _funnel_row(rng, funnel, rest, Decimal(rest_spend))
        for campaign_row in campaign_rows:
            for field_name in METRIC_COUNTS + METRIC_AMOUNTS:
                whole[field_name] += campaign_row[field_name]
        common = {
            "channel_id": channel.pk,
            "date": day,
            "currency": ctx.currency,
            "attribution_window": funnel.attribution_window,
        }
        rows.append({**common, "campaign_id": None, **whole})
        rows.extend({**common, **campaign_row} for campaign_row in campaign_rows)
    return rows


def survey_answers(
    ctx: DemoContext, orders: Iterable[dict[str, Any]], order_ids: dict[str, int]
) -> list[dict[str, Any]]:
    """Post-purchase answers for about a third of the orders, mapped to a channel or not."""
    names_by_id = {channel.pk: name for name, channel in ctx.channels.items()}
    answerable = [name for name in SURVEY_ANSWERS if name is not None]
    rows = []
    for order in orders:
        rng = ctx.rng("survey", order["external_id"])
        if rng.random() >= SURVEY_SHARE:
            continue
        own = names_by_id.get(order["channel_id"])
        draw = rng.random()
        if own is not None and draw < SURVEY_OWN_CHANNEL:
            named = own
        elif draw < SURVEY_UNMAPPED:
            named = None
        else:
            named = rng.choice(answerable)
        answered_at = min(
            order["placed_at"] + timedelta(minutes=rng.randint(1, 20)),
            ctx.anchor - timedelta(seconds=1),
        )
        rows.append(
            {
                "external_id": f"{SURVEY_PREFIX}{order['external_id']}",
                "order_id": order_ids[order["external_id"]],
                "answered_at": answered_at,
                "answer": rng.choice(SURVEY_ANSWERS[named]),
                "channel_id": ctx.channels[named].pk if named else None,
            }
        )
    return rows


def build_activity(ctx: DemoContext) -> None:
    """Orders, promo code usage, channel metrics and survey answers for the last 90 days."""
    days = [ctx.day(-offset) for offset in range(ORDER_DAYS, 0, -1)]
    windows = campaign_windows(ctx)
    orders_by_day = {day: orders_for_day(ctx, day, windows) for day in days}
    orders = [row for rows in orders_by_day.values() for row in rows]

    build_promo_codes(ctx, Counter(row["promo_code"] for row in orders if row["promo_code"]))

    demo_orders = Order.objects.filter(external_id__startswith=ORDER_PREFIX)
    sync_rows(Order, ctx.tally, demo_orders, ("external_id",), orders, prune=True)

    metrics = [
        row for day in days for row in metrics_for_day(ctx, day, orders_by_day[day], windows)
    ]
    demo_metrics = ChannelMetric.objects.filter(channel__in=ctx.channels.values())
    sync_rows(
        ChannelMetric,
        ctx.tally,
        demo_metrics,
        ("channel_id", "campaign_id", "date"),
        metrics,
        prune=True,
    )

    order_ids = dict(demo_orders.values_list("external_id", "pk"))
    answers = survey_answers(ctx, orders, order_ids)
    demo_answers = SurveyResponse.objects.filter(
        external_id__startswith=SURVEY_PREFIX + ORDER_PREFIX
    )
    sync_rows(SurveyResponse, ctx.tally, demo_answers, ("external_id",), answers, prune=True)
