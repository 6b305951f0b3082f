"""Claims read from campaign copy: delivery and dispatch times, free shipping, returns, prices,
promo codes and preorders, with the exact words and position each came from.

A small pipeline over the text as brands write it on Instagram and TikTok:

1. normalise: every Unicode space (no-break, narrow no-break, thin) becomes a plain space and
   every emoji a line break, character for character, so positions stay those of the copy;
2. segment: line breaks, emoji, " | ", bullets, sentence ends and hashtags end a segment, and a
   claim never reaches across one ("Livraison offerte en 48h 🚚 retours gratuits sous 30 jours");
   commas split a segment into clauses, where a number looks first for its promise;
3. find amounts with their currency; Babel parses the digits with the locale whose separators
   they use ("$1,299", "1 299 €", "19,99 €", "19.99€");
4. classify each amount: price, amount off, percentage off, free-shipping threshold, or part of a
   product's name (the campaign's product titles may be passed in);
5. attach each duration to the promise of its own clause: delivery, dispatch, returns.

The words live in `campaigns/claim_words.py`, one table per language: a language is a table.
A claim needs its context: "48h" is a delivery claim only next to a delivery word ("48h
hydration" is not), a number is a price only with a currency, and a code only after "code".
Pure functions over text: no ORM, measured on a corpus of captions (tests/campaigns).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

from campaigns.claim_words import LANGUAGES, Words

# How far (in characters) a duration may sit from the promise word it qualifies when its own
# clause names none ("Free returns, 30 days to change your mind").
CONTEXT_WINDOW = 40
# "today" / "tomorrow" are everyday words: they qualify a promise only right beside it
# ("ships today", "livrée demain"), not "order today and get it delivered in 48h".
DAY_WORD_REACH = 14
# Threshold words ("over", "dès") reach the amount they introduce across a few words only
# ("on orders over €50", "dès 39 € d'achat").
THRESHOLD_REACH = 24
# Shipping/returns words a free-adjective may stand beside ("free 60-day returns").
FREE_REACH = 12


@dataclass(frozen=True)
class ExtractedClaim:
    """A claim read from copy; `start`/`end` are its words' position in text number `part`."""

    kind: str  # one of campaigns.choices.ClaimKind
    text: str
    days: int | None = None
    is_free: bool | None = None
    shipping_option: str = ""
    amount: Decimal | None = None
    currency: str = ""
    code: str = ""
    date: date | None = None
    start: int = 0
    end: int = 0
    part: int = 0  # which of the texts given to extract_claims: 0 caption, 1 script

    def value(self) -> tuple:
        """What the claim promises, without where it was written."""
        promised = (getattr(self, f.name) for f in fields(self) if f.name not in _WHERE)
        return (*promised, self.text.casefold())


_WHERE = {"text", "start", "end", "part"}


@dataclass(frozen=True)
class Amount:
    """A sum of money or a percentage in the copy, and what it is."""

    kind: str  # price, amount_off, percent_off, threshold, name, other
    value: Decimal
    currency: str  # "" for a percentage
    start: int
    end: int
    text: str


# -- 1. normalise --------------------------------------------------------------------------

_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0x1F1E6, 0x1F1FF),
)
_INVISIBLE = {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}  # joiners and emoji presentation marks


def _normal_char(ch: str) -> str:
    code = ord(ch)
    if ch in "\n\r\u2028\u2029\u0085" or ch in _INVISIBLE:
        return "\n"
    if ch == "\t" or unicodedata.category(ch) == "Zs":
        return " "
    if any(low <= code <= high for low, high in _EMOJI_RANGES):
        return "\n"
    if ch in "\u2019\u02bc`":
        return "'"
    if ch in "\u2013\u2014\u2212":  # en dash, em dash, minus sign
        return "-"
    return ch


def normalise(text: str) -> str:
    """The copy with plain spaces, apostrophes and dashes, emoji as line breaks; same length."""
    return "".join(map(_normal_char, text))


# -- 2. segment ----------------------------------------------------------------------------

