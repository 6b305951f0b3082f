"""The periodic sweep without Celery beat: a thread of `manage.py serve` (no REDIS_URL)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections

from promises.checks.engine import run_checks
from promises.choices import CheckTrigger

logger = logging.getLogger(__name__)

# The safety net of the incremental sweeps, as Celery beat's nightly full sweep.
FULL_SWEEP_EVERY = 24 * 3600


def sweep_periodically(stop: threading.Event, interval: float) -> None:
    """Every `interval` seconds until `stop` is set, re-check the campaigns that are due
    (changed, or made due by time); once a day, all of them."""
    last_full = time.monotonic()
    while not stop.wait(interval):
        try:
            full = time.monotonic() - last_full >= FULL_SWEEP_EVERY
            run = run_checks(None, trigger=CheckTrigger.SWEEP, due_only=not full).run
            if full:
                last_full = time.monotonic()
            logger.info("Sweep: %s campaigns in %s ms", run.campaigns_checked, run.duration_ms)
        except Exception:  # keep sweeping: the next run may succeed (database back up...)
            logger.exception("Periodic sweep failed")
        try:
            sweep_webhook_inbox()
        except Exception:  # the deliveries stay pending for the next pass
            logger.exception("Webhook inbox sweep failed")
        finally:
            close_old_connections()


def sweep_webhook_inbox() -> dict:
    """Apply webhook deliveries left pending (no worker without Redis: nothing else will)."""
    from catalog.webhooks.services import sweep_inbox

    return sweep_inbox(timedelta(seconds=settings.WEBHOOK_INBOX_SWEEP_AFTER_SECONDS))


def start(interval: float) -> threading.Event:
    """Start sweeping on a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=sweep_periodically, args=(stop, interval), name="checks-sweep", daemon=True
    ).start()
    return stop
