"""The exec pages: the channel scorecard and one KPI page per channel. Read-only.

Both pages answer GET only (execs change nothing; a POST gets 405) and need
`campaigns.view_channel`, which every role holds. Their figures come from `insights.kpis`
in a fixed number of grouped queries, whatever the number of orders, metrics or channels,
with the operations figures (conflicts) from `promises.kpis` combined in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from campaigns.feeds.services import last_feed_report
from campaigns.models import Channel
from common.listing import Column, attr, stream_csv
from insights import kpis
from insights.charts import Chart, Series
from insights.forms import PeriodForm
from promises.kpis import with_operations
from promises.querysets import spend_at_risk_now

VIEW_CHANNEL = "campaigns.view_channel"


@dataclass(frozen=True)
class ScoreSort:
    """A scorecard column to sort by; rows with no value (None) go last either way."""

    label: str
    key: Callable[[kpis.ChannelKpis], Any]


SORTS: dict[str, ScoreSort] = {
    "name": ScoreSort("Channel", lambda r: r.name.lower()),
    "revenue": ScoreSort("Net revenue", lambda r: r.net_revenue),
    "spend": ScoreSort("Spend", lambda r: r.spend),
    "roas": ScoreSort("ROAS", lambda r: r.roas),
    "platform_roas": ScoreSort("Platform ROAS", lambda r: r.platform_roas),
    "margin": ScoreSort("Margin after returns", lambda r: r.margin_after_returns),
    "share": ScoreSort("Share of revenue", lambda r: r.share_of_revenue),
    "atc": ScoreSort("Add-to-cart rate", lambda r: r.add_to_cart_rate),
    "qualified_atc": ScoreSort(
        "Qualified add-to-cart rate", lambda r: r.qualified_add_to_cart_rate
    ),
    "survey": ScoreSort("Survey share", lambda r: r.survey_share),
    "conflicts": ScoreSort("Open conflicts", lambda r: r.open_conflicts),
    "gaps": ScoreSort("Governance gaps", lambda r: len(r.governance_gaps)),
}
DEFAULT_SORT = "-revenue"
# `?columns=all` shows every column; by default the table keeps the ones an exec reads first.
ALL_COLUMNS = "all"

CSV_COLUMNS = [
    Column("channel", attr("name")),
    Column("network", attr("channel.network")),
    Column("orders", attr("orders")),
    Column("net_revenue", attr("net_revenue")),
    Column("spend", attr("spend")),
    Column("roas", lambda r: _round(r.roas)),
    Column("platform_roas", lambda r: _round(r.platform_roas)),
    Column("attribution_window", attr("attribution_window")),
    Column("margin_after_returns", attr("margin_after_returns")),
    Column("share_of_revenue", lambda r: _round(r.share_of_revenue, 4)),
    Column("add_to_cart_rate", lambda r: _round(r.add_to_cart_rate, 4)),
    Column("qualified_add_to_cart_rate", lambda r: _round(r.qualified_add_to_cart_rate, 4)),
    Column("survey_share", lambda r: _round(r.survey_share, 4)),
    Column("open_conflicts", attr("open_conflicts")),
    Column("open_blockers", attr("open_blockers")),
    Column("governance_gaps", lambda r: "; ".join(r.governance_gaps)),
]


@dataclass(frozen=True)
class Tile:
    """One KPI tile: a figure and, where it has one, its change on the previous period."""

    label: str
    value: Decimal | int | None
    unit: str  # "currency", "ratio", "percent" or "count", as insights.charts.format_value
    previous: Decimal | int | None = None
    compared: bool = True  # False: a figure of now, which has no earlier value to compare
    better: str = "up"  # the way that is good news: "up", "down", or "" for neither (spend)
    note: str = ""  # said instead of a change on a figure of now
    href: str = ""

    @property
    def change(self) -> Decimal | None:
        return kpis.change(self.value, self.previous) if self.compared else None

    @property
    def direction(self) -> str:
        """ "up", "down" or "flat": the arrow, read from the change's sign."""
        found = self.change
        if found is None or found == 0:
            return "flat"
        return "up" if found > 0 else "down"

    @property
    def tone(self) -> str:
        """ "good", "bad" or "neutral": the colour, which never carries the meaning alone."""
        if self.direction == "flat" or not self.better:
            return "neutral"
        return "good" if self.direction == self.better else "bad"


def _store_tiles(card: kpis.Scorecard, before: kpis.Scorecard) -> list[Tile]:
    """The scorecard's headline: the store's figures against the previous period, and now."""
    at_risk = spend_at_risk_now()
    blockers = sum(row.open_blockers for row in card.rows)
    try:
        queue = reverse("promises:conflict-list")
    except NoReverseMatch:
        queue = ""
    return [
        Tile("Net revenue", card.store.net_revenue, "currency", before.store.net_revenue),
        Tile("Spend", card.store.spend, "currency", before.store.spend, better=""),
        Tile("MER (blended)", card.mer, "ratio", before.mer),
        Tile(
            "Margin after returns",
            card.store.margin_after_returns,
            "currency",
            before.store.margin_after_returns,
        ),
        Tile(
            "Open blockers",
            blockers,
            "count",
            compared=False,
            note="standing now, on every channel",
            href=f"{queue}?severity=blocker" if queue else "",
        ),
        Tile(
            "Spend at risk",
            at_risk["total"],
            "currency",
            compared=False,
            note=(
                f"now, on {at_risk['conflicts']} standing conflict"
                f"{'s' if at_risk['conflicts'] != 1 else ''} of live campaigns"
            ),
            href=f"{queue}?sort=spend" if queue else "",
        ),
    ]