_BOUNDARY = re.compile(
    r"\n+|\s\|\s|\|\||•|·|;|#\w+|(?<!\d)[.!?…]+|[.!?…]+(?!\d)|\s[-*]\s(?=[^\W\d])",
)
_CLAUSE_MARK = re.compile(r",(?!\d{3}\b)|\s\(|\)|:\s")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def segments(text: str) -> list[Span]:
    """The stretches of normalised copy between hard boundaries (a claim never crosses one)."""
    spans, last = [], 0
    for mark in _BOUNDARY.finditer(text):
        if text[last : mark.start()].strip():
            spans.append(Span(last, mark.start()))
        last = mark.end()
    if text[last:].strip():
        spans.append(Span(last, len(text)))
    return spans


def _clause_of(text: str, seg: Span, pos: int) -> Span:
    """The comma clause of `seg` holding position `pos`."""
    start, end = seg.start, seg.end
    for mark in _CLAUSE_MARK.finditer(text, seg.start, seg.end):
        if mark.end() <= pos:
            start = mark.end()
        elif mark.start() >= pos:
            end = mark.start()
            break
    return Span(start, end)


# -- the language tables, compiled once (every language at once: captions mix them) --------


def _union(words: Iterable[str]) -> str:
    return "|".join(sorted(set(words), key=len, reverse=True))


def _words(attr: str) -> re.Pattern:
    return re.compile(
        rf"(?<![\w-])(?:{_union(w for lang in LANGUAGES for w in getattr(lang, attr))})(?![\w])",
        re.I,
    )


NUMBER_WORDS = {k: v for lang in LANGUAGES for k, v in lang.numbers.items()}
_NUM = rf"(?:\d{{1,3}}|{_union(NUMBER_WORDS)})"

PROMISE_WORDS = {kind: _words(kind) for kind in ("delivery", "dispatch", "returns")}
_PREORDER = _words("preorder")
_EXPRESS = _words("express")
_FREE = _words("free")
_FREE_SHIPPING = _words("free_shipping")
_CUTOFF = re.compile(rf"(?:{_union(w for lang in LANGUAGES for w in lang.cutoff)})\s*$", re.I)
_THRESHOLD_BEFORE = re.compile(
    rf"(?<![\w])(?:{_union(w for lang in LANGUAGES for w in lang.threshold)})\s*$", re.I
)
_OFF_AFTER = re.compile(
    rf"^\s*(?:{_union(w for lang in LANGUAGES for w in lang.off_after)})(?![\w])", re.I
)
_OFF_BEFORE = re.compile(
    rf"(?:(?<![\w])(?:{_union(w for lang in LANGUAGES for w in lang.off_before)})\s*|-\s?)$",
    re.I,
)
_NOT_PRICE_AFTER = re.compile(
    rf"^\s*(?:{_union(w for lang in LANGUAGES for w in lang.not_price_after)})(?![\w])", re.I
)
_NOT_PRICE_BEFORE = re.compile(
    rf"(?<![\w])(?:{_union(w for lang in LANGUAGES for w in lang.not_price_before)})\s*$", re.I
)
_UNITS = {
    unit: _union(w for lang in LANGUAGES for w in getattr(lang, unit))
    for unit in ("hours", "days", "weeks", "business")
}
_HOURS = re.compile(rf"(?<![\w:])(?P<n>{_NUM})\s?-?\s?(?:{_UNITS['hours']})(?![\w])", re.I)
_DAYS = re.compile(
    rf"(?<![\w.,])(?:(?P<low>{_NUM})\s?(?:-|to|à|a|bis)\s?)?(?P<n>{_NUM})[\s-]?"
    rf"(?:(?:{_UNITS['business']})[\s-])?(?P<unit>{_UNITS['days']}|{_UNITS['weeks']})"
    rf"(?:[\s-](?:{_UNITS['business']}))?(?![\w])",
    re.I,
)
_WEEK = re.compile(_UNITS["weeks"], re.I)
_TOMORROW = _words("tomorrow")
_SAME_DAY = _words("same_day")
_TODAY = _words("today")
_CODE_WORDS = _union(w for lang in LANGUAGES for w in lang.code)
_CODE = re.compile(
    rf"(?<![\w])(?i:{_CODE_WORDS})\s*[:=]?\s*[\"'«“]?\s*(?P<code>[A-Za-z0-9][A-Za-z0-9_-]{{2,31}})\b",
)
_NOT_CODES = frozenset(w for lang in LANGUAGES for w in lang.not_codes)
_MONTHS = {k: v for lang in LANGUAGES for k, v in lang.months.items()}
_MONTH = _union(_MONTHS)
_DATE = re.compile(
    rf"(?<![\w])(?:(?P<d1>\d{{1,2}})(?:er|st|nd|rd|th)?\s(?P<m1>{_MONTH})"
    rf"|(?P<m2>{_MONTH})\s(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)(?:,?\s(?P<y>20\d\d))?(?![\w])",
    re.I,
)

