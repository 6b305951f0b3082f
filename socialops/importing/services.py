"""Starting and running import jobs; the page, the task and the commands share these."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.imports.inventory import InventoryImporter
from catalog.imports.products import ProductImporter
from common.csvimport.result import ImportResult
from common.csvimport.runner import Importer, run_import
from common.enqueue import enqueue
from common.i18n import language_of, supported
from insights.imports import INSIGHTS_IMPORTERS
from socialops.importing.detect import wrong_kind_message
from socialops.models import ImportJob, ImportKind, ImportStatus

logger = logging.getLogger(__name__)

IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.PRODUCTS: ProductImporter,
    ImportKind.INVENTORY: InventoryImporter,
    **INSIGHTS_IMPORTERS,
}

# What a user needs to run each kind of import: writing what it writes. Orders, metrics and
# survey answers are written by admins only (socialops/roles.py); ops import the catalog.
KIND_PERMISSIONS: dict[str, tuple[str, ...]] = {
    ImportKind.PRODUCTS: (
        "catalog.add_product",
        "catalog.change_product",
        "catalog.add_sku",
        "catalog.change_sku",
    ),
    ImportKind.INVENTORY: (
        "catalog.add_stocklevel",
        "catalog.change_stocklevel",
        "catalog.delete_stocklevel",
        "catalog.add_location",
    ),
    ImportKind.ORDERS: ("insights.add_order", "insights.change_order"),
    ImportKind.METRICS: ("insights.add_channelmetric", "insights.change_channelmetric"),
    ImportKind.SURVEY: ("insights.add_surveyresponse", "insights.change_surveyresponse"),
}

# Progress lives in the cache while a job runs: a dry run or an --atomic import holds its
# writes in one transaction, so the job row's progress would be invisible until the end.
PROGRESS_TTL = 24 * 3600


class WrongKind(Exception):
    """The file is the other Shopify export than the kind chosen."""


def kinds_for(user) -> list[str]:
    """The import kinds `user` may run, in menu order."""
    return [kind for kind in ImportKind.values if user.has_perms(KIND_PERMISSIONS[kind])]


def progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


def live_progress(job: ImportJob) -> ImportJob:
    """The job with the rows processed so far, while it runs."""
    if job.status == ImportStatus.RUNNING:
        seen = cache.get(progress_key(job.pk))
        if seen:
            job.rows_processed, job.rows_total = seen
    return job


def start_import(
    *,
    kind: str,
    user,
    upload: UploadedFile | None = None,
    dry_run: bool = False,
    atomic: bool = False,
    rerun_of: ImportJob | None = None,
) -> ImportJob:
    """Record a job for an uploaded file (or a dry run's file) and queue it once committed."""
    job = ImportJob(
        kind=kind,
        dry_run=dry_run,
        atomic=atomic,
        created_by=user if user is not None and user.is_authenticated else None,
        rerun_of=rerun_of,
        # The page's language now: the worker writes the report in it.
        language=translation.get_language() or "",
    )
    if rerun_of is not None:
        job.file.name = rerun_of.file.name
        job.original_name = rerun_of.original_name
    else:
        assert upload is not None
        job.original_name = upload.name[:255]
        job.file.save(upload.name, upload, save=False)
    job.save()
    transaction.on_commit(lambda: send_job(job.pk))
    return job


def send_job(job_id: int, *, pick_up: bool = False) -> bool:
    """Send the job's task; with the broker down the job waits queued for the pick-up."""
    from socialops.tasks import run_import_job

    sent = enqueue(run_import_job, job_id, pick_up=pick_up)
    if not sent:
        logger.warning("Import job %s not sent; the pick-up of queued jobs will run it", job_id)
    return sent


# Jobs sent again per pass of the pick-up: a long outage's backlog goes over a few passes.
PICK_UP_BATCH = 100


def pick_up_queued_jobs(older_than: timedelta, now=None) -> int:
    """Send again the jobs queued longer than `older_than` that no worker started (their task
    was never sent, or was lost). Returns how many were sent.

    A job still waiting behind a long import gets a second task: that one runs the job only
    if it is still queued (run_job's pick_up), so the job runs once.
    """
    now = now or timezone.now()
    waiting = list(
        ImportJob.objects.filter(status=ImportStatus.QUEUED, created_at__lt=now - older_than)
        .order_by("pk")
        .values_list("pk", flat=True)[:PICK_UP_BATCH]
    )
    sent = 0
    for pk in waiting:
        if not send_job(pk, pick_up=True):
            break  # the broker is still down: the next pass tries again
        sent += 1
    return sent


def import_for_real(dry_run: ImportJob, user) -> ImportJob:
    """Run a finished dry run's file again, writing this time."""
    return start_import(
        kind=dry_run.kind, user=user, atomic=dry_run.atomic, rerun_of=dry_run, dry_run=False
    )


def run_job(job_id: int, *, pick_up: bool = False) -> dict:
    """Run one queued job to the end; a broken file or a crash marks it failed, never hangs.

    `pick_up`: sent by the pick-up of waiting jobs, which runs only a job still queued (its
    first task may be running it). Otherwise a running job is run again: its worker was lost
    and the broker handed the task out again (imports are idempotent).
    """
    started = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=started
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished or (pick_up and not claimed):
        return {"job": job.pk, "status": job.status}  # a redelivered or a second task
    if not claimed:
        job.started_at = started
        job.save(update_fields=["started_at"])

    def progress(result: ImportResult) -> None:
        cache.set(progress_key(job.pk), (result.rows_processed, result.rows_total), PROGRESS_TTL)

    # The report (refused rows, warnings, notices) is stored as it is written, so it is
    # written in the language the file was uploaded in, for the person who reads it first.
    with translation.override(supported(job.language) or language_of(job.created_by)):
        result = _run_file(job, progress)
    finish_job(job, result)
    cache.delete(progress_key(job.pk))
    return {"job": job.pk, "status": job.status, "refused": job.refused}


def _run_file(job: ImportJob, progress) -> ImportResult:
    """The job's file through its importer; never raises."""
    try:
        with open(job.file.path, "rb") as binary:
            wrong_kind = wrong_kind_message(job.kind, binary)
            if wrong_kind:
                raise WrongKind(wrong_kind)
            result = run_import(
                IMPORTERS[job.kind],
                binary,
                dry_run=job.dry_run,
                atomic=job.atomic,
                progress=progress,
            )
    except WrongKind as exc:
        return ImportResult(fatal=str(exc))
    except OSError as exc:
        return ImportResult(
            fatal=_("The uploaded file cannot be read: %(reason)s.") % {"reason": exc.strerror}
        )
    except Exception:
        logger.exception("Import job %s crashed", job.pk)
        return ImportResult(fatal=_("The import stopped on an internal error; it is logged."))
    return result


def finish_job(job: ImportJob, result: ImportResult) -> None:
    job.rows_total = result.rows_total
    job.rows_processed = result.rows_processed
    job.created = result.created
    job.updated = result.updated
    job.unchanged = result.unchanged
    job.refused = result.refused
    job.counts = result.counts
    job.errors = [error.as_dict() for error in result.errors]
    job.errors_total = result.errors_total
    job.warnings = [warning.as_dict() for warning in result.warnings]
    job.warnings_total = result.warnings_total
    job.notices = result.notices
    job.sample = result.sample
    job.message = result.fatal
    job.rolled_back = result.rolled_back
    failed = bool(result.fatal) or (job.atomic and not job.dry_run and result.refused > 0)
    job.status = ImportStatus.FAILED if failed else ImportStatus.SUCCEEDED
    job.finished_at = timezone.now()
    job.save()
