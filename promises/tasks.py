"""Celery tasks of the checks engine: ids in, one engine call, counts out."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from promises.checks import engine
from promises.checks.engine import run_checks
from promises.choices import CheckTrigger

# Worth retrying: the database or the broker blinked.
TRANSIENT = (OperationalError, InterfaceError, BrokerError)
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


def _counts(result) -> dict:
    run = result.run
    return {
        "run": run.pk,
        "status": run.status,
        "batches": run.batches,
        "campaigns": run.campaigns_checked,
        "items": run.items_checked,
        "opened": run.opened,
        "resolved": run.resolved,
        "reopened": run.reopened,
        "errors": run.errors,
        "ms": run.duration_ms,
    }


# A change re-checks a few hundred campaigns at most: seconds, not minutes.
@shared_task(
    name="promises.check_campaigns",
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
    **RETRY,
)
def check_campaigns(campaign_ids: list[int]) -> dict:
    """Re-check the campaigns a change touched."""
    return _counts(
        run_checks([int(i) for i in campaign_ids], trigger=CheckTrigger.CHANGE, distribute=False)
    )


@shared_task(
    name="promises.check_stock",
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
    **RETRY,
)
def check_stock(sku_ids: list[int]) -> dict:
    """Re-run the stock rules for these SKUs in the campaigns promoting them (their stock,
    or a campaign's demand on them, changed)."""
    return _counts(
        run_checks(
            stock_skus=[int(i) for i in sku_ids], trigger=CheckTrigger.CHANGE, distribute=False
        )
    )


# A batch of 1,000 campaigns takes about a second; the limits leave a hundred times that.
# acks_late with reject-on-worker-lost (settings): a worker that dies mid-batch leaves the
# message unacknowledged, and the broker hands it to another worker.
@shared_task(
    name="promises.check_batch", acks_late=True, soft_time_limit=120, time_limit=150, **RETRY
)
def check_batch(
    run_id: int, number: int, work: dict, now: str, counted: bool, fresh: bool = True
) -> dict:
    """Check one batch of a sweep and report it into the run."""
    try:
        totals = engine.check_batch(
            run_id,
            number,
            engine.BatchWork.from_message(work),
            datetime.fromisoformat(now),
            counted=counted,
            fresh=fresh,
        )
    except TRANSIENT:
        raise  # retried; the run waits (its heartbeat tells if it waits too long)
    except Exception as exc:
        engine.fail_run(run_id, f"batch {number}: {type(exc).__name__}: {exc}")
        raise
    return {"run": run_id, "batch": number, "campaigns": totals.campaigns}


# The coordinators only pick campaigns and send batches: seconds, whatever the store's size.
@shared_task(name="promises.sweep", acks_late=True, soft_time_limit=240, time_limit=270, **RETRY)
def sweep() -> dict:
    """The periodic sweep: re-check the campaigns that changed or that time has made due."""
    return _counts(run_checks(None, trigger=CheckTrigger.SWEEP, due_only=True, wait=False))


@shared_task(
    name="promises.full_sweep", acks_late=True, soft_time_limit=240, time_limit=270, **RETRY
)
def full_sweep() -> dict:
    """The safety net (nightly): check every campaign, whether marked or not."""
    return _counts(run_checks(None, trigger=CheckTrigger.SWEEP, wait=False))
