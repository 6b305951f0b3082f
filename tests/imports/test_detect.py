"""A Shopify export chosen as the wrong kind says what it is; the report does not offer
what cannot work; the help is a page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.csvimport.result import ImportResult
from socialops.importing.detect import header_of, shopify_kind
from socialops.importing.services import finish_job, run_job, start_import
from socialops.models import ImportJob, ImportKind, ImportStatus
from tests.imports.conftest import csv_bytes, sample

pytestmark = pytest.mark.django_db

PRODUCTS = csv_bytes(
    [["Handle", "Title", "Body (HTML)", "Variant SKU", "Variant Price", "Charge tax"]]
    + [["tee", "Tee", "", f"TEE-{i}", "10", "TRUE"] for i in range(24)]
)
INVENTORY = csv_bytes(
    [
        ["Handle", "Title", "SKU", "Location", "Available", "On hand"],
        ["tee", "Tee", "T", "Paris", "3", "3"],
    ]
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("products_export_2023_real_store_abhilasha12345-shopify.csv", ImportKind.PRODUCTS),
        ("shopify_product_template_2025_new_headers.csv", ImportKind.PRODUCTS),
        ("inventory_export_2023_layout_abhilasha12345-shopify.csv", ImportKind.INVENTORY),
        ("inventory_export_2025_layout_nsls_first60lines.csv", ImportKind.INVENTORY),
    ],
)
def test_real_shopify_exports_are_recognised(name, kind):
    with open(sample(name), "rb") as binary:
        assert shopify_kind(header_of(binary)) == kind
        assert binary.tell() == 0  # rewound for the importer


def _upload(client, data: bytes, kind: str):
    return client.post(
        reverse("imports:new"),
        {"kind": kind, "file": SimpleUploadedFile("export.csv", data, "text/csv"), "dry_run": "on"},
    )


def test_a_product_file_uploaded_as_inventory_is_refused_in_one_sentence(ops_user, login):
    response = _upload(login(ops_user), PRODUCTS, "inventory")
    assert response.status_code == 400
    body = response.content.decode()
    assert "This looks like a Shopify product export; choose “Shopify products”" in body
    assert not ImportJob.objects.exists()


def test_an_inventory_file_uploaded_as_products_is_refused_too(ops_user, login):
    response = _upload(login(ops_user), INVENTORY, "products")
    assert "This looks like a Shopify inventory export" in response.content.decode()


def test_the_right_kind_goes_through(ops_user, login):
    response = _upload(login(ops_user), PRODUCTS, "products")
    assert response.status_code == 302


def test_a_queued_job_of_the_wrong_kind_fails_with_the_sentence(
    ops_user, django_capture_on_commit_callbacks
):
    job = start_import(
        kind="inventory",
        user=ops_user,
        upload=SimpleUploadedFile("export.csv", PRODUCTS, "text/csv"),
        dry_run=True,
    )
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("This looks like a Shopify product export")
    assert job.errors == []


def _finished(user, **result) -> ImportJob:
    job = start_import(
        kind="products",
        user=user,
        upload=SimpleUploadedFile("p.csv", PRODUCTS, "text/csv"),
        dry_run=True,
    )
    finish_job(job, ImportResult(**result))
    return job


def test_import_for_real_is_not_offered_when_every_row_is_refused(ops_user, login):
    client = login(ops_user)
    job = _finished(ops_user, rows_total=24, rows_processed=24, refused=24)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Import for real" not in page
    assert "Every row was refused" in page
    assert client.post(reverse("imports:run", args=[job.pk])).status_code == 403

    some = _finished(ops_user, rows_total=24, rows_processed=24, refused=3)
    assert (
        "Import for real" in client.get(reverse("imports:detail", args=[some.pk])).content.decode()
    )


def test_a_failed_file_shows_no_full_progress_bar(ops_user, login):
    job = _finished(ops_user, fatal="The file is not a CSV.")
    assert job.status == ImportStatus.FAILED
    page = login(ops_user).get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "<progress" not in page
    assert "failed" in page


def test_the_help_is_a_page_not_a_source_file(ops_user, admin_user, login):
    form = login(ops_user).get(reverse("imports:new")).content.decode()
    assert "docs/imports.md" not in form
    assert reverse("imports:help") in form
    help_page = login(admin_user).get(reverse("imports:help")).content.decode()
    assert "Survey answers" in help_page and "<code>external_id</code>" in help_page
    # Ops see only the kinds they may import.
    ops_help = login(ops_user).get(reverse("imports:help")).content.decode()
    assert "Shopify inventory" in ops_help and "Survey answers" not in ops_help
