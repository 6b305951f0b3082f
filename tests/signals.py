"""A helper for tests of the apps' bulk signals: what a block of code sent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.dispatch import Signal


@contextmanager
def sent(signal: Signal) -> Iterator[list[dict]]:
    """Collect the sends of `signal` inside the block: one dict (sender and kwargs) per send."""
    calls: list[dict] = []

    def receiver(sender, **kwargs) -> None:
        kwargs.pop("signal", None)
        calls.append({"sender": sender, **kwargs})

    signal.connect(receiver, weak=False, dispatch_uid=f"tests-sent-{id(calls)}")
    try:
        yield calls
    finally:
        signal.disconnect(dispatch_uid=f"tests-sent-{id(calls)}")
