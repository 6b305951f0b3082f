"""Records of the project itself: CSV import jobs (the uploads and what each did)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    PRODUCTS = "products", _("Shopify products")
    INVENTORY = "inventory", _("Shopify inventory")
    ORDERS = "orders", _("Orders")
    METRICS = "metrics", _("Channel metrics")
    SURVEY = "survey", _("Survey answers")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("import", "Queued")
    RUNNING = "running", pgettext_lazy("import", "Running")
    SUCCEEDED = "succeeded", pgettext_lazy("import", "Succeeded")
    FAILED = "failed", pgettext_lazy("import", "Failed")


class ImportJob(models.Model):
    """One CSV import (or dry run): the uploaded file, its progress and its report."""

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    dry_run = models.BooleanField(default=False)
    atomic = models.BooleanField(
        default=False, help_text="All or nothing: any refused row means nothing is written."
    )
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0, help_text="Rows refused.")
    counts = models.JSONField(default=dict, blank=True, help_text="Per kind of record.")
    errors = models.JSONField(
        default=list, blank=True, help_text="The first refused rows: line, column, message."
    )
    errors_total = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="The first rows imported without a value: line, column, message.",
    )
    warnings_total = models.PositiveIntegerField(default=0)
    notices = models.JSONField(default=list, blank=True)
    sample = models.JSONField(default=list, blank=True, help_text="A sample of the changes.")
    message = models.TextField(blank=True, help_text="Why the file could not be read.")
    rolled_back = models.BooleanField(default=False)
    language = models.CharField(
        max_length=16,
        blank=True,
        help_text=_(
            "The language the report is written in: the page's when the file was uploaded "
            "(blank: the uploader's own choice, else the site's)."
        ),
    )
    rerun_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reruns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ImportKind.values), name="import_job_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_job_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import #{self.pk} ({self.original_name})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def can_import_for_real(self) -> bool:
        """A finished dry run with at least one row that would be written or kept."""
        return (
            self.dry_run
            and self.status == ImportStatus.SUCCEEDED
            and self.refused < self.rows_total
        )

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_processed / self.rows_total))
