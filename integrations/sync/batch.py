"""Set-based writes for large syncs: plan a chunk of rows in memory, write it in two statements.

A store of 100,000 variants cannot be saved one row at a time. A chunk's rows are compared with
what is stored (so an unchanged row is not written and re-checks nothing), then the new ones go
in with one bulk_create and the changed ones with one bulk_update of just the changed fields.
Bulk writes send no model signals, so the writer announces the chunk once with the catalog's
own signal (catalog/signals.py), which the checks engine listens to.

When the database refuses a chunk (two variants with one SKU code...), the chunk is written
again row by row, each in a savepoint, so the one bad row is named and the others go in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError, models, transaction
from django.utils import timezone

from common.texts import said_by
from integrations.choices import IssueKind
from integrations.sync.base import ItemError, Tally

BATCH_SIZE = 1000


@contextmanager
def planning(tally: Tally, external_id: Any) -> Iterator[None]:
    """Read one item into a plan: a malformed item is recorded and skipped (nothing is
    written yet, so no savepoint is needed)."""
    try:
        yield
    except ItemError as error:
        tally.note(IssueKind.MALFORMED, external_id, said_by(error))


class Batch:
    """The rows of one model a chunk creates or changes."""

    def __init__(self, model: type[models.Model], tally: Tally) -> None:
        self.model = model
        self.tally = tally
        self.new: list[tuple[models.Model, Any]] = []
        self.changed: list[tuple[models.Model, Any]] = []
        self.fields: set[str] = set()
        self.unchanged = 0
        self._planned: set[int] = set()

    def plan(self, instance: models.Model, values: dict[str, Any], external_id: Any) -> str:
        """Set `values` on `instance` and remember whether it must be written."""
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        for name in changed:
            setattr(instance, name, values[name])
        if id(instance) in self._planned:
            # Two items of one chunk landed on one row (a SKU code sent twice): the second
            # wins, as it would saving one after the other.
            self.fields.update(changed)
            return "updated"
        if instance.pk is None:
            self.new.append((instance, external_id))
        elif changed:
            self.changed.append((instance, external_id))
            self.fields.update(changed)
        else:
            self.unchanged += 1
            return "unchanged"
        self._planned.add(id(instance))
        return "created" if instance.pk is None else "updated"

    def write(self) -> tuple[list[models.Model], list[models.Model]]:
        """Write the plan; returns the rows created and updated (those that went in)."""
        self.tally.unchanged += self.unchanged
        if not self.new and not self.changed:
            return [], []
        now = timezone.now()
        has_stamp = any(f.name == "updated_at" for f in self.model._meta.concrete_fields)
        fields = sorted(self.fields | ({"updated_at"} if has_stamp else set()))
        for instance, _ in self.changed:
            if has_stamp:
                instance.updated_at = now
        try:
            with transaction.atomic():
                self.model.objects.bulk_create([i for i, _ in self.new], batch_size=BATCH_SIZE)
                if self.changed:
                    self.model.objects.bulk_update(
                        [i for i, _ in self.changed], fields, batch_size=BATCH_SIZE
                    )
        except DatabaseError:
            return self._row_by_row()
        self.tally.created += len(self.new)
        self.tally.updated += len(self.changed)
        return [i for i, _ in self.new], [i for i, _ in self.changed]

    def _row_by_row(self) -> tuple[list[models.Model], list[models.Model]]:
        created, updated = [], []
        for rows, outcome, done in (
            (self.new, "created", created),
            (self.changed, "updated", updated),
        ):
            for instance, external_id in rows:
                if outcome == "created":
                    # The refused bulk insert may have handed out ids it then rolled back.
                    instance.pk = None
                    instance._state.adding = True
                failures = self.tally.errors
                with self.tally.item(external_id):
                    instance.save()
                if self.tally.errors == failures:
                    self.tally.count(outcome)
                    done.append(instance)
        return created, updated
