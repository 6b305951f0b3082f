"""The reconcile plan, table-driven: standing rows + findings + now -> what to write. No
database: the plan is a pure function; test_engine.py covers the writer against one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from promises.checks.reconcile import (
    STANDING_FIELDS,
    NewConflict,
    Outcome,
    PlannedEvent,
    Refresh,
    StandingConflict,
    StateChange,
    plan,
)
from promises.checks.registry import Finding

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(hours=1)
KEY = ("STOCK_OUT", 1, "sku:7")
SEVERITIES = {"STOCK_OUT": "blocker", "STOCK_SHORT": "warning"}
EVIDENCE = {"available": 0, "expected": 20}


def found(rule: str = "STOCK_OUT", campaign: int = 1, scope: str = "sku:7", **kw) -> Finding:
    values = dict(
        message="SKU-7 has nothing available to promise.",
        evidence=dict(EVIDENCE),
        sku_id=7,
        country="",
        data_as_of=EARLIER,
    )
    values.update(kw)
    return Finding(rule, campaign, scope, **values)


def row(state: str = "open", pk: int = 10, **kw) -> StandingConflict:
    values = dict(
        pk=pk,
        rule_code="STOCK_OUT",
        campaign_id=1,
        scope="sku:7",
        state=state,
        severity="blocker",
        message="SKU-7 has nothing available to promise.",
        evidence=dict(EVIDENCE),
        data_as_of=EARLIER,
        sku_id=7,
        country="",
        waived_until=None,
        waiver_reason="",
        reopened_count=0,
        updated_at=EARLIER,
    )
    values.update(kw)
    return StandingConflict(**values)


def waived(until: datetime, **kw) -> StandingConflict:
    return row("waived", waived_until=until, waiver_reason="Restock Tuesday", **kw)


def planned(standing, findings, starts=None):
    return plan(standing, findings, severities=SEVERITIES, starts=starts or {}, now=NOW)


def event(kind: str, from_state: str, to_state: str, note: str = "", pk: int | None = 10):
    return PlannedEvent(KEY, pk, kind, from_state, to_state, note)


def new_conflict(**kw) -> NewConflict:
    values = dict(
        rule_code="STOCK_OUT",
        campaign_id=1,
        scope="sku:7",
        severity="blocker",
        sku_id=7,
        country="",
        message="SKU-7 has nothing available to promise.",
        evidence=EVIDENCE,
        data_as_of=EARLIER,
        first_seen_at=NOW,
        due_at=NOW + timedelta(hours=4),
    )
    values.update(kw)
    return NewConflict(**values)


def refresh(**kw) -> Refresh:
    values = dict(
        pk=10,
        severity="blocker",
        message="SKU-7 has nothing available to promise.",
        evidence=EVIDENCE,
        data_as_of=EARLIER,
        sku_id=7,
        country="",
    )
    values.update(kw)
    return Refresh(**values)


def test_the_standing_fields_are_the_models():
    from promises.models import Conflict

    names = {f.attname for f in Conflict._meta.concrete_fields} | {"pk"}
    assert set(STANDING_FIELDS) <= names


BLOCKER_DUE = NOW + timedelta(hours=4)

# (name, standing rows, findings, inserts, updates, state changes, resolutions, events)
CASES = [
    (
        "a new finding is inserted and opened",
        [],
        [found()],
        [new_conflict()],
        [],
        [],
        [],
        [event("opened", "", "open", pk=None)],
    ),
    (
        "the same facts found again plan nothing",
        [row()],
        [found()],
        [],
        [],
        [],
        [],
        [],
    ),
    (
        "new figures in the evidence: updated, and an evidence_changed event",
        [row()],
        [found(evidence={"available": 3, "expected": 20})],
        [],
        [refresh(evidence={"available": 3, "expected": 20})],
        [],
        [],
        [event("evidence_changed", "open", "open", "New figures, same message.")],
    ),
    (
        "a new message keeps the old one in the event's note",
        [row("acknowledged")],
        [found(message="SKU-7 has -2 units.")],
        [],
        [refresh(message="SKU-7 has -2 units.")],
        [],
        [],
        [
            event(
                "evidence_changed",
                "acknowledged",
                "acknowledged",
                "Was: SKU-7 has nothing available to promise.",
            )
        ],
    ),
    (
        "a new severity (a rule setting) is an evidence_changed event",
        [row(severity="warning")],
        [found()],
        [],
        [refresh()],
        [],
        [],
        [event("evidence_changed", "open", "open", "Severity warning -> blocker.")],
    ),
    (
        "newer data behind the same figures is updated without an event",
        [row()],
        [found(data_as_of=NOW)],
        [],
        [refresh(data_as_of=NOW)],
        [],
        [],
        [],
    ),
    (
        "a resolved conflict found again reopens",
        [row("resolved", reopened_count=1)],
        [found()],
        [],
        [],
        [StateChange(10, "open", 2, None, "", BLOCKER_DUE)],
        [],
        [event("reopened", "resolved", "open")],
    ),
    (
        "a resolved conflict with new figures reopens: the reopening is its event",
        [row("resolved")],
        [found(evidence={"available": 1})],
        [],
        [refresh(evidence={"available": 1})],
        [StateChange(10, "open", 1, None, "", BLOCKER_DUE)],
        [],
        [event("reopened", "resolved", "open")],
    ),
    (
        "a resolved conflict under a running waiver comes back waived",
        [row("resolved", waived_until=NOW + timedelta(days=1), waiver_reason="Supplier late")],
        [found()],
        [],
        [],
        [StateChange(10, "waived", 1, NOW + timedelta(days=1), "Supplier late", BLOCKER_DUE)],
        [],
        [event("reopened", "resolved", "waived")],
    ),
    (
        "a running waiver holds",
        [waived(NOW + timedelta(seconds=1))],
        [found()],
        [],
        [],
        [],
        [],
        [],
    ),
    (
        "a waiver that ends now lapses: open again, waiver cleared",
        [waived(NOW, reopened_count=1)],
        [found()],
        [],
        [],
        [StateChange(10, "open", 1, None, "", BLOCKER_DUE)],
        [],
        [
            event(
                "waiver_lapsed",
                "waived",
                "open",
                "Waiver until 2026-11-23 12:00 lapsed: Restock Tuesday",
            )
        ],
    ),
    (
        "an open conflict no longer found resolves",
        [row()],
        [],
        [],
        [],
        [],
        [10],
        [event("resolved", "open", "resolved")],
    ),
    (
        "a waived conflict no longer found resolves",
        [waived(NOW + timedelta(days=1))],
        [],
        [],
        [],
        [],
        [10],
        [event("resolved", "waived", "resolved")],
    ),
    (
        "a resolved conflict no longer found stays as it is",
        [row("resolved")],
        [],
        [],
        [],
        [],
        [],
        [],
    ),
    (
        "the same thing found twice is one conflict, the first finding's",
        [],
        [found(message="first"), found(message="second")],
        [new_conflict(message="first")],
        [],
        [],
        [],
        [event("opened", "", "open", pk=None)],
    ),
]


@pytest.mark.parametrize(
    ("standing", "findings", "inserts", "updates", "state_changes", "resolutions", "events"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_plan(standing, findings, inserts, updates, state_changes, resolutions, events):
    result = planned(standing, findings)
    assert result.inserts == inserts
    assert result.updates == updates
    assert result.state_changes == state_changes
    assert result.resolutions == resolutions
    assert result.events == events
    assert result.superseded == set()


@pytest.mark.parametrize(
    ("severity", "starts_at", "due"),
    [
        ("STOCK_OUT", None, NOW + timedelta(hours=4)),
        ("STOCK_SHORT", None, NOW + timedelta(hours=24)),
        ("STOCK_OUT", NOW + timedelta(hours=1), NOW + timedelta(hours=1)),  # starts first
        ("STOCK_OUT", NOW + timedelta(hours=5), NOW + timedelta(hours=4)),
        ("STOCK_OUT", NOW - timedelta(hours=1), NOW + timedelta(hours=4)),  # already started
    ],
)
def test_a_new_conflict_is_due_by_severity_or_the_campaign_start(severity, starts_at, due):
    [new] = planned([], [found(severity)], starts={1: starts_at}).inserts
    assert new.due_at == due


def test_reopening_resets_the_due_time_from_now():
    result = planned([row("resolved")], [found()], starts={1: NOW + timedelta(hours=2)})
    assert result.state_changes[0].due_at == NOW + timedelta(hours=2)


def test_a_campaign_written_after_the_facts_were_loaded_is_left_to_the_next_run():
    """A newer re-check or a waiver wrote after this run's `now`: its older facts must not
    undo that (no resolution of campaign 1, no new conflict for it); campaign 2 goes on."""
    standing = [
        row(updated_at=NOW + timedelta(seconds=1)),
        row(pk=11, rule_code="STOCK_SHORT", scope="sku:8", sku_id=8),
        row(pk=20, campaign_id=2, scope="sku:9", sku_id=9),
    ]
    findings = [found("STOCK_SHORT", scope="sku:5"), found(campaign=2, scope="sku:3")]
    result = planned(standing, findings)
    assert result.superseded == {1}
    assert [(n.campaign_id, n.scope) for n in result.inserts] == [(2, "sku:3")]
    assert result.resolutions == [20]
    assert result.outcome == Outcome(opened=1, resolved=1, superseded=1)


def test_the_outcome_counts_what_the_plan_writes():
    standing = [
        row(),  # found again with new figures: updated
        row(pk=11, scope="sku:8", state="resolved"),  # found again: reopened
        row(pk=12, scope="sku:9"),  # gone: resolved
        waived(NOW - timedelta(minutes=1), pk=13, scope="sku:6"),  # lapsed: reopened
    ]
    findings = [
        found(evidence={"available": 2}),
        found(scope="sku:8"),
        found(scope="sku:6"),
        found(scope="sku:5"),  # new: opened
    ]
    result = planned(standing, findings)
    assert result.outcome == Outcome(opened=1, reopened=2, resolved=1, updated=1)
    kinds = sorted(e.kind for e in result.events)
    assert kinds == ["evidence_changed", "opened", "reopened", "resolved", "waiver_lapsed"]


def test_planning_changes_none_of_its_inputs():
    standing = [row(), row("resolved", pk=11, scope="sku:8")]
    before = [replace(r) for r in standing]
    planned(standing, [found(evidence={"available": 1}), found(scope="sku:8")])
    assert standing == before
