"""`manage.py benchmark` end to end, on a tiny store in a database of its own.

The command builds its store, sweeps in fresh processes and starts Celery workers, all of
which read DATABASE_URL and REDIS_URL: it runs as a subprocess pointed at a database made for
it, never at the test database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.db import database_url

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--skus", "60", "--campaigns", "12", "--items", "240", "--samples", "4", "--no-pages"]


def run_benchmark(env: dict[str, str], *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", *TINY, "--force", "--json", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def assert_sweeps_agree(figures: dict) -> None:
    first, again = figures["first_sweep"], figures["full_sweep_in_process"]
    # The generated store breaks rules (~5% of items), the first sweep opens them, the second
    # finds the same facts and writes nothing.
    assert first["status"] == again["status"] == "succeeded"
    assert (first["campaigns"], first["items"]) == (12, 240)
    assert first["opened"] > 0
    assert (again["opened"], again["resolved"], again["reopened"]) == (0, 0, 0)
    assert figures["floor"]["items"] == 240
    assert figures["periodic_nothing_changed"]["campaigns"] == 0
    changed = figures["periodic_after_change"]
    assert changed["skus_changed"] >= 1 and changed["status"] == "succeeded"
    assert 0 < changed["campaigns"] <= 12
    change = figures["stock_change"]
    assert 0 < change["p50_ms"] <= change["p95_ms"] <= change["max_ms"]


def test_the_benchmark_measures_every_figure_on_sqlite_without_a_broker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'benchmark.sqlite3'}"

    figures = run_benchmark(env)

    assert figures["database"] == "sqlite"
    assert_sweeps_agree(figures)
    assert figures["first_sweep"]["workers"] == "in-process"
    assert figures["first_sweep"]["peak_memory_mb"] > 0
    assert "full_sweep_1_workers" not in figures and "webhook_to_conflict" not in figures


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.REDIS_URL,
    reason="the worker sweeps need PostgreSQL and Redis",
)
def test_the_benchmark_shares_its_sweeps_between_real_workers_on_postgresql():
    name = f"{connection.settings_dict['NAME']}_benchmark"
    # A Redis database of its own: the benchmark purges its queue before starting workers.
    redis = settings.REDIS_URL.rsplit("/", 1)[0] + "/13"
    env = {**os.environ, "DATABASE_URL": database_url(name), "REDIS_URL": redis}
    subprocess.run(
        [sys.executable, "manage.py", "check_services", "--create-database"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    figures = run_benchmark(env, "--repeat", "2", "--webhook-samples", "3")

    assert figures["database"] == "postgresql"
    assert_sweeps_agree(figures)
    for workers in (1, 2):
        sweep = figures[f"full_sweep_{workers}_workers"]
        assert (sweep["workers"], sweep["status"], sweep["opened"]) == (workers, "succeeded", 0)
        assert sweep["campaigns"] == 12 and sweep["peak_memory_mb"] > 0
        assert len(sweep["all_seconds"]) == 2 and sweep["seconds"] == min(sweep["all_seconds"])
    assert figures["two_workers_over_one"] == pytest.approx(
        figures["full_sweep_2_workers"]["seconds"] / figures["full_sweep_1_workers"]["seconds"],
        abs=0.001,
    )
    hook = figures["webhook_to_conflict"]
    assert 0 < hook["p50_ms"] <= hook["p95_ms"]
