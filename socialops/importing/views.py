"""Import pages: the list of jobs, the upload form, a job's progress and report."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from socialops.importing.forms import ImportForm
from socialops.importing.services import (
    IMPORTERS,
    KIND_PERMISSIONS,
    import_for_real,
    kinds_for,
    live_progress,
    start_import,
)
from socialops.models import ImportJob, ImportKind

LIST_LIMIT = 100
# Seconds between reloads of a running job's page for browsers without JavaScript.
NO_JS_REFRESH_SECONDS = 2
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _kinds_or_403(request: HttpRequest) -> list[str]:
    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied(_("You may not import anything."))
    return kinds


def _job_or_403(request: HttpRequest, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("created_by", "rerun_of"), pk=pk)
    if not request.user.has_perms(KIND_PERMISSIONS[job.kind]):
        raise PermissionDenied(_("You may not run this kind of import."))
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
        request,
        "imports/detail.html",
        {
            "job": job,
            "no_js_refresh": NO_JS_REFRESH_SECONDS,
            "counts": [(record_label(kind), bucket) for kind, bucket in job.counts.items()],
            "sample": [
                {
                    **change,
                    "action": action_label(change["action"]),
                    "kind": record_label(change["kind"]),
                }
                for change in job.sample
            ],
        },
    )


# The records an import report counts, as the importers name them (the stored report keeps
# these keys), and the actions of its sample of changes, in the reader's language.
RECORD_LABELS = {
    "product": gettext_lazy("Products"),
    "sku": gettext_lazy("SKUs"),
    "location": gettext_lazy("Locations"),
    "stock level": gettext_lazy("Stock levels"),
    "order": gettext_lazy("Orders"),
    "channel metric": gettext_lazy("Channel metrics"),
    "survey response": gettext_lazy("Survey answers"),
}
ACTION_LABELS = {
    "create": pgettext_lazy("import change", "Create"),
    "update": pgettext_lazy("import change", "Update"),
    "delete": pgettext_lazy("import change", "Delete"),
}


def record_label(kind: str) -> str:
    return str(RECORD_LABELS.get(kind, kind))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


# What each kind of file is, in a sentence, for the help page.
KIND_HELP = {
    "products": gettext_lazy(
        "Shopify's product export as it comes (Products > Export), in either header "
        "dialect: the legacy one (Handle, Variant SKU, Variant Price) or the 2025 one (URL "
        "handle, SKU, Price). Unknown columns are ignored; a column the file lacks is left alone."
    ),
    "inventory": gettext_lazy(
        "Shopify's inventory export (Products > Inventory > Export): one row per "
        "variant and location (On hand wins over Available), or one column per location. "
        "“%(not_stocked)s” removes the stock level at that location."
    ),
    "orders": gettext_lazy(
        "One row per order, keyed by external_id: re-importing the file changes nothing."
    ),
    "metrics": gettext_lazy(
        "One row per channel, campaign and day: spend, sessions, clicks and the "
        "platform's own figures."
    ),
    "survey": gettext_lazy("One row per post-purchase survey answer, keyed by external_id."),
}


def _about(kind: str) -> str:
    """The kind's sentence, the values a file writes as they are written (in <code>)."""
    text = KIND_HELP.get(kind)
    if not text:
        return ""
    return mark_safe(conditional_escape(text) % {"not_stocked": "<code>not stocked</code>"})


@require_http_methods(["GET"])
def import_help(request: HttpRequest) -> HttpResponse:
    """What each kind of file must hold: its columns (and their accepted headers)."""
    kinds = _kinds_or_403(request)
    sections = []
    for kind in kinds:
        importer = IMPORTERS[kind]
        columns = [
            {"headers": headers, "required": name in importer.required}
            for name, headers in importer.aliases.items()
        ]
        columns.sort(key=lambda c: not c["required"])
        sections.append(
            {
                "kind": kind,
                "label": ImportKind(kind).label,
                "about": _about(kind),
                "columns": columns,
            }
        )
    return render(request, "imports/help.html", {"sections": sections})


@require_POST
def import_run_for_real(request: HttpRequest, pk: int) -> HttpResponse:
    """From a finished dry run: the same file, written this time."""
    job = _job_or_403(request, pk)
    if not job.can_import_for_real:
        raise PermissionDenied(
            _("Only a finished dry run with rows to write can be imported for real.")
        )
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
