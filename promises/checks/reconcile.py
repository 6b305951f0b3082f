"""Findings -> conflicts, in bulk, with their history.

One conflict per (rule, campaign, scope), guarded by a unique constraint. For a batch of
campaigns: lock the campaigns in id order (so two runs over the same campaigns take turns
instead of racing), read their conflicts once, then create, update, reopen and resolve with
a handful of bulk statements, and write one event per state change. Re-finding the same facts
writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from campaigns.models import Campaign
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

    def add(self, other: Outcome) -> None:
        self.opened += other.opened
        self.reopened += other.reopened
        self.resolved += other.resolved
        self.updated += other.updated


def normalise(evidence: dict) -> dict:
    """Evidence as the JSON column will give it back, so comparisons are exact."""
    return json.loads(json.dumps(evidence, cls=DjangoJSONEncoder, sort_keys=True))


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
        existing = {
            (c.rule_code, c.campaign_id, c.scope): c
            for c in Conflict.objects.filter(campaign_id__in=ids).only(
                "pk",
                "rule_code",
                "campaign_id",
                "scope",
                "state",
                "severity",
                "message",
                "evidence",
                "data_as_of",
                "sku_id",
                "country",
                "waived_until",
                "waiver_reason",
                "reopened_count",
                "resolved_at",
            )
        }
        new: list[Conflict] = []
        changed: list[Conflict] = []
        state_changed: list[Conflict] = []
        events: list[ConflictEvent] = []
        seen: set[tuple] = set()

        def event(conflict: Conflict, kind: str, old: str, note: str = "") -> None:
            events.append(
                ConflictEvent(
                    conflict_id=conflict.pk,
                    at=now,
                    kind=kind,
                    from_state=old,
                    to_state=conflict.state,
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
            evidence = normalise(finding.evidence)
            conflict = existing.get(key)
            if conflict is None:
                new.append(
                    Conflict(
                        rule_code=finding.rule_code,
                        campaign_id=finding.campaign_id,
                        scope=finding.scope,
                        severity=severity,
                        sku_id=finding.sku_id,
                        country=finding.country,
                        state=ConflictState.OPEN,
                        message=finding.message,
                        evidence=evidence,
                        data_as_of=finding.data_as_of,
                        first_seen_at=now,
                        updated_at=now,
                        due_at=_due(severity, now, starts.get(finding.campaign_id)),
                    )
                )
                continue
            fresh = {
                "severity": severity,
                "message": finding.message,
                "evidence": evidence,
                "data_as_of": finding.data_as_of,
                "sku_id": finding.sku_id,
                "country": finding.country,
            }
            if any(getattr(conflict, f) != fresh[f] for f in TRACKED_FIELDS):
                for field, value in fresh.items():
                    setattr(conflict, field, value)
                conflict.updated_at = now
                changed.append(conflict)
            old = conflict.state
            if old == ConflictState.RESOLVED:
                conflict.state, conflict.resolved_at = ConflictState.OPEN, None
                conflict.reopened_count += 1
                conflict.due_at = _due(severity, now, starts.get(finding.campaign_id))
                state_changed.append(conflict)
                event(conflict, ConflictEventKind.REOPENED, old)
                outcome.reopened += 1
            elif old == ConflictState.WAIVED and conflict.waived_until <= now:
                note = f"Waiver until {conflict.waived_until:%Y-%m-%d %H:%M} lapsed: " + (
                    conflict.waiver_reason
                )
                conflict.state, conflict.waived_until, conflict.waiver_reason = (
                    ConflictState.OPEN,
                    None,
                    "",
                )
                conflict.due_at = _due(severity, now, starts.get(finding.campaign_id))
                state_changed.append(conflict)
                event(conflict, ConflictEventKind.WAIVER_LAPSED, old, note)
                outcome.reopened += 1

        to_resolve = [c for key, c in existing.items() if key not in seen and c.state in UNRESOLVED]
        for conflict in to_resolve:
            old = conflict.state
            conflict.state = ConflictState.RESOLVED
            event(conflict, ConflictEventKind.RESOLVED, old)
        if to_resolve:
            for start in range(0, len(to_resolve), WRITE_BATCH):
                chunk = [c.pk for c in to_resolve[start : start + WRITE_BATCH]]
                Conflict.objects.filter(pk__in=chunk).update(
                    state=ConflictState.RESOLVED, resolved_at=now, updated_at=now
                )
            outcome.resolved = len(to_resolve)

        if new:
            Conflict.objects.bulk_create(new, batch_size=WRITE_BATCH)
            for conflict in new:
                event(conflict, ConflictEventKind.OPENED, "")
            outcome.opened = len(new)
        if changed:
            Conflict.objects.bulk_update(
                changed, [*TRACKED_FIELDS, "updated_at"], batch_size=WRITE_BATCH
            )
            outcome.updated = len(changed)
        if state_changed:
            for conflict in state_changed:
                conflict.updated_at = now
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


def _due(severity: str, now: datetime, starts_at: datetime | None) -> datetime:
    due = now + TIME_TO_ACT.get(severity, TIME_TO_ACT[Severity.INFO])
    if starts_at is not None and now < starts_at < due:
        return starts_at
    return due
