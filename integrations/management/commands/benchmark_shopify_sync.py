"""Measure a Shopify sync through the bulk path: a generated store served from loopback."""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test.utils import override_settings

from integrations import services
from integrations.benchmark import FakeStore, delete_benchmark_store, write_store
from integrations.choices import ConnectionKind
from integrations.models import Connection

SHOP = "benchmark-store.myshopify.com"


def _rss_mb() -> float:
    """The process's resident set now (Linux /proc), in MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096 / 1024 / 1024


class PeakRss:
    """Sample the resident set while a block runs: its peak, per block (ru_maxrss cannot be
    reset between the first and the second sync)."""

    def __enter__(self) -> PeakRss:
        self.start = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


class Command(BaseCommand):
    help = (
        "Generate a Shopify store of --variants variants (default 100000), serve it from "
        "127.0.0.1 as the Admin API and its bulk JSONL files, sync it twice into the configured "
        "database (the second with nothing changed), and print time and peak memory. Removes "
        "what it synced at the end unless --keep."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--variants", type=int, default=100_000)
        parser.add_argument("--keep", action="store_true", help="Leave the synced store.")

    @override_settings(DEBUG=False)  # DEBUG keeps every query's SQL in memory
    def handle(self, *args, variants: int, keep: bool, **options) -> None:
        self.stdout.write(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
        Connection.objects.filter(kind=ConnectionKind.SHOPIFY, account_id=SHOP).delete()
        if delete_benchmark_store():
            self.stdout.write("Removed the store of an earlier run.")
        with tempfile.TemporaryDirectory() as directory:
            catalog, stock = write_store(Path(directory), variants)
            size = (catalog.stat().st_size + stock.stat().st_size) / 1024 / 1024
            self.stdout.write(f"Generated {variants} variants: {size:.0f} MB of JSONL")
            with (
                FakeStore(catalog, stock, variants) as store,
                override_settings(SHOPIFY_ADMIN_URL=store.url, SHOPIFY_SYNC_MODE="bulk"),
            ):
                shop = services.add_connection(
                    kind=ConnectionKind.SHOPIFY, name="Benchmark", account_id=SHOP, token="x"
                )
                for label in ("first sync", "second sync"):
                    self._measure(label, shop.pk)
        Connection.objects.filter(pk=shop.pk).delete()
        if not keep:
            delete_benchmark_store()

    def _measure(self, label: str, connection_id: int) -> None:
        start, cpu = time.perf_counter(), time.process_time()
        with PeakRss() as rss:
            run = services.sync_connection(connection_id)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        self.stdout.write(
            f"{label:>11}: {seconds:6.1f} s wall, {cpu:6.1f} s CPU here; RSS {rss.start:.0f} MB "
            f"before, peak {rss.peak:.0f} MB (+{rss.peak - rss.start:.0f} MB); {run.status}: "
            f"{run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
            f"{run.errors} errors, {run.requests} requests {run.error}"
        )
