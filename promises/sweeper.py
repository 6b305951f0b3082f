"""The periodic sweep without Celery beat: a thread of `manage.py serve` (no REDIS_URL)."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

from promises.checks.engine import run_checks
from promises.choices import CheckTrigger

logger = logging.getLogger(__name__)


def sweep_periodically(stop: threading.Event, interval: float) -> None:
    """Run a full sweep every `interval` seconds until `stop` is set."""
    while not stop.wait(interval):
        try:
            # One process: forking from a threaded web server is unsafe.
            run = run_checks(None, trigger=CheckTrigger.SWEEP, processes=1).run
            logger.info("Sweep: %s campaigns in %s ms", run.campaigns_checked, run.duration_ms)
        except Exception:  # keep sweeping: the next run may succeed (database back up...)
            logger.exception("Periodic sweep failed")
        finally:
            close_old_connections()


def start(interval: float) -> threading.Event:
    """Start sweeping on a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=sweep_periodically, args=(stop, interval), name="checks-sweep", daemon=True
    ).start()
    return stop
