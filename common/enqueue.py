"""Send a task, or run a best-effort side effect, without letting a broker outage fail a request.

A write that committed must answer success: what it sends afterwards (a re-check task, a cache
bump) is a courtesy the periodic sweeps make up for. So these helpers never raise: they try once,
with the short broker timeouts of settings.py, and log what they could not do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


# After a failed send, this process skips the broker for this many seconds: a failed
# connection costs ~20 ms of CPU per request, which under a burst of webhooks (20 at once on two
# cores) queues them past Shopify's patience. What is not sent meanwhile waits for the sweeps.
BROKER_BACKOFF_SECONDS = 5.0

_broker_down_until = 0.0


def enqueue(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Send `task(*args, **kwargs)` once, at most a second or two; False if the broker is down.

    `retry=False`: kombu's publish retries would hold the request (about 19 s with the defaults).
    `ignore_result=True`: sending a task with a result would first subscribe to its result in
    Redis, with the result backend's own 20 retries; nothing reads these results.
    """
    global _broker_down_until
    eager = task.app.conf.task_always_eager  # in-process: no broker to be down
    if not eager and time.monotonic() < _broker_down_until:
        logger.warning("Task %s not sent (broker down a moment ago)", task.name)
        return False
    try:
        task.apply_async(args, kwargs, retry=False, ignore_result=True)
    except Exception as error:  # any broker failure: connection refused, timeout, DNS, auth
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        # One line, no traceback: during an outage every request logs this.
        logger.warning("Task %s not sent (broker unavailable: %r)", task.name, error)
        return False
    return True


def forget_broker_state() -> None:
    """Try the broker again at the next send (tests; a process told the broker is back)."""
    global _broker_down_until
    _broker_down_until = 0.0


def best_effort(action: Callable[[], Any], what: str) -> bool:
    """Run `action()`; log and return False instead of raising when it fails."""
    try:
        action()
    except Exception as error:  # the cache or the broker is down: the write is already done
        logger.warning("%s failed: %r", what, error)
        return False
    return True
