"""Celery tasks of notifications: ids in, one service call, counts out."""

from __future__ import annotations

from celery import shared_task

from notifications import services
from notifications.destinations import DeliveryFailed
from promises.tasks import RETRY

# Attempts per delivery, and the wait before each retry (seconds): a chat service that is
# down for a few minutes still gets the message; one down for an hour is logged as failed.
MAX_ATTEMPTS = 5
RETRY_DELAYS = (10, 60, 300, 900)


@shared_task(
    name="notifications.notify_conflicts",
    acks_late=True,
    soft_time_limit=100,
    time_limit=120,
    **RETRY,
)
def notify_conflicts_task(run_id: int | None, conflict_ids: list[int]) -> int:
    return services.notify_conflicts(run_id, [int(i) for i in conflict_ids])


@shared_task(
    name="notifications.notify_connection_failure",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def notify_connection_failure_task(sync_run_id: int) -> int:
    return services.notify_connection_failure(int(sync_run_id))


@shared_task(
    name="notifications.notify_enforcement_refused",
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def notify_enforcement_refused_task(action_id: int) -> int:
    return services.notify_enforcement_refused(int(action_id))


@shared_task(
    name="notifications.escalate_overdue",
    acks_late=True,
    soft_time_limit=100,
    time_limit=120,
    **RETRY,
)
def escalate_overdue_task() -> int:
    return services.escalate_overdue()


@shared_task(name="notifications.send_digests", acks_late=True, soft_time_limit=280, time_limit=300)
def send_digests_task() -> int:
    return services.send_digests()


@shared_task(
    name="notifications.announce_missed_runs",
    acks_late=True,
    soft_time_limit=100,
    time_limit=120,
    **RETRY,
)
def announce_missed_runs_task() -> int:
    return services.announce_missed_runs()


@shared_task(name="notifications.resend_stuck", acks_late=True, soft_time_limit=50, time_limit=60)
def resend_stuck_task() -> int:
    return services.resend_stuck()


@shared_task(
    bind=True,
    name="notifications.send_delivery",
    acks_late=True,
    soft_time_limit=45,
    time_limit=60,
    max_retries=MAX_ATTEMPTS - 1,
)
def send_delivery_task(self, delivery_id: int) -> str:
    retries = self.request.retries or 0
    try:
        return services.send_delivery(int(delivery_id), final=retries >= self.max_retries)
    except DeliveryFailed as failure:
        raise self.retry(exc=failure, countdown=RETRY_DELAYS[min(retries, 3)]) from failure