def _channel_tiles(row: kpis.ChannelKpis, before: kpis.ChannelKpis) -> list[Tile]:
    """A channel's figures against its own previous period of the same length."""
    return [
        Tile("Net revenue", row.net_revenue, "currency", before.net_revenue),
        Tile("Spend", row.spend, "currency", before.spend, better=""),
        Tile("ROAS, store-attributed", row.roas, "ratio", before.roas),
        Tile("ROAS, platform-reported", row.platform_roas, "ratio", before.platform_roas),
        Tile(
            "Margin after returns",
            row.margin_after_returns,
            "currency",
            before.margin_after_returns,
        ),
        Tile("Orders", row.orders, "count", before.orders),
        Tile("Average order", row.aov, "currency", before.aov),
        Tile("CAC", row.cac, "currency", before.cac, better="down"),
        Tile("Return rate", row.return_rate, "percent", before.return_rate, better="down"),
    ]


def _round(value: Decimal | None, places: int = 2) -> str:
    return "" if value is None else str(round(value, places))


def _sorted(rows: list[kpis.ChannelKpis], sort: str) -> list[kpis.ChannelKpis]:
    key = SORTS[sort.lstrip("-")].key
    known = [r for r in rows if key(r) is not None]
    unknown = [r for r in rows if key(r) is None]
    # Ties keep the channel's name order, which the rows arrive in.
    return sorted(known, key=key, reverse=sort.startswith("-")) + unknown


def _period_context(request: HttpRequest) -> tuple[PeriodForm, kpis.Period]:
    form = PeriodForm.from_query(request.GET)
    return form, form.get_period()


@require_GET
@permission_required(VIEW_CHANNEL, raise_exception=True)
def channel_list(request: HttpRequest) -> HttpResponse:
    """The channel scorecard: one row per channel, sortable, with a CSV of the same rows."""
    form, period = _period_context(request)
    card = with_operations(kpis.scorecard(period))
    asked = request.GET.get("sort", "")
    sort = asked if asked.lstrip("-") in SORTS else DEFAULT_SORT
    rows = _sorted(card.rows, sort)
    # `?export=csv`, as on every list page (`?format=csv` too: this page has no format filter).
    if "csv" in (request.GET.get("export"), request.GET.get("format")):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        # The unattributed orders last, as on the page: with them the shares add up to 100%.
        response = StreamingHttpResponse(
            stream_csv(iter([*rows, card.unattributed]), CSV_COLUMNS),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="channel-scorecard-{period.start}-{period.end}-{stamp}.csv"'
        )
        return response
    before = kpis.scorecard(period.previous())
    previous_revenue = {row.channel.pk: row.net_revenue for row in before.rows if row.channel}
    for row in rows:
        # The table's net revenue cell says how it moved, as the tiles do.
        row.revenue_change = kpis.change(
            row.net_revenue, previous_revenue.get(row.channel.pk) if row.channel else None
        )
    context = {
        "form": form,
        "period": period,
        "card": card,
        "before": before,
        "tiles": _store_tiles(card, before),
        "rows": rows,
        "sort": sort,
        "all_columns": request.GET.get("columns") == ALL_COLUMNS,
        "currency": settings.STORE_CURRENCY,
    }
    if getattr(request, "htmx", False) and request.htmx.target == "results":
        return render(request, "insights/partials/_scorecard.html", context)
    return render(request, "insights/channel_list.html", context)


@require_GET
@permission_required(VIEW_CHANNEL, raise_exception=True)
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One channel's KPI page: figures, trends, rates against organic, shares, governance."""
    channel = get_object_or_404(Channel.objects.select_related("calendar_owner"), pk=pk)
    form, period = _period_context(request)
    card = with_operations(kpis.scorecard(period), channel_id=channel.pk)
    row = card.row_for(channel.pk)
    before = kpis.scorecard(period.previous()).row_for(channel.pk)
    trend = kpis.channel_trend(channel, period)
    currency = settings.STORE_CURRENCY
    context = {
        "channel": channel,
        "form": form,
        "period": period,
        "card": card,
        "row": row,
        "tiles": _channel_tiles(row, before),
        "currency": currency,
        "charts": _trend_charts(channel, period, trend, currency),
        "rates_chart": _rates_chart(row, card.organic),
        "shares": sorted(card.rows, key=lambda r: r.net_revenue, reverse=True),
        "governance": _governance(channel),
        "conflicts_url": _conflicts_url(channel),
        "feed_report": last_feed_report(channel),
    }
    return render(request, "insights/channel_detail.html", context)


