"""What every sync shares: the run's tally, item-level error capture, field-wise upserts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext_noop

from common.texts import Said, parts_of, said_by, say
from integrations.choices import IssueKind
from integrations.models import SyncIssue, SyncRun

# Issues kept per run: a broken feed of 100,000 items must not write 100,000 rows.
MAX_ISSUES_PER_RUN = 500
# What several syncs say of a field of a platform's answer (the field's name stays as sent).
MISSING = gettext_noop("%(field)s is missing.")
NOT_A_NUMBER = gettext_noop("%(field)s must be a number, got %(value)s.")


class ItemError(ValueError):
    """One item cannot be applied as sent; the rest of the run goes on."""


@dataclass
class Tally:
    """Counts and issues of one run, written to its SyncRun at the end."""

    run: SyncRun
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    issues: list[SyncIssue] = field(default_factory=list)
    # The platform client, read at the end for the number of requests made.
    client: Any = None

    def note(self, kind: str, external_id: Any, message: Said | str) -> None:
        """Keep what was not applied; `message` a sentence (common.texts.say) for people."""
        if kind == IssueKind.MALFORMED:
            self.errors += 1
        if len(self.issues) < MAX_ISSUES_PER_RUN:
            self.issues.append(
                SyncIssue(
                    run=self.run,
                    kind=kind,
                    external_id=str(external_id)[:255],
                    message=str(message),
                    message_parts=parts_of(message),
                )
            )

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @contextmanager
    def item(self, external_id: Any) -> Iterator[None]:
        """Apply one item in a savepoint: a malformed or refused item is recorded, the run
        goes on with the next one."""
        try:
            with transaction.atomic():
                yield
        except ItemError as error:
            self.note(IssueKind.MALFORMED, external_id, said_by(error))
        except DatabaseError as error:
            # A constraint refused it (two variants with one SKU code...): name the item.
            self.note(
                IssueKind.MALFORMED,
                external_id,
                say(gettext_noop("Refused by the database: %(error)s"), error=str(error)),
            )


def upsert(instance: models.Model, values: dict[str, Any]) -> str:
    """Set `values` on `instance` and save it only if something differs.

    Saving through the model keeps the engine's signal handlers (re-checks) in the loop;
    an unchanged row is not saved, so a second sync re-checks nothing.
    Returns "created", "updated" or "unchanged".
    """
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if instance.pk is None:
        instance.save()
        return "created"
    if not changed:
        return "unchanged"
    instance.save()
    return "updated"


def money(value: Any, field_name: str, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ItemError(say(MISSING, field=field_name))
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ItemError(say(NOT_A_NUMBER, field=field_name, value=repr(value))) from None
    if not amount.is_finite() or amount < 0:
        raise ItemError(
            say(
                gettext_noop("%(field)s must be a non-negative number, got %(value)s."),
                field=field_name,
                value=repr(value),
            )
        )
    return amount.quantize(Decimal("0.01"))


def text(value: Any, limit: int) -> str:
    return "" if value is None else str(value).strip()[:limit]
