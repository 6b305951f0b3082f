"""The import pages: who may use them, upload, progress, report, errors CSV, import for real."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import SKU
from socialops.importing.services import progress_key, start_import
from socialops.models import ImportJob, ImportStatus
from tests.imports.conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Handle", "Title", "Variant SKU", "Variant Price"]
GOOD = csv_bytes([HEADER, ["tee", "Tee", "TEE-1", "10"], ["tee", "", "TEE-2", "oops"]])


def upload(client, data: bytes = GOOD, name: str = "products.csv", **fields):
    form = {"kind": "products", "file": SimpleUploadedFile(name, data, "text/csv"), **fields}
    return client.post(reverse("imports:new"), form)


def test_anonymous_visitors_are_sent_to_login(client):
    for name in ("imports:list", "imports:new"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["marketing_user", "exec_user", "outsider"])
def test_roles_that_change_no_data_are_forbidden(role, request, login):
    client = login(request.getfixturevalue(role))
    assert client.get(reverse("imports:list")).status_code == 403
    assert client.get(reverse("imports:new")).status_code == 403
    assert upload(client).status_code == 403
    assert not ImportJob.objects.exists()


def test_ops_import_the_catalog_but_not_insights(ops_user, login):
    client = login(ops_user)
    page = client.get(reverse("imports:new"))
    kinds = [value for value, _ in page.context["form"].fields["kind"].choices]
    assert kinds == ["products", "inventory"]
    response = upload(client, kind="orders")
    assert response.status_code == 400
    assert "orders is not one of the available choices" in response.content.decode()


def test_admins_may_import_every_kind(admin_user, login):
    page = login(admin_user).get(reverse("imports:new"))
    kinds = [value for value, _ in page.context["form"].fields["kind"].choices]
    assert kinds == ["products", "inventory", "orders", "metrics", "survey"]


def test_an_insights_job_is_hidden_from_ops(ops_user, admin_user, login):
    job = start_import(
        kind="orders",
        user=admin_user,
        upload=SimpleUploadedFile("o.csv", b"external_id,placed_at,country,gross\n"),
    )
    assert login(ops_user).get(reverse("imports:detail", args=[job.pk])).status_code == 403


def test_a_dry_run_upload_shows_the_preview_and_errors_then_imports_for_real(
    ops_user, login, django_capture_on_commit_callbacks
):
    client = login(ops_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, dry_run="on")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:detail", args=[job.pk])
    assert (job.status, job.dry_run, job.created, job.refused) == ("succeeded", True, 2, 1)
    assert job.created_by == ops_user
    assert not SKU.objects.exists()

    page = client.get(response.url).content.decode()
    assert "What this import would do" in page
    assert "Import for real" in page
    assert "not an amount" in page

    errors = client.get(reverse("imports:errors", args=[job.pk]))
    assert errors["Content-Type"].startswith("text/csv")
    assert errors.content.decode().splitlines()[1].startswith("3,Variant Price,")

    with django_capture_on_commit_callbacks(execute=True):
        real = client.post(reverse("imports:run", args=[job.pk]))
    rerun = ImportJob.objects.exclude(pk=job.pk).get()
    assert real.url == reverse("imports:detail", args=[rerun.pk])
    assert (rerun.dry_run, rerun.rerun_of, rerun.file.name) == (False, job, job.file.name)
    assert list(SKU.objects.values_list("code", flat=True)) == ["TEE-1"]
    assert "Import for real" not in client.get(real.url).content.decode()


def test_the_errors_csv_does_not_carry_formulas(
    ops_user, login, django_capture_on_commit_callbacks
):
    client = login(ops_user)
    # A wide inventory export names its location columns: here, a formula.
    data = csv_bytes([["Handle", "SKU", "COO", "=SUM(A1)"], ["tee", "T-1", "", "abc"]])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, data=data, kind="inventory")
    job = ImportJob.objects.get()
    lines = client.get(reverse("imports:errors", args=[job.pk])).content.decode().splitlines()
    assert lines[1] == "2,'=SUM(A1),'=SUM(A1): 'abc' is not a whole number."


def test_only_a_dry_run_can_be_imported_for_real(
    ops_user, login, django_capture_on_commit_callbacks
):
    client = login(ops_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client)
    job = ImportJob.objects.get()
    assert client.post(reverse("imports:run", args=[job.pk])).status_code == 403


def test_field_errors_on_the_upload_form(ops_user, login):
    client = login(ops_user)
    empty = upload(client, data=b"")
    assert empty.status_code == 400
    assert "The submitted file is empty." in empty.content.decode()
    wrong = upload(client, name="catalog.xlsx")
    assert "Upload a CSV file" in wrong.content.decode()
    assert not ImportJob.objects.exists()


def test_an_unreadable_file_fails_with_its_reason_not_a_500(
    ops_user, login, django_capture_on_commit_callbacks
):
    client = login(ops_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, data=b"\x00\x01\x02binary")
    page = client.get(response.url)
    assert page.status_code == 200
    assert ImportJob.objects.get().status == ImportStatus.FAILED
    assert "not a CSV file" in page.content.decode()


def test_a_running_job_polls_its_progress_and_refreshes_when_done(ops_user, login, settings):
    from django.core.cache import cache

    client = login(ops_user)
    job = start_import(
        kind="products", user=ops_user, upload=SimpleUploadedFile("p.csv", GOOD)
    )  # queued: on_commit never runs inside the test's transaction
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, rows_total=4000)
    cache.set(progress_key(job.pk), (1000, 4000))
    url = reverse("imports:detail", args=[job.pk])

    full = client.get(url).content.decode()
    # Without JavaScript: a meta refresh, and a link to do it by hand.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in full
    assert f'<a href="{url}">Refresh</a>' in full
    partial = client.get(url, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert partial.templates[0].name == "imports/partials/_progress.html"
    assert 'hx-trigger="every 1s"' in body
    assert 'value="25"' in body
    assert "1,000 of 4,000 rows" in body

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.SUCCEEDED)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "http-equiv" not in client.get(url).content.decode()
    cache.delete(progress_key(job.pk))


@pytest.mark.parametrize("jobs", [1, 20])
def test_the_list_takes_the_same_queries_for_1_or_20_jobs(
    jobs, ops_user, login, django_assert_num_queries
):
    client = login(ops_user)
    for _ in range(jobs):
        start_import(kind="products", user=ops_user, upload=SimpleUploadedFile("p.csv", GOOD))
    client.get(reverse("imports:list"))  # warm the session
    # session, user, permissions (own and groups'), role names for the shell, the jobs
    with django_assert_num_queries(6):
        response = client.get(reverse("imports:list"))
    assert len(response.context["jobs"]) == jobs


def test_the_report_shows_warnings_apart_from_refused_rows(
    ops_user, login, django_capture_on_commit_callbacks
):
    rows = [
        [*HEADER, "Variant Barcode"],
        ["tee", "Tee", "TEE-1", "10", "3.65275E+11"],
        ["tee", "", "TEE-2", "1e30", ""],
    ]
    client = login(ops_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, data=csv_bytes(rows))
    job = ImportJob.objects.get()
    assert (job.refused, job.errors_total, job.warnings_total) == (1, 1, 1)
    assert job.warnings == [
        {"line": 2, "column": "Variant Barcode", "message": job.warnings[0]["message"]}
    ]
    page = client.get(response.url).content.decode()
    refused, warnings = page.split('id="errors-title"')[1].split('id="warnings-title"')
    assert "too large" in refused and "scientific notation" not in refused
    assert "Imported with warnings" in warnings and "scientific notation" in warnings
    assert list(SKU.objects.values_list("code", flat=True)) == ["TEE-1"]
