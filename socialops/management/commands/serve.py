"""Serve the dashboard for `make run`: the web server, plus Celery worker and beat with Redis."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Serve SocialOps on 127.0.0.1. With REDIS_URL set, also run a Celery worker and beat "
        "beside the web server; without it, tasks run in-process."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: int, **options) -> None:
        children: list[subprocess.Popen] = []
        if settings.REDIS_URL:
            celery = [sys.executable, "-m", "celery", "-A", "socialops"]
            children.append(
                subprocess.Popen([*celery, "worker", "--loglevel=INFO", "--concurrency=2"])
            )
            children.append(subprocess.Popen([*celery, "beat", "--loglevel=INFO"]))
        else:
            # No broker, so no beat: the periodic sweep runs on a thread of this process.
            from promises import sweeper

            sweeper.start(settings.CHECKS_SWEEP_INTERVAL_SECONDS)
        vendor = connection.vendor
        tasks = "a Celery worker and beat on Redis" if settings.REDIS_URL else "tasks in-process"
        mode = f"{vendor}, {tasks}"
        self.stdout.write(
            self.style.SUCCESS(f"\nSocialOps is at http://{host}:{port}/ ({mode}).")
            + "\nLog in as marketing, ops, exec or admin, password: demo\n"
        )
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            for child in children:
                child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
