"""Webhook topics applied by apps above the catalog (discounts: integrations).

The catalog stores and orders every delivery; a topic whose data lives in a higher app is
applied by a handler that app registers here at start-up (its AppConfig.ready), so the
catalog never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TopicHandler:
    # (payload, triggered_at) -> the Target (catalog.webhooks.apply.Target) for staleness.
    target: Callable[[dict, datetime | None], Any]
    # (payload, delivery) -> a note for the delivery; raises PayloadError when it cannot apply.
    apply: Callable[[dict, Any], str]


HANDLERS: dict[str, TopicHandler] = {}


def register(topic: str, handler: TopicHandler) -> None:
    HANDLERS[topic] = handler
