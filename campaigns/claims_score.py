"""Precision and recall of a claims reader over a corpus of captions, by claim kind.

A claim counts as found when its kind and what it promises (days, option, amount, code...)
match an expected one; its words and position are checked by the reader's own tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

# What a claim of each kind promises, as the corpus writes it.
KEYS: dict[str, tuple[str, ...]] = {
    "delivery": ("days", "shipping_option"),
    "dispatch": ("days",),
    "returns": ("days", "is_free"),
    "free_shipping": ("amount", "currency"),
    "price": ("amount", "currency"),
    "promo_code": ("code",),
    "preorder": (),
}


@dataclass(frozen=True)
class Case:
    """A caption or script, its language, and every claim it makes (often none)."""

    text: str
    language: str
    expected: tuple[tuple, ...] = ()  # (kind, *KEYS[kind]) with amounts as strings
    names: tuple[str, ...] = ()  # the campaign's product titles


@dataclass
class Score:
    true_positive: Counter = field(default_factory=Counter)
    false_positive: Counter = field(default_factory=Counter)
    false_negative: Counter = field(default_factory=Counter)
    misses: list[tuple[str, tuple, tuple]] = field(default_factory=list)

    def precision(self, kind: str) -> float:
        found = self.true_positive[kind] + self.false_positive[kind]
        return self.true_positive[kind] / found if found else 1.0

    def recall(self, kind: str) -> float:
        wanted = self.true_positive[kind] + self.false_negative[kind]
        return self.true_positive[kind] / wanted if wanted else 1.0


def key_of(claim) -> tuple:
    values = []
    for name in KEYS.get(claim.kind, ()):
        value = getattr(claim, name, None)
        values.append(None if value is None else str(value) if name == "amount" else value)
    return (claim.kind, *values)


def _normal_key(key: tuple) -> tuple:
    kind, *values = key
    names = KEYS.get(kind, ())
    return (
        kind,
        *(
            str(v.normalize() if hasattr(v, "normalize") else v)
            if n == "amount" and v is not None
            else v
            for n, v in zip(names, values, strict=False)
        ),
    )


def score(cases: Iterable[Case], extract: Callable[..., Sequence]) -> Score:
    """Run `extract(text, names=...)` on every case and count hits and misses by kind."""
    result = Score()
    for case in cases:
        try:
            claims = extract(case.text, names=case.names)
        except TypeError:  # a reader that knows no product names
            claims = extract(case.text)
        found = Counter(_normal_key(key_of(c)) for c in claims)
        wanted = Counter(_normal_key(k) for k in case.expected)
        for key in set(found) | set(wanted):
            hit = min(found[key], wanted[key])
            result.true_positive[key[0]] += hit
            result.false_positive[key[0]] += found[key] - hit
            result.false_negative[key[0]] += wanted[key] - hit
        if found != wanted:
            result.misses.append((case.text, tuple(sorted(wanted)), tuple(sorted(found))))
    return result


def report(cases: Sequence[Case], result: Score) -> str:
    """A table: cases by language, then precision and recall by kind."""
    languages = Counter(case.language for case in cases)
    empty = sum(1 for case in cases if not case.expected)
    lines = [
        f"{len(cases)} cases ({', '.join(f'{k}: {v}' for k, v in sorted(languages.items()))}); "
        f"{empty} expect no claim",
        f"{'kind':<14}{'expected':>9}{'found':>7}{'precision':>11}{'recall':>8}",
    ]
    for kind in KEYS:
        tp, fp, fn = (
            result.true_positive[kind],
            result.false_positive[kind],
            result.false_negative[kind],
        )
        lines.append(
            f"{kind:<14}{tp + fn:>9}{tp + fp:>7}"
            f"{result.precision(kind):>11.3f}{result.recall(kind):>8.3f}"
        )
    return "\n".join(lines)
