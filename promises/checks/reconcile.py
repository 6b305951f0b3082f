"""Findings -> conflicts, in bulk, with their history.

One conflict per (rule, campaign, scope), guarded by a unique constraint. For a batch of
campaigns: lock the campaigns in id order (so two runs over the same campaigns take turns
instead of racing), read their conflicts once, then create, update, reopen and resolve with
a handful of bulk statements, and write one event per state change. Re-finding the same facts
writes nothing. Rules give JSON-native evidence (str, int, bool, None, lists, dicts), so it
compares equal to what the JSON column returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Campaign
from common.pgcopy import copy_rows
from promises.checks.registry import Finding
from promises.choices import ConflictEventKind, ConflictState, Severity
from promises.models import Conflict, ConflictEvent

# How long ops has to act on a new conflict, by severity (sooner if the campaign starts first).
TIME_TO_ACT = {
    Severity.BLOCKER: timedelta(hours=4),
    Severity.WARNING: timedelta(hours=24),
    Severity.INFO: timedelta(days=3),
}
WRITE_BATCH = 1000
UNRESOLVED = (ConflictState.OPEN, ConflictState.ACKNOWLEDGED, ConflictState.WAIVED)
TRACKED_FIELDS = ("severity", "message", "evidence", "data_as_of", "sku_id", "country")


@dataclass
class Outcome:
    opened: int = 0
    reopened: int = 0
    resolved: int = 0
    updated: int = 0
    superseded: int = 0  # campaigns left alone: written to after this run loaded its facts

    def add(self, other: Outcome) -> None:
        self.opened += other.opened
        self.reopened += other.reopened
        self.resolved += other.resolved
        self.updated += other.updated
        self.superseded += other.superseded


def reconcile(
    campaign_ids: Iterable[int],
    findings: list[Finding],
    *,
    severities: dict[str, str],
    starts: dict[int, datetime | None],
    now: datetime,
    run_id: int | None = None,
) -> Outcome:
    """Make the conflicts of `campaign_ids` match `findings` (all the findings for them)."""
    ids = sorted(set(campaign_ids))
    outcome = Outcome()
    if not ids:
        return outcome
    with transaction.atomic():
        list(
            Campaign.objects.filter(pk__in=ids)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )
        written = timezone.now()  # when this happens, for the history; `now` is the facts' time
        # Plain tuples: building a model instance for each of 100,000 standing conflicts would
        # cost more than the rules; instances are made only for the rows that change.
        existing: dict[tuple, tuple] = {
            (row[1], row[2], row[3]): row
            for row in Conflict.objects.filter(campaign_id__in=ids)
            .order_by()
            .values_list(
                "pk",
                "rule_code",
                "campaign_id",
                "scope",
                "state",
                *TRACKED_FIELDS,
                "waived_until",
                "waiver_reason",
                "reopened_count",
                "updated_at",
            )
        }
        # A run that loaded its facts before someone else wrote to these campaigns' conflicts
        # (a newer re-check, a waiver) must not overwrite that with older facts: leave those
        # campaigns to the next run. Every write stamps updated_at, so the rows just read say.
        superseded = {row[2] for row in existing.values() if row[14] > now}
        if superseded:
            ids = [cid for cid in ids if cid not in superseded]
            findings = [f for f in findings if f.campaign_id not in superseded]
            existing = {key: row for key, row in existing.items() if key[1] not in superseded}
            outcome.superseded = len(superseded)
        new: list[dict] = []
        changed: list[Conflict] = []
        state_changed: list[Conflict] = []
        events: list[ConflictEvent] = []
        seen: set[tuple] = set()

        def event(pk: int, kind: str, old: str, new_state: str, note: str = "") -> None:
            events.append(
                ConflictEvent(
                    conflict_id=pk,
                    at=written,
                    kind=kind,
                    from_state=old,
                    to_state=new_state,
                    note=note,
                    check_run_id=run_id,
                )
            )

        for finding in findings:
            key = (finding.rule_code, finding.campaign_id, finding.scope)
            if key in seen:
                continue  # a rule may find the same thing twice (two claims): keep the first
            seen.add(key)
            severity = severities[finding.rule_code]
            row = existing.get(key)
            if row is None:
                new.append(
                    {
                        "rule_code": finding.rule_code,
                        "campaign_id": finding.campaign_id,
                        "scope": finding.scope,
                        "severity": severity,
                        "sku_id": finding.sku_id,
                        "country": finding.country,
                        "state": ConflictState.OPEN,
                        "message": finding.message,
                        "evidence": finding.evidence,
                        "data_as_of": finding.data_as_of,
                        "first_seen_at": now,
                        "updated_at": now,
                        "due_at": _due(severity, now, starts.get(finding.campaign_id)),
                        "reopened_count": 0,
                        "waiver_reason": "",
                        "fix_note": "",
                    }
                )
                continue
            pk, state = row[0], row[4]
            fresh = (
                severity,
                finding.message,
                finding.evidence,
                finding.data_as_of,
                finding.sku_id,
                finding.country,
            )
            if fresh != row[5:11]:
                conflict = Conflict(
                    pk=pk, updated_at=written, **dict(zip(TRACKED_FIELDS, fresh, strict=True))
                )
                changed.append(conflict)
            waived_until, waiver_reason, reopened_count = row[11:14]
            if state == ConflictState.RESOLVED:
                # A waiver still running covers the conflict again if it comes back.
                still_waived = waived_until is not None and waived_until > now
                back_to = ConflictState.WAIVED if still_waived else ConflictState.OPEN
                state_changed.append(
                    Conflict(
                        pk=pk,
                        state=back_to,
                        resolved_at=None,
                        reopened_count=reopened_count + 1,
                        waived_until=waived_until if still_waived else None,
                        waiver_reason=waiver_reason if still_waived else "",
                        due_at=_due(severity, now, starts.get(finding.campaign_id)),
                        updated_at=written,
                    )
                )
                event(pk, ConflictEventKind.REOPENED, state, back_to)
                outcome.reopened += 1
            elif state == ConflictState.WAIVED and waived_until <= now:
                state_changed.append(
                    Conflict(
                        pk=pk,
                        state=ConflictState.OPEN,
                        resolved_at=None,
                        reopened_count=reopened_count,
                        waived_until=None,
                        waiver_reason="",
                        due_at=_due(severity, now, starts.get(finding.campaign_id)),
                        updated_at=written,
                    )
                )
                note = f"Waiver until {waived_until:%Y-%m-%d %H:%M} lapsed: {waiver_reason}"
                event(pk, ConflictEventKind.WAIVER_LAPSED, state, ConflictState.OPEN, note)
                outcome.reopened += 1

        to_resolve = [
            row for key, row in existing.items() if key not in seen and row[4] in UNRESOLVED
        ]
        for row in to_resolve:
            event(row[0], ConflictEventKind.RESOLVED, row[4], ConflictState.RESOLVED)
        for start in range(0, len(to_resolve), WRITE_BATCH):
            chunk = [row[0] for row in to_resolve[start : start + WRITE_BATCH]]
            Conflict.objects.filter(pk__in=chunk).update(
                state=ConflictState.RESOLVED, resolved_at=written, updated_at=written
            )
        outcome.resolved = len(to_resolve)

        if new:
            _record_opened(_insert_conflicts(new, now, ids), written, run_id)
            outcome.opened = len(new)
        if changed:
            Conflict.objects.bulk_update(
                changed, [*TRACKED_FIELDS, "updated_at"], batch_size=WRITE_BATCH
            )
            outcome.updated = len(changed)
        if state_changed:
            Conflict.objects.bulk_update(
                state_changed,
                [
                    "state",
                    "resolved_at",
                    "reopened_count",
                    "waived_until",
                    "waiver_reason",
                    "due_at",
                    "updated_at",
                ],
                batch_size=WRITE_BATCH,
            )
        if events:
            ConflictEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)
    return outcome


NEW_CONFLICT_FIELDS = (
    "rule_code",
    "campaign_id",
    "scope",
    "severity",
    "sku_id",
    "country",
    "state",
    "message",
    "evidence",
    "data_as_of",
    "first_seen_at",
    "updated_at",
    "due_at",
    "reopened_count",
    "waiver_reason",
    "fix_note",
)


def _insert_conflicts(rows: list[dict], now: datetime, campaign_ids: list[int]) -> list[int]:
    """Insert new conflicts; returns their ids.

    On PostgreSQL the rows stream through COPY and the ids are read back by the run's
    timestamp (the batch's campaigns are locked, so no other run writes theirs): the ORM's
    bulk_create spends ~150 us per row preparing values, which made the first sweep of a
    large store mostly Python bookkeeping. Other databases use bulk_create.
    """
    if connection.vendor != "postgresql":
        created = Conflict.objects.bulk_create(
            [Conflict(**row) for row in rows], batch_size=WRITE_BATCH
        )
        return [conflict.pk for conflict in created]
    columns = [Conflict._meta.get_field(name).column for name in NEW_CONFLICT_FIELDS]
    with connection.cursor() as cursor:
        copy_rows(
            cursor.cursor,
            Conflict._meta.db_table,
            columns,
            ([row[name] for name in NEW_CONFLICT_FIELDS] for row in rows),
        )
    return list(
        Conflict.objects.filter(campaign_id__in=campaign_ids, first_seen_at=now).values_list(
            "pk", flat=True
        )
    )


def _record_opened(conflict_ids: list[int], now: datetime, run_id: int | None) -> None:
    """One "opened" event per new conflict, written by the database from their ids.

    The first sweep of a large store opens tens of thousands of conflicts; building an event
    object for each would double the cost of writing them.
    """
    events = ConflictEvent._meta.db_table
    conflicts = Conflict._meta.db_table
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        for start in range(0, len(conflict_ids), WRITE_BATCH * 5):
            chunk = conflict_ids[start : start + WRITE_BATCH * 5]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {events} (conflict_id, at, kind, from_state, to_state, note, "
                f"check_run_id) SELECT id, %s, %s, '', %s, '', %s FROM {conflicts} "
                f"WHERE id IN ({placeholders})",
                [at, ConflictEventKind.OPENED, ConflictState.OPEN, run_id, *chunk],
            )


def _due(severity: str, now: datetime, starts_at: datetime | None) -> datetime:
    due = now + TIME_TO_ACT.get(severity, TIME_TO_ACT[Severity.INFO])
    if starts_at is not None and now < starts_at < due:
        return starts_at
    return due
