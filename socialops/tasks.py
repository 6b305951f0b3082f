"""Celery tasks of the project package: running CSV import jobs."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from socialops.importing.services import pick_up_queued_jobs, run_job


# 100,000 product rows take about a minute on two cores; the limits leave room for ten times
# that. A redelivered task finds its job finished (or re-runs an idempotent import).
@shared_task(name="socialops.run_import", acks_late=True, soft_time_limit=1800, time_limit=1860)
def run_import_job(job_id: int, pick_up: bool = False) -> dict:
    """Run one import job: id in, counts out."""
    return run_job(int(job_id), pick_up=pick_up)


@shared_task(name="socialops.pick_up_imports", acks_late=True, soft_time_limit=50, time_limit=60)
def pick_up_imports() -> int:
    """Send again the import jobs left queued (the broker was down when they were made)."""
    return pick_up_queued_jobs(timedelta(seconds=settings.IMPORTS_PICK_UP_AFTER_SECONDS))
