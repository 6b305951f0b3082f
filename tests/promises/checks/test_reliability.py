"""Concurrent sweeps, interrupted sweeps, and a real Celery worker re-checking on commit."""

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from catalog.models import StockLevel
from promises import triggers
from promises.checks import engine, reconcile
from promises.models import CheckRun, Conflict, ConflictEvent
from tests.db import database_url
from tests.factories import CampaignFactory, CampaignItemFactory

ROOT = Path(__file__).resolve().parents[3]
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrency need PostgreSQL"
)


def sold_out_campaigns(world, n):
    """n more campaigns on the world's SKU, sold out; no re-check runs yet."""
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    with triggers.suspended():
        for i in range(n):
            CampaignItemFactory(
                campaign=CampaignFactory(
                    channel=world.channel, status="scheduled", name=f"C{i}", target_countries=["FR"]
                ),
                sku=world.sku,
                reserved_units=0,
            )


@postgres_only
# serialized_rollback: the flush after a transactional test would take the role groups.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_leave_no_duplicates(world, monkeypatch):
    sold_out_campaigns(world, 6)
    barrier = threading.Barrier(2, timeout=30)
    original = engine.reconcile

    def both_reconcile_together(*args, **kwargs):
        barrier.wait()  # both runs have loaded the same facts; now both write
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "reconcile", both_reconcile_together)
    outcomes, failures = [], []

    def sweep():
        try:
            outcomes.append(engine.run_checks(None).run)
        except Exception as exc:  # surfaced by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    keys = list(Conflict.objects.values_list("rule_code", "campaign_id", "scope"))
    assert len(keys) == len(set(keys)) > 0
    opened = sum(run.opened for run in outcomes)
    assert opened == len(keys)  # each conflict opened by exactly one of the two runs
    assert ConflictEvent.objects.filter(kind="opened").count() == len(keys)


class Killed(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the engine catches it."""


# serialized_rollback: the flush after a transactional test would take the role groups.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_killed_between_batches_is_finished_by_the_next(world, monkeypatch):
    sold_out_campaigns(world, 5)
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    original = reconcile.reconcile
    calls = {"n": 0}

    def dies_on_the_second_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Killed()
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "reconcile", dies_on_the_second_batch)
    with pytest.raises(Killed):
        engine.run_checks(None)
    half = Conflict.objects.count()
    assert half > 0  # the first batch committed whole
    assert CheckRun.objects.get().status == "running"

    monkeypatch.setattr(engine, "reconcile", original)
    run = engine.run_checks(None).run
    assert run.status == "succeeded"
    keys = list(Conflict.objects.values_list("rule_code", "campaign_id", "scope"))
    assert len(keys) == len(set(keys)) > half
    stock_outs = Conflict.objects.filter(rule_code="STOCK_OUT").count()
    assert stock_outs == 6  # the world's campaign and the five others


def test_a_killed_sweep_is_marked_failed_by_the_next_with_how_far_it_got(world, monkeypatch):
    sold_out_campaigns(world, 5)
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    original = engine.reconcile
    calls = {"n": 0}

    def dies_on_the_second_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Killed()
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "reconcile", dies_on_the_second_batch)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        with pytest.raises(Killed):
            engine.run_checks(None)
        dead = CheckRun.objects.get()
        assert (dead.status, dead.batches_done, dead.batches) == ("running", 1, 3)
        last_heartbeat = dead.heartbeat_at
        # The next periodic sweep, well before any task time limit has passed.
        traveller.shift(engine.HEARTBEAT_TIMEOUT + timedelta(seconds=1))
        monkeypatch.setattr(engine, "reconcile", original)
        engine.run_checks(None, due_only=True, trigger="sweep")
    dead.refresh_from_db()
    assert dead.status == "failed"
    assert dead.finished_at == last_heartbeat
    assert "after 1 of 3 batches (2 campaigns checked)" in dead.error_details[-1]["error"]


def test_a_failed_run_still_announces_what_its_finished_batches_changed(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from promises.signals import conflicts_changed
    from tests.signals import sent

    sold_out_campaigns(world, 3)
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    original = engine.reconcile
    calls = {"n": 0}

    def fails_on_the_second_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the database went away")
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "reconcile", fails_on_the_second_batch)
    with (
        sent(conflicts_changed) as sends,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        engine.run_checks(None)
    run = CheckRun.objects.get()
    assert run.status == "failed" and run.opened > 0
    opened_by_the_run = set(
        ConflictEvent.objects.filter(check_run=run, kind="opened").values_list(
            "conflict_id", flat=True
        )
    )
    assert [set(s["opened"]) for s in sends] == [opened_by_the_run]


def test_a_redelivered_batch_is_counted_once(world):
    sold_out_campaigns(world, 2)
    run = engine.run_checks(None).run
    assert (run.status, run.batches, run.campaigns_checked) == ("succeeded", 1, 3)
    assert run.opened == Conflict.objects.count() > 0
    ids = sorted(Conflict.objects.values_list("campaign_id", flat=True).distinct())
    # The broker's second go.
    engine.check_batch(run.pk, 0, engine.BatchWork(whole=ids), run.started_at)
    again = CheckRun.objects.get(pk=run.pk)
    assert (again.campaigns_checked, again.opened, again.batches_done) == (3, run.opened, 1)
    assert Conflict.objects.count() == run.opened


def start_worker(*extra: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "socialops",
            "worker",
            *extra,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


@postgres_only
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis as the broker")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_shared_by_two_worker_processes_finds_what_one_process_finds(world, monkeypatch):
    from socialops.celery import app

    sold_out_campaigns(world, 7)
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)  # 4 batches; the workers read the ids sent
    alone = engine.run_checks(None, distribute=False).run
    expected = sorted(Conflict.objects.values_list("rule_code", "campaign_id", "scope", "state"))
    Conflict.objects.all().delete()

    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    worker = start_worker("--pool=prefork", "--concurrency=2")
    try:
        spread = engine.run_checks(None).run  # waits for the workers to finish the run
        assert worker.poll() is None, worker.stdout.read()
    finally:
        stop_worker(worker)
    assert spread.status == "succeeded"
    assert (spread.batches, spread.batches_done, spread.done_batches) == (4, 4, [0, 1, 2, 3])
    assert (
        sorted(Conflict.objects.values_list("rule_code", "campaign_id", "scope", "state"))
        == expected
    )
    assert (spread.campaigns_checked, spread.items_checked, spread.opened) == (
        alone.campaigns_checked,
        alone.items_checked,
        alone.opened,
    )
    assert ConflictEvent.objects.filter(check_run=spread, kind="opened").count() == spread.opened
    # Two processes shared it: the opened events came from more than one batch transaction.
    assert CheckRun.objects.filter(pk=spread.pk, heartbeat_at__isnull=False).exists()


@postgres_only
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis as the broker")
# serialized_rollback: the flush after a transactional test would take the role groups.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_rechecks_after_a_stock_change_commits(world):
    from socialops.celery import app

    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    worker = start_worker("--pool=solo")
    try:
        world.stock.available = world.stock.on_hand = 0
        world.stock.save()  # autocommit: on_commit sends the task to Redis at once
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if CheckRun.objects.filter(trigger="change", status="succeeded").exists():
                break
            time.sleep(0.2)
        assert worker.poll() is None, worker.stdout.read()
        found = Conflict.objects.get(campaign=world.campaign, rule_code="STOCK_OUT")
        assert found.state == "open"
        run = CheckRun.objects.get(trigger="change")
        assert run.status == "succeeded" and run.scope["campaigns"] == [world.campaign.pk]
    finally:
        stop_worker(worker)
