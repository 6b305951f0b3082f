import argparse
import json as jsonlib

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from promises import benchmark


class Command(BaseCommand):
    help = (
        "Build a synthetic store in the configured database and measure the checks engine, "
        "beside the floor pass it measures itself (every item's facts streamed into Python): "
        "the full sweep in one process and, with REDIS_URL, on 1 and on 2 real Celery worker "
        "processes it starts (peak memory per worker), the periodic sweep with nothing "
        "changed and after 1%% of the SKUs' stock changed, the p50/p95 re-check after one "
        "stock change, and (with REDIS_URL) the p50/p95 time from a signed Shopify webhook "
        "to its conflict visible. Each figure carries the machine's load average."
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
            "--webhook-samples",
            type=int,
            default=40,
            help="Webhooks to time to their visible conflict (needs REDIS_URL).",
        )
        parser.add_argument(
            "--changed-share",
            type=float,
            default=0.01,
            help="Share of the SKUs whose stock changes before the second periodic sweep.",
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
        parser.add_argument(
            "--repeat",
            type=int,
            default=3,
            help="Full sweeps on 1 and on 2 workers, taken alternately; the median is reported.",
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
            self.stdout.write(jsonlib.dumps(benchmark.sweep_in_process()))
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
        if min(skus, campaigns, items, options["repeat"]) < 1:
            raise CommandError("--skus, --campaigns, --items and --repeat must be at least 1")
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
        now = timezone.now()
        say("Floor pass: every item's facts streamed into Python...")
        figures["floor"] = floor = benchmark.floor_pass(now)
        say(f"  {floor['seconds']} s for {floor['items']:,} items ({self._load(floor)})")
        say("First full sweep, in one process (opens every conflict)...")
        figures["first_sweep"] = benchmark.sweep_in_fresh_process()
        say(self._sweep_line(figures["first_sweep"], floor))
        say("Full sweep, nothing changed, in one process...")
        figures["full_sweep_in_process"] = benchmark.sweep_in_fresh_process()
        say(self._sweep_line(figures["full_sweep_in_process"], floor))
        if settings.REDIS_URL:
            repeats = options["repeat"]
            runs: dict[int, list[dict]] = {1: [], 2: []}
            for attempt in range(repeats):  # alternately, so drift on the host hits both
                for workers in (1, 2):
                    say(
                        f"Full sweep on {workers} Celery worker process(es), "
                        f"{attempt + 1} of {repeats}..."
                    )
                    runs[workers].append(benchmark.full_sweep_on_workers(workers))
                    say(self._sweep_line(runs[workers][-1], floor))
            for workers, sweeps in runs.items():
                figures[f"full_sweep_{workers}_workers"] = median = benchmark.median_run(sweeps)
                say(f"Full sweep on {workers} worker process(es), median of {repeats}:")
                say(self._sweep_line(median, floor))
            ratio = (
                figures["full_sweep_2_workers"]["seconds"]
                / figures["full_sweep_1_workers"]["seconds"]
            )
            figures["two_workers_over_one"] = round(ratio, 3)
            say(f"  2 workers take {ratio:.2f}x the time of 1")
        else:
            say("No REDIS_URL: the sweeps on Celery workers are skipped.")
        say("Periodic sweep, nothing changed...")
        figures["periodic_nothing_changed"] = benchmark.sweep(due_only=True)
        say(self._sweep_line(figures["periodic_nothing_changed"], floor))
        share = options["changed_share"]
        changed = benchmark.change_share_of_stock(share)
        say(
            f"Periodic sweep after {changed['skus_changed']:,} SKUs' stock changed ({share:.0%})..."
        )
        if settings.REDIS_URL:
            with benchmark.Workers(2):
                figures["periodic_after_change"] = benchmark.sweep(due_only=True)
            figures["periodic_after_change"]["workers"] = 2
        else:
            figures["periodic_after_change"] = benchmark.sweep(due_only=True)
        figures["periodic_after_change"].update(changed)
        say(self._sweep_line(figures["periodic_after_change"], floor))
        say(f"Re-check after a single stock change ({samples} samples)...")
        figures["stock_change"] = change = benchmark.stock_change_rechecks(samples)
        say(
            f"  p50 {change['p50_ms']} ms, p95 {change['p95_ms']} ms, max {change['max_ms']} ms "
            f"({change['campaigns_per_change_median']} campaigns per change, median; "
            f"{self._load(change)})"
        )
        if settings.REDIS_URL:
            webhooks = options["webhook_samples"]
            say(f"Shopify webhook to visible conflict, 2 worker processes ({webhooks} samples)...")
            figures["webhook_to_conflict"] = hook = benchmark.webhook_to_conflict(webhooks)
            say(
                f"  p50 {hook['p50_ms']} ms, p95 {hook['p95_ms']} ms, max {hook['max_ms']} ms "
                f"({self._load(hook)})"
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
    def _load(figures: dict) -> str:
        return f"load {figures['load_1m']} / {figures['load_5m']}"

    def _sweep_line(self, sweep: dict, floor: dict) -> str:
        memory = sweep.get("peak_memory_mb")
        return (
            f"  {sweep['seconds']} s = {sweep['seconds'] / floor['seconds']:.2f}x the floor, "
            f"{sweep['items']:,} items in {sweep['campaigns']:,} campaigns, "
            f"{sweep['batches']} batches"
            + (f", workers: {sweep['workers']}" if "workers" in sweep else "")
            + (f", peak memory per process {memory} MB" if memory else "")
            + f"; opened {sweep['opened']:,}, resolved {sweep['resolved']:,}, reopened "
            f"{sweep['reopened']:,}, errors {sweep['errors']} ({self._load(sweep)})"
        )
