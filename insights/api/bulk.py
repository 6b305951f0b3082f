"""Bulk upserts of orders, channel metrics and survey answers, idempotent on their keys.

A shop or an ad platform sends the same records again and again (a nightly export, a
retried webhook batch). Each item is keyed: orders and survey answers by their external
id, metrics by (channel, campaign, date), the key of their unique constraint. Sending a
batch twice changes nothing the second time; a bad item is reported by its position and
the good ones are saved. The writes are set-based: a few queries per batch, not per item.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from campaigns.models import Campaign, Channel
from insights.api.serializers import (
    ChannelMetricSerializer,
    OrderSerializer,
    SurveyResponseSerializer,
)
from insights.models import ChannelMetric, Order, SurveyResponse

# Items per request: 1,000 rows validate and upsert in well under a second, and keep a
# request's memory and locks small. Larger loads send several batches (or use CSV upload).
BULK_LIMIT = 1000


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def refuse(self, index: int, key: str, errors: dict) -> None:
        self.errors.append({"index": index, "key": key, "errors": _plain(errors)})


def _plain(errors: Any) -> Any:
    """DRF's error containers as plain dicts, lists and strings."""
    if isinstance(errors, dict):
        return {str(k): _plain(v) for k, v in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [_plain(v) for v in errors]
    return str(errors)


class BulkItemMixin:
    """An item of a bulk request: foreign keys are plain ids, resolved for the whole batch
    at once, and unique keys are matched for an upsert instead of refused."""

    def get_unique_together_validators(self) -> list:
        return []

    def validate(self, attrs: dict) -> dict:
        # The model's constraints that tie fields together, checked in Python: running the
        # model's validation per item would cost queries per item.
        for check in getattr(self, "cross_checks", ()):
            check(attrs)
        return attrs


def _lte(low: str, high: str, message) -> Callable[[dict], None]:
    """A check that `low` stays at or under `high`; `message` (lazy) says so to the client."""

    def check(attrs: dict) -> None:
        if attrs.get(low, 0) > attrs.get(high, 0):
            raise serializers.ValidationError({low: [message]})

    return check


def _id_field(help_text: str, *, required: bool = False) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=required,
        allow_null=not required,
        help_text=help_text,
    )


class BulkOrderSerializer(BulkItemMixin, OrderSerializer):
    external_id = serializers.CharField(max_length=64)
    channel = _id_field("Channel id.")
    campaign = _id_field("Campaign id.")
    cross_checks = (
        _lte("refunded", "gross", gettext_lazy("A refund cannot exceed the gross amount.")),
    )


class BulkChannelMetricSerializer(BulkItemMixin, ChannelMetricSerializer):
    channel = _id_field("Channel id.", required=True)
    campaign = _id_field("Campaign id; null or absent for the whole channel.")
    cross_checks = (
        _lte(
            "qualified_add_to_carts",
            "add_to_carts",
            gettext_lazy("Qualified add-to-carts cannot exceed add-to-carts."),
        ),
    )


class BulkSurveyResponseSerializer(BulkItemMixin, SurveyResponseSerializer):
    external_id = serializers.CharField(max_length=64)
    order = _id_field("Order id.")
    channel = _id_field("Channel id; null when the answer names no channel.")


class BulkRequestSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.JSONField(),
        min_length=1,
        max_length=BULK_LIMIT,
        help_text=f"The records, {BULK_LIMIT} at most. A bare JSON list is accepted too.",
    )


