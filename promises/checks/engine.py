"""Runs the rules over campaigns in batches and records each run as a CheckRun.

A run is a coordinator and its batches. The coordinator reads the unchecked changes (marks)
first, then picks the campaigns: given ids, the ones due for the periodic sweep, all of them
for a full sweep, or the campaigns promoting SKUs whose stock changed. A campaign is checked
whole, or, when all that changed is the stock of some of its SKUs, only by the rules that
read stock (`Rule.reads_stock`) and only for those SKUs' items: a stock change is one item in
each campaign promoting the SKU, not the campaign's fifty. The coordinator splits the
campaigns into batches of BATCH_SIZE consecutive ids, each carrying the marks it answers,
and either checks them here, one after the other, or sends each as a Celery task
(`promises.check_batch`) so any number of workers on any number of machines share the run.
A large run first counts its SKUs' stock and demand once (`loader.write_sku_totals`), so no
worker process sums them again. Either way a batch does the same thing (`check_batch`): it
checks its campaigns, reconciles their conflicts (of a stock-only campaign, only those of
its stock rules and SKUs), records when each whole one was checked and when time next
matters for it, deletes the marks it answered, and reports its counts into the run's row.
The run succeeds when its last batch reports. A batch is idempotent (conflicts are upserts
under a unique constraint, reports count each batch number once), so a redelivered batch does
no harm.
"""

from __future__ import annotations

import gc
import logging
import time
import traceback
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Campaign
from promises.checks import loader
from promises.checks.facts import CheckContext, DemandWindow, Operations, SkuFacts
from promises.checks.reconcile import UNRESOLVED, Outcome, reconcile
from promises.checks.registry import Finding, Rule, all_rules, sku_scope
from promises.choices import CheckRunStatus, CheckTrigger
from promises.models import CampaignCheckState, CampaignRecheck, CheckRun, Conflict
from promises.signals import announce_run
from promises.triggers import mark_stock_changed

logger = logging.getLogger(__name__)

# Campaigns per batch (settings.CHECKS_BATCH_SIZE): each batch is one task, one reconcile
# transaction and a few queries.
BATCH_SIZE = settings.CHECKS_BATCH_SIZE
# A run whose last sign of life (creation or a batch reporting) is older than this is dead:
# longer than a batch's time limit (150 s), so a live batch always reports first; shorter
# than the sweep interval (300 s), so the next sweep marks a dead run failed.
HEARTBEAT_TIMEOUT = timedelta(seconds=240)
# Runs of more batches than this count their SKUs' stock and demand once, for all their
# batches (one pass over the items beats one per worker process, or per batch).
COUNTED_FROM_BATCHES = 2
# SKU facts a process keeps for the batches of one run it takes: each batch loads only the
# SKUs it lacks. ~500 bytes each: 200,000 are ~100 MB, past which it starts again.
MAX_CACHED_SKUS = 200_000
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
    run: CheckRun | None = None  # the run's row after the batch reported


@dataclass
class BatchWork:
    """What one batch checks, decided before any fact was read: campaigns whole, campaigns
    for the stock of some SKUs only, and per campaign the marks its check answers."""

    whole: list[int] = field(default_factory=list)
    stock: dict[int, list[int]] = field(default_factory=dict)  # campaign -> SKU ids
    marks: dict[int, list[int]] = field(default_factory=dict)  # campaign -> CampaignRecheck ids

    @property
    def campaign_ids(self) -> list[int]:
        return sorted({*self.whole, *self.stock})

    def to_message(self) -> dict:
        """JSON for the task (lists of pairs: JSON object keys would be strings)."""
        return {
            "whole": self.whole,
            "stock": [[cid, skus] for cid, skus in self.stock.items()],
            "marks": [[cid, ids] for cid, ids in self.marks.items()],
        }

    @classmethod
    def from_message(cls, message: dict) -> BatchWork:
        return cls(
            whole=[int(cid) for cid in message["whole"]],
            stock={int(cid): [int(s) for s in skus] for cid, skus in message["stock"]},
            marks={int(cid): [int(m) for m in ids] for cid, ids in message["marks"]},
        )


