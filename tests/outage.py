"""Redis outages for tests: a real redis-server of the test's own, and the app pointed at it.

Never the shared Redis: the test starts `redis-server` on a free port and kills it to make the
outage, or points the app at a port nothing listens on.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import kombu.pools
import pytest
import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server on 127.0.0.1:<port>; stop() is the outage, start() the return."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for the outage tests"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@contextmanager
def app_redis(url: str, settings) -> Iterator[None]:
    """Point the broker, the result backend and the cache at `url`, tasks sent for real."""
    from socialops.celery import app

    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    saved_settings = {"REDIS_URL": settings.REDIS_URL, "CACHES": settings.CACHES}
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "socialops",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 5},
        }
    }
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    _reset_connections(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        for name, value in saved_settings.items():  # the cache is back too
            setattr(settings, name, value)
        _reset_connections(app)


def _reset_connections(app) -> None:
    from common.enqueue import forget_broker_state

    forget_broker_state()
    # The producer pool and the result backend keep the connection they were made with.
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    # The producer pools hold the connection pools just closed: in-process sends use them too.
    kombu.pools.reset()
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


def closed_port_url() -> str:
    """A Redis URL nothing answers: connections are refused at once."""
    return f"redis://127.0.0.1:{free_port()}/0"
