"""Orders, daily channel metrics and survey answers from CSV, for the KPI pages.

Column layouts (header names are case-insensitive; * marks a required column; blank optional
cells take the default shown):

orders.csv
    external_id*, placed_at* (ISO 8601 date or date-time), country* (ISO 3166 alpha-2),
    gross*, currency (store currency), discounts, shipping, cost_of_goods, fees, refunded (0),
    channel (channel name), campaign (campaign name, on that channel), promo_code,
    checkout_path (site | native; site), new_customer (true | false; true)
channel_metrics.csv
    date*, channel*, campaign (blank: the whole channel that day), currency, spend,
    impressions, clicks, sessions, add_to_carts, qualified_add_to_carts, platform_purchases,
    platform_revenue (0), attribution_window (e.g. "7-day click")
survey_responses.csv
    external_id*, answered_at*, answer*, channel (blank: found in the answer when it names
    exactly one channel), order (the order's external_id)

Idempotent on the natural keys: an order or a response by external_id, a metric by
(channel, campaign, date). A row equal to what is stored writes nothing. A chunk that writes
orders or metrics announces them once (`insights.signals`), with the campaigns and channels
they concern.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import Model, Q
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from campaigns.choices import CheckoutPath
from campaigns.models import Campaign, Channel
from catalog.imports.products import apply_changes
from common.csvimport import parse
from common.csvimport.parse import CellError
from common.csvimport.runner import Chunk, Importer
from common.db import CURRENCY_CHOICES
from insights.models import ChannelMetric, Order, SurveyResponse
from insights.signals import channel_metrics_changed, orders_changed

CURRENCIES = {code for code, _ in CURRENCY_CHOICES}
COUNTRIES = {code for code, _ in countries}
CHECKOUT_PATHS = {path.value: path.value for path in CheckoutPath}
MONEY = ("gross", "discounts", "shipping", "cost_of_goods", "fees", "refunded")
COUNTS = (
    "impressions",
    "clicks",
    "sessions",
    "add_to_carts",
    "qualified_add_to_carts",
    "platform_purchases",
)


def _same(*names: str) -> dict[str, tuple[str, ...]]:
    return {name: (name, name.replace("_", " ")) for name in names}


def _pk(obj: Model | None) -> int | None:
    return obj.pk if obj is not None else None


class _Refused(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message
        super().__init__(message)


class InsightsImporter(Importer):
    """Rows keyed by a natural key, upserted a chunk at a time."""

    model: ClassVar[type[Model]]
    label: ClassVar[str]  # the report's key for these rows ("order"): a code, not shown
    # A second row with the key of an earlier one: "Same order as line 3 .".
    duplicate: ClassVar[str]
    # Sent once per chunk that wrote rows (bulk writes send no model signals); None: nobody
    # needs to hear about these rows.
    announce: ClassVar[Signal | None] = None

    def value(self, cells: list[str], name: str, parser, *args) -> Any:
        try:
            return parser(self.cell(cells, name), *args)
        except CellError as exc:
            column = self.columns.column(name)
            raise _Refused(
                column, _("%(column)s: %(problem)s") % {"column": column, "problem": exc}
            ) from None

    def optional(self, cells: list[str], name: str, parser, default: Any, *args) -> Any:
        if not self.cell(cells, name):
            return default
        return self.value(cells, name, parser, *args)

    def currency(self, cells: list[str]) -> str:
        code = self.cell(cells, "currency").upper() or settings.STORE_CURRENCY
        if code not in CURRENCIES:
            raise _Refused(
                self.columns.column("currency"),
                _("%(code)s is not an ISO 4217 code.") % {"code": repr(code)},
            )
        return code

    def channels(self, chunk_rows: Iterable[list[str]]) -> dict[str, Channel]:
        names = {self.cell(cells, "channel").casefold() for cells in chunk_rows} - {""}
        if not names:
            return {}
        # Channel names are unique and few; the case-insensitive match happens here.
        return {c.name.casefold(): c for c in Channel.objects.all() if c.name.casefold() in names}

    def channel(self, cells: list[str], channels: dict[str, Channel]) -> Channel | None:
        name = self.cell(cells, "channel")
        if not name:
            return None
        found = channels.get(name.casefold())
        if found is None:
            raise _Refused(
                self.columns.column("channel"),
                _("No channel named %(name)s.") % {"name": repr(name)},
            )
        return found

    def campaigns(self, chunk_rows: Iterable[list[str]]) -> dict[tuple[int, str], list[Campaign]]:
        names = {self.cell(cells, "campaign") for cells in chunk_rows} - {""}
        found: dict[tuple[int, str], list[Campaign]] = {}
        for campaign in Campaign.objects.filter(name__in=names).only("pk", "name", "channel_id"):
            found.setdefault((campaign.channel_id, campaign.name), []).append(campaign)
        return found

    def campaign(
        self, cells: list[str], channel: Channel | None, campaigns: dict
    ) -> Campaign | None:
        name = self.cell(cells, "campaign")
        if not name:
            return None
        column = self.columns.column("campaign")
        if channel is None:
            raise _Refused(column, _("A campaign needs its channel in the channel column."))
        matches = campaigns.get((channel.pk, name), [])
        if len(matches) != 1:
            values = {"name": repr(name), "channel": channel.name, "count": len(matches)}
            problem = (
                _("No campaign named %(name)s on %(channel)s.")
                if not matches
                else _("%(count)s campaigns named %(name)s on %(channel)s.")
            )
            raise _Refused(column, problem % values)
        return matches[0]

    # --- Upsert -----------------------------------------------------------------------------

    def key(self, values: dict[str, Any]) -> tuple:
        raise NotImplementedError

    def existing(self, keys: set[tuple]) -> dict[tuple, Model]:
        raise NotImplementedError

    def read(self, cells: list[str], context: dict) -> dict[str, Any]:
        raise NotImplementedError

    def context(self, rows: list[list[str]]) -> dict:
        return {}

    def process(self, chunk: Chunk) -> None:
        cells_of_chunk = [cells for _, cells in chunk.items]
        context = self.context(cells_of_chunk)
        incoming: dict[tuple, tuple[int, dict[str, Any]]] = {}
        for line, cells in chunk.items:
            try:
                values = self.read(cells, context)
            except _Refused as refused:
                self.result.refuse(line, refused.column, refused.message)
                continue
            key = self.key(values)
            if key in incoming:
                self.result.refuse(
                    line,
                    "",
                    str(self.duplicate) % {"line": incoming[key][0], "key": self.show(key)},
                )
                continue
            incoming[key] = (line, values)
        stored = self.existing(set(incoming))
        created, changed, fields = [], [], set()
        for key, (_line, values) in incoming.items():
            obj = stored.get(key)
            if obj is None:
                created.append(self.model(**values))
                self.result.count(self.label, "created")
                self.result.note(self.label, "create", self.show(key))
                continue
            changes = apply_changes(obj, values)
            if changes:
                fields.update(c.split(":", 1)[0] for c in changes)
                changed.append(obj)
                self.result.count(self.label, "updated")
                self.result.note(self.label, "update", self.show(key), changes)
            else:
                self.result.count(self.label, "unchanged")
        self.model.objects.bulk_create(created)
        if changed:
            self.model.objects.bulk_update(changed, sorted(fields))
        written = [*created, *changed]
        if written and self.announce is not None:
            self.announce.send(
                sender=self.model,
                campaign_ids={obj.campaign_id for obj in written} - {None},
                channel_ids={obj.channel_id for obj in written} - {None},
            )

    def show(self, key: tuple) -> str:
        return " / ".join(str(part) for part in key if part not in (None, ""))


class OrderImporter(InsightsImporter):
    """orders.csv: one row per order."""

    kind = "orders"
    model = Order
    label = "order"
    duplicate = gettext_lazy("Same order as line %(line)s (%(key)s).")
    announce = orders_changed
    aliases = {
        **_same(*MONEY, "currency", "country", "channel", "campaign", "promo_code"),
        "external_id": ("external_id", "external id", "order_id", "order id", "id"),
        "placed_at": ("placed_at", "placed at", "created_at", "date"),
        "checkout_path": ("checkout_path", "checkout path", "checkout"),
        "new_customer": ("new_customer", "new customer", "is_new_customer"),
    }
    required = ("external_id", "placed_at", "country", "gross")

    def context(self, rows: list[list[str]]) -> dict:
        return {"channels": self.channels(rows), "campaigns": self.campaigns(rows)}

    def read(self, cells: list[str], context: dict) -> dict[str, Any]:
        external_id = self.value(cells, "external_id", parse.text, 64)
        if not external_id:
            raise _Refused(self.columns.column("external_id"), _("external_id is blank."))
        country = self.cell(cells, "country").upper()
        if country not in COUNTRIES:
            raise _Refused(
                self.columns.column("country"),
                _("%(country)s is not an ISO 3166 country code.") % {"country": repr(country)},
            )
        channel = self.channel(cells, context["channels"])
        values: dict[str, Any] = {
            "external_id": external_id,
            "placed_at": self.value(cells, "placed_at", parse.moment),
            "country": country,
            "currency": self.currency(cells),
            "channel_id": channel.pk if channel else None,
            "campaign_id": _pk(self.campaign(cells, channel, context["campaigns"])),
            "promo_code": self.value(cells, "promo_code", parse.text, 64),
            "checkout_path": self.optional(
                cells, "checkout_path", parse.choice, CheckoutPath.SITE.value, CHECKOUT_PATHS
            ),
            "is_new_customer": self.optional(cells, "new_customer", parse.boolean, True),
        }
        for name in MONEY:
            values[name] = self.optional(cells, name, parse.money, 0)
        if values["refunded"] > values["gross"]:
            column = self.columns.column("refunded")
            raise _Refused(
                column,
                _("%(column)s (%(refunded)s) exceeds gross.")
                % {"column": column, "refunded": values["refunded"]},
            )
        return values

    def key(self, values: dict[str, Any]) -> tuple:
        return (values["external_id"],)

    def existing(self, keys: set[tuple]) -> dict[tuple, Model]:
        found = Order.objects.filter(external_id__in=[k[0] for k in keys])
        return {(o.external_id,): o for o in found}


class ChannelMetricImporter(InsightsImporter):
    """channel_metrics.csv: one row per channel (or campaign) and day."""

    kind = "metrics"
    model = ChannelMetric
    label = "channel metric"
    duplicate = gettext_lazy("Same channel metric as line %(line)s (%(key)s).")
    announce = channel_metrics_changed
    aliases = {
        **_same(*COUNTS, "currency", "channel", "campaign", "spend", "platform_revenue", "date"),
        "attribution_window": ("attribution_window", "attribution window"),
    }
    required = ("date", "channel")

    def context(self, rows: list[list[str]]) -> dict:
        return {"channels": self.channels(rows), "campaigns": self.campaigns(rows)}

    def read(self, cells: list[str], context: dict) -> dict[str, Any]:
        channel = self.channel(cells, context["channels"])
        if channel is None:
            raise _Refused(self.columns.column("channel"), _("channel is blank."))
        values: dict[str, Any] = {
            "date": self.value(cells, "date", parse.day_of),
            "channel_id": channel.pk,
            "campaign_id": _pk(self.campaign(cells, channel, context["campaigns"])),
            "currency": self.currency(cells),
            "spend": self.optional(cells, "spend", parse.money, 0),
            "platform_revenue": self.optional(cells, "platform_revenue", parse.money, 0),
            "attribution_window": self.value(cells, "attribution_window", parse.text, 64),
        }
        for name in COUNTS:
            values[name] = self.optional(cells, name, parse.whole, 0)
        if values["qualified_add_to_carts"] > values["add_to_carts"]:
            column = self.columns.column("qualified_add_to_carts")
            raise _Refused(column, _("%(column)s exceeds add_to_carts.") % {"column": column})
        return values

    def key(self, values: dict[str, Any]) -> tuple:
        return (values["channel_id"], values["campaign_id"], values["date"])

    def show(self, key: tuple) -> str:
        channel_id, campaign_id, day = key
        scope = _("campaign %(id)s") % {"id": campaign_id} if campaign_id else _("whole channel")
        return _("channel %(id)s / %(scope)s / %(day)s") % {
            "id": channel_id,
            "scope": scope,
            "day": day,
        }

    def existing(self, keys: set[tuple]) -> dict[tuple, Model]:
        if not keys:
            return {}
        days: set[date] = {k[2] for k in keys}
        found = ChannelMetric.objects.filter(
            channel_id__in={k[0] for k in keys}, date__in=days
        ).filter(Q(campaign__isnull=True) | Q(campaign_id__in={k[1] for k in keys} - {None}))
        return {(m.channel_id, m.campaign_id, m.date): m for m in found}


class SurveyResponseImporter(InsightsImporter):
    """survey_responses.csv: one row per "How did you hear about us?" answer."""

    kind = "survey"
    model = SurveyResponse
    label = "survey response"
    duplicate = gettext_lazy("Same survey response as line %(line)s (%(key)s).")
    aliases = {
        **_same("answer", "channel"),
        "external_id": ("external_id", "external id", "response_id", "id"),
        "answered_at": ("answered_at", "answered at", "date"),
        "order": ("order", "order_id", "order id", "order_external_id"),
    }
    required = ("external_id", "answered_at", "answer")

    def context(self, rows: list[list[str]]) -> dict:
        order_ids = {self.cell(cells, "order") for cells in rows} - {""}
        orders = {o.external_id: o for o in Order.objects.filter(external_id__in=order_ids)}
        # Every channel, to find the one an answer names when the channel cell is blank.
        channels = {c.name.casefold(): c for c in Channel.objects.all()}
        return {"channels": channels, "orders": orders}

    def read(self, cells: list[str], context: dict) -> dict[str, Any]:
        external_id = self.value(cells, "external_id", parse.text, 64)
        if not external_id:
            raise _Refused(self.columns.column("external_id"), _("external_id is blank."))
        answer = self.value(cells, "answer", parse.text, 255)
        if not answer:
            raise _Refused(self.columns.column("answer"), _("answer is blank."))
        channel = self.channel(cells, context["channels"])
        if channel is None:
            channel = self._named_in(answer, context["channels"])
        order_id = self.cell(cells, "order")
        order = context["orders"].get(order_id) if order_id else None
        if order_id and order is None:
            raise _Refused(
                self.columns.column("order"), _("No order %(order)s.") % {"order": repr(order_id)}
            )
        return {
            "external_id": external_id,
            "answered_at": self.value(cells, "answered_at", parse.moment),
            "answer": answer,
            "channel_id": channel.pk if channel else None,
            "order_id": order.pk if order else None,
        }

    @staticmethod
    def _named_in(answer: str, channels: dict[str, Channel]) -> Channel | None:
        folded = answer.casefold()
        named = [c for name, c in channels.items() if name in folded]
        if len(named) != 1:
            named = list({c.pk: c for c in channels.values() if c.network in folded}.values())
        return named[0] if len(named) == 1 else None

    def key(self, values: dict[str, Any]) -> tuple:
        return (values["external_id"],)

    def existing(self, keys: set[tuple]) -> dict[tuple, Model]:
        found = SurveyResponse.objects.filter(external_id__in=[k[0] for k in keys])
        return {(r.external_id,): r for r in found}


INSIGHTS_IMPORTERS: dict[str, type[InsightsImporter]] = {
    OrderImporter.kind: OrderImporter,
    ChannelMetricImporter.kind: ChannelMetricImporter,
    SurveyResponseImporter.kind: SurveyResponseImporter,
}