def _trend_charts(
    channel: Channel, period: kpis.Period, trend: list[kpis.TrendPoint], currency: str
) -> list[Chart]:
    per = "day" if period.bucket == "day" else "week (weeks start on Monday)"
    labels = [
        point.day.strftime("%b %-d") if period.bucket == "day" else f"wk {point.day:%b %-d}"
        for point in trend
    ]
    span = f"{period.start:%b %-d, %Y} to {period.end:%b %-d, %Y}"
    figures = [point.figures for point in trend]
    return [
        Chart(
            "revenue-spend",
            f"{channel.name}: net revenue and spend per {period.bucket}",
            f"Net revenue attributed to {channel.name} (gross minus discounts and refunds) "
            f"and its ad spend, per {per}, {span}, in {currency}.",
            labels,
            [
                Series("Net revenue", [f.net_revenue for f in figures]),
                Series("Spend", [f.spend for f in figures]),
            ],
            unit="currency",
            currency=currency,
        ),
        Chart(
            "roas",
            f"{channel.name}: ROAS, store-attributed and platform-reported",
            f"Return on ad spend per {per}, {span}: net revenue the store attributes to "
            f"{channel.name} per unit spent, against the revenue the platform reports. "
            "Days without spend have no ROAS and show as gaps.",
            labels,
            [
                Series("ROAS (store)", [f.roas for f in figures]),
                Series("ROAS (platform)", [f.platform_roas for f in figures]),
            ],
            unit="ratio",
        ),
        Chart(
            "margin",
            f"{channel.name}: margin after returns per {period.bucket}",
            f"Net revenue minus cost of goods kept, fees and spend, per {per}, {span}, "
            f"in {currency}. Bars below zero are periods that lost money.",
            labels,
            [Series("Margin after returns", [f.margin_after_returns for f in figures])],
            unit="currency",
            currency=currency,
            kind="bar",
        ),
    ]


def _rates_chart(row: kpis.ChannelKpis, organic: kpis.Figures) -> Chart:
    return Chart(
        "atc-rates",
        f"{row.name}: add-to-cart rates against the site's organic traffic",
        "Add-to-carts per session and qualified add-to-carts (baskets at or above the "
        f"qualified threshold) per session, for {row.name} and for organic traffic.",
        ["Add-to-cart rate", "Qualified add-to-cart rate"],
        [
            Series(row.name, [row.add_to_cart_rate, row.qualified_add_to_cart_rate]),
            Series("Site organic", [organic.add_to_cart_rate, organic.qualified_add_to_cart_rate]),
        ],
        unit="percent",
        kind="bar",
        x_title="Rate",
    )


@dataclass(frozen=True)
class GovernanceItem:
    """One line of a channel's governance checklist."""

    label: str
    ok: bool
    detail: str
    required: bool  # one of the four things every network must have written down


def _governance(channel: Channel) -> list[GovernanceItem]:
    gaps = set(channel.governance_gaps)
    owner = channel.calendar_owner
    synced = channel.last_catalog_sync_at
    stale = synced is not None and (timezone.now() - synced).total_seconds() > (
        channel.catalog_sync_max_age_hours * 3600
    )
    sync_detail = channel.get_catalog_sync_display() if channel.catalog_sync else "not written down"
    if channel.catalog_sync:
        sync_detail += (
            f", last sync {synced:%Y-%m-%d %H:%M}" + (" (stale)" if stale else "")
            if synced
            else ", never synced"
        )
    budget = channel.creative_budget_monthly
    hours = channel.response_time_commitment_hours
    window = channel.attribution_window_days
    return [
        GovernanceItem(
            "Calendar owner",
            "calendar owner" not in gaps,
            (owner.get_full_name() or owner.get_username()) if owner else "nobody named",
            True,
        ),
        GovernanceItem(
            "Creative budget",
            "creative budget" not in gaps,
            f"{budget:,.0f} {channel.currency} a month" if budget is not None else "not set",
            True,
        ),
        GovernanceItem("Catalog sync", "catalog sync" not in gaps and not stale, sync_detail, True),
        GovernanceItem(
            "Response-time commitment",
            "response-time commitment" not in gaps,
            f"{hours} h for urgent comments" if hours is not None else "not set",
            True,
        ),
        GovernanceItem(
            "Conversion definition",
            bool(channel.conversion_definition),
            channel.conversion_definition or "not written down",
            False,
        ),
        GovernanceItem(
            "Attribution window",
            window is not None,
            f"{window} day{'s' if window != 1 else ''}" if window is not None else "not set",
            False,
        ),
        GovernanceItem(
            "Pixel",
            channel.pixel_configured,
            "configured" if channel.pixel_configured else "no",
            False,
        ),
        GovernanceItem(
            "Consent",
            channel.consent_configured,
            "configured" if channel.consent_configured else "no",
            False,
        ),
    ]


def _conflicts_url(channel: Channel) -> str:
    """The conflict queue filtered to this channel, once the ops pages provide it."""
    try:
        return f"{reverse('promises:conflict-list')}?channel={channel.pk}"
    except NoReverseMatch:
        return ""
