"""Send a task, or run a best-effort side effect, without letting a broker outage fail a request.

A write that committed must answer success: what it sends afterwards (a re-check task, a cache
bump) is a courtesy the periodic sweeps make up for. So these helpers never raise: they try once,
with the short broker timeouts of settings.py, and log what they could not do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Send `task(*args, **kwargs)` once, at most a second or two; False if the broker is down.

    `retry=False`: kombu's publish retries would hold the request (about 19 s with the defaults).
    `ignore_result=True`: sending a task with a result would first subscribe to its result in
    Redis, with the result backend's own 20 retries; nothing reads these results.
    """
    try:
        task.apply_async(args, kwargs, retry=False, ignore_result=True)
    except Exception:  # any broker failure: connection refused, timeout, DNS, auth
        logger.warning("Task %s not sent (broker unavailable)", task.name, exc_info=True)
        return False
    return True


def best_effort(action: Callable[[], Any], what: str) -> bool:
    """Run `action()`; log and return False instead of raising when it fails."""
    try:
        action()
    except Exception:  # the cache or the broker is down: the caller's write is already done
        logger.warning("%s failed", what, exc_info=True)
        return False
    return True
