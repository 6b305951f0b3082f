"""Writes answer success during a Redis outage: what they send after committing is best effort.

The app is pointed at a real Redis URL on a port nothing listens on (broker, results and
cache), tasks sent for real, and each request commits for real (transactional database), so
the on-commit re-check and cache bump run inside the request as in production.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.models import SKU, StockLevel
from notifications.models import Notification, RunAnnouncement
from notifications.services import announce_missed_runs
from promises.models import Conflict, ShippingMethod
from socialops.importing.services import pick_up_queued_jobs, run_job
from socialops.models import ImportJob, ImportStatus
from tests.factories import UserFactory
from tests.imports.conftest import csv_bytes
from tests.outage import app_redis, closed_port_url
from tests.promises.conftest import world  # noqa: F401 - the engine's small store

# serialized_rollback: the flush after a transactional test would take the role groups.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def redis_down(settings):
    with app_redis(closed_port_url(), settings):
        yield


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_committed_writes_answer_success_while_redis_is_down(
    world,  # noqa: F811
    ops_user,
    marketing_user,
    redis_down,
    caplog,
):
    ops = _client(ops_user)
    caplog.set_level(logging.WARNING)

    response = ops.patch(
        f"/api/stock-levels/{world.stock.pk}/", {"available": 0, "on_hand": 0}, format="json"
    )
    assert response.status_code == 200
    assert StockLevel.objects.get(pk=world.stock.pk).available == 0
    assert "the next sweep re-checks them" in caplog.text  # the lost re-check is logged

    response = ops.patch(
        f"/api/shipping-methods/{world.method.pk}/", {"max_days": 9}, format="json"
    )
    assert response.status_code == 200
    assert ShippingMethod.objects.get(pk=world.method.pk).max_days == 9
    assert "Operations cache bump failed" in caplog.text

    # The check runs in the request: it reads the operations without the cache.
    response = ops.post(f"/api/campaigns/{world.campaign.pk}/check/")
    assert response.status_code == 200
    conflict = Conflict.objects.get(campaign=world.campaign, rule_code="STOCK_OUT")

    response = ops.post(f"/api/conflicts/{conflict.pk}/resolve/", {"note": "Restocked"})
    assert response.status_code == 200, response.json()

    response = _client(marketing_user).post(
        f"/api/campaigns/{world.campaign.pk}/status/", {"status": "paused"}, format="json"
    )
    assert response.status_code == 200, response.json()
    world.campaign.refresh_from_db()
    assert world.campaign.status == "paused"


def test_an_import_uploaded_while_redis_is_down_succeeds_and_is_picked_up_later(
    ops_user, login, settings, caplog
):
    caplog.set_level(logging.WARNING)
    data = csv_bytes(
        [["Handle", "Title", "Variant SKU", "Variant Price"], ["tee", "Tee", "T-1", "9"]]
    )
    with app_redis(closed_port_url(), settings):
        response = login(ops_user).post(
            reverse("imports:new"),
            {"kind": "products", "file": SimpleUploadedFile("p.csv", data, "text/csv")},
        )
        assert response.status_code == 302  # to the job's page, not a 500
        job = ImportJob.objects.get()
        assert job.status == ImportStatus.QUEUED
        assert "pick-up of queued jobs will run it" in caplog.text
        assert pick_up_queued_jobs(timedelta(0)) == 0  # still down: tried at the next pass

    assert pick_up_queued_jobs(timedelta(minutes=5)) == 0  # fresh jobs wait for their task
    assert pick_up_queued_jobs(timedelta(0)) == 1  # the broker is back (tasks in-process)
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED
    assert SKU.objects.filter(code="T-1").exists()
    assert pick_up_queued_jobs(timedelta(0)) == 0


def test_a_picked_up_task_leaves_a_job_another_task_runs(ops_user):
    job = ImportJob.objects.create(kind="products", original_name="p.csv", file="none.csv")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    assert run_job(job.pk, pick_up=True) == {"job": job.pk, "status": ImportStatus.RUNNING}
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING  # not run twice at once


def test_a_run_announcement_lost_while_redis_is_down_is_notified_by_the_catch_up(
    world,  # noqa: F811
    settings,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    olivia = UserFactory(username="olivia", email="olivia@example.com")
    olivia.groups.add(Group.objects.get(name="ops"))  # her role's email subscription
    ops = _client(olivia)
    with app_redis(closed_port_url(), settings):
        response = ops.patch(
            f"/api/stock-levels/{world.stock.pk}/", {"available": 0, "on_hand": 0}, format="json"
        )
        assert response.status_code == 200
        assert ops.post(f"/api/campaigns/{world.campaign.pk}/check/").status_code == 200
    conflict = Conflict.objects.get(campaign=world.campaign, rule_code="STOCK_OUT")
    assert not Notification.objects.exists()  # the run's notify task was never sent
    assert not RunAnnouncement.objects.exists()

    assert announce_missed_runs() == 0  # its own task may still be on its way
    later = timezone.now() + timedelta(minutes=3)
    assert announce_missed_runs(now=later) == 1
    assert Notification.objects.filter(subscription__user=olivia, conflict=conflict).exists()
    assert len(mail.outbox) == 1 and "SERUM-30" in mail.outbox[0].body
    assert announce_missed_runs(now=later) == 0  # handled: never told twice
    assert announce_missed_runs(now=timezone.now() + timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1
