"""Measure the product import on a generated file: rows per second and memory, twice."""

from __future__ import annotations

import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test.utils import override_settings

from catalog.imports.benchmark import delete_benchmark_catalog, write_product_csv
from catalog.imports.products import ProductImporter
from catalog.models import SKU, Product
from common.csvimport.runner import run_import


def _maxrss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the process's peak resident set so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = (
        "Generate a Shopify product CSV (--rows, default 100000), import it into the configured "
        "database, re-import it, and print rows/s and memory. Removes its products at the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument(
            "--keep", action="store_true", help="Leave the imported products in the database."
        )
        parser.add_argument(
            "--tracemalloc",
            action="store_true",
            help="Also re-import under tracemalloc for the peak of Python allocations (slow).",
        )

    @override_settings(DEBUG=False)  # DEBUG keeps every query's SQL in memory
    def handle(self, *args, rows: int, keep: bool, tracemalloc: bool, **options) -> None:
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} {connection.settings_dict['NAME']}")
        removed = delete_benchmark_catalog()
        if removed:
            self.stdout.write(f"Removed {removed} products of an earlier run.")
        if vendor == "postgresql" and not connection.in_atomic_block:
            # Without autovacuum (a benchmark database often runs without it) the rows of
            # earlier runs stay as dead tuples in the tables and their indexes, and each run
            # would read more of them than the last.
            with connection.cursor() as cursor:
                for model in (Product, SKU):
                    cursor.execute(f'VACUUM "{model._meta.db_table}"')
        with tempfile.TemporaryDirectory() as directory:
            path = write_product_csv(Path(directory) / "products.csv", rows)
            size_mb = path.stat().st_size / 1024 / 1024
            self.stdout.write(f"Generated {rows} rows, {size_mb:.1f} MB: {path.name}")
            for label in ("import", "re-import"):
                self._measure(label, path, rows)
            if tracemalloc:
                self._trace(path)
        if not keep:
            delete_benchmark_catalog()

    def _measure(self, label: str, path: Path, rows: int) -> None:
        before = _maxrss_mb()
        start, cpu_start = time.perf_counter(), time.process_time()
        with path.open("rb") as binary:
            result = run_import(ProductImporter, binary)
        seconds = time.perf_counter() - start
        # CPU of this process only (not the database's): the figure that survives a busy host.
        cpu = time.process_time() - cpu_start
        growth = _maxrss_mb() - before
        self.stdout.write(
            f"{label:>9}: {seconds:6.1f} s wall, {rows / seconds:6.0f} rows/s; "
            f"{cpu:6.1f} s CPU here, {rows / cpu:6.0f} rows per CPU-second; "
            f"peak RSS {_maxrss_mb():.0f} MB (+{growth:.0f} MB)\n           {result.summary()}"
        )

    def _trace(self, path: Path) -> None:
        """A third (unchanged) pass under tracemalloc: the peak of Python allocations."""
        tracemalloc.start()
        with path.open("rb") as binary:
            run_import(ProductImporter, binary)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            f"Peak Python allocations during a re-import: {peak / 1024 / 1024:.1f} MB"
        )
