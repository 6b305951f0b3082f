"""Claims read from campaign copy: delivery times, free shipping, returns, prices, promo codes.

English and French. A claim needs its context: "48h" is a delivery claim only next to a
delivery word ("48h hydration" is not), a number is a price only with a currency, and a code
only after the word "code". Pure functions over text: no ORM, tested on a table of captions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

# How far (in characters) a number may sit from the delivery or returns word it qualifies.
CONTEXT_WINDOW = 40
# How far "free" / "gratuits" may sit from the returns word it qualifies.
FREE_REACH = 12

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "dix": 10,
    "thirty": 30, "sixty": 60, "ninety": 90, "fourteen": 14, "trente": 30, "soixante": 60,
    "quatorze": 14,
}  # fmt: skip
_NUM = r"(\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"

DELIVERY_WORDS = (
    r"deliver(?:y|ed|s)?|shipping|ships|shipped|arrives?|at your door|"
    r"livr(?:aison|ée?s?|é)|exp[ée]di(?:tion|ée?s?|é)|re[çc]u(?:e|s)?|chez (?:toi|vous)"
)
RETURN_WORDS = r"returns?|refunds?|retours?|rembours(?:ement|é)|satisfait ou rembours[ée]"
FREE_WORDS = r"free|gratuite?s?|offerte?s?|gratis"

_DELIVERY = re.compile(DELIVERY_WORDS, re.I)
_RETURN = re.compile(RETURN_WORDS, re.I)
_FREE = re.compile(rf"\b(?:{FREE_WORDS})\b", re.I)

_HOURS = re.compile(rf"\b{_NUM}\s?-?\s?(?:h|hrs?|hours?|heures?)\b", re.I)
_TIME_OF_DAY = re.compile(r"\b(?:before|by|until|till|avant|jusqu'à|à)\s*$", re.I)
_DAYS = re.compile(
    rf"\b{_NUM}[\s-]?(?:(?:business|working)[\s-])?(?:days?|jours?)(?:[\s-]ouvr[ée]s)?\b", re.I
)
_TOMORROW = re.compile(
    r"\b(?:next[\s-]day|tomorrow|overnight|demain|le lendemain|en 24 ?h chrono)\b", re.I
)
_SAME_DAY = re.compile(r"\b(?:same[\s-]day|le jour même|aujourd'hui même)\b", re.I)
_EXPRESS = re.compile(r"\bexpress\b", re.I)
_FREE_SHIPPING = re.compile(
    r"\b(?:free (?:shipping|delivery)|ships free|free standard shipping|"
    r"livraison (?:offerte|gratuite)|frais de port (?:offerts|gratuits)|port offert)\b",
    re.I,
)
_THRESHOLD = re.compile(
    r"(?:over|above|from|orders? of|dès|à partir de|au-dessus de)\s*"
    r"(?P<price>(?:[€$£]\s?\d+(?:[.,]\d{1,2})?)|(?:\d+(?:[.,]\d{1,2})?\s?(?:€|\$|£|eur|usd|gbp)))",
    re.I,
)
_PREORDER = re.compile(r"\b(?:pre-?orders?|précommandes?|pré-commandes?|precommande)\b", re.I)

CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}
_AMOUNT = r"\d{1,5}(?:[.,]\d{1,2})?"
_PRICE = re.compile(
    rf"(?P<before>[€$£])\s?(?P<a1>{_AMOUNT})(?![\d%])"
    rf"|(?P<a2>{_AMOUNT})\s?(?P<after>€|\$|£|eur\b|euros?\b|usd\b|gbp\b)"
    rf"|\b(?P<code_before>EUR|USD|GBP)\s?(?P<a3>{_AMOUNT})\b",
    re.I,
)
# Prices followed by a capitalised word belong to a name ("the €10 Mini Kit").
_NAME_AFTER = re.compile(r"^\s?[A-ZÀ-Ý][\w'-]*")

_CODE = re.compile(
    r"\b(?i:promo[\s-]?code|discount code|coupon(?: code)?|code(?: promo)?)\s*[:=]?\s*"
    r"[\"'«“]?\s*(?P<code>[A-Za-z0-9][A-Za-z0-9_-]{2,31})\b",
)
_NOT_CODES = frozenset({"promo", "code", "the", "le", "du", "de", "at", "and", "et", "with"})


@dataclass(frozen=True)
class ExtractedClaim:
    kind: str  # one of campaigns.choices.ClaimKind
    text: str
    days: int | None = None
    is_free: bool | None = None
    shipping_option: str = ""
    amount: Decimal | None = None
    currency: str = ""
    code: str = ""


@dataclass
class _Found:
    claims: list[ExtractedClaim] = field(default_factory=list)

    def add(self, claim: ExtractedClaim) -> None:
        # The same promise told twice ("Code SUMMER20" ... "code SUMMER20") is one claim.
        if not any(_same(claim, known) for known in self.claims):
            self.claims.append(claim)


def _same(a: ExtractedClaim, b: ExtractedClaim) -> bool:
    return replace(a, text=a.text.casefold()) == replace(b, text=b.text.casefold())


def extract_claims(*texts: str) -> list[ExtractedClaim]:
    """Every claim in the given texts (caption, script...), without duplicates, in text order."""
    found = _Found()
    for text in texts:
        if not text:
            continue
        for sentence in _sentences(text):
            _delivery(sentence, found)
            _free_shipping(sentence, found)
            _returns(sentence, found)
            _preorder(sentence, found)
            _prices(sentence, found)
            _codes(sentence, found)
    return found.claims


def _sentences(text: str) -> list[str]:
    # Split on sentence ends and line breaks, but not on decimal points ("19.99").
    return [s for s in re.split(r"(?<!\d)[.!?](?!\d)|\n+|•|\|", text) if s.strip()]


def _number(token: str) -> int:
    return int(token) if token.isdigit() else NUMBER_WORDS[token.lower()]


def _distance(pattern: re.Pattern, sentence: str, start: int, end: int) -> int | None:
    """Characters between a span and the nearest match of `pattern` within the window."""
    best = None
    low, high = max(0, start - CONTEXT_WINDOW), end + CONTEXT_WINDOW
    for match in pattern.finditer(sentence, low, min(len(sentence), high)):
        gap = max(match.start() - end, start - match.end(), 0)
        best = gap if best is None else min(best, gap)
    return best


def _near(pattern: re.Pattern, sentence: str, start: int, end: int) -> bool:
    return _distance(pattern, sentence, start, end) is not None


def _about(sentence: str, start: int, end: int) -> str | None:
    """Whether a number is about delivery or returns.

    The word in the number's own clause wins ("Livraison en 48h, retours 30 jours": 48h is
    about delivery although "retours" is nearer); with none there, whichever is closer in
    the sentence ("Free returns, 30 days to change your mind").
    """
    clause_start = max((sentence.rfind(mark, 0, start) for mark in ",;"), default=-1) + 1
    ends = [i for i in (sentence.find(mark, end) for mark in ",;") if i != -1]
    clause = sentence[clause_start : min(ends) if ends else len(sentence)]
    verdict = _closer(clause, start - clause_start, end - clause_start)
    return verdict if verdict is not None else _closer(sentence, start, end)


def _closer(sentence: str, start: int, end: int) -> str | None:
    delivery = _distance(_DELIVERY, sentence, start, end)
    returns = _distance(_RETURN, sentence, start, end)
    if delivery is None and returns is None:
        return None
    if returns is None or (delivery is not None and delivery <= returns):
        return "delivery"
    return "returns"


def _delivery(sentence: str, found: _Found) -> None:
    option = (
        "express"
        if _EXPRESS.search(sentence)
        and _near(_DELIVERY, sentence, *_EXPRESS.search(sentence).span())
        else ""
    )
    for match in _HOURS.finditer(sentence):
        if _TIME_OF_DAY.search(sentence[: match.start()]):
            continue  # "order before 2pm", "commandez avant 14h": a cut-off, not a duration
        if _about(sentence, *match.span()) == "delivery":
            days = max(1, math.ceil(_number(match.group(1)) / 24))
            found.add(
                ExtractedClaim(
                    "delivery", match.group(0).strip(), days=days, shipping_option=option
                )
            )
    for match in _DAYS.finditer(sentence):
        if _about(sentence, *match.span()) == "delivery":
            found.add(
                ExtractedClaim(
                    "delivery",
                    match.group(0).strip(),
                    days=_number(match.group(1)),
                    shipping_option=option,
                )
            )
    for pattern, days, tomorrow_option in ((_TOMORROW, 1, "next_day"), (_SAME_DAY, 0, "same_day")):
        for match in pattern.finditer(sentence):
            if _near(_DELIVERY, sentence, *match.span()):
                found.add(
                    ExtractedClaim(
                        "delivery",
                        match.group(0).strip(),
                        days=days,
                        shipping_option=tomorrow_option,
                    )
                )


def _free_shipping(sentence: str, found: _Found) -> None:
    match = _FREE_SHIPPING.search(sentence)
    if not match:
        return
    threshold = _THRESHOLD.search(sentence, match.end())
    amount, currency = (None, "")
    if threshold:
        price = _PRICE.search(threshold.group("price"))
        if price:
            amount, currency = _price_value(price)
    found.add(
        ExtractedClaim(
            "free_shipping", match.group(0).strip(), is_free=True, amount=amount, currency=currency
        )
    )


def _returns(sentence: str, found: _Found) -> None:
    for match in _RETURN.finditer(sentence):
        days = [
            d
            for d in _DAYS.finditer(sentence)
            if _about(sentence, *d.span()) == "returns"
            and _distance(_RETURN, sentence, *d.span()) is not None
        ]
        # "Free" qualifies the returns only when it stands right by the word ("free returns",
        # "retours gratuits", "free 60-day returns"), not "free shipping ... and returns".
        around = sentence[max(0, match.start() - FREE_REACH) : match.end() + FREE_REACH]
        is_free = (bool(_FREE.search(around)) and not _FREE_SHIPPING.search(around)) or None
        if not days and not is_free:
            continue
        first = days[0] if days else None
        begin = min(match.start(), first.start()) if first else match.start()
        found.add(
            ExtractedClaim(
                "returns",
                sentence[begin:].strip()[:120],
                days=_number(first.group(1)) if first else None,
                is_free=is_free,
            )
        )
        return  # one returns claim per sentence


def _preorder(sentence: str, found: _Found) -> None:
    match = _PREORDER.search(sentence)
    if match:
        found.add(ExtractedClaim("preorder", match.group(0)))


def _price_value(match: re.Match) -> tuple[Decimal, str]:
    raw = match.group("a1") or match.group("a2") or match.group("a3")
    symbol = match.group("before") or match.group("after") or match.group("code_before") or ""
    symbol = symbol.strip().lower()
    currency = (
        CURRENCY_SYMBOLS.get(symbol)
        or {"eur": "EUR", "euro": "EUR", "euros": "EUR", "usd": "USD", "gbp": "GBP"}[symbol]
    )
    return Decimal(raw.replace(",", ".")), currency


def _prices(sentence: str, found: _Found) -> None:
    for match in _PRICE.finditer(sentence):
        if _NAME_AFTER.match(sentence[match.end() :]):
            continue
        before = sentence[: match.start()].rstrip()
        if re.search(r"(?:over|above|from|dès|à partir de|orders? of)$", before, re.I):
            continue  # a free-shipping threshold, not a selling price
        amount, currency = _price_value(match)
        found.add(ExtractedClaim("price", match.group(0).strip(), amount=amount, currency=currency))


def _codes(sentence: str, found: _Found) -> None:
    for match in _CODE.finditer(sentence):
        code = match.group("code")
        if code.lower() in _NOT_CODES or not (code.isupper() or any(c.isdigit() for c in code)):
            continue
        found.add(ExtractedClaim("promo_code", match.group(0).strip(), code=code.upper()))