@dataclass(frozen=True)
class Upsert:
    """How one model is keyed and which ids its items refer to."""

    model: type[models.Model]
    item_serializer: type[serializers.Serializer]
    key_fields: tuple[str, ...]
    references: dict[str, type[models.Model]]

    def key(self, attrs: dict) -> Hashable:
        return tuple(attrs.get(f) for f in self.key_fields)

    def key_label(self, raw: Any) -> str:
        if not isinstance(raw, dict):
            return ""
        return "/".join(str(raw.get(f, "")) for f in self.key_fields)[:200]

    def stored_key(self, row: models.Model) -> Hashable:
        return tuple(getattr(row, self._attname(f)) for f in self.key_fields)

    def _attname(self, name: str) -> str:
        return f"{name}_id" if name in self.references else name

    def existing(self, keys: list[Hashable]) -> dict[Hashable, models.Model]:
        """The stored rows with these keys, in one query."""
        if not keys:
            return {}
        condition = Q()
        for position, name in enumerate(self.key_fields):
            values = {key[position] for key in keys}
            column = self._attname(name)
            matches = Q(**{f"{column}__in": values - {None}})
            if None in values:
                matches |= Q(**{f"{column}__isnull": True})
            condition &= matches
        rows = self.model.objects.filter(condition)
        wanted = set(keys)
        return {k: row for row in rows if (k := self.stored_key(row)) in wanted}

    def run(self, items: list[Any]) -> Outcome:
        outcome = Outcome()
        valid: list[tuple[int, dict]] = []
        for index, raw in enumerate(items):
            item = self.item_serializer(data=raw)
            if item.is_valid():
                valid.append((index, dict(item.validated_data)))
            else:
                outcome.refuse(index, self.key_label(raw), item.errors)
        valid = self._with_known_references(valid, outcome)
        valid = self._first_of_each_key(valid, outcome)
        try:
            with transaction.atomic():
                self._write(valid, outcome)
        except IntegrityError:
            # Something the checks above do not see (a concurrent writer): item by item, so
            # the good ones still land and the bad one is named.
            outcome.created = outcome.updated = outcome.unchanged = 0
            for index, attrs in valid:
                try:
                    with transaction.atomic():
                        self._write([(index, attrs)], outcome)
                except IntegrityError as exc:
                    outcome.refuse(
                        index, self._label(attrs), {"non_field_errors": [_constraint(exc)]}
                    )
            outcome.errors.sort(key=lambda e: e["index"])
        return outcome

    def _label(self, attrs: dict) -> str:
        return "/".join("" if v is None else str(v) for v in self.key(attrs))

    def _with_known_references(
        self, valid: list[tuple[int, dict]], outcome: Outcome
    ) -> list[tuple[int, dict]]:
        known = {}
        for name, model in self.references.items():
            ids = {attrs[name] for _, attrs in valid if attrs.get(name) is not None}
            known[name] = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        kept = []
        for index, attrs in valid:
            unknown = {
                name: [f"No {model._meta.verbose_name} with id {attrs[name]}."]
                for name, model in self.references.items()
                if attrs.get(name) is not None and attrs[name] not in known[name]
            }
            if unknown:
                outcome.refuse(index, self._label(attrs), unknown)
            else:
                kept.append((index, attrs))
        return kept

    def _first_of_each_key(
        self, valid: list[tuple[int, dict]], outcome: Outcome
    ) -> list[tuple[int, dict]]:
        seen: dict[Hashable, int] = {}
        kept = []
        for index, attrs in valid:
            key = self.key(attrs)
            if key in seen:
                outcome.refuse(
                    index,
                    self._label(attrs),
                    {"non_field_errors": [f"Same key as item {seen[key]} of this request."]},
                )
            else:
                seen[key] = index
                kept.append((index, attrs))
        return kept

    def _write(self, valid: list[tuple[int, dict]], outcome: Outcome) -> None:
        stored = self.existing([self.key(attrs) for _, attrs in valid])
        new, changed, fields = [], [], set()
        for _, attrs in valid:
            values = {self._attname(name): value for name, value in attrs.items()}
            row = stored.get(self.key(attrs))
            if row is None:
                new.append(self.model(**values))
                continue
            differs = [name for name, value in values.items() if getattr(row, name) != value]
            if not differs:
                outcome.unchanged += 1
                continue
            for name in differs:
                setattr(row, name, values[name])
            fields.update(differs)
            changed.append(row)
        if new:
            self.model.objects.bulk_create(new)
        if changed:
            self.model.objects.bulk_update(changed, sorted(fields))
        outcome.created += len(new)
        outcome.updated += len(changed)


def _constraint(exc: IntegrityError) -> str:
    return f"Refused by the database: {str(exc).splitlines()[0][:200]}"


ORDERS = Upsert(
    Order,
    BulkOrderSerializer,
    ("external_id",),
    {"channel": Channel, "campaign": Campaign},
)
CHANNEL_METRICS = Upsert(
    ChannelMetric,
    BulkChannelMetricSerializer,
    ("channel", "campaign", "date"),
    {"channel": Channel, "campaign": Campaign},
)
SURVEY_RESPONSES = Upsert(
    SurveyResponse,
    BulkSurveyResponseSerializer,
    ("external_id",),
    {"order": Order, "channel": Channel},
)