@dataclass
class RunFacts:
    """Facts the batches of a run read, kept per process for the run's later batches."""

    run_id: int
    operations: Operations
    rules: list[Rule]
    stock_rules: list[Rule]
    severities: dict[str, str]
    moments: list[datetime]
    # The SKUs this process's batches of the run loaded so far, and their demand windows.
    skus: dict[int, SkuFacts] = field(default_factory=dict)
    windows: dict[int, list[DemandWindow]] = field(default_factory=dict)

    @property
    def stock_codes(self) -> frozenset[str]:
        return frozenset(rule.code for rule in self.stock_rules)


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
    stock_skus: list[int] | None = None,
    trigger: str = CheckTrigger.MANUAL,
    now: datetime | None = None,
    due_only: bool = False,
    distribute: bool | None = None,
    wait: bool = True,
) -> RunResult:
    """Check the given campaigns; or the stock rules of the campaigns promoting `stock_skus`,
    for those SKUs; or (neither) the campaigns due (`due_only`) or all of them.

    A campaign that is not (or no longer) checked loses its unresolved conflicts. A campaign
    whose facts break a rule becomes an error on the run; the others go on. `distribute`
    (default: when there is a broker and more than one batch) sends the batches to Celery
    workers; `wait` then waits for them to finish the run.
    """
    now = now or timezone.now()
    sweep = campaign_ids is None and stock_skus is None
    full = sweep and not due_only
    if sweep:
        abandon_stalled_runs()
    whole, stock, marks = _plan(campaign_ids, stock_skus, now, due_only)
    ids = sorted({*whole, *stock})
    batches = [
        _work(ids[i : i + BATCH_SIZE], whole, stock, marks) for i in range(0, len(ids), BATCH_SIZE)
    ]
    wall = timezone.now()
    counted = len(batches) > COUNTED_FROM_BATCHES
    if full:
        scope = {"all": True}
    elif due_only:
        scope = {"due": True, "count": len(ids)}
        if stock:
            scope["stock_only"] = len(stock)
    else:
        scope = {"campaigns": ids[:1000], "count": len(ids)}
        if stock_skus is not None:
            scope["stock_skus"] = sorted(stock_skus)[:1000]
    if counted:
        scope["counted"] = True
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
    if counted:  # after the marks were read, before any batch reads a fact
        if full:
            loader.write_sku_totals(run.pk, now)
        else:
            loader.write_sku_totals(
                run.pk,
                now,
                promoted_by=sorted(whole),
                sku_ids={s for k in stock.values() for s in k},
            )
    if distribute is None:
        from celery import current_app as app

        distribute = len(batches) > 1 and not app.conf.task_always_eager
    if distribute:
        _send_batches(run, batches, counted, sweep)
        if wait:
            run = wait_for(run)
        return RunResult(run=run)
    try:
        for number, work in enumerate(batches):
            reported = check_batch(run.pk, number, work, now, counted=counted, fresh=sweep).run
    except TRANSIENT_ERRORS:
        fail_run(run.pk, "transient database error; retrying")
        raise
    except Exception as exc:
        fail_run(run.pk, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        forget_run_facts()
    return RunResult(run=reported)


def _plan(
    campaign_ids: list[int] | None,
    stock_skus: list[int] | None,
    now: datetime,
    due_only: bool,
) -> tuple[set[int], dict[int, set[int]], dict[int, list[int]]]:
    """What the run checks, from the marks read first: the campaigns checked whole, those
    checked for the stock of some SKUs only, and the marks each campaign's check answers
    (every mark of a campaign checked whole; the stock marks of one checked for stock)."""
    if stock_skus is not None:
        stock: dict[int, set[int]] = defaultdict(set)
        for campaign_id, sku_id in loader.stock_pairs(stock_skus, now):
            stock[campaign_id].add(sku_id)
        pending = loader.pending_rechecks(stock)
        marks = {}
        for campaign_id, rows in pending.items():
            stocked = [(pk, sku) for pk, sku in rows if sku is not None]
            if stocked:
                # Its other SKUs' stock changes are answered too, as they cost one item each.
                stock[campaign_id].update(sku for _, sku in stocked)
                marks[campaign_id] = [pk for pk, _ in stocked]
        return set(), dict(stock), marks
    if campaign_ids is not None:
        whole = set(campaign_ids)
        pending = loader.pending_rechecks(whole)
        return whole, {}, {cid: [pk for pk, _ in rows] for cid, rows in pending.items()}
    pending = loader.pending_rechecks()  # every unchecked change, before any fact
    if due_only:
        whole = {cid for cid, rows in pending.items() if any(sku is None for _, sku in rows)}
        whole |= loader.due_by_clock(now)
        stock = defaultdict(set)
        for cid, rows in pending.items():
            if cid not in whole:
                stock[cid].update(sku for _, sku in rows)
        # A campaign that ended stops holding stock for the ones sharing its SKUs: they are
        # re-checked for those SKUs in the same sweep, not left to the next one.
        for cid, sku in loader.sharing_skus_with_ended(sorted(whole), now):
            if cid not in whole:
                stock[cid].add(sku)
        stock = dict(stock)
    else:
        whole, stock = set(_everything(now)), {}
    marks = {
        cid: [pk for pk, _ in rows] for cid, rows in pending.items() if cid in whole or cid in stock
    }
    return whole, stock, marks


def _work(
    ids: list[int], whole: set[int], stock: dict[int, set[int]], marks: dict[int, list[int]]
) -> BatchWork:
    return BatchWork(
        whole=[cid for cid in ids if cid in whole],
        stock={cid: sorted(stock[cid]) for cid in ids if cid in stock},
        marks={cid: marks[cid] for cid in ids if cid in marks},
    )


def _send_batches(run: CheckRun, batches: list[BatchWork], counted: bool, fresh: bool) -> None:
    from promises.tasks import check_batch as batch_task

    def send() -> None:
        stamp = run.started_at.isoformat()
        for number, work in enumerate(batches):
            batch_task.delay(run.pk, number, work.to_message(), stamp, counted, fresh)

    transaction.on_commit(send)  # workers must see the run's row


def wait_for(run: CheckRun, timeout: float | None = None) -> CheckRun:
    """Wait until the run's batches have all reported (or it failed); its row, fresh."""
    deadline = time.monotonic() + (timeout or settings.CELERY_TASK_TIME_LIMIT)
    while True:
        run.refresh_from_db()
        if run.status != CheckRunStatus.RUNNING or time.monotonic() > deadline:
            return run
        time.sleep(WAIT_POLL)


@contextmanager
def cyclic_gc_paused():
    """Within: no cyclic garbage collection; after: the young generations only.

    A batch allocates a few hundred thousand objects (its campaigns' facts, findings, rows
    read), each allocation counting towards a collection, while the process keeps its run's
    SKU facts (up to MAX_CACHED_SKUS, a few objects each). The full collections that follow
    walk all of them: 29 in a 1,000,000-item sweep took 5.5 s of its 33. A batch's facts are
    not cyclic (they are freed by reference counting when it ends), so nothing is owed to
    the collector but whatever few cycles the libraries made, which the collection after the
    batch and the process's usual collections take."""
    if not gc.isenabled():  # someone else decided
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(1)


def check_batch(
    run_id: int,
    number: int,
    work: BatchWork,
    now: datetime,
    *,
    counted: bool = False,
    fresh: bool = True,
) -> Totals:
    """Check one batch of a run and report it into the run's row (once per batch number).

    `counted`: the run counted its SKUs' stock and demand (`loader.write_sku_totals`); `fresh`:
    read the operations tables rather than this process's cached copy (sweeps do).
    """
    with cyclic_gc_paused():
        return _check_batch(run_id, number, work, now, counted=counted, fresh=fresh)


def _check_batch(
    run_id: int, number: int, work: BatchWork, now: datetime, *, counted: bool, fresh: bool
) -> Totals:
    facts = _facts_for(run_id, fresh)
    ids = work.campaign_ids
    stock = {cid: set(skus) for cid, skus in work.stock.items()}
    campaigns = loader.load_campaigns(ids, facts.operations.channels, now, stock_skus=stock)
    _load_skus_of(facts, campaigns, now, run_id if counted else None)
    ctx = CheckContext(
        now=now,
        operations=facts.operations,
        skus=facts.skus,
        demand_windows=facts.windows,
        margin_floor=settings.CHECKS_MARGIN_FLOOR,
    )
    totals = Totals()
    findings: list[Finding] = []
    broken: set[int] = set()
    for campaign in campaigns:
        found: list[Finding] = []
        partial = campaign.id in stock
        try:
            for rule in facts.stock_rules if partial else facts.rules:
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
        if partial:  # a stock rule finds only its item's SKU; anything else is not in scope
            scopes = {sku_scope(sku) for sku in stock[campaign.id]}
            found = [f for f in found if f.scope in scopes]
        findings.extend(found)
    totals.campaigns = len(campaigns) - len(broken)
    totals.items = sum(len(c.items) for c in campaigns if c.id not in broken)
    checked = [cid for cid in ids if cid not in broken]
    totals.outcome = reconcile(
        checked,
        findings,
        severities=facts.severities,
        starts={c.id: c.starts_at for c in campaigns},
        now=now,
        run_id=run_id,
        stock_skus={cid: skus for cid, skus in stock.items() if cid not in broken},
        stock_rules=facts.stock_codes,
    )
    # A campaign left to a newer check (superseded) keeps its marks and its state.
    answered = [cid for cid in checked if cid not in totals.outcome.superseded_ids]
    nexts = {c.id: loader.next_check_at(c, facts.moments, now) for c in campaigns}
    _record_checked(answered, stock, work.marks, nexts, now)
    totals.run = _report(run_id, number, totals)
    return totals


def _load_skus_of(facts: RunFacts, campaigns: list, now: datetime, totals_run: int | None) -> None:
    """Add to the run's SKU facts in this process those of the batch's items it lacks."""
    needed = {item.sku_id for campaign in campaigns for item in campaign.items}
    missing = needed.difference(facts.skus)
    if not missing:
        return
    if len(facts.skus) + len(missing) > MAX_CACHED_SKUS:  # bounded memory: start again
        facts.skus, facts.windows = {}, {}
        missing = needed
    loaded = loader.load_skus(missing, now, totals_run=totals_run)
    facts.skus.update(loaded)
    facts.windows.update(loader.load_demand_windows(loader.over_demanded(loaded), now))


def _record_checked(
    campaign_ids: list[int],
    stock: dict[int, set[int]],
    marks: dict[int, list[int]],
    nexts: dict[int, datetime | None],
    now: datetime,
) -> None:
    """These campaigns are judged as of `now` (whole, or for `stock` SKUs): the marks read
    before their facts are done, the next moment of time of those judged whole is set, and
    the campaigns sharing SKUs with one that ended are marked for those SKUs' stock."""
    whole = [cid for cid in campaign_ids if cid not in stock]
    done = [pk for cid in campaign_ids for pk in marks.get(cid, ())]
    if not whole:  # checked for stock only: it was checked, so it has not ended
        for chunk in loader.id_chunks(done):
            CampaignRecheck.objects.filter(pk__in=loader.id_filter(chunk)).delete()
        return
    with transaction.atomic():
        neighbours = [
            (cid, sku)
            for cid, sku in loader.sharing_skus_with_ended(whole, now)
            if not (cid in whole or sku in stock.get(cid, ()))
        ]
        mark_stock_changed(neighbours)
        for chunk in loader.id_chunks(done):
            CampaignRecheck.objects.filter(pk__in=loader.id_filter(chunk)).delete()
        existing = Campaign.objects.filter(pk__in=loader.id_filter(whole)).order_by("pk")
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


def _facts_for(run_id: int, fresh: bool) -> RunFacts:
    """The run's shared facts: loaded by this process's first batch of the run, then kept."""
    global _run_facts
    if _run_facts is not None and _run_facts.run_id == run_id:
        return _run_facts
    operations = loader.load_operations() if fresh else loader.current_operations()
    rules, severities = active_rules(operations.rule_settings)
    _run_facts = RunFacts(
        run_id=run_id,
        operations=operations,
        rules=rules,
        stock_rules=[rule for rule in rules if rule.reads_stock],
        severities=severities,
        moments=loader.clock_moments(operations),
    )
    return _run_facts


def forget_run_facts() -> None:
    global _run_facts
    _run_facts = None


def _report(run_id: int, number: int, totals: Totals) -> CheckRun:
    """Add a batch's counts to its run, once per batch number; the last one finishes it.
    Returns the run's row as it left it."""
    with transaction.atomic():
        run = CheckRun.objects.select_for_update().get(pk=run_id)
        if number in run.done_batches:
            return run  # a redelivered batch: it reported the first time
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
            if run.scope.get("counted"):
                # Once the run is seen finished: a redelivered batch counts for itself.
                transaction.on_commit(lambda: loader.forget_sku_totals([run_id]))
    return run


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


def _everything(now: datetime) -> set[int]:
    """What a full sweep checks: the checked campaigns plus any still holding unresolved
    conflicts (which it resolves)."""
    checked = set(Campaign.objects.checked(now).values_list("pk", flat=True))
    holding = set(
        Conflict.objects.filter(state__in=UNRESOLVED)
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    return checked | holding


def abandon_stalled_runs() -> int:
    """Mark failed the runs whose heartbeat stopped (a killed worker or process), finished
    at their last sign of life and saying how far they got; returns how many."""
    wall = timezone.now()
    loader.forget_sku_totals()  # of failed runs (their late batches count for themselves)
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
