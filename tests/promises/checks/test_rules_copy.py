"""Rules on claims as the copy words them (issue #10): the same promise gets the same rule
whichever words carry it; free shipping set at its source; reservations beyond stock; the
disclosure written in the copy."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.claims import extract_claims
from promises.checks.facts import ClaimFacts
from tests.promises.checks.builders import (
    campaign,
    claim,
    context,
    fired,
    item,
    method,
    sku,
    window,
)

SHIPPING_RULES = ("DELIVERY_CLAIM_UNSUPPORTED", "SHIPPING_OPTION_NOT_IN_CHECKOUT")


def from_copy(text: str) -> list[ClaimFacts]:
    """The copy's claims as the loader hands them to the rules."""
    return [
        ClaimFacts(
            kind=c.kind,
            source="extracted",
            text=c.text,
            days=c.days,
            is_free=c.is_free,
            shipping_option=c.shipping_option,
            amount=c.amount,
            currency=c.currency,
            code=c.code,
        )
        for c in extract_claims(text)
    ]


def shipping_codes(caption: str, max_days: int) -> set[str]:
    facts = campaign(claims=from_copy(caption))
    ctx = context(methods=[method(min_days=1, max_days=max_days)])
    return {code for code in SHIPPING_RULES if fired(code, facts, ctx)}


@pytest.mark.parametrize(
    "caption",
    ["Livrée demain ✨", "Delivered tomorrow!", "Livraison en 24h", "Next-day delivery 🚀",
     "Commandez avant 14h, livrée demain"],
)  # fmt: skip
def test_a_next_day_promise_gets_the_delivery_rule_whatever_its_words(caption):
    assert shipping_codes(caption, max_days=2) == {"DELIVERY_CLAIM_UNSUPPORTED"}
    # Just across the line: a method that delivers in a day keeps the promise.
    assert shipping_codes(caption, max_days=1) == set()


@pytest.mark.parametrize("caption", ["48h hydration", "Shop before tomorrow's drop"])
def test_a_time_that_promises_no_delivery_fires_nothing(caption):
    assert shipping_codes(caption, max_days=5) == set()


@pytest.mark.parametrize(
    ("caption", "handling", "expected"),
    [
        ("Ships the same day 📦", 1, {"DISPATCH_CLAIM_UNSUPPORTED"}),
        ("Order by 2pm, ships today", 0, set()),
        ("Expédiée sous 24h", 2, {"DISPATCH_CLAIM_UNSUPPORTED"}),
        ("Expédition en 24h", 1, set()),
    ],
)
def test_dispatch_promises_are_checked_against_handling_not_delivery(caption, handling, expected):
    facts = campaign(claims=from_copy(caption))
    ctx = context(methods=[method(min_days=2, max_days=3, handling_days=handling)])
    codes = {"DISPATCH_CLAIM_UNSUPPORTED", *SHIPPING_RULES}
    assert {code for code in codes if fired(code, facts, ctx)} == expected


@pytest.mark.parametrize(
    ("price", "threshold", "fires"),
    [
        ("4.90", Decimal("50"), True),  # free only from 50
        ("4.90", Decimal("0"), False),  # free from nothing: free
        ("0", None, False),
        ("4.90", Decimal("0.01"), True),  # just across the line
        ("4.90", None, True),
    ],
)
def test_a_free_shipping_threshold_of_zero_is_free(price, threshold, fires):
    facts = campaign(claims=[claim("free_shipping", is_free=True, text="free shipping")])
    ctx = context(methods=[method(price=Decimal(price), free_shipping_threshold=threshold)])
    assert bool(fired("SHIPPING_OPTION_NOT_IN_CHECKOUT", facts, ctx)) is fires


@pytest.mark.parametrize(
    ("available", "reserved", "fires"),
    [
        (30, 40, True),  # one campaign holds more than exists
        (40, 40, False),  # exactly what exists
        (100, 40, False),
        (0, 40, False),  # nothing at all: STOCK_OUT says it
    ],
)
def test_one_campaign_alone_reserving_more_than_exists_is_an_overcommit(available, reserved, fires):
    facts = campaign(id=1, items=[item(expected_units=10, reserved_units=reserved)])
    ctx = context(
        [sku(available=available, reserved_total=reserved, demand_total=reserved)],
        windows={1: [window(1, reserved, 1, 15)]},
    )
    findings = fired("STOCK_OVERCOMMIT", facts, ctx)
    assert bool(findings) is fires
    for finding in findings:
        assert [c["id"] for c in finding.evidence["campaigns"]] == [1]
        assert "alone reserves 40 units, 30 exist" in finding.message


def test_an_overcommit_with_one_greedy_campaign_still_names_every_campaign():
    facts = campaign(id=1, items=[item(expected_units=10, reserved_units=40)])
    ctx = context(
        [sku(available=30, reserved_total=50, demand_total=50)],
        windows={1: [window(1, 40, 1, 15), window(2, 10, 5, 20)]},
    )
    [finding] = fired("STOCK_OVERCOMMIT", facts, ctx)
    assert [c["id"] for c in finding.evidence["campaigns"]] == [1, 2]


@pytest.mark.parametrize(
    ("caption", "fires"),
    [
        ("Love it #ad", False),
        ("Paid partnership with @maisonlumen", False),
        ("Love it #adorable", True),  # just across the line: not a disclosure
        ("Love it", True),
    ],
)
def test_a_disclosure_in_the_copy_satisfies_disclosure_missing(caption, fires):
    facts = campaign(is_paid_partnership=True, caption=caption)
    assert bool(fired("DISCLOSURE_MISSING", facts, context())) is fires
