"""Celery tasks: a sync per connection, and the beat's look for due connections."""

from __future__ import annotations

from celery import shared_task

from integrations import enforcement, services
from integrations.clients.http import Unavailable
from promises.tasks import RETRY

# A store of 100,000 variants takes minutes; past this the worker stops the run.
SYNC_SOFT_TIME_LIMIT = 1800
SYNC_TIME_LIMIT = SYNC_SOFT_TIME_LIMIT + 60
# One status change: five attempts with waits of up to two minutes each, at worst.
ENFORCEMENT_SOFT_TIME_LIMIT = 660
# Retries of a status change the platform kept refusing with 5xx/429, then it is recorded
# as refused (and announced) rather than tried forever.
ENFORCEMENT_MAX_RETRIES = 3
ENFORCEMENT_RETRY_DELAYS = (30, 120, 600)


@shared_task(
    name="integrations.sync_connection",
    acks_late=True,
    soft_time_limit=SYNC_SOFT_TIME_LIMIT,
    time_limit=SYNC_TIME_LIMIT,
)
def sync_connection_task(connection_id: int) -> dict:
    run = services.sync_connection(connection_id)
    return {
        "run": run.pk,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "errors": run.errors,
    }


@shared_task(name="integrations.enqueue_due_syncs", acks_late=True, time_limit=60)
def enqueue_due_syncs_task() -> int:
    return services.enqueue_due_syncs()


@shared_task(
    name="integrations.enforce_conflicts",
    acks_late=True,
    soft_time_limit=100,
    time_limit=120,
    **RETRY,
)
def enforce_conflicts_task(run_id: int | None, opened_ids: list[int], ended_ids: list[int]) -> dict:
    planned = enforcement.enforce(run_id, [int(i) for i in opened_ids], [int(i) for i in ended_ids])
    return {
        "pauses": planned.paused,
        "resumes": planned.resumed,
        "skipped": planned.skipped,
        "linked": planned.linked,
    }


@shared_task(
    bind=True,
    name="integrations.apply_enforcement",
    acks_late=True,
    # The client waits out 429s and 5xx itself (Retry-After, up to MAX_WAIT_SECONDS a wait);
    # a longer wait comes back here as a retry after that many seconds.
    soft_time_limit=ENFORCEMENT_SOFT_TIME_LIMIT,
    time_limit=ENFORCEMENT_SOFT_TIME_LIMIT + 30,
    max_retries=ENFORCEMENT_MAX_RETRIES,
)
def apply_enforcement_task(self, action_id: int) -> str:
    retries = self.request.retries or 0
    try:
        return enforcement.apply_action(int(action_id), final=retries >= self.max_retries)
    except Unavailable as failure:
        countdown = failure.wait or ENFORCEMENT_RETRY_DELAYS[min(retries, 2)]
        raise self.retry(exc=failure, countdown=countdown) from failure
