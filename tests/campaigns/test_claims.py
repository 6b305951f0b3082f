"""Claims from copy, on a table of real-sounding captions (English and French)."""

from decimal import Decimal

import pytest

from campaigns.claims import extract_claims


def summary(text: str) -> set[tuple]:
    """The claims as comparable tuples: (kind, days, is_free, option, amount, currency, code)."""
    return {
        (c.kind, c.days, c.is_free, c.shipping_option, c.amount, c.currency, c.code)
        for c in extract_claims(text)
    }


D = "delivery"
CASES = [
    ("48h delivery on the whole glow range 🚚", {(D, 2, None, "", None, "", "")}),
    ("Order now, delivered tomorrow!", {(D, 1, None, "", None, "", "")}),
    ("Delivered in 2 days, anywhere in France", {(D, 2, None, "", None, "", "")}),
    ("Express delivery in 24 hours", {(D, 1, None, "express", None, "", "")}),
    ("3-day shipping on all tees", {(D, 3, None, "", None, "", "")}),
    ("Ships in two business days", {("dispatch", 2, None, "", None, "", "")}),
    ("Same-day delivery in Paris", {(D, 0, None, "", None, "", "")}),
    ("Livraison en 48h partout en France", {(D, 2, None, "", None, "", "")}),
    ("Commandez avant 14h, livrée demain", {(D, 1, None, "", None, "", "")}),
    ("Expédition sous 3 jours ouvrés", {("dispatch", 3, None, "", None, "", "")}),
    (
        "Livraison offerte en 48h 💛",
        {(D, 2, None, "", None, "", ""), ("free_shipping", None, True, "", None, "", "")},
    ),
    ("Free shipping on everything this weekend", {("free_shipping", None, True, "", None, "", "")}),
    (
        "Free shipping over €50",
        {("free_shipping", None, True, "", Decimal("50"), "EUR", "")},
    ),
    ("Livraison gratuite dès 39 €", {("free_shipping", None, True, "", Decimal("39"), "EUR", "")}),
    ("Free returns for 60 days", {("returns", 60, True, "", None, "", "")}),
    ("Try it risk-free: free 60-day returns", {("returns", 60, True, "", None, "", "")}),
    ("Retours gratuits sous 30 jours", {("returns", 30, True, "", None, "", "")}),
    ("Returns accepted within 14 days", {("returns", 14, None, "", None, "", "")}),
    ("Now only €19.99", {("price", None, None, "", Decimal("19.99"), "EUR", "")}),
    ("Le sérum à 19,99 € seulement", {("price", None, None, "", Decimal("19.99"), "EUR", "")}),
    ("The linen shirt, $24 this week", {("price", None, None, "", Decimal("24"), "USD", "")}),
    (
        "19.99€ au lieu de 24.99€",
        {
            ("price", None, None, "", Decimal("19.99"), "EUR", ""),
            ("price", None, None, "", Decimal("24.99"), "EUR", ""),
        },
    ),
    ("Use code SUMMER20 at checkout", {("promo_code", None, None, "", None, "", "SUMMER20")}),
    ("-20% avec le code ETE20 ☀️", {("promo_code", None, None, "", None, "", "ETE20")}),
    ("Promo code: glow15", {("promo_code", None, None, "", None, "", "GLOW15")}),
    ("Précommande ouverte : expédition début mars", {("preorder", None, None, "", None, "", "")}),
    # Delivery and returns in one sentence: each number goes to its nearest word.
    (
        "Livraison en 48h et retours gratuits 30 jours",
        {(D, 2, None, "", None, "", ""), ("returns", 30, True, "", None, "", "")},
    ),
    (
        "48h delivery, free returns for 60 days",
        {(D, 2, None, "", None, "", ""), ("returns", 60, True, "", None, "", "")},
    ),
    (
        "Delivered in 3 days and returns accepted for 14 days",
        {(D, 3, None, "", None, "", ""), ("returns", 14, None, "", None, "", "")},
    ),
    (
        "Free shipping over $50 and 30-day returns",
        {
            ("free_shipping", None, True, "", Decimal("50"), "USD", ""),
            ("returns", 30, None, "", None, "", ""),
        },
    ),
    # Copy that must extract nothing.
    ("Now in 48 colours", set()),
    ("Family-run since 2019", set()),
    ("48h hydration, clinically tested", set()),
    ("Our 24/7 chat answers in minutes", set()),
    ("100% organic cotton, 30 washes guaranteed", set()),
    ("Shop the €10 Mini Lip Kit, our bestseller", set()),
    ("The code of beauty: less is more", set()),
    ("Rated 4.8 by 2,000 customers", set()),
    ("", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] or "empty" for c in CASES])
def test_extracts_claims_from_copy(text, expected):
    assert summary(text) == expected


def test_caption_and_script_are_read_together_without_duplicates():
    claims = extract_claims("48h delivery! Code SUMMER20", "Remember: 48h delivery, code SUMMER20")
    kinds = sorted(c.kind for c in claims)
    assert kinds == ["delivery", "promo_code"]


def test_the_claim_keeps_the_words_it_came_from():
    [claim] = extract_claims("Tout est livré en 48h chrono")
    assert claim.text == "48h"
    assert claim.days == 2


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        # The number's own clause decides, although "retours" is the nearer word.
        ("Livraison en 48h, retours 30 jours", [("delivery", 2), ("returns", 30)]),
        ("Retours 30 jours, livraison 48h", [("delivery", 2), ("returns", 30)]),
        # No keyword in the clause: the nearest one in the sentence.
        ("Free returns, 30 days to change your mind", [("returns", 30)]),
    ],
)
def test_delivery_and_returns_in_one_sentence_keep_their_own_numbers(copy, expected):
    found = sorted((c.kind, c.days) for c in extract_claims(copy))
    assert found == expected


def test_a_code_at_the_start_of_the_copy_is_a_code():
    [claim] = extract_claims("Code SUMMER20 for 20% off")
    assert claim.code == "SUMMER20"