# -- 3. amounts ----------------------------------------------------------------------------

CURRENCIES = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "$": "USD", "usd": "USD", "us$": "USD", "dollars": "USD",
    "£": "GBP", "gbp": "GBP", "pounds": "GBP",
}  # fmt: skip
_CUR = r"€|\$|£|\beur\b|\beuros?\b|\busd\b|\bgbp\b|\bdollars\b|\bpounds\b"
# Digits with thousands groups ("1,299", "1 299", "1.299") or without, and 1-2 decimals.
_NUMBER = r"\d{1,3}(?:[ ,.]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d{1,2})?(?!\d)"
_MONEY = re.compile(
    rf"(?P<cb>US\$|[€$£]|\b(?:EUR|USD|GBP)\b)\s?(?P<nb>{_NUMBER})"
    rf"|(?<![\d.,])(?P<euros>\d+)€(?P<cents>\d{{2}})(?!\d)"  # "19€99", as French shops write it
    rf"|(?<![\d.,])(?P<na>{_NUMBER})\s?(?P<ca>{_CUR})",
    re.I,
)
_PERCENT = re.compile(r"(?P<minus>-\s?)?(?<![\d.,])(?P<n>\d{1,3}(?:[.,]\d{1,2})?)\s?%")
# Separators (group, decimal) -> the Babel locale that writes numbers so.
LOCALE_BY_SEPARATORS = {
    (",", "."): "en",
    ("", "."): "en",
    (".", ","): "de",
    (" ", ","): "fr",
    ("", ","): "fr",
    (" ", "."): "en",
    (",", ""): "en",
    (".", ""): "de",
    (" ", ""): "fr",
    ("", ""): "en",
}


def parse_number(raw: str) -> Decimal | None:
    """A number as written in copy, with the locale its separators say ("1 299,90" is fr)."""
    decimal_sep, group_sep = "", ""
    tail = re.search(r"[.,](\d{1,2})$", raw)
    if tail:
        decimal_sep = raw[tail.start()]
        body = raw[: tail.start()]
    else:
        body = raw
    seps = set(re.sub(r"\d", "", body))
    if len(seps) > 1:
        return None
    group_sep = seps.pop() if seps else ""
    locale = LOCALE_BY_SEPARATORS.get((group_sep, decimal_sep))
    if locale is None:
        return None
    if locale == "fr":
        raw = raw.replace(" ", "\u202f")  # CLDR's French group separator
    elif group_sep == " ":
        raw = raw.replace(" ", "")
    try:
        return parse_decimal(raw, locale=locale, strict=bool(group_sep))
    except NumberFormatError:
        return None


def _title_spans(text: str, names: Iterable[str]) -> list[Span]:
    folded = text.casefold()
    spans = []
    for name in names:
        needle = normalise(name).strip().casefold()
        if not needle or not re.search(r"\d", needle):
            continue  # only a name with a number in it can be mistaken for an announcement
        for found in re.finditer(re.escape(needle), folded):
            spans.append(Span(found.start(), found.end()))
    return spans


# A price followed by a capitalised word belongs to a name ("the €10 Mini Kit").
_NAME_AFTER = re.compile(r"^ [A-ZÀ-Ý][\w'-]*")


