"""Concurrent sweeps, interrupted sweeps, and a real Celery worker re-checking on commit."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from catalog.models import StockLevel
from promises import triggers
from promises.checks import engine, reconcile
from promises.models import CheckRun, Conflict, ConflictEvent
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
def test_a_sweep_killed_between_batches_is_finished_by_the_next(world, monkeypatch, settings):
    settings.CHECKS_SWEEP_PROCESSES = 1  # the "kill" below is raised in this process
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


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_spread_over_processes_finds_what_one_process_finds(world, monkeypatch, settings):
    sold_out_campaigns(world, 7)
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    settings.CHECKS_SWEEP_PROCESSES = 1
    alone = engine.run_checks(None).run
    expected = sorted(Conflict.objects.values_list("rule_code", "campaign_id", "scope", "state"))
    Conflict.objects.all().delete()

    settings.CHECKS_SWEEP_PROCESSES = 2
    spread = engine.run_checks(None).run
    assert (
        sorted(Conflict.objects.values_list("rule_code", "campaign_id", "scope", "state"))
        == expected
    )
    assert (spread.campaigns_checked, spread.items_checked, spread.opened) == (
        alone.campaigns_checked,
        alone.items_checked,
        alone.opened,
    )
    assert spread.status == "succeeded"
    assert ConflictEvent.objects.filter(check_run=spread, kind="opened").count() == spread.opened


@postgres_only
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis as the broker")
# serialized_rollback: the flush after a transactional test would take the role groups.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_rechecks_after_a_stock_change_commits(world):
    from socialops.celery import app

    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "socialops",
            "worker",
            "--pool=solo",
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
    try:
        world.stock.available = world.stock.on_hand = 0
        world.stock.save()  # autocommit: on_commit sends the task to Redis at once
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if Conflict.objects.filter(campaign=world.campaign, rule_code="STOCK_OUT").exists():
                break
            time.sleep(0.2)
        assert worker.poll() is None, worker.stdout.read()
        found = Conflict.objects.get(campaign=world.campaign, rule_code="STOCK_OUT")
        assert found.state == "open"
        run = CheckRun.objects.get(trigger="change")
        assert run.status == "succeeded" and run.scope["campaigns"] == [world.campaign.pk]
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
