"""Celery tasks: a sync per connection, and the beat's look for due connections."""

from __future__ import annotations

from celery import shared_task

from integrations import services

# A store of 100,000 variants takes minutes; past this the worker stops the run.
SYNC_SOFT_TIME_LIMIT = 1800
SYNC_TIME_LIMIT = SYNC_SOFT_TIME_LIMIT + 60


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
