"""Runs the rules over campaigns in batches and records each run as a CheckRun.

A run is a coordinator and its batches. The coordinator picks the campaigns (given ids, the
ones due for the periodic sweep, or all for a full sweep), splits them into batches of
BATCH_SIZE consecutive ids and either checks them here, one after the other, or sends each
as a Celery task (`promises.check_batch`) so any number of workers on any number of machines
share the run. Either way a batch does the same thing (`check_batch`): it checks its
campaigns, reconciles their conflicts, records when each was checked and when time next
matters for it, and reports its counts into the run's row. The run succeeds when its last
batch reports. A batch is idempotent (conflicts are upserts under a unique constraint,
reports count each batch number once), so a redelivered batch does no harm.
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Campaign
from promises.checks import loader
from promises.checks.facts import CheckContext, Operations, SkuFacts
from promises.checks.reconcile import UNRESOLVED, Outcome, reconcile
from promises.checks.registry import Finding, Rule, all_rules
from promises.choices import CheckRunStatus, CheckTrigger
from promises.models import CampaignCheckState, CampaignRecheck, CheckRun, Conflict
from promises.signals import announce_run

logger = logging.getLogger(__name__)

# Campaigns per batch: each batch is one task, one reconcile transaction and a few queries;
# 1,000 campaigns of ~50 items keeps a batch's facts around 20 MB and its time near a second.
BATCH_SIZE = 1000
# A run whose last sign of life (creation or a batch reporting) is older than this is dead:
# longer than a batch's time limit (150 s), so a live batch always reports first; shorter
# than the sweep interval (300 s), so the next sweep marks a dead run failed.
HEARTBEAT_TIMEOUT = timedelta(seconds=240)
# Runs of more batches than this load every SKU's facts once per process (one pass over the
# SKU tables beats one per batch when the batches together touch most SKUs).
SHARED_SKUS_FROM_BATCHES = 2
# Errors the database or network may clear by themselves: let the task retry.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# Most errors to keep in a run's details (the count keeps going).
MAX_ERROR_DETAILS = 50
# Seconds between looks at the run's row while waiting for workers to finish it.
WAIT_POLL = 0.1


@dataclass
class RunResult:
    run: CheckRun


@dataclass
class Totals:
    """What one batch did."""

    campaigns: int = 0
    items: int = 0
    outcome: Outcome = field(default_factory=Outcome)
    errors: list[dict] = field(default_factory=list)


@dataclass
class RunFacts:
    """Facts every batch of a run reads, kept per process for the run's later batches."""

    run_id: int
    operations: Operations
    rules: list[Rule]
    severities: dict[str, str]
    moments: list[datetime]
    skus: dict[int, SkuFacts] | None = None
    windows: dict | None = None
    # Unchecked changes visible before the shared SKU facts were read: the ones this
    # process's batches may delete.
    pending: dict[int, list[int]] | None = None


