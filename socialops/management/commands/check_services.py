from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from socialops.health import ensure_database_exists, probe_broker, probe_database

HOW_TO_START = {
    "database": (
        "Start PostgreSQL, e.g. `pg_ctlcluster --skip-systemctl-redirect "
        "$(ls /etc/postgresql) main start` (Debian) or `docker compose up -d postgres`, "
        "or set DATABASE_URL to a reachable server."
    ),
    "broker": (
        "Start Redis, e.g. `redis-server --daemonize yes --port 6379` or "
        "`docker compose up -d redis`, or set REDIS_URL to a reachable server."
    ),
}


class Command(BaseCommand):
    help = "Check that the configured database and Redis answer; explain how to start them if not."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--create-database",
            action="store_true",
            help="Create the PostgreSQL database when the server answers but it is missing.",
        )

    def handle(self, *args, create_database: bool = False, **options) -> None:
        if create_database:
            try:
                if ensure_database_exists():
                    self.stdout.write("database: created")
            except DatabaseError:
                pass  # probe_database below reports the failure with how to fix it
        failures = []
        for probe in (probe_database(), probe_broker()):
            if probe.ok:
                self.stdout.write(f"{probe.name}: ok ({probe.detail}, {probe.latency_ms:.0f} ms)")
            else:
                failures.append(
                    f"{probe.name} is not reachable: {probe.detail}\n  {HOW_TO_START[probe.name]}"
                )
        if failures:
            raise CommandError("\n".join(failures))
