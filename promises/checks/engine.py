"""Runs the rules over campaigns in batches and records each run as a CheckRun."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections
from django.utils import timezone

from campaigns.models import Campaign
from promises.checks import loader
from promises.checks.facts import CheckContext, Operations
from promises.checks.reconcile import UNRESOLVED, Outcome, reconcile
from promises.checks.registry import Finding, Rule, all_rules
from promises.choices import CheckRunStatus, CheckTrigger
from promises.models import CheckRun, Conflict
from promises.signals import announce_run

logger = logging.getLogger(__name__)

# Campaigns per batch: each batch is one transaction and a few queries; 1,000 campaigns of
# ~50 items keeps a batch's facts around 20 MB.
BATCH_SIZE = 1000
# Errors the database or network may clear by themselves: let the task retry the whole run.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# Most errors to keep in a run's details (the count keeps going).
MAX_ERROR_DETAILS = 50


@dataclass
class RunResult:
    run: CheckRun


@dataclass
class Totals:
    """What a share of a run's batches did (summed across processes)."""

    campaigns: int = 0
    items: int = 0
    outcome: Outcome = field(default_factory=Outcome)
    errors: list[dict] = field(default_factory=list)

    def add(self, other: Totals) -> None:
        self.campaigns += other.campaigns
        self.items += other.items
        self.outcome.add(other.outcome)
        self.errors.extend(other.errors)

    def as_json(self) -> dict:
        return {
            "campaigns": self.campaigns,
            "items": self.items,
            "outcome": vars(self.outcome),
            "errors": self.errors,
        }

    @classmethod
    def from_json(cls, data: dict) -> Totals:
        return cls(
            data["campaigns"],
            data["items"],
            Outcome(**data["outcome"]),
            data["errors"],
        )


@dataclass
class Shared:
    """Facts every batch of a run reads; SKU facts are loaded once for large runs."""

    now: datetime
    rules: list[Rule]
    severities: dict[str, str]
    operations: Operations
    margin_floor: Decimal
    run_id: int
    skus: dict | None = None
    windows: dict | None = None


def active_rules(overrides: dict[str, tuple[str, bool]]) -> tuple[list[Rule], dict[str, str]]:
    """The enabled rules and their severities, with the admins' RuleSetting overrides."""
    rules, severities = [], {}
    for rule in all_rules():
        severity, enabled = overrides.get(rule.code, (rule.severity, True))
        if enabled:
            rules.append(rule)
            severities[rule.code] = severity
    return rules, severities


