"""Celery tasks of the project package: running CSV import jobs."""

from __future__ import annotations

from celery import shared_task

from socialops.importing.services import run_job


# 100,000 product rows take about a minute on two cores; the limits leave room for ten times
# that. A redelivered task finds its job finished (or re-runs an idempotent import).
@shared_task(name="socialops.run_import", acks_late=True, soft_time_limit=1800, time_limit=1860)
def run_import_job(job_id: int) -> dict:
    """Run one import job: id in, counts out."""
    return run_job(int(job_id))