def read_amounts(text: str, names: Sequence[str] = ()) -> list[Amount]:
    """Every sum of money and percentage in the (normalised) copy, classified."""
    titles = _title_spans(text, names)
    found: list[Amount] = []
    for seg in segments(text):
        for match in _MONEY.finditer(text, seg.start, seg.end):
            value, currency = _money_value(match)
            if value is None:
                continue
            start, end = match.span()
            kind = _classify(text, seg, start, end, titles)
            found.append(Amount(kind, value, currency, start, end, text[start:end]))
        for match in _PERCENT.finditer(text, seg.start, seg.end):
            start, end = match.span()
            before = text[_clause_of(text, seg, start).start : start]
            off = (
                match.group("minus")
                or _OFF_AFTER.match(text[end : seg.end])
                or _OFF_BEFORE.search(before)
            )
            value = parse_number(match.group("n"))
            if value is not None:
                found.append(
                    Amount("percent_off" if off else "other", value, "", start, end, match[0])
                )
    return sorted(found, key=lambda a: a.start)


def mentions_money(*texts: str) -> bool:
    """Whether any of the texts names a sum of money (so product names may matter)."""
    return any(text and _MONEY.search(normalise(text)) for text in texts)


def _money_value(match: re.Match) -> tuple[Decimal | None, str]:
    if match.group("euros"):
        return Decimal(f"{match.group('euros')}.{match.group('cents')}"), "EUR"
    raw = match.group("nb") or match.group("na")
    symbol = (match.group("cb") or match.group("ca")).lower()
    return parse_number(raw), CURRENCIES[symbol]


def _classify(text: str, seg: Span, start: int, end: int, titles: list[Span]) -> str:
    if any(t.start <= start and end <= t.end for t in titles):
        return "name"
    after = text[end : seg.end]
    clause = _clause_of(text, seg, start)
    before = text[max(clause.start, start - THRESHOLD_REACH) : start]
    if _OFF_AFTER.match(after) or _OFF_BEFORE.search(text[clause.start : start]):
        return "amount_off"
    if _THRESHOLD_BEFORE.search(before):
        return "threshold"
    if _NOT_PRICE_AFTER.match(after) or _NOT_PRICE_BEFORE.search(before):
        return "other"  # "a €50 gift card", "50 € d'achat"
    if _NAME_AFTER.match(after):
        return "name"
    return "price"


# -- 4-5. claims ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Duration:
    span: Span
    days: int
    reach: int  # how far its promise word may be
    word_before: bool = False  # "today" qualifies only a word before it: "ships today"


def _durations(text: str, seg: Span) -> list[_Duration]:
    found: list[_Duration] = []
    taken: list[Span] = []

    def add(start: int, end: int, days: int, reach: int, word_before: bool = False) -> None:
        if any(s.start < end and start < s.end for s in taken):
            return
        taken.append(Span(start, end))
        found.append(_Duration(Span(start, end), days, reach, word_before))

    for match in _DAYS.finditer(text, seg.start, seg.end):
        days = _number(match.group("n"))
        if _WEEK.fullmatch(match.group("unit")):
            days *= 7
        add(*match.span(), days, CONTEXT_WINDOW)
    for match in _HOURS.finditer(text, seg.start, seg.end):
        if _CUTOFF.search(text[seg.start : match.start()]):
            continue  # "order before 2pm", "commandez avant 14h": a cut-off, not a duration
        if re.match(r"\s?\d{2}\b|[:h]\d", text[match.end() : match.end() + 3]):
            continue  # "14h30", "14h 00": a time of day
        add(*match.span(), max(1, math.ceil(_number(match.group("n")) / 24)), CONTEXT_WINDOW)
    for pattern, days, word_before in (
        (_TOMORROW, 1, False),
        (_SAME_DAY, 0, False),
        (_TODAY, 0, True),
    ):
        for match in pattern.finditer(text, seg.start, seg.end):
            add(*match.span(), days, DAY_WORD_REACH, word_before)
    return sorted(found, key=lambda d: d.span.start)


def _number(token: str) -> int:
    return int(token) if token.isdigit() else NUMBER_WORDS[token.lower()]


def _promise_words(text: str, span: Span) -> list[tuple[str, Span]]:
    words = [
        (kind, Span(*m.span()))
        for kind, pattern in PROMISE_WORDS.items()
        for m in pattern.finditer(text, span.start, span.end)
    ]
    return sorted(words, key=lambda w: w[1].start)


