"""What every part of the demo builder shares: the day it is anchored to, randomness, results."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from campaigns.models import Campaign, Channel, Creator
from catalog.models import SKU, Location, Product
from socialops.demo.upsert import Tally

# Change it and every generated number changes; keep it and two runs agree to the cent.
DEMO_SEED = 20240917
CENT = Decimal("0.01")


def money(value: Decimal | float | int | str) -> Decimal:
    """An amount rounded to the cent, the way the store rounds it."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def anchor_for(today: date) -> datetime:
    """Midnight UTC of `today`: every demo date is an offset from it."""
    return datetime.combine(today, time.min, tzinfo=UTC)


@dataclass
class DemoContext:
    """The anchor date, the rows built so far (by natural key) and the write tally."""

    anchor: datetime
    tally: Tally = field(default_factory=Tally)
    currency: str = field(default_factory=lambda: settings.STORE_CURRENCY)
    users: dict[str, AbstractBaseUser] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    skus: dict[str, SKU] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    creators: dict[str, Creator] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.anchor.date()

    def at(self, offset: timedelta | None) -> datetime | None:
        """The moment `offset` after the anchor (None stays None: an undated draft)."""
        return None if offset is None else self.anchor + offset

    def day(self, days: int) -> date:
        return self.today + timedelta(days=days)

    def rng(self, *parts: object) -> random.Random:
        """A generator of its own per purpose, so one section's draws never shift another's.

        Seeding with a string is stable across processes (it is hashed with SHA-512, not
        with Python's salted hash()).
        """
        return random.Random(":".join(str(part) for part in (DEMO_SEED, *parts)))
