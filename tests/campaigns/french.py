"""A small French-speaking store for the French page tests of campaigns, catalog and feeds.

The brand's data (channels, products, captions, conflict messages) is written in French or
with neutral names, so `tests.i18n.assert_french` judges the interface, not the data.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

from django.utils import timezone

from common.i18n import set_preferred_language
from tests.factories import (
    CampaignClaimFactory,
    CampaignFactory,
    CampaignItemFactory,
    ChannelFactory,
    CheckoutCountryFactory,
    ConflictFactory,
    LocationFactory,
    ProductFactory,
    ReturnPolicyFactory,
    ShippingMethodFactory,
    SKUFactory,
    StockLevelFactory,
)


class FrenchStore:
    """Two channels, two products, a campaign in every status, conflicts in French."""

    def __init__(self, owner) -> None:
        from promises import triggers

        now = timezone.now()
        with triggers.suspended():
            self.instagram = ChannelFactory(
                name="Boutique Instagram",
                network="instagram",
                calendar_owner=owner,
                creative_budget_monthly=Decimal("3000"),
                catalog_sync="feed",
                last_catalog_sync_at=now - timedelta(hours=3),
                catalog_sync_max_age_hours=24 * 365,
                response_time_commitment_hours=2,
            )
            self.tiktok = ChannelFactory(name="Vitrine TikTok", network="tiktok")
            self.serum = SKUFactory(
                code="SERUM-30",
                price=Decimal("24.99"),
                product=ProductFactory(handle="serum-eclat", title="Sérum éclat"),
            )
            self.creme = SKUFactory(
                code="CREME-50",
                price=Decimal("39.00"),
                option1="50 ml",
                product=ProductFactory(handle="creme-nuit", title="Crème de nuit"),
            )
            self.entrepot = LocationFactory(name="Entrepôt Lyon", country="FR")
            StockLevelFactory(sku=self.serum, location=self.entrepot, on_hand=100, available=100)
            StockLevelFactory(sku=self.creme, location=self.entrepot, on_hand=8, available=5)
            ShippingMethodFactory(name="Colissimo", countries=["FR"], min_days=2, max_days=3)
            CheckoutCountryFactory(country="FR")
            ReturnPolicyFactory(name="Retours 30 jours", window_days=30)
            self.campaigns = {}
            for n, status in enumerate(
                ("draft", "in_review", "scheduled", "live", "paused", "ended")
            ):
                starts = now + timedelta(days=n - 2)
                campaign = CampaignFactory(
                    channel=self.instagram if n % 2 == 0 else self.tiktok,
                    name=f"Printemps {n + 1}",
                    owner=owner,
                    status=status,
                    starts_at=starts,
                    ends_at=starts + timedelta(days=14),
                    target_countries=["FR", "BE"],
                    cites_stock=True,
                    budget=Decimal("1500"),
                    promo_code="PRINTEMPS20" if n == 2 else "",
                    caption="Livraison offerte en 48h 🚚 retours gratuits sous 30 jours",
                )
                CampaignItemFactory(campaign=campaign, sku=self.serum, expected_units=20)
                CampaignItemFactory(
                    campaign=campaign, sku=self.creme, expected_units=10, reserved_units=4
                )
                CampaignClaimFactory(
                    campaign=campaign, kind="returns", days=30, text="retours 30 jours"
                )
                self.campaigns[status] = campaign
            self.blocked = self.campaigns["scheduled"]
            ConflictFactory(
                campaign=self.blocked,
                sku=self.creme,
                rule_code="STOCK_OUT",
                message="CREME-50 n’a que 1 unité disponible à promettre pour 10 prévues.",
                due_at=now - timedelta(hours=2),
            )
            ConflictFactory(
                campaign=self.blocked,
                severity="warning",
                rule_code="LOW_STOCK",
                message="Stock faible sur SERUM-30.",
                due_at=now + timedelta(hours=5),
            )
            ConflictFactory(
                campaign=self.campaigns["live"],
                severity="warning",
                state="waived",
                rule_code="DELIVERY_CLAIM_UNSUPPORTED",
                message="La livraison en 48h dépasse le délai de Colissimo.",
                waiver_reason="Colissimo Pro en renfort",
                waived_until=now + timedelta(days=3),
            )


def french(user):
    """The user, reading SocialOps in French."""
    set_preferred_language(user, "fr")
    return user


# The parts of these pages that other branches of the French interface translate, named with
# their owner. `mine()` leaves them out, so these tests judge what this branch marks; once
# those branches are merged the list can go, and the tests read the whole page.
# Everything on these pages is the interface's to translate: nothing is left aside.
NOT_YET_TRANSLATED_HERE: tuple[str, ...] = ()


class _Selector:
    """One CSS selector of simple parts with descendant combinators: `tag.class[attr=v] .x`."""

    PART = re.compile(r"([a-z0-9]*)((?:\.[\w-]+)*)((?:\[[\w-]+[$^]?=[^\]]+\])*)")

    def __init__(self, text: str) -> None:
        self.parts = []
        for piece in text.split():
            tag, classes, attrs = self.PART.fullmatch(piece).groups()
            wanted = [
                tuple(re.fullmatch(r"\[([\w-]+)([$^]?)=([^\]]+)\]", a).groups())
                for a in re.findall(r"\[[^\]]+\]", attrs)
            ]
            self.parts.append((tag, set(classes.split(".")) - {""}, wanted))

    @staticmethod
    def _matches(part, tag: str, attrs: dict) -> bool:
        want_tag, classes, wanted = part
        if want_tag and want_tag != tag:
            return False
        if not classes <= set((attrs.get("class") or "").split()):
            return False
        for name, op, value in wanted:
            got = attrs.get(name) or ""
            ok = {"$": got.endswith, "^": got.startswith}.get(op, got.__eq__)(value)
            if not ok:
                return False
        return True

    def matches(self, tag: str, attrs: dict, ancestors: list) -> bool:
        *before, last = self.parts
        if not self._matches(last, tag, attrs):
            return False
        chain = iter(reversed(ancestors))
        return all(any(self._matches(part, *a) for a in chain) for part in reversed(before))


class _Without(HTMLParser):
    """The page's HTML without the elements the selectors pick (and all they hold)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, selectors) -> None:
        super().__init__(convert_charrefs=False)
        self.selectors = [_Selector(s) for s in selectors]
        self.out: list[str] = []
        self.ancestors: list[tuple[str, dict]] = []
        self.depth = 0  # inside a dropped element: its nesting depth

    def handle_starttag(self, tag, attrs):
        void = tag in self.VOID
        if self.depth:
            self.depth += 0 if void else 1
            return
        attributes = dict(attrs)
        if any(s.matches(tag, attributes, self.ancestors) for s in self.selectors):
            self.depth = 0 if void else 1
            return
        self.out.append(self.get_starttag_text())
        if not void:
            self.ancestors.append((tag, attributes))

    def handle_startendtag(self, tag, attrs):
        if self.depth or any(s.matches(tag, dict(attrs), self.ancestors) for s in self.selectors):
            return
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.depth:
            if tag not in self.VOID:
                self.depth -= 1
            return
        if self.ancestors and self.ancestors[-1][0] == tag:
            self.ancestors.pop()
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.depth:
            self.out.append(data)

    def handle_entityref(self, name):
        if not self.depth:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.depth:
            self.out.append(f"&#{name};")


def without(html: str, selectors) -> str:
    """`html` without the elements `selectors` pick."""
    parser = _Without(selectors)
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def mine(response) -> str:
    """The page as this branch translates it (see NOT_YET_TRANSLATED_HERE)."""
    return without(response.content.decode(), NOT_YET_TRANSLATED_HERE)
