"""Findings -> conflicts, in bulk, with their history.

One conflict per (rule, campaign, scope), guarded by a unique constraint. For a batch of
campaigns, `reconcile` locks the campaigns in id order (so two runs over the same campaigns
take turns instead of racing), reads their conflicts once, asks `plan` what must change, and
has `write` apply that with a handful of bulk statements. `plan` is a pure function of the
standing rows, the findings and the facts' time: it decides every insert, update, reopening,
resolution and event, and can be tested without a database. Re-finding the same facts plans
nothing. Rules give JSON-native evidence (str, int, bool, None, lists, dicts), so it compares
equal to what the JSON column returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Campaign
from common.pgcopy import copy_rows
from promises.checks.loader import id_filter
from promises.checks.registry import Finding, sku_scope
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
TRACKED_FIELDS = (
    "severity",
    "message",
    "evidence",
    "data_as_of",
    "sku_id",
    "country",
    "message_parts",  # the message as template and params: follows the message
)
# A change to one of these is news to whoever follows the conflict: it gets an event. The
# others (when the data was last updated, which SKU or country row it points at) just follow.
NEWSWORTHY_FIELDS = ("severity", "message", "evidence")
STATE_FIELDS = (
    "state",
    "resolved_at",
    "reopened_count",
    "waived_until",
    "waiver_reason",
    "due_at",
)
# A temporary table new conflicts are COPYed into, then inserted from with RETURNING.
STAGING_TABLE = "promises_conflict_staging"

ConflictKey = tuple[str, int, str]  # (rule_code, campaign_id, scope)


@dataclass
class Outcome:
    opened: int = 0
    reopened: int = 0
    resolved: int = 0
    updated: int = 0
    superseded: int = 0  # campaigns left alone: written to after this run loaded its facts
    superseded_ids: set[int] = field(default_factory=set, compare=False)

    def add(self, other: Outcome) -> None:
        self.opened += other.opened
        self.reopened += other.reopened
        self.resolved += other.resolved
        self.updated += other.updated
        self.superseded += other.superseded
        self.superseded_ids |= other.superseded_ids


# --- The plan: plain values in, plain values out ------------------------------------------


@dataclass(slots=True)
class StandingConflict:
    """A conflict row as the planner sees it (its field names are the model's)."""

    pk: int
    rule_code: str
    campaign_id: int
    scope: str
    state: str
    severity: str
    message: str
    evidence: Any
    data_as_of: datetime | None
    sku_id: int | None
    country: str
    waived_until: datetime | None
    waiver_reason: str
    reopened_count: int
    updated_at: datetime
    message_parts: Any = None

    @property
    def key(self) -> ConflictKey:
        return (self.rule_code, self.campaign_id, self.scope)

    def tracked(self) -> tuple:
        return tuple(getattr(self, name) for name in TRACKED_FIELDS)


# The columns read for each standing conflict, in StandingConflict's order. Slotted instances
# from plain tuples: a model instance for each of 100,000 standing conflicts would cost more
# than the rules.
STANDING_FIELDS = tuple(f.name for f in fields(StandingConflict))


@dataclass(frozen=True, slots=True)
class NewConflict:
    """A conflict to insert, open."""

    rule_code: str
    campaign_id: int
    scope: str
    severity: str
    sku_id: int | None
    country: str
    message: str
    evidence: Any
    data_as_of: datetime | None
    first_seen_at: datetime
    due_at: datetime
    message_parts: Any = None

    @property
    def key(self) -> ConflictKey:
        return (self.rule_code, self.campaign_id, self.scope)


@dataclass(frozen=True, slots=True)
class Refresh:
    """New values of a standing conflict's TRACKED_FIELDS, in that order."""

    pk: int
    severity: str
    message: str
    evidence: Any
    data_as_of: datetime | None
    sku_id: int | None
    country: str
    message_parts: Any = None

    def tracked(self) -> tuple:
        return tuple(getattr(self, name) for name in TRACKED_FIELDS)


@dataclass(frozen=True, slots=True)
class StateChange:
    """A conflict found again after it was resolved, or whose waiver lapsed (STATE_FIELDS,
    `resolved_at` always cleared)."""

    pk: int
    state: str
    reopened_count: int
    waived_until: datetime | None
    waiver_reason: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """One line of a conflict's history. `conflict_id` is None for a conflict the plan
    inserts: the writer takes its id from the insert."""

    key: ConflictKey
    conflict_id: int | None
    kind: str
    from_state: str
    to_state: str
    note: str = ""


@dataclass
class Plan:
    """Everything one reconcile writes, decided before anything is written."""

    inserts: list[NewConflict] = field(default_factory=list)
    updates: list[Refresh] = field(default_factory=list)
    state_changes: list[StateChange] = field(default_factory=list)
    resolutions: list[int] = field(default_factory=list)  # ids of conflicts that stopped firing
    events: list[PlannedEvent] = field(default_factory=list)
    superseded: set[int] = field(default_factory=set)  # campaigns left to the next run

    @property
    def outcome(self) -> Outcome:
        return Outcome(
            opened=len(self.inserts),
            reopened=len(self.state_changes),
            resolved=len(self.resolutions),
            updated=len(self.updates),
            superseded=len(self.superseded),
            superseded_ids=set(self.superseded),
        )


def plan(
    standing: Iterable[StandingConflict],
    findings: Iterable[Finding],
    *,
    severities: dict[str, str],
    starts: dict[int, datetime | None],
    now: datetime,
) -> Plan:
    """What to write so that the conflicts of the campaigns in `standing` match `findings`.

    `standing` holds every conflict of those campaigns (any state), `findings` all the
    findings for them, `now` the time of the facts the findings came from.
    """
    result = Plan()
    existing = {row.key: row for row in standing}
    # A run that loaded its facts before someone else wrote to these campaigns' conflicts
    # (a newer re-check, a waiver) must not overwrite that with older facts: leave those
    # campaigns to the next run. Every write stamps updated_at, so the rows say.
    result.superseded = {row.campaign_id for row in existing.values() if row.updated_at > now}
    if result.superseded:
        existing = {k: row for k, row in existing.items() if k[1] not in result.superseded}
    seen: set[ConflictKey] = set()
    for finding in findings:
        if finding.campaign_id in result.superseded:
            continue
        key = (finding.rule_code, finding.campaign_id, finding.scope)
        if key in seen:
            continue  # a rule may find the same thing twice (two claims): keep the first
        seen.add(key)
        severity = severities[finding.rule_code]
        due = _due(severity, now, starts.get(finding.campaign_id))
        row = existing.get(key)
        if row is None:
            result.inserts.append(
                NewConflict(
                    rule_code=finding.rule_code,
                    campaign_id=finding.campaign_id,
                    scope=finding.scope,
                    severity=severity,
                    sku_id=finding.sku_id,
                    country=finding.country,
                    message=finding.message,
                    evidence=finding.evidence,
                    data_as_of=finding.data_as_of,
                    first_seen_at=now,
                    due_at=due,
                    message_parts=finding.parts,
                )
            )
            result.events.append(
                PlannedEvent(key, None, ConflictEventKind.OPENED, "", ConflictState.OPEN)
            )
            continue
        tracked = (
            severity,
            finding.message,
            finding.evidence,
            finding.data_as_of,
            finding.sku_id,
            finding.country,
            finding.parts,
        )
        if tracked != row.tracked():
            fresh = Refresh(row.pk, *tracked)
            result.updates.append(fresh)
            if row.state in UNRESOLVED:
                note = _what_changed(row, fresh)
                if note:
                    result.events.append(
                        PlannedEvent(
                            key,
                            row.pk,
                            ConflictEventKind.EVIDENCE_CHANGED,
                            row.state,
                            row.state,
                            note,
                        )
                    )
        if row.state == ConflictState.RESOLVED:
            # A waiver still running covers the conflict again if it comes back.
            still_waived = row.waived_until is not None and row.waived_until > now
            back_to = ConflictState.WAIVED if still_waived else ConflictState.OPEN
            result.state_changes.append(
                StateChange(
                    row.pk,
                    back_to,
                    row.reopened_count + 1,
                    row.waived_until if still_waived else None,
                    row.waiver_reason if still_waived else "",
                    due,
                )
            )
            result.events.append(
                PlannedEvent(key, row.pk, ConflictEventKind.REOPENED, row.state, back_to)
            )
        elif row.state == ConflictState.WAIVED and row.waived_until <= now:
            result.state_changes.append(
                StateChange(row.pk, ConflictState.OPEN, row.reopened_count, None, "", due)
            )
            note = f"Waiver until {row.waived_until:%Y-%m-%d %H:%M} lapsed: {row.waiver_reason}"
            result.events.append(
                PlannedEvent(
                    key,
                    row.pk,
                    ConflictEventKind.WAIVER_LAPSED,
                    row.state,
                    ConflictState.OPEN,
                    note,
                )
            )
    for key, row in existing.items():
        if key not in seen and row.state in UNRESOLVED:
            result.resolutions.append(row.pk)
            result.events.append(
                PlannedEvent(
                    key, row.pk, ConflictEventKind.RESOLVED, row.state, ConflictState.RESOLVED
                )
            )
    return result


def _what_changed(row: StandingConflict, fresh: Refresh) -> str:
    """The history note of a change to what a standing conflict says ("" if it says the same)."""
    parts = []
    if fresh.severity != row.severity:
        parts.append(f"Severity {row.severity} -> {fresh.severity}.")
    if fresh.message != row.message:
        parts.append(f"Was: {row.message}")
    elif fresh.evidence != row.evidence:
        parts.append("New figures, same message.")
    return " ".join(parts)


def _due(severity: str, now: datetime, starts_at: datetime | None) -> datetime:
    due = now + TIME_TO_ACT.get(severity, TIME_TO_ACT[Severity.INFO])
    if starts_at is not None and now < starts_at < due:
        return starts_at
    return due


# --- Reading, locking and writing ---------------------------------------------------------


def reconcile(
    campaign_ids: Iterable[int],
    findings: list[Finding],
    *,
    severities: dict[str, str],
    starts: dict[int, datetime | None],
    now: datetime,
    run_id: int | None = None,
    stock_skus: dict[int, set[int]] | None = None,
    stock_rules: frozenset[str] = frozenset(),
) -> Outcome:
    """Make the conflicts of `campaign_ids` match `findings` (all the findings for them).

    `stock_skus`: campaigns checked only by the `stock_rules`, for these SKUs: only their
    conflicts of those rules about those SKUs are theirs to open, refresh or resolve; the
    campaign's other conflicts are left as they are.
    """
    ids = sorted(set(campaign_ids))
    if not ids:
        return Outcome()
    stock_scopes = {
        cid: {sku_scope(sku) for sku in skus} for cid, skus in (stock_skus or {}).items()
    }
    whole = [cid for cid in ids if cid not in stock_scopes]
    partial = [cid for cid in ids if cid in stock_scopes]
    with transaction.atomic():
        list(
            Campaign.objects.filter(pk__in=id_filter(ids))
            .order_by("pk")
            .select_for_update()
            .values_list("pk", flat=True)
        )
        written = timezone.now()  # when this happens, for the history; `now` is the facts' time
        standing = []
        if whole:
            standing = [
                StandingConflict(*row)
                for row in Conflict.objects.filter(campaign_id__in=id_filter(whole))
                .order_by()
                .values_list(*STANDING_FIELDS)
            ]
        if partial:
            skus = {sku for cid in partial for sku in stock_skus[cid]}
            for row in (
                Conflict.objects.filter(
                    campaign_id__in=id_filter(partial),
                    rule_code__in=sorted(stock_rules),
                    sku_id__in=id_filter(skus),
                )
                .order_by()
                .values_list(*STANDING_FIELDS)
            ):
                conflict = StandingConflict(*row)
                if conflict.scope in stock_scopes[conflict.campaign_id]:
                    standing.append(conflict)
        planned = plan(standing, findings, severities=severities, starts=starts, now=now)
        write(planned, at=written, run_id=run_id)
    return planned.outcome


def write(planned: Plan, *, at: datetime, run_id: int | None = None) -> None:
    """Apply a plan: bulk statements only, `at` stamped as the time of every change.

    Call inside the transaction that locked the plan's campaigns.
    """
    for start in range(0, len(planned.resolutions), WRITE_BATCH):
        Conflict.objects.filter(pk__in=planned.resolutions[start : start + WRITE_BATCH]).update(
            state=ConflictState.RESOLVED, resolved_at=at, updated_at=at
        )
    new_ids = _insert_conflicts(planned.inserts) if planned.inserts else {}
    if planned.updates:
        Conflict.objects.bulk_update(
            [
                Conflict(
                    pk=u.pk, updated_at=at, **dict(zip(TRACKED_FIELDS, u.tracked(), strict=True))
                )
                for u in planned.updates
            ],
            [*TRACKED_FIELDS, "updated_at"],
            batch_size=WRITE_BATCH,
        )
    if planned.state_changes:
        Conflict.objects.bulk_update(
            [
                Conflict(
                    pk=c.pk,
                    state=c.state,
                    resolved_at=None,
                    reopened_count=c.reopened_count,
                    waived_until=c.waived_until,
                    waiver_reason=c.waiver_reason,
                    due_at=c.due_at,
                    updated_at=at,
                )
                for c in planned.state_changes
            ],
            [*STATE_FIELDS, "updated_at"],
            batch_size=WRITE_BATCH,
        )
    if planned.events:
        _insert_events(
            [
                (
                    e.conflict_id if e.conflict_id is not None else new_ids[e.key],
                    at,
                    e.kind,
                    e.from_state,
                    e.to_state,
                    e.note,
                    run_id,
                )
                for e in planned.events
            ]
        )


NEW_CONFLICT_FIELDS = (
    "rule_code",
    "campaign_id",
    "scope",
    "severity",
    "sku_id",
    "country",
    "state",
    "message",
    "message_parts",
    "evidence",
    "data_as_of",
    "first_seen_at",
    "updated_at",
    "due_at",
    "reopened_count",
    "waiver_reason",
    "fix_note",
)
EVENT_FIELDS = ("conflict_id", "at", "kind", "from_state", "to_state", "note", "check_run_id")


def _new_row(new: NewConflict) -> dict:
    return {
        "rule_code": new.rule_code,
        "campaign_id": new.campaign_id,
        "scope": new.scope,
        "severity": new.severity,
        "sku_id": new.sku_id,
        "country": new.country,
        "state": ConflictState.OPEN,
        "message": new.message,
        "message_parts": new.message_parts,
        "evidence": new.evidence,
        "data_as_of": new.data_as_of,
        "first_seen_at": new.first_seen_at,
        "updated_at": new.first_seen_at,
        "due_at": new.due_at,
        "reopened_count": 0,
        "waiver_reason": "",
        "fix_note": "",
    }


def _insert_conflicts(rows: list[NewConflict]) -> dict[ConflictKey, int]:
    """Insert new conflicts; returns their ids by key, as the insert itself returns them.

    On PostgreSQL the rows stream through COPY into a temporary table, then one
    `INSERT ... SELECT ... RETURNING` moves them: the ORM's bulk_create spends ~150 us per row
    preparing values, which made the first sweep of a large store mostly Python bookkeeping.
    Other databases use bulk_create, which returns the ids too.
    """
    if connection.vendor != "postgresql":
        created = Conflict.objects.bulk_create(
            [Conflict(**_new_row(row)) for row in rows], batch_size=WRITE_BATCH
        )
        return {(c.rule_code, c.campaign_id, c.scope): c.pk for c in created}
    table = Conflict._meta.db_table
    columns = ", ".join(
        f'"{Conflict._meta.get_field(name).column}"' for name in NEW_CONFLICT_FIELDS
    )
    with connection.cursor() as cursor:
        # Created once per connection (and again after a rolled-back transaction took it);
        # DELETE ROWS empties it at each commit, the DELETE below within an outer transaction.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING_TABLE} ON COMMIT DELETE ROWS AS "
            f'SELECT {columns} FROM "{table}" WITH NO DATA'
        )
        copy_rows(
            cursor.cursor,
            STAGING_TABLE,
            [Conflict._meta.get_field(name).column for name in NEW_CONFLICT_FIELDS],
            ([values[name] for name in NEW_CONFLICT_FIELDS] for values in map(_new_row, rows)),
        )
        cursor.execute(
            f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM {STAGING_TABLE} '
            "RETURNING id, rule_code, campaign_id, scope"
        )
        inserted = cursor.fetchall()
        cursor.execute(f"DELETE FROM {STAGING_TABLE}")
    return {(rule_code, campaign_id, scope): pk for pk, rule_code, campaign_id, scope in inserted}


def _insert_events(rows: list[tuple]) -> None:
    """Insert history rows (EVENT_FIELDS order): COPY on PostgreSQL, bulk_create elsewhere.

    The first sweep of a large store opens tens of thousands of conflicts; building an event
    object for each would double the cost of writing them.
    """
    if connection.vendor != "postgresql":
        ConflictEvent.objects.bulk_create(
            [ConflictEvent(**dict(zip(EVENT_FIELDS, row, strict=True))) for row in rows],
            batch_size=WRITE_BATCH,
        )
        return
    columns = [ConflictEvent._meta.get_field(name).column for name in EVENT_FIELDS]
    with connection.cursor() as cursor:
        copy_rows(cursor.cursor, ConflictEvent._meta.db_table, columns, rows)
