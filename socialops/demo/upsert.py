"""Writes that touch only what changed, so loading the demo twice changes nothing.

`auto_now` timestamps move on every save, so a blind `update_or_create` would rewrite every
row on every run. These helpers look rows up by their natural key, compare field values and
save only the rows that differ; bulk data is diffed against one query of existing keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django_countries.fields import Country, CountryField

# Rows per INSERT/UPDATE statement: large enough to keep the round trips few, small enough
# for SQLite's bound-parameter limit (Django lowers it further for SQLite when needed).
BULK_BATCH_SIZE = 500

M = TypeVar("M", bound=models.Model)


@dataclass
class Tally:
    """How many rows the demo created, updated and deleted, per model label."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def comparable(model_field: models.Field | None, value: Any) -> Any:
    """A value in the shape the database gives back, so stored and wanted values compare."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(model_field, CountryField):
        if model_field.multiple:
            return sorted(str(getattr(code, "code", code)) for code in value or [])
        return str(getattr(value, "code", value) or "")
    if isinstance(value, Country):
        return value.code
    return value


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)  # also finds foreign keys by attname ("channel_id")
    except FieldDoesNotExist:
        return None


def _stored(obj: models.Model, name: str) -> Any:
    model_field = _field(type(obj), name)
    if model_field is not None and model_field.is_relation:
        return getattr(obj, model_field.attname)
    return getattr(obj, name)


def upsert(model: type[M], tally: Tally, lookup: Mapping[str, Any], values: Mapping[str, Any]) -> M:
    """Find the row by `lookup`; create it, or save it only if one of `values` differs."""
    obj = model._default_manager.filter(**lookup).order_by("pk").first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        tally.created[_label(model)] += 1
        return obj
    changed = [
        name
        for name, wanted in values.items()
        if comparable(_field(model, name), _stored(obj, name))
        != comparable(_field(model, name), wanted)
    ]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        tally.updated[_label(model)] += 1
    return obj


def sync_m2m(tally: Tally, obj: models.Model, name: str, wanted: Iterable[models.Model]) -> None:
    """Make a many-to-many relation hold exactly `wanted`, writing only when it does not."""
    manager = getattr(obj, name)
    wanted_ids = {related.pk for related in wanted}
    if set(manager.values_list("pk", flat=True)) != wanted_ids:
        manager.set(wanted_ids)
        # Counted under the link table: the object itself (and its updated_at) is untouched.
        tally.updated[_label(manager.through)] += 1


def delete_stale(tally: Tally, queryset: QuerySet) -> None:
    """Delete rows the demo once wrote and no longer describes (a no-op when there are none)."""
    if queryset.exists():
        _count, per_model = queryset.delete()
        for label, count in per_model.items():
            tally.deleted[label] += count


def sync_rows(
    model: type[M],
    tally: Tally,
    existing: QuerySet,
    key_fields: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    *,
    prune: bool = False,
) -> None:
    """Bulk-create the rows whose key is missing from `existing`, bulk-update those that differ,
    and with `prune` delete the rows of `existing` that `rows` no longer describe.

    Rows are dicts of field attnames (``channel_id``, not ``channel``), all with the same keys.
    One query reads the existing rows; unchanged rows are not written at all.
    """
    if not rows:
        return
    names = list(rows[0])
    fields = {name: _field(model, name) for name in names}
    current = {
        tuple(comparable(fields[k], row[k]) for k in key_fields): row
        for row in existing.values("pk", *names)
    }
    to_create: list[M] = []
    to_update: list[M] = []
    for row in rows:
        key = tuple(comparable(fields[k], row[k]) for k in key_fields)
        stored = current.pop(key, None)
        if stored is None:
            to_create.append(model(**row))
        elif any(
            comparable(fields[name], stored[name]) != comparable(fields[name], row[name])
            for name in names
        ):
            to_update.append(model(pk=stored["pk"], **row))
    model._default_manager.bulk_create(to_create, batch_size=BULK_BATCH_SIZE)
    if to_update:
        # bulk_update skips pre_save, so auto_now fields are set here by hand.
        stamped = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        now = timezone.now()
        for obj in to_update:
            for name in stamped:
                setattr(obj, name, now)
        update_fields = [name for name in names if name not in key_fields] + stamped
        model._default_manager.bulk_update(to_update, update_fields, batch_size=BULK_BATCH_SIZE)
    tally.created[_label(model)] += len(to_create)
    tally.updated[_label(model)] += len(to_update)
    if prune and current:
        # What is left in `current` was matched by no row: the demo no longer describes it.
        stale = [stored["pk"] for stored in current.values()]
        for start in range(0, len(stale), BULK_BATCH_SIZE):
            delete_stale(
                tally, model._default_manager.filter(pk__in=stale[start : start + BULK_BATCH_SIZE])
            )
