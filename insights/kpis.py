"""The KPIs of the exec pages, computed set-based: a fixed handful of grouped aggregates.

Every figure follows PRODUCT.md's "KPI definitions". The formulas are small pure functions
(tested on hand-computed numbers); the reads group orders, channel-level metrics and survey
answers by channel (and by day or week for the trends), so the number of queries does not
depend on how many orders, metrics or channels there are. Net revenue is insights.querysets'
one definition. The operations figures (open conflicts, median time to resolve) are the
engine's, in promises.kpis: the views combine the two, so this app imports nothing above it.

Conventions, where PRODUCT.md leaves a choice:
- A channel's metrics are its channel-level rows (campaign NULL: "the whole channel"); the
  campaign-level rows break the same numbers down and would count them twice.
- Cost of goods kept: the store reports refunds as amounts, not returned lines, so an order
  keeps its cost of goods in proportion to what was not refunded.
- Share of revenue divides by all the store's net revenue, unattributed orders included, so
  the channels' shares and the unattributed share add up to 100%.
- Concentration is the sum of the squares of those same shares (of all net revenue), over the
  channels only: the unattributed part is no platform the store depends on. 1.0 means one
  channel brings everything; n channels bringing equal parts of everything give 1/n.
- Changes compare a period with the previous period of the same length (the days just
  before it), so "30 days" is read against the 30 days before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from campaigns.choices import Network
from campaigns.models import Channel
from insights.models import ChannelMetric, Order, SurveyResponse
from insights.querysets import net_revenue

Bucket = Literal["day", "week"]

# Trends up to this many days read per day (about a quarter); longer periods per week, so a
# chart keeps a readable number of points.
DAILY_BUCKETS_UP_TO = 92
CENTS = Decimal("0.01")
# The row of the orders no channel is credited with.
UNATTRIBUTED = "Unattributed orders"
ZERO = Decimal("0")
_MONEY = DecimalField(max_digits=18, decimal_places=2)


# --- Formulas -------------------------------------------------------------------------------


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator, or None when there is nothing to divide by (not zero: unknown)."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def margin_after_returns(
    net: Decimal, cost_of_goods_kept: Decimal, fees: Decimal, spend: Decimal
) -> Decimal:
    """Contribution = net revenue - cost of goods kept - fees - spend."""
    return net - cost_of_goods_kept - fees - spend


def concentration(amounts: list[Decimal], of: Decimal | None = None) -> Decimal | None:
    """The sum of squared shares (Herfindahl index): 1 is total dependence on one channel.

    Each share is its amount divided by `of` (the whole the shares are of; the amounts' own
    sum unless given), so shares of all net revenue stay shares of all net revenue.
    """
    total = sum(amounts, ZERO) if of is None else of
    if not total or total < 0:
        return None
    return sum(((amount / total) ** 2 for amount in amounts), ZERO)


def change(current: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """The relative change from `previous` to `current` (0.25 is +25%); None when unknown.

    Unknown when either figure is, or when the previous one is zero (no base to compare to).
    A negative base (a margin that was a loss) is read by its size: from -100 to -50 is +50%.
    """
    if current is None or previous is None or not previous:
        return None
    return (Decimal(current) - Decimal(previous)) / abs(Decimal(previous))


def money(amount: Decimal | None) -> Decimal:
    """An amount rounded to cents (aggregates of divisions carry more places)."""
    return Decimal(amount or 0).quantize(CENTS, rounding=ROUND_HALF_UP)


# --- Periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included, in the site's time zone."""

    start: date
    end: date

    @classmethod
    def last(cls, days: int, today: date | None = None) -> Period:
        """The last `days` days, today included."""
        today = today or timezone.localdate()
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def bucket(self) -> Bucket:
        return "day" if self.days <= DAILY_BUCKETS_UP_TO else "week"

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def bounds(self) -> tuple[datetime, datetime]:
        """[first instant, first instant after) as aware datetimes, for indexed range scans."""
        zone = timezone.get_current_timezone()
        first = timezone.make_aware(datetime.combine(self.start, time.min), zone)
        after = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), zone)
        return first, after

    def buckets(self) -> list[date]:
        """The first day of each bucket (Mondays for weeks, as TruncWeek gives them)."""
        if self.bucket == "day":
            return [self.start + timedelta(days=n) for n in range(self.days)]
        monday = self.start - timedelta(days=self.start.weekday())
        return [monday + timedelta(weeks=n) for n in range((self.end - monday).days // 7 + 1)]


# --- Figures --------------------------------------------------------------------------------


@dataclass
class Figures:
    """Sums for a channel (or the whole store) over a period, and the KPIs they give."""

    orders: int = 0
    new_customers: int = 0
    gross: Decimal = ZERO
    discounts: Decimal = ZERO
    refunded: Decimal = ZERO
    cost_of_goods_kept: Decimal = ZERO
    fees: Decimal = ZERO
    spend: Decimal = ZERO
    platform_revenue: Decimal = ZERO
    platform_purchases: int = 0
    sessions: int = 0
    add_to_carts: int = 0
    qualified_add_to_carts: int = 0

    @property
    def net_revenue(self) -> Decimal:
        return net_revenue(self.gross, self.discounts, self.refunded)

    @property
    def roas(self) -> Decimal | None:
        """Store-attributed net revenue per unit of spend."""
        return ratio(self.net_revenue, self.spend)

    @property
    def platform_roas(self) -> Decimal | None:
        """What the platform says it brought per unit of spend (its own attribution window)."""
        return ratio(self.platform_revenue, self.spend)

    @property
    def margin_after_returns(self) -> Decimal:
        return money(
            margin_after_returns(self.net_revenue, self.cost_of_goods_kept, self.fees, self.spend)
        )

    @property
    def aov(self) -> Decimal | None:
        return ratio(self.net_revenue, self.orders)

    @property
    def cac(self) -> Decimal | None:
        return ratio(self.spend, self.new_customers)

    @property
    def return_rate(self) -> Decimal | None:
        return ratio(self.refunded, self.gross)

    @property
    def add_to_cart_rate(self) -> Decimal | None:
        return ratio(self.add_to_carts, self.sessions)

    @property
    def qualified_add_to_cart_rate(self) -> Decimal | None:
        return ratio(self.qualified_add_to_carts, self.sessions)

    def add(self, other: Figures) -> None:
        for name in Figures.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ChannelKpis(Figures):
    """One channel's row of the scorecard."""

    channel: Channel | None = None
    attribution_window: str = ""
    survey_answers: int = 0
    share_of_revenue: Decimal | None = None
    survey_share: Decimal | None = None
    # Operations, filled in by promises.kpis.with_operations (zero until then).
    open_conflicts: int = 0
    open_blockers: int = 0
    resolved_conflicts: int = 0
    median_time_to_resolve: timedelta | None = None
    # Net revenue against the previous period of the same length, where a page compares.
    revenue_change: Decimal | None = None

    # The names the home page panel has always used.
    @property
    def name(self) -> str:
        return self.channel.name if self.channel else UNATTRIBUTED

    @property
    def order_count(self) -> int:
        return self.orders

    @property
    def governance_gaps(self) -> list[str]:
        return self.channel.governance_gaps if self.channel else []


@dataclass
class Scorecard:
    """Every channel's KPIs over a period, with the store's totals and the organic baseline."""

    period: Period
    rows: list[ChannelKpis]
    store: Figures  # every order and every channel's spend, unattributed orders included
    organic: Figures  # the site's organic traffic, the baseline for add-to-cart rates
    survey_answers: int
    # The orders no channel is credited with: part of all net revenue, in no channel's row.
    unattributed: ChannelKpis = field(default_factory=lambda: ChannelKpis())

    @property
    def mer(self) -> Decimal | None:
        """Blended: all net revenue / all spend."""
        return ratio(self.store.net_revenue, self.store.spend)

    @property
    def unattributed_share(self) -> Decimal | None:
        """The unattributed orders' share of all net revenue (the channels' shares + this = 1)."""
        return self.unattributed.share_of_revenue

    @property
    def concentration(self) -> Decimal | None:
        """The sum of the channels' squared shares of all net revenue (see the module doc)."""
        store_net = self.store.net_revenue
        if store_net <= 0:
            return None
        return concentration([max(row.net_revenue, ZERO) for row in self.rows], of=store_net)

    @property
    def top_channel(self) -> ChannelKpis | None:
        return max(self.rows, key=lambda r: r.net_revenue, default=None)

    def __iter__(self) -> Iterator[ChannelKpis]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def row_for(self, channel_id: int) -> ChannelKpis:
        return next(row for row in self.rows if row.channel and row.channel.pk == channel_id)


@dataclass
class TrendPoint:
    """One day or week of a channel's trend."""

    day: date
    figures: Figures = field(default_factory=Figures)


# --- Reads ----------------------------------------------------------------------------------


class _Fraction(Func):
    """a / b in decimal arithmetic; SQLite would divide two whole amounts as integers."""

    arg_joiner = " / "
    template = "(%(expressions)s)"
    output_field = _MONEY

    def as_sqlite(self, compiler, connection, **extra):
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        rhs, rhs_params = compiler.compile(self.source_expressions[1])
        return f"(CAST({lhs} AS REAL) / {rhs})", (*lhs_params, *rhs_params)


def _sum(expression, **kwargs) -> Coalesce:
    return Coalesce(Sum(expression, output_field=_MONEY, **kwargs), Value(ZERO, _MONEY))


def _order_sums() -> dict:
    # cost kept = cost of goods x (gross - refunded) / gross; an order of gross 0 keeps its cost.
    kept = Coalesce(
        _Fraction(
            F("cost_of_goods") * (F("gross") - F("refunded")),
            Func(F("gross"), Value(0), function="NULLIF"),
        ),
        F("cost_of_goods"),
        output_field=_MONEY,
    )
    # Prefixed names: an annotation named "gross" would shadow the field in the expressions.
    return dict(
        sum_orders=Count("pk"),
        sum_new_customers=Count("pk", filter=Q(is_new_customer=True)),
        sum_gross=_sum("gross"),
        sum_discounts=_sum("discounts"),
        sum_refunded=_sum("refunded"),
        sum_cost_of_goods_kept=_sum(kept),
        sum_fees=_sum("fees"),
    )


def _metric_sums() -> dict:
    return dict(
        sum_spend=_sum("spend"),
        sum_platform_revenue=_sum("platform_revenue"),
        sum_platform_purchases=Coalesce(Sum("platform_purchases"), 0),
        sum_sessions=Coalesce(Sum("sessions"), 0),
        sum_add_to_carts=Coalesce(Sum("add_to_carts"), 0),
        sum_qualified_add_to_carts=Coalesce(Sum("qualified_add_to_carts"), 0),
    )


def _orders_in(period: Period) -> QuerySet:
    first, after = period.bounds()
    return Order.objects.filter(placed_at__gte=first, placed_at__lt=after).order_by()


def _channel_metrics_in(period: Period) -> QuerySet:
    # Channel-level rows only: the partial unique index on (channel, date) serves this filter.
    return ChannelMetric.objects.filter(
        campaign__isnull=True, date__gte=period.start, date__lte=period.end
    ).order_by()


def _figures(values: dict) -> Figures:
    """A Figures from one row of grouped sums (their keys are the field names, prefixed)."""
    return Figures(
        **{
            k[4:]: money(v) if isinstance(v, Decimal) else v
            for k, v in values.items()
            if k.startswith("sum_")
        }
    )


def scorecard(period: Period) -> Scorecard:
    """Every channel's KPIs over the period: four queries, however many rows.

    The operations figures (conflicts) are the engine's: `promises.kpis.with_operations`
    fills them in, so this app reads nothing of the engine's.
    """
    channels = list(Channel.objects.select_related("calendar_owner").order_by("name"))
    orders = {
        row.pop("channel"): row
        for row in _orders_in(period).values("channel").annotate(**_order_sums())
    }
    metrics = {
        row.pop("channel"): row
        for row in _channel_metrics_in(period)
        .values("channel")
        .annotate(**_metric_sums(), window=Coalesce(Max("attribution_window"), Value("")))
    }
    answers = dict(
        SurveyResponse.objects.filter(
            answered_at__gte=period.bounds()[0], answered_at__lt=period.bounds()[1]
        )
        .order_by()
        .values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )

    store = Figures()
    for values in orders.values():
        store.add(_figures(values))
    organic = Figures()
    rows = []
    for channel in channels:
        metric = metrics.get(channel.pk, {})
        row = ChannelKpis(
            channel=channel,
            attribution_window=metric.get("window", ""),
            survey_answers=answers.get(channel.pk, 0),
        )
        row.add(_figures(orders.get(channel.pk, {})))
        row.add(_figures(metric))
        store.add(_figures(metric))
        if channel.network == Network.ORGANIC:
            organic.add(row)
        rows.append(row)

    survey_total = sum(answers.values())
    store_net = store.net_revenue
    for row in rows:
        row.share_of_revenue = ratio(row.net_revenue, store_net) if store_net > 0 else None
        row.survey_share = ratio(row.survey_answers, survey_total)
    # Orders of no channel (a deleted channel's orders lose theirs: SET_NULL).
    unattributed = ChannelKpis()
    unattributed.add(_figures(orders.get(None, {})))
    unattributed.share_of_revenue = (
        ratio(unattributed.net_revenue, store_net) if store_net > 0 else None
    )
    return Scorecard(period, rows, store, organic, survey_total, unattributed)


def channel_trend(channel: Channel, period: Period) -> list[TrendPoint]:
    """The channel's figures per day (or week, for long periods), every bucket present.

    Two grouped queries: its orders and its channel-level metrics, truncated to the bucket.
    """
    zone = timezone.get_current_timezone()
    if period.bucket == "day":
        order_bucket, metric_bucket = TruncDate("placed_at", tzinfo=zone), F("date")
    else:
        order_bucket, metric_bucket = TruncWeek("placed_at", tzinfo=zone), TruncWeek("date")
    points = {day: TrendPoint(day) for day in period.buckets()}

    def point(bucket: date | datetime) -> TrendPoint | None:
        day = bucket.date() if isinstance(bucket, datetime) else bucket
        return points.get(day)

    for row in (
        _orders_in(period)
        .filter(channel=channel)
        .annotate(bucket=order_bucket)
        .values("bucket")
        .annotate(**_order_sums())
    ):
        found = point(row.pop("bucket"))
        if found:
            found.figures.add(_figures(row))
    for row in (
        _channel_metrics_in(period)
        .filter(channel=channel)
        .annotate(bucket=metric_bucket)
        .values("bucket")
        .annotate(**_metric_sums())
    ):
        found = point(row.pop("bucket"))
        if found:
            found.figures.add(_figures(row))
    return list(points.values())
