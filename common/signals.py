"""Quiet per-row model signals while a writer announces its changes in bulk.

A writer that saves rows one by one but knows the whole batch (a webhook applying a product and
its variants) wraps the saves in `row_signals_muted()` and then sends its app's bulk signal
once (`catalog.signals.skus_changed` and the like). Receivers of per-row model signals that the
bulk signal makes redundant check `row_signals_are_muted()` and stand down, so one change is
announced by one mechanism, not two. Thread-local, like the transaction the writes share.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_state = threading.local()


@contextmanager
def row_signals_muted() -> Iterator[None]:
    """Inside the block, per-row receivers that honour it ignore saves and deletes."""
    previous = getattr(_state, "muted", False)
    _state.muted = True
    try:
        yield
    finally:
        _state.muted = previous


def row_signals_are_muted() -> bool:
    """True inside `row_signals_muted()`: the writer sends a bulk signal for these rows."""
    return getattr(_state, "muted", False)