def _gap(a: Span, b: Span) -> int:
    return max(b.start - a.end, a.start - b.end, 0)


def _promise_of(
    text: str, seg: Span, duration: _Duration, words: list[tuple[str, Span]]
) -> tuple[str, Span] | None:
    """The promise a duration qualifies: the nearest promise word of its own clause (a tie goes
    to the word before it: "Livraison en 48h et retours..."), else the nearest in the segment
    within reach."""
    clause = _clause_of(text, seg, duration.span.start)
    for pool in (
        [w for w in words if clause.start <= w[1].start and w[1].end <= clause.end],
        words,
    ):
        near = [
            w
            for w in pool
            if _gap(w[1], duration.span) <= duration.reach
            and not (duration.word_before and w[1].start > duration.span.start)
        ]
        if near:
            return min(
                near, key=lambda w: (_gap(w[1], duration.span), w[1].start > duration.span.start)
            )
    return None


class _Found:
    def __init__(self) -> None:
        self.claims: list[ExtractedClaim] = []
        self.values: set[tuple] = set()

    def add(self, claim: ExtractedClaim) -> None:
        # The same promise told twice ("Code SUMMER20" ... "code SUMMER20") is one claim.
        key = claim.value()
        if key not in self.values:
            self.values.add(key)
            self.claims.append(claim)


def extract_claims(
    *texts: str, names: Sequence[str] = (), today: date | None = None
) -> list[ExtractedClaim]:
    """Every claim in the given texts (caption, script...), without duplicates, in text order.

    `names`: the campaign's product titles and SKU codes, so an amount inside one ("Mini Kit
    10€") is not read as an announced price. `today` dates a preorder's "15 March".
    """
    found = _Found()
    for part, raw in enumerate(texts):
        if not raw:
            continue
        text = normalise(raw)
        amounts = read_amounts(text, names)
        claims: list[ExtractedClaim] = []
        for seg in segments(text):
            claims += _segment_claims(raw, text, seg, amounts, today or date.today())
        claims += [
            _claim(raw, "price", a.start, a.end, amount=a.value, currency=a.currency)
            for a in amounts
            if a.kind == "price"
        ]
        claims += _codes(raw, text)
        for claim in sorted(claims, key=lambda c: c.start):
            found.add(replace(claim, part=part))
    return found.claims


def _claim(raw: str, kind: str, start: int, end: int, **values) -> ExtractedClaim:
    return ExtractedClaim(kind, raw[start:end], start=start, end=end, **values)


def _segment_claims(
    raw: str, text: str, seg: Span, amounts: list[Amount], today: date
) -> list[ExtractedClaim]:
    words = _promise_words(text, seg)
    claims: list[ExtractedClaim] = []
    free_spans = _free_shipping_spans(text, seg)
    free_returns = _free_returns_spans(text, seg, free_spans)
    returns_days: list[tuple[_Duration, Span]] = []
    for duration in _durations(text, seg):
        promise = _promise_of(text, seg, duration, words)
        if promise is None:
            continue
        kind, word = promise
        span = duration.span
        if kind == "returns":
            returns_days.append((duration, word))
        elif kind == "dispatch":
            claims.append(_claim(raw, "dispatch", span.start, span.end, days=duration.days))
        else:
            clause = _clause_of(text, seg, word.start)
            express = any(
                _gap(Span(*m.span()), word) <= FREE_REACH
                for m in _EXPRESS.finditer(text, clause.start, clause.end)
            )
            claims.append(
                _claim(
                    raw,
                    "delivery",
                    span.start,
                    span.end,
                    days=duration.days,
                    shipping_option="express" if express else "",
                )
            )
    if free_spans:
        threshold = next(
            (a for a in amounts if a.kind == "threshold" and seg.start <= a.start < seg.end),
            None,
        )
        first = free_spans[0]
        claims.append(
            _claim(
                raw,
                "free_shipping",
                first.start,
                first.end,
                is_free=True,
                amount=threshold.value if threshold else None,
                currency=threshold.currency if threshold else "",
            )
        )
    if returns_days or free_returns:
        pieces = [d.span for d, _ in returns_days] + [w for _, w in returns_days] + free_returns
        start, end = min(s.start for s in pieces), max(s.end for s in pieces)
        claims.append(
            _claim(
                raw,
                "returns",
                start,
                end,
                days=returns_days[0][0].days if returns_days else None,
                is_free=True if free_returns else None,
            )
        )
    claims += _preorders(raw, text, seg, today)
    return claims


