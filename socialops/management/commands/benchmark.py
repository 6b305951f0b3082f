import argparse
import json as jsonlib

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from promises import benchmark


class Command(BaseCommand):
    help = (
        "Build a synthetic store in the configured database and measure the checks engine: "
        "full sweep time, items/s, peak memory, a second sweep with nothing changed, and the "
        "p50/p95 re-check time after a single stock change."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--skus", type=int, default=100_000)
        parser.add_argument("--campaigns", type=int, default=20_000)
        parser.add_argument(
            "--items",
            type=int,
            default=1_000_000,
            help="Campaign items in all (spread evenly over the campaigns).",
        )
        parser.add_argument(
            "--samples",
            type=int,
            default=100,
            help="Stock changes to time for the re-check percentiles.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Empty the domain tables first, even if they hold data.",
        )
        parser.add_argument(
            "--open-conflicts",
            type=int,
            default=100_000,
            help="Open conflicts to stand before the pages are timed (topped up if fewer).",
        )
        parser.add_argument(
            "--page-samples", type=int, default=50, help="Requests to time per page."
        )
        parser.add_argument("--no-pages", action="store_true", help="Skip the page times.")
        parser.add_argument(
            "--pages-only",
            action="store_true",
            help="Time the pages on the store a previous run built, without rebuilding it.",
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        # Internal: the parent runs each sweep in a fresh process to measure its memory alone.
        parser.add_argument("--sweep-only", action="store_true", help=argparse.SUPPRESS)

    def handle(
        self, *args, skus, campaigns, items, samples, force, json: bool, sweep_only, **options
    ):
        if sweep_only:
            self.stdout.write(jsonlib.dumps(benchmark.sweep_here()))
            return
        say = (lambda *a: None) if json else self.stdout.write
        if options["pages_only"]:
            if not benchmark.holds_data():
                raise CommandError("--pages-only needs a store built by an earlier run.")
            figures = {"database": connection.vendor}
            self._pages(figures, options, say)
            if json:
                self.stdout.write(jsonlib.dumps(figures, indent=2))
            return
        if min(skus, campaigns, items) < 1:
            raise CommandError("--skus, --campaigns and --items must be at least 1")
        call_command("migrate", verbosity=0)
        if benchmark.holds_data():
            if not force:
                raise CommandError(
                    "This database holds data; the benchmark would mix with it. Point "
                    "DATABASE_URL at an empty database, or pass --force to empty it first."
                )
            benchmark.wipe()
        say(
            f"Building {skus:,} SKUs, {campaigns:,} campaigns, {items:,} items "
            f"on {connection.vendor}..."
        )
        figures = {
            "database": connection.vendor,
            "built": benchmark.build(benchmark.Size(skus, campaigns, items), timezone.now()),
        }
        say(f"  built in {figures['built']['build_seconds']} s")
        say("Full sweep...")
        figures["first_sweep"] = benchmark.full_sweep()
        say(self._sweep_line(figures["first_sweep"]))
        say("Second full sweep, nothing changed...")
        figures["second_sweep"] = benchmark.full_sweep()
        say(self._sweep_line(figures["second_sweep"]))
        say(f"Re-check after a single stock change ({samples} samples)...")
        figures["stock_change"] = benchmark.stock_change_rechecks(samples)
        change = figures["stock_change"]
        say(
            f"  p50 {change['p50_ms']} ms, p95 {change['p95_ms']} ms, max {change['max_ms']} ms "
            f"({change['campaigns_per_change_median']} campaigns per change, median)"
        )
        if not options["no_pages"]:
            self._pages(figures, options, say)
        if json:
            self.stdout.write(jsonlib.dumps(figures, indent=2))

    @staticmethod
    def _pages(figures: dict, options: dict, say) -> None:
        from socialops import page_benchmark

        say(f"Topping up to {options['open_conflicts']:,} open conflicts, adding KPI history...")
        figures["page_data"] = {
            "conflicts_added": page_benchmark.top_up_conflicts(options["open_conflicts"]),
            **page_benchmark.add_history(),
        }
        say(f"  {figures['page_data']}")
        say(f"Page times, server-side ({options['page_samples']} requests each)...")
        figures["pages"] = page_benchmark.time_pages(options["page_samples"])
        for page in figures["pages"]:
            say(
                f"  {page['page']:<36} p50 {page['p50_ms']:>7} ms  p95 {page['p95_ms']:>7} ms  "
                f"max {page['max_ms']:>7} ms  {page['queries']} queries  {page['url']}"
            )

    @staticmethod
    def _sweep_line(sweep: dict) -> str:
        return (
            f"  {sweep['seconds']} s for {sweep['items']:,} items in {sweep['campaigns']:,} "
            f"campaigns = {sweep['items_per_second']:,} items/s with {sweep['processes']} "
            f"process(es); peak memory per process "
            f"{sweep['peak_memory_mb']} MB; opened {sweep['opened']:,}, resolved "
            f"{sweep['resolved']:,}, reopened {sweep['reopened']:,}, errors {sweep['errors']}"
        )
