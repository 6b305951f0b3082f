"""Runs the rules over campaigns in batches and records each run as a CheckRun."""

from __future__ import annotations

import logging
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from campaigns.models import Campaign
from promises.checks import loader
from promises.checks.facts import CheckContext
from promises.checks.reconcile import UNRESOLVED, Outcome, reconcile
from promises.checks.registry import Finding, Rule, all_rules
from promises.choices import CheckRunStatus, CheckTrigger
from promises.models import CheckRun, Conflict, RuleSetting

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
    findings_by_rule: Counter = field(default_factory=Counter)
    severities: dict[str, str] = field(default_factory=dict)


def active_rules() -> tuple[list[Rule], dict[str, str]]:
    """The enabled rules and their severities, with the admins' RuleSetting overrides."""
    overrides = {s.rule_code: s for s in RuleSetting.objects.all()}
    rules, severities = [], {}
    for rule in all_rules():
        setting = overrides.get(rule.code)
        if setting is not None and not setting.enabled:
            continue
        rules.append(rule)
        severities[rule.code] = setting.severity if setting else rule.severity
    return rules, severities


def run_checks(
    campaign_ids: list[int] | None = None,
    *,
    trigger: str = CheckTrigger.MANUAL,
    now=None,
) -> RunResult:
    """Check the given campaigns (None: a full sweep) and reconcile their conflicts.

    A campaign that is not (or no longer) checked loses its unresolved conflicts. A campaign
    whose facts break a rule becomes an error on the run; the others go on.
    """
    now = now or timezone.now()
    started = time.perf_counter()
    full = campaign_ids is None
    if full:
        _abandon_stale_runs(now)
    run = CheckRun.objects.create(
        trigger=trigger,
        started_at=now,
        scope={"all": True}
        if full
        else {"campaigns": sorted(set(campaign_ids))[:1000], "count": len(set(campaign_ids))},
    )
    result = RunResult(run=run)
    rules, severities = active_rules()
    result.severities = severities
    try:
        ids = _scope(campaign_ids)
        operations = loader.load_operations()
        channels = loader.load_channels()
        margin_floor = settings.CHECKS_MARGIN_FLOOR
        skus = loader.load_skus() if full else None
        windows = loader.load_demand_windows(loader.over_demanded(skus)) if full else None
        outcome = Outcome()
        errors: list[dict] = []
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            campaigns = loader.load_campaigns(batch, channels)
            batch_skus = skus
            batch_windows = windows
            if not full:
                batch_skus = loader.load_skus(loader.skus_of_campaigns(batch))
                batch_windows = loader.load_demand_windows(loader.over_demanded(batch_skus))
            ctx = CheckContext(
                now=now,
                operations=operations,
                skus=batch_skus,
                demand_windows=batch_windows,
                margin_floor=margin_floor,
            )
            findings: list[Finding] = []
            broken: set[int] = set()
            for campaign in campaigns:
                try:
                    for rule in rules:
                        findings.extend(rule.check(campaign, ctx))
                except Exception as exc:  # one broken campaign must not stop the sweep
                    broken.add(campaign.id)
                    errors.append(
                        {
                            "campaign": campaign.id,
                            "name": campaign.name,
                            "error": f"{type(exc).__name__}: {exc}",
                            "where": traceback.format_exc(limit=-1).strip()[-300:],
                        }
                    )
                    logger.exception("Checking campaign %s failed", campaign.id)
            findings = [f for f in findings if f.campaign_id not in broken]
            for finding in findings:
                result.findings_by_rule[finding.rule_code] += 1
            run.campaigns_checked += len(campaigns) - len(broken)
            run.items_checked += sum(len(c.items) for c in campaigns if c.id not in broken)
            outcome.add(
                reconcile(
                    [cid for cid in batch if cid not in broken],
                    findings,
                    severities=severities,
                    starts={c.id: c.starts_at for c in campaigns},
                    now=now,
                    run_id=run.pk,
                )
            )
        run.opened, run.reopened, run.resolved = outcome.opened, outcome.reopened, outcome.resolved
        run.errors = len(errors)
        run.error_details = errors[:MAX_ERROR_DETAILS]
        run.status = CheckRunStatus.SUCCEEDED
    except TRANSIENT_ERRORS:
        _finish(run, started, CheckRunStatus.FAILED, "transient database error; retrying")
        raise
    except Exception as exc:
        _finish(run, started, CheckRunStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    _finish(run, started, run.status)
    return result


def _scope(campaign_ids: list[int] | None) -> list[int]:
    """Campaigns to look at: the checked ones, plus any still holding unresolved conflicts."""
    if campaign_ids is not None:
        return sorted(set(campaign_ids))
    checked = set(Campaign.objects.checked().values_list("pk", flat=True))
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
    run.save()


def _abandon_stale_runs(now) -> None:
    """Mark runs left 'running' by a killed worker as failed, once they are past any limit."""
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    CheckRun.objects.filter(status=CheckRunStatus.RUNNING, started_at__lt=now - limit).update(
        status=CheckRunStatus.FAILED,
        error_details=[{"error": "abandoned: the worker stopped"}],
    )