def _free_shipping_spans(text: str, seg: Span) -> list[Span]:
    """Where the segment says shipping is free: "free shipping", "livraison offerte", and a
    shared adjective over two promises ("Free shipping & returns", "Livraison et retours
    gratuits")."""
    return [Span(*m.span()) for m in _FREE_SHIPPING.finditer(text, seg.start, seg.end)]


def _free_returns_spans(text: str, seg: Span, free_shipping: list[Span]) -> list[Span]:
    """Returns words that "free" / "gratuits" qualifies: beside it ("free returns", "retours
    offerts", "free 60-day returns"), or shared with shipping ("Free shipping & returns")."""
    spans = []
    for match in PROMISE_WORDS["returns"].finditer(text, seg.start, seg.end):
        word = Span(*match.span())
        for free in _FREE.finditer(text, seg.start, seg.end):
            adj = Span(*free.span())
            between = text[min(adj.end, word.end) : max(adj.start, word.start)]
            in_free_shipping = any(fs.start <= adj.start < fs.end for fs in free_shipping)
            beside = not between.strip()
            near = _gap(adj, word) <= FREE_REACH and "," not in between and not in_free_shipping
            # "free shipping ... and returns" shares the adjective only when nothing but a
            # conjunction stands between ("free shipping and 60-day returns" does not).
            if not (beside or near or _SHARED.fullmatch(between)):
                continue
            spans.append(Span(min(adj.start, word.start), max(adj.end, word.end)))
            break
    return spans


_SHARED = re.compile(
    rf"\s*(?:(?:{_union(w for lang in LANGUAGES for w in lang.shipping_nouns)})\s*)?"
    rf"(?:{_union(w for lang in LANGUAGES for w in lang.conjunctions)})\s*"
    rf"(?:(?:{_union(w for lang in LANGUAGES for w in lang.shipping_nouns)})\s*"
    rf"(?:{_union(w for lang in LANGUAGES for w in lang.conjunctions)})\s*)?"
    rf"|\s+(?:{_union(w for lang in LANGUAGES for w in lang.shipping_nouns)})\s+"
    rf"(?:{_union(w for lang in LANGUAGES for w in lang.conjunctions)})\s+",
    re.I,
)


def _preorders(raw: str, text: str, seg: Span, today: date) -> list[ExtractedClaim]:
    match = _PREORDER.search(text, seg.start, seg.end)
    if not match:
        return []
    when = _DATE.search(text, match.end(), seg.end) or _DATE.search(text, seg.start, seg.end)
    on = _date_of(when, today) if when else None
    end = when.end() if when and when.start() > match.start() else match.end()
    return [_claim(raw, "preorder", match.start(), end, date=on)]


def _date_of(match: re.Match, today: date) -> date | None:
    day = int(match.group("d1") or match.group("d2"))
    month = _MONTHS[(match.group("m1") or match.group("m2")).lower()]
    year = int(match.group("y")) if match.group("y") else today.year
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if not match.group("y") and found < today:
        found = found.replace(year=year + 1)  # "ships 15 March" written in December
    return found


def _codes(raw: str, text: str) -> list[ExtractedClaim]:
    claims = []
    for seg in segments(text):
        for match in _CODE.finditer(text, seg.start, seg.end):
            code = match.group("code")
            if code.lower() in _NOT_CODES or not (code.isupper() or any(c.isdigit() for c in code)):
                continue
            claims.append(_claim(raw, "promo_code", *match.span(), code=code.upper()))
    return claims


__all__ = [
    "Amount",
    "ExtractedClaim",
    "Words",
    "extract_claims",
    "mentions_money",
    "normalise",
    "read_amounts",
]