def run_checks(
    campaign_ids: list[int] | None = None,
    *,
    trigger: str = CheckTrigger.MANUAL,
    now: datetime | None = None,
    processes: int | None = None,
) -> RunResult:
    """Check the given campaigns (None: a full sweep) and reconcile their conflicts.

    A campaign that is not (or no longer) checked loses its unresolved conflicts. A campaign
    whose facts break a rule becomes an error on the run; the others go on. Large runs on
    PostgreSQL spread their batches over `processes` forked processes (default:
    CHECKS_SWEEP_PROCESSES); pass 1 from a multi-threaded caller, where forking is unsafe.
    """
    now = now or timezone.now()
    started = time.perf_counter()
    full = campaign_ids is None
    if full:
        _abandon_stale_runs(now)
    unique = sorted(set(campaign_ids or []))
    run = CheckRun.objects.create(
        trigger=trigger,
        started_at=now,
        scope={"all": True} if full else {"campaigns": unique[:1000], "count": len(unique)},
    )
    result = RunResult(run=run)
    try:
        operations = loader.load_operations() if full else loader.current_operations()
        rules, severities = active_rules(operations.rule_settings)
        ids = _scope(campaign_ids, now)
        batches = [ids[i : i + BATCH_SIZE] for i in range(0, len(ids), BATCH_SIZE)]
        shared = Shared(
            now=now,
            rules=rules,
            severities=severities,
            operations=operations,
            margin_floor=settings.CHECKS_MARGIN_FLOOR,
            run_id=run.pk,
        )
        if full or len(batches) > 2:
            # Many campaigns touch most SKUs: one pass over all of them beats a pass per batch.
            shared.skus = loader.load_skus(now=now)
            shared.windows = loader.load_demand_windows(loader.over_demanded(shared.skus), now)
        processes = min(processes or settings.CHECKS_SWEEP_PROCESSES, len(batches))
        if processes > 1 and connection.vendor == "postgresql":
            totals = _in_processes(batches, shared, processes)
        else:
            totals = _check_batches(batches, shared)
        run.campaigns_checked, run.items_checked = totals.campaigns, totals.items
        outcome = totals.outcome
        run.opened, run.reopened, run.resolved = outcome.opened, outcome.reopened, outcome.resolved
        run.errors = len(totals.errors)
        run.error_details = totals.errors[:MAX_ERROR_DETAILS]
        run.status = CheckRunStatus.SUCCEEDED
    except TRANSIENT_ERRORS:
        _finish(run, started, CheckRunStatus.FAILED, "transient database error; retrying")
        raise
    except Exception as exc:
        _finish(run, started, CheckRunStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    _finish(run, started, run.status)
    announce_run(run)  # after commit: notifications and enforcement listen
    return result


def _check_batches(batches: list[list[int]], shared: Shared) -> Totals:
    totals = Totals()
    for batch in batches:
        campaigns = loader.load_campaigns(batch, shared.operations.channels, shared.now)
        skus, windows = shared.skus, shared.windows
        if skus is None:
            skus = loader.load_skus((i.sku_id for c in campaigns for i in c.items), shared.now)
            windows = loader.load_demand_windows(loader.over_demanded(skus), shared.now)
        ctx = CheckContext(
            now=shared.now,
            operations=shared.operations,
            skus=skus,
            demand_windows=windows,
            margin_floor=shared.margin_floor,
        )
        findings: list[Finding] = []
        broken: set[int] = set()
        for campaign in campaigns:
            found: list[Finding] = []
            try:
                for rule in shared.rules:
                    found.extend(rule.check(campaign, ctx))
            except Exception as exc:  # one broken campaign must not stop the sweep
                broken.add(campaign.id)
                totals.errors.append(
                    {
                        "campaign": campaign.id,
                        "name": campaign.name,
                        "error": f"{type(exc).__name__}: {exc}",
                        "where": traceback.format_exc(limit=-1).strip()[-300:],
                    }
                )
                logger.exception("Checking campaign %s failed", campaign.id)
                continue
            findings.extend(found)
        totals.campaigns += len(campaigns) - len(broken)
        totals.items += sum(len(c.items) for c in campaigns if c.id not in broken)
        totals.outcome.add(
            reconcile(
                [cid for cid in batch if cid not in broken],
                findings,
                severities=shared.severities,
                starts={c.id: c.starts_at for c in campaigns},
                now=shared.now,
                run_id=shared.run_id,
            )
        )
    return totals


def _in_processes(batches: list[list[int]], shared: Shared, processes: int) -> Totals:
    """Check the batches in `processes` forked children, which share the loaded facts.

    Each child opens its own database connection and reconciles its own batches (each batch
    is its own transaction, as in one process). A child that dies fails the run; what its
    finished batches wrote stays consistent and the next run completes the rest.
    """
    connections.close_all()  # children must not share the parent's connection
    children: list[tuple[int, int]] = []
    totals, fatal = Totals(), []
    try:
        for k in range(processes):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                os.close(read_end)
                code = 0
                try:
                    payload = _check_batches(batches[k::processes], shared).as_json()
                except BaseException as exc:
                    payload, code = {"fatal": f"{type(exc).__name__}: {exc}"}, 1
                with os.fdopen(write_end, "w") as pipe:
                    json.dump(payload, pipe)
                connections.close_all()
                os._exit(code)
            os.close(write_end)
            children.append((pid, read_end))
        while children:
            pid, read_end = children[0]
            with os.fdopen(read_end) as pipe:
                text = pipe.read()
            _, status = os.waitpid(pid, 0)
            children.pop(0)
            data = json.loads(text) if text else {"fatal": f"process died (status {status})"}
            if "fatal" in data:
                fatal.append(data["fatal"])
            else:
                totals.add(Totals.from_json(data))
    finally:
        # Interrupted (a time limit, a signal): stop the children rather than orphan them.
        for pid, read_end in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            with contextlib.suppress(OSError):
                os.close(read_end)
    if fatal:
        raise RuntimeError(f"A checking process failed: {'; '.join(fatal)}")
    return totals


def _scope(campaign_ids: list[int] | None, now: datetime) -> list[int]:
    """Campaigns to look at: the checked ones, plus any still holding unresolved conflicts."""
    if campaign_ids is not None:
        return sorted(set(campaign_ids))
    checked = set(Campaign.objects.checked(now).values_list("pk", flat=True))
    holding = set(
        Conflict.objects.filter(state__in=UNRESOLVED)
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    return sorted(checked | holding)


def _finish(run: CheckRun, started: float, status: str, error: str = "") -> None:
    run.status = status
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    run.finished_at = run.started_at + timedelta(milliseconds=run.duration_ms)
    if error:
        run.errors += 1
        run.error_details = [*run.error_details, {"error": error}][-MAX_ERROR_DETAILS:]
    run.save(
        update_fields=[
            "status",
            "duration_ms",
            "finished_at",
            "errors",
            "error_details",
            "campaigns_checked",
            "items_checked",
            "opened",
            "resolved",
            "reopened",
        ]
    )


def _abandon_stale_runs(now) -> None:
    """Mark runs left 'running' by a killed worker as failed, once they are past any limit."""
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    CheckRun.objects.filter(status=CheckRunStatus.RUNNING, started_at__lt=now - limit).update(
        status=CheckRunStatus.FAILED,
        error_details=[{"error": "abandoned: the worker stopped"}],
    )
