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

from babel.dates import format_skeleton
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_GET

from campaigns.feeds.services import last_feed_report
from campaigns.models import Channel
from common import formatting
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
    "name": ScoreSort(gettext_lazy("Channel"), lambda r: r.name.lower()),
    "revenue": ScoreSort(gettext_lazy("Net revenue"), lambda r: r.net_revenue),
    "spend": ScoreSort(gettext_lazy("Spend"), lambda r: r.spend),
    "roas": ScoreSort(gettext_lazy("ROAS"), lambda r: r.roas),
    "platform_roas": ScoreSort(gettext_lazy("Platform ROAS"), lambda r: r.platform_roas),
    "margin": ScoreSort(gettext_lazy("Margin after returns"), lambda r: r.margin_after_returns),
    "share": ScoreSort(gettext_lazy("Share of revenue"), lambda r: r.share_of_revenue),
    "atc": ScoreSort(gettext_lazy("Add-to-cart rate"), lambda r: r.add_to_cart_rate),
    "qualified_atc": ScoreSort(
        gettext_lazy("Qualified add-to-cart rate"), lambda r: r.qualified_add_to_cart_rate
    ),
    "survey": ScoreSort(gettext_lazy("Survey share"), lambda r: r.survey_share),
    "conflicts": ScoreSort(gettext_lazy("Open conflicts"), lambda r: r.open_conflicts),
    "gaps": ScoreSort(gettext_lazy("Governance gaps"), lambda r: len(r.governance_gaps)),
}
# The four governance items every network must write down, as campaigns.models names them
# (also the CSV's words, which stay English), and as a page says them.
GOVERNANCE_GAPS = {
    "calendar owner": gettext_lazy("calendar owner"),
    "creative budget": gettext_lazy("creative budget"),
    "catalog sync": gettext_lazy("catalog sync"),
    "response-time commitment": gettext_lazy("response-time commitment"),
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
    standing = at_risk["conflicts"]
    return [
        Tile(_("Net revenue"), card.store.net_revenue, "currency", before.store.net_revenue),
        Tile(_("Spend"), card.store.spend, "currency", before.store.spend, better=""),
        Tile(_("MER (blended)"), card.mer, "ratio", before.mer),
        Tile(
            _("Margin after returns"),
            card.store.margin_after_returns,
            "currency",
            before.store.margin_after_returns,
        ),
        Tile(
            _("Open blockers"),
            blockers,
            "count",
            compared=False,
            note=_("standing now, on every channel"),
            href=f"{queue}?severity=blocker" if queue else "",
        ),
        Tile(
            _("Spend at risk"),
            at_risk["total"],
            "currency",
            compared=False,
            note=ngettext(
                "now, on %(count)s standing conflict of live campaigns",
                "now, on %(count)s standing conflicts of live campaigns",
                standing,
            )
            % {"count": standing},
            href=f"{queue}?sort=spend" if queue else "",
        ),
    ]


def _channel_tiles(row: kpis.ChannelKpis, before: kpis.ChannelKpis) -> list[Tile]:
    """A channel's figures against its own previous period of the same length."""
    return [
        Tile(_("Net revenue"), row.net_revenue, "currency", before.net_revenue),
        Tile(_("Spend"), row.spend, "currency", before.spend, better=""),
        Tile(_("ROAS, store-attributed"), row.roas, "ratio", before.roas),
        Tile(_("ROAS, platform-reported"), row.platform_roas, "ratio", before.platform_roas),
        Tile(
            _("Margin after returns"),
            row.margin_after_returns,
            "currency",
            before.margin_after_returns,
        ),
        Tile(_("Orders"), row.orders, "count", before.orders),
        Tile(_("Average order"), row.aov, "currency", before.aov),
        Tile(_("CAC"), row.cac, "currency", before.cac, better="down"),
        Tile(_("Return rate"), row.return_rate, "percent", before.return_rate, better="down"),
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
        row.governance_gap_labels = [str(GOVERNANCE_GAPS.get(g, g)) for g in row.governance_gaps]
    context = {
        "form": form,
        "period": period,
        "card": card,
        "before": before,
        "tiles": _store_tiles(card, before),
        "rows": rows,
        "sort": sort,
        "sort_label": SORTS[sort.lstrip("-")].label,
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
    daily = period.bucket == "day"
    # "per day" / "per week": the buckets the trend is read in.
    per_bucket = _("per day") if daily else _("per week")
    per = _("per day") if daily else _("per week (weeks start on Monday)")
    labels = [
        _short_day(point.day)
        if daily
        else pgettext("week starting", "wk %(day)s") % {"day": _short_day(point.day)}
        for point in trend
    ]
    span = _("%(start)s to %(end)s") % {
        "start": formatting.day(period.start),
        "end": formatting.day(period.end),
    }
    figures = [point.figures for point in trend]
    names = {"channel": channel.name, "per": per, "span": span, "currency": currency}
    return [
        Chart(
            "revenue-spend",
            _("%(channel)s: net revenue and spend %(per)s") % {**names, "per": per_bucket},
            _(
                "Net revenue attributed to %(channel)s (gross minus discounts and refunds) "
                "and its ad spend, %(per)s, %(span)s, in %(currency)s."
            )
            % names,
            labels,
            [
                Series(_("Net revenue"), [f.net_revenue for f in figures]),
                Series(_("Spend"), [f.spend for f in figures]),
            ],
            unit="currency",
            currency=currency,
            x_title=_("Period"),
        ),
        Chart(
            "roas",
            _("%(channel)s: ROAS, store-attributed and platform-reported") % names,
            _(
                "Return on ad spend %(per)s, %(span)s: net revenue the store attributes to "
                "%(channel)s per unit spent, against the revenue the platform reports. "
                "Days without spend have no ROAS and show as gaps."
            )
            % names,
            labels,
            [
                Series(_("ROAS (store)"), [f.roas for f in figures]),
                Series(_("ROAS (platform)"), [f.platform_roas for f in figures]),
            ],
            unit="ratio",
            x_title=_("Period"),
        ),
        Chart(
            "margin",
            _("%(channel)s: margin after returns %(per)s") % {**names, "per": per_bucket},
            _(
                "Net revenue minus cost of goods kept, fees and spend, %(per)s, %(span)s, "
                "in %(currency)s. Bars below zero are periods that lost money."
            )
            % names,
            labels,
            [Series(_("Margin after returns"), [f.margin_after_returns for f in figures])],
            unit="currency",
            currency=currency,
            kind="bar",
            x_title=_("Period"),
        ),
    ]


def _short_day(day) -> str:
    """Jun 2 / 2 juin: a chart's x label."""
    return format_skeleton("MMMd", day, locale=formatting.locale_name())


def _rates_chart(row: kpis.ChannelKpis, organic: kpis.Figures) -> Chart:
    return Chart(
        "atc-rates",
        _("%(channel)s: add-to-cart rates against the site's organic traffic")
        % {"channel": row.name},
        _(
            "Add-to-carts per session and qualified add-to-carts (baskets at or above the "
            "qualified threshold) per session, for %(channel)s and for organic traffic."
        )
        % {"channel": row.name},
        [_("Add-to-cart rate"), _("Qualified add-to-cart rate")],
        [
            Series(row.name, [row.add_to_cart_rate, row.qualified_add_to_cart_rate]),
            Series(
                _("Site organic"), [organic.add_to_cart_rate, organic.qualified_add_to_cart_rate]
            ),
        ],
        unit="percent",
        kind="bar",
        x_title=_("Rate"),
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
    not_written = _("not written down")
    not_set = _("not set")
    configured = _("configured")
    if not channel.catalog_sync:
        sync_detail = not_written
    elif synced is None:
        sync_detail = _("%(sync)s, never synced") % {"sync": channel.get_catalog_sync_display()}
    else:
        sync_detail = (
            _("%(sync)s, last sync %(when)s (stale)")
            if stale
            else _("%(sync)s, last sync %(when)s")
        ) % {"sync": channel.get_catalog_sync_display(), "when": formatting.when(synced)}
    budget = channel.creative_budget_monthly
    hours = channel.response_time_commitment_hours
    window = channel.attribution_window_days
    return [
        GovernanceItem(
            _("Calendar owner"),
            "calendar owner" not in gaps,
            (owner.get_full_name() or owner.get_username()) if owner else _("nobody named"),
            True,
        ),
        GovernanceItem(
            _("Creative budget"),
            "creative budget" not in gaps,
            _("%(amount)s a month")
            % {"amount": formatting.money(budget, channel.currency, whole=True)}
            if budget is not None
            else not_set,
            True,
        ),
        GovernanceItem(
            _("Catalog sync"), "catalog sync" not in gaps and not stale, sync_detail, True
        ),
        GovernanceItem(
            _("Response-time commitment"),
            "response-time commitment" not in gaps,
            _("%(hours)s h for urgent comments") % {"hours": hours}
            if hours is not None
            else not_set,
            True,
        ),
        GovernanceItem(
            _("Conversion definition"),
            bool(channel.conversion_definition),
            channel.conversion_definition or not_written,
            False,
        ),
        GovernanceItem(
            _("Attribution window"),
            window is not None,
            ngettext("%(days)s day", "%(days)s days", window) % {"days": window}
            if window is not None
            else not_set,
            False,
        ),
        GovernanceItem(
            _("Pixel"),
            channel.pixel_configured,
            configured if channel.pixel_configured else _("no"),
            False,
        ),
        GovernanceItem(
            _("Consent"),
            channel.consent_configured,
            configured if channel.consent_configured else _("no"),
            False,
        ),
    ]


def _conflicts_url(channel: Channel) -> str:
    """The conflict queue filtered to this channel, once the ops pages provide it."""
    try:
        return f"{reverse('promises:conflict-list')}?channel={channel.pk}"
    except NoReverseMatch:
        return ""
