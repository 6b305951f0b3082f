"""Celery tasks of the checks engine: ids in, one engine call, counts out."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

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
    return _counts(run_checks([int(i) for i in campaign_ids], trigger=CheckTrigger.CHANGE))


# A full sweep of a million items takes ~13 s on two cores; the limits leave room for ten
# times that before the worker gives up on it (the next sweep then finishes the job).
@shared_task(name="promises.sweep", acks_late=True, soft_time_limit=240, time_limit=270, **RETRY)
def sweep() -> dict:
    """Check every campaign: catches what time changes (starts, expiries, lapsed waivers)."""
    return _counts(run_checks(None, trigger=CheckTrigger.SWEEP))