_run_facts: RunFacts | None = None


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
    due_only: bool = False,
    distribute: bool | None = None,
    wait: bool = True,
) -> RunResult:
    """Check the given campaigns, or (None) the ones due (`due_only`) or all of them.

    A campaign that is not (or no longer) checked loses its unresolved conflicts. A campaign
    whose facts break a rule becomes an error on the run; the others go on. `distribute`
    (default: when there is a broker and more than one batch) sends the batches to Celery
    workers; `wait` then waits for them to finish the run.
    """
    now = now or timezone.now()
    sweep = campaign_ids is None
    full = sweep and not due_only
    if sweep:
        abandon_stalled_runs()
    ids = _scope(campaign_ids, now, due_only)
    batches = [ids[i : i + BATCH_SIZE] for i in range(0, len(ids), BATCH_SIZE)]
    wall = timezone.now()
    if full:
        scope = {"all": True}
    elif due_only:
        scope = {"due": True, "count": len(ids)}
    else:
        scope = {"campaigns": ids[:1000], "count": len(ids)}
    run = CheckRun.objects.create(
        trigger=trigger,
        started_at=now,
        scope=scope,
        batches=len(batches),
        heartbeat_at=wall,
        created_at=wall,
    )
    if not batches:
        _finish(run, wall, CheckRunStatus.SUCCEEDED)
        return RunResult(run=run)
    shared = len(batches) > SHARED_SKUS_FROM_BATCHES
    if distribute is None:
        from celery import current_app as app

        distribute = len(batches) > 1 and not app.conf.task_always_eager
    if distribute:
        _send_batches(run, batches, shared, sweep)
        if wait:
            run = wait_for(run)
        return RunResult(run=run)
    try:
        for number, batch in enumerate(batches):
            check_batch(run.pk, number, batch, now, shared=shared, fresh=sweep)
    except TRANSIENT_ERRORS:
        fail_run(run.pk, "transient database error; retrying")
        raise
    except Exception as exc:
        fail_run(run.pk, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        forget_run_facts()
    run.refresh_from_db()
    return RunResult(run=run)


def _send_batches(run: CheckRun, batches: list[list[int]], shared: bool, fresh: bool) -> None:
    from promises.tasks import check_batch as batch_task

    def send() -> None:
        stamp = run.started_at.isoformat()
        for number, batch in enumerate(batches):
            batch_task.delay(run.pk, number, batch, stamp, shared, fresh)

    transaction.on_commit(send)  # workers must see the run's row


def wait_for(run: CheckRun, timeout: float | None = None) -> CheckRun:
    """Wait until the run's batches have all reported (or it failed); its row, fresh."""
    deadline = time.monotonic() + (timeout or settings.CELERY_TASK_TIME_LIMIT)
    while True:
        run.refresh_from_db()
        if run.status != CheckRunStatus.RUNNING or time.monotonic() > deadline:
            return run
        time.sleep(WAIT_POLL)


def check_batch(
    run_id: int,
    number: int,
    campaign_ids: list[int],
    now: datetime,
    *,
    shared: bool,
    fresh: bool = True,
) -> Totals:
    """Check one batch of a run and report it into the run's row (once per batch number).

    `shared`: load every SKU's facts once per process for the whole run; `fresh`: read the
    operations tables rather than this process's cached copy (sweeps do).
    """
    facts = _facts_for(run_id, now, shared, fresh)
    if facts.pending is not None:
        pending = {c: facts.pending[c] for c in campaign_ids if c in facts.pending}
    else:
        pending = loader.pending_rechecks(campaign_ids)  # before the facts they stand for
    campaigns = loader.load_campaigns(campaign_ids, facts.operations.channels, now)
    skus, windows = facts.skus, facts.windows
    if skus is None:
        skus = loader.load_skus((i.sku_id for c in campaigns for i in c.items), now)
        windows = loader.load_demand_windows(loader.over_demanded(skus), now)
    ctx = CheckContext(
        now=now,
        operations=facts.operations,
        skus=skus,
        demand_windows=windows,
        margin_floor=settings.CHECKS_MARGIN_FLOOR,
    )
    totals = Totals()
    findings: list[Finding] = []
    broken: set[int] = set()
    for campaign in campaigns:
        found: list[Finding] = []
        try:
            for rule in facts.rules:
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
    totals.campaigns = len(campaigns) - len(broken)
    totals.items = sum(len(c.items) for c in campaigns if c.id not in broken)
    checked = [cid for cid in campaign_ids if cid not in broken]
    totals.outcome = reconcile(
        checked,
        findings,
        severities=facts.severities,
        starts={c.id: c.starts_at for c in campaigns},
        now=now,
        run_id=run_id,
    )
    nexts = {c.id: loader.next_check_at(c, facts.moments, now) for c in campaigns}
    _record_checked(checked, nexts, pending, now)
    _report(run_id, number, totals)
    return totals


def _record_checked(
    campaign_ids: list[int],
    nexts: dict[int, datetime | None],
    pending: dict[int, list[int]],
    now: datetime,
) -> None:
    """These campaigns are judged as of `now`: their changes read before the facts are done,
    their next moment of time is set, and the neighbours of one that ended are marked."""
    with transaction.atomic():
        neighbours = loader.sharing_skus_with_ended(campaign_ids, now)
        if neighbours:
            marked = timezone.now()
            CampaignRecheck.objects.bulk_create(
                CampaignRecheck(campaign_id=cid, marked_at=marked) for cid in neighbours
            )
        done = [pk for cid in campaign_ids for pk in pending.get(cid, ())]
        for start in range(0, len(done), loader.ID_CHUNK):
            CampaignRecheck.objects.filter(pk__in=done[start : start + loader.ID_CHUNK]).delete()
        existing = Campaign.objects.filter(pk__in=campaign_ids).order_by("pk")
        CampaignCheckState.objects.bulk_create(
            [
                CampaignCheckState(campaign_id=cid, checked_at=now, next_check_at=nexts.get(cid))
                for cid in existing.values_list("pk", flat=True)
            ],
            update_conflicts=True,
            unique_fields=["campaign"],
            update_fields=["checked_at", "next_check_at"],
            batch_size=BATCH_SIZE,
        )


def _facts_for(run_id: int, now: datetime, shared: bool, fresh: bool) -> RunFacts:
    """The run's shared facts: loaded by this process's first batch of the run, then kept."""
    global _run_facts
    if _run_facts is not None and _run_facts.run_id == run_id:
        return _run_facts
    operations = loader.load_operations() if fresh else loader.current_operations()
    rules, severities = active_rules(operations.rule_settings)
    facts = RunFacts(
        run_id=run_id,
        operations=operations,
        rules=rules,
        severities=severities,
        moments=loader.clock_moments(operations),
    )
    if shared:
        facts.pending = loader.pending_rechecks()  # before the facts they stand for
        facts.skus = loader.load_skus(now=now)
        facts.windows = loader.load_demand_windows(loader.over_demanded(facts.skus), now)
    _run_facts = facts
    return facts


def forget_run_facts() -> None:
    global _run_facts
    _run_facts = None


def _report(run_id: int, number: int, totals: Totals) -> None:
    """Add a batch's counts to its run, once per batch number; the last one finishes it."""
    with transaction.atomic():
        run = CheckRun.objects.select_for_update().get(pk=run_id)
        if number in run.done_batches:
            return  # a redelivered batch: it reported the first time
        wall = timezone.now()
        run.done_batches = sorted([*run.done_batches, number])
        run.batches_done = len(run.done_batches)
        run.heartbeat_at = wall
        run.campaigns_checked += totals.campaigns
        run.items_checked += totals.items
        run.opened += totals.outcome.opened
        run.reopened += totals.outcome.reopened
        run.resolved += totals.outcome.resolved
        run.errors += len(totals.errors)
        run.error_details = [*run.error_details, *totals.errors][:MAX_ERROR_DETAILS]
        finished = run.batches_done >= run.batches and run.status == CheckRunStatus.RUNNING
        if finished:
            run.status = CheckRunStatus.SUCCEEDED
            _set_finish(run, wall)
        run.save()
        if finished:
            announce_run(run)  # after commit: notifications and enforcement listen


def fail_run(run_id: int, error: str) -> None:
    """Mark a run failed (a batch could not be checked); what finished stays counted."""
    with transaction.atomic():
        run = CheckRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != CheckRunStatus.RUNNING:
            return
        run.status = CheckRunStatus.FAILED
        run.errors += 1
        run.error_details = [*run.error_details, {"error": error}][-MAX_ERROR_DETAILS:]
        _set_finish(run, timezone.now())
        run.save()
        # What its finished batches opened or resolved is news all the same.
        announce_run(run)


def _finish(run: CheckRun, wall: datetime, status: str) -> None:
    run.status = status
    _set_finish(run, wall)
    run.save()


def _set_finish(run: CheckRun, wall: datetime) -> None:
    # started_at is the facts' time (a test or a replay may set it); the duration is the
    # wall time since the run was created, whose first heartbeat is its creation.
    created = run.created_at or wall
    run.duration_ms = max(int((wall - created).total_seconds() * 1000), 0)
    run.finished_at = run.started_at + timedelta(milliseconds=run.duration_ms)


def _scope(campaign_ids: list[int] | None, now: datetime, due_only: bool) -> list[int]:
    """Campaigns to look at: the given ones; the due ones; or for a full sweep the checked
    ones plus any still holding unresolved conflicts."""
    if campaign_ids is not None:
        return sorted(set(campaign_ids))
    if due_only:
        return loader.due_campaigns(now)
    checked = set(Campaign.objects.checked(now).values_list("pk", flat=True))
    holding = set(
        Conflict.objects.filter(state__in=UNRESOLVED)
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    return sorted(checked | holding)


def abandon_stalled_runs() -> int:
    """Mark failed the runs whose heartbeat stopped (a killed worker or process), finished
    at their last sign of life and saying how far they got; returns how many."""
    wall = timezone.now()
    stalled = CheckRun.objects.filter(status=CheckRunStatus.RUNNING).filter(
        Q(heartbeat_at__lt=wall - HEARTBEAT_TIMEOUT)
        | Q(heartbeat_at__isnull=True, started_at__lt=wall - HEARTBEAT_TIMEOUT)
    )
    count = 0
    for run in stalled:
        last = max(run.heartbeat_at or run.started_at, run.started_at)
        run.status = CheckRunStatus.FAILED
        run.finished_at = last
        run.duration_ms = int((last - run.started_at).total_seconds() * 1000)
        run.errors += 1
        run.error_details = [
            *run.error_details,
            {
                "error": f"abandoned: no heartbeat for {int(HEARTBEAT_TIMEOUT.total_seconds())} s "
                f"after {run.batches_done} of {run.batches} batches "
                f"({run.campaigns_checked} campaigns checked); the worker stopped",
            },
        ][-MAX_ERROR_DETAILS:]
        run.save(update_fields=["status", "finished_at", "duration_ms", "errors", "error_details"])
        announce_run(run)  # what its finished batches changed is news all the same
        count += 1
    return count
