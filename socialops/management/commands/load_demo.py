from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from promises.checks.engine import run_checks
from promises.choices import CheckTrigger
from promises.models import Conflict
from socialops.demo import DEMO_PASSWORD, demo_models, load_demo
from socialops.demo.people import DEMO_STORE_URL
from socialops.roles import Role


class Command(BaseCommand):
    help = (
        "Load the Maison Lumen demo: catalog, channels, campaigns with planted mistakes, "
        "90 days of orders and metrics, and one user per role. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off (the demo adds users with a known password).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. The demo creates staff users whose "
                "password is 'demo' and thousands of fake orders. Pass --force to load it anyway."
            )
        started = time.perf_counter()
        tally = load_demo()
        elapsed = time.perf_counter() - started

        for model in demo_models():
            label = model._meta.label
            self.stdout.write(
                f"{label:<28} {model._default_manager.count():>6}  "
                f"(+{tally.created[label]} created, {tally.updated[label]} updated"
                + (f", {tally.deleted[label]} deleted)" if tally.deleted[label] else ")")
            )
        verdict = "nothing to change" if not tally.changed else f"{tally.changed} rows written"
        self.stdout.write(self.style.SUCCESS(f"Demo loaded in {elapsed:.1f}s: {verdict}."))
        run = run_checks(None, trigger=CheckTrigger.SWEEP).run
        self.stdout.write(
            f"Checked {run.campaigns_checked} campaigns in {run.duration_ms} ms: "
            f"{Conflict.objects.blockers().count()} open blockers, "
            f"{Conflict.objects.standing().filter(severity='warning').count()} open warnings."
        )
        users = ", ".join(role.value for role in Role)
        self.stdout.write(
            f"Log in as one of {users} with the password '{DEMO_PASSWORD}' "
            "(admin is a superuser; all four can use /admin/ within their role)."
        )
        if not settings.STORE_URL:
            # Without it every feed item lacks its product link and the feed pages list a
            # problem per item; `make run` sets it.
            self.stdout.write(
                self.style.WARNING(
                    f"STORE_URL is not set: serve with STORE_URL={DEMO_STORE_URL} so the demo's "
                    "feeds link to the demo brand's shop."
                )
            )
