"""Probes of the services SocialOps depends on, for /healthz and `check_services`."""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import DatabaseError, connections


@dataclass(frozen=True)
class Probe:
    name: str
    ok: bool
    detail: str
    latency_ms: float

    def state_dict(self) -> dict:
        """What anyone may see: up or down, nothing about where the service runs."""
        return {"ok": self.ok}

    def as_dict(self) -> dict:
        """Everything, for admins and the log: the error names hosts, ports and databases."""
        return {"ok": self.ok, "detail": self.detail, "latency_ms": round(self.latency_ms, 1)}


def probe_database(alias: str = "default") -> Probe:
    started = time.perf_counter()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # The connection is unusable after a failure; drop it so the next request reconnects.
        connections[alias].close_if_unusable_or_obsolete()
        return Probe("database", False, f"{type(exc).__name__}: {exc}".strip(), _ms(started))
    vendor = connections[alias].vendor
    return Probe("database", True, vendor, _ms(started))


def probe_broker(url: str | None = None) -> Probe:
    """Ping Redis; with no REDIS_URL, tasks run in-process and there is no broker to fail."""
    url = settings.REDIS_URL if url is None else url
    started = time.perf_counter()
    if not url:
        return Probe("broker", True, "in-process (no REDIS_URL)", _ms(started))
    timeout = settings.HEALTH_CHECK_TIMEOUT
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return Probe("broker", False, f"{type(exc).__name__}: {exc}", _ms(started))
    finally:
        client.close()
    return Probe("broker", True, "redis", _ms(started))


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def ensure_database_exists(alias: str = "default") -> bool:
    """Create the configured PostgreSQL database when the server answers but it is missing.

    Returns True when it created the database. Fresh machines have a server and no
    `socialops` database; `make test` and `make run` should not need a manual createdb.
    """
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    try:
        connection.ensure_connection()
        return False
    except DatabaseError as exc:
        if "does not exist" not in str(exc):
            raise
    import psycopg2
    from psycopg2 import sql

    params = connection.get_connection_params()
    name = params.pop("dbname", None) or params.pop("database")
    params["dbname"] = "postgres"
    admin = psycopg2.connect(**params)
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        admin.close()
    return True
