"""Import pages: the list of jobs, the upload form, a job's progress and report."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from socialops.importing.forms import ImportForm
from socialops.importing.services import (
    KIND_PERMISSIONS,
    import_for_real,
    kinds_for,
    live_progress,
    start_import,
)
from socialops.models import ImportJob, ImportStatus

LIST_LIMIT = 100
# Seconds between reloads of a running job's page for browsers without JavaScript.
NO_JS_REFRESH_SECONDS = 2
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _kinds_or_403(request: HttpRequest) -> list[str]:
    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied("You may not import anything.")
    return kinds


def _job_or_403(request: HttpRequest, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("created_by", "rerun_of"), pk=pk)
    if not request.user.has_perms(KIND_PERMISSIONS[job.kind]):
        raise PermissionDenied("You may not run this kind of import.")
    return job


@require_http_methods(["GET"])
def import_list(request: HttpRequest) -> HttpResponse:
    """Recent jobs of the kinds the user may run."""
    kinds = _kinds_or_403(request)
    jobs = ImportJob.objects.filter(kind__in=kinds).select_related("created_by")[:LIST_LIMIT]
    return render(request, "imports/list.html", {"jobs": jobs})


@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    kinds = _kinds_or_403(request)
    form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        job = start_import(
            kind=form.cleaned_data["kind"],
            user=request.user,
            upload=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            atomic=form.cleaned_data["atomic"],
        )
        return redirect("imports:detail", pk=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/new.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job: progress while it runs (htmx polls the partial), then its report."""
    job = live_progress(_job_or_403(request, pk))
    if request.htmx:
        if job.is_finished:
            return HttpResponseClientRefresh()  # the full page carries the report
        return render(request, "imports/partials/_progress.html", {"job": job})
    return render(
        request, "imports/detail.html", {"job": job, "no_js_refresh": NO_JS_REFRESH_SECONDS}
    )


@require_POST
def import_run_for_real(request: HttpRequest, pk: int) -> HttpResponse:
    """From a finished dry run: the same file, written this time."""
    job = _job_or_403(request, pk)
    if not job.dry_run or job.status != ImportStatus.SUCCEEDED:
        raise PermissionDenied("Only a finished dry run can be imported for real.")
    return redirect("imports:detail", pk=import_for_real(job, request.user).pk)


@require_http_methods(["GET"])
def import_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The refused rows as CSV, to fix them in a spreadsheet."""
    job = _job_or_403(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    writer = csv.writer(response)
    writer.writerow(["line", "column", "message"])
    for error in job.errors:
        writer.writerow([error["line"], _inert(error["column"]), _inert(error["message"])])
    return response


def _inert(text: str) -> str:
    """Text a spreadsheet will not run as a formula (messages quote the uploaded cells)."""
    return f"'{text}" if text[:1] in FORMULA_STARTS else text
