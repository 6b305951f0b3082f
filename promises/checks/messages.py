"""What the rules say, built to be read in each person's language.

A rule writes each message as `say(template, **params)`. The template is an English sentence
with named placeholders, marked for the French catalog where it is written: inline with
`gettext_noop("...")`, or, for a sentence that counts something, a module-level
`counted(ngettext_lazy(singular, plural, "<count param>"))`. The params are its values:

- data as text (SKU codes, names, the copy's own words), shown as they are;
- counts as ints, with the locale's digits;
- `Money`, `Figure` (a ROAS), `Day` and `Moment`, which each locale writes its own way;
- other messages (`say(...)`), and lists of them (`Listing`), for a message built from parts.

One message renders two ways:

- `english()`: what `Conflict.message` stores, and API clients, exports and the history read.
  The same whoever runs the checks: no catalog, no active language or time zone involved.
- `render()`: in the active language: templates through the catalog, values through
  `common.formatting`. `Conflict.localized_message()` calls it on the stored parts.

`as_json()` is what a conflict stores beside its message (`Conflict.message_parts`) and
`from_json()` reads it back. Both hold JSON-native values only, so the reconciler compares
what a rule says with what the column returns, as it does for evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.lists import format_list
from django.utils.translation import gettext, ngettext, pgettext

from common import formatting

# The locale the stored English message writes money in.
ENGLISH = "en_US"

# How a Listing joins its items.
AND = "and"  # "a and b" (in the reader's language: "a, b et c")
COMMA = "comma"  # "a, b"
SEMICOLON = "semicolon"  # "a; b": clauses that carry their own commas
_SEPARATORS = {COMMA: ", ", SEMICOLON: "; "}
_PLACEHOLDER = re.compile(r"%\(\w+\)")


@dataclass(frozen=True, slots=True)
class Counted:
    """A template that counts something: a singular and a plural, chosen by one int param."""

    singular: str
    plural: str
    count: str  # the param whose value chooses the form


def counted(plural_proxy: Any) -> Counted:
    """The `Counted` of `ngettext_lazy(singular, plural, "<param>")`, which marks both forms
    for the catalog as one plural message. Call it at import, once: building a lazy plural
    costs about half a millisecond, too much for every finding of a sweep."""
    # A lazy plural with a named count pickles with its original arguments: the one public
    # way to read them back.
    _unpickle, (_func, _result, count, forms) = plural_proxy.__reduce__()
    if not isinstance(count, str):
        raise TypeError("counted() needs ngettext_lazy(singular, plural, '<param name>')")
    return Counted(forms["singular"], forms["plural"], count)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency: "€24.99" in English, "24,99 €" in French."""

    amount: Decimal
    currency: str

    def text(self, localized: bool) -> str:
        if localized:
            return formatting.money(self.amount, self.currency)
        return formatting.money(self.amount, self.currency, locale=ENGLISH)

    def as_json(self) -> dict:
        return {"money": str(self.amount), "currency": self.currency}


@dataclass(frozen=True, slots=True)
class Figure:
    """A decimal figure that is not money (a ROAS), as the English message writes it: "1.50"."""

    value: str

    def text(self, localized: bool) -> str:
        if not localized:
            return self.value
        places = len(self.value.partition(".")[2])
        return formatting.number(Decimal(self.value), places)

    def as_json(self) -> dict:
        return {"figure": self.value}


@dataclass(frozen=True, slots=True)
class Day:
    """A date: 2026-11-23 in the stored English, the reader's style on a page."""

    value: date

    def text(self, localized: bool) -> str:
        return formatting.day(self.value) if localized else self.value.isoformat()

    def as_json(self) -> dict:
        return {"day": self.value.isoformat()}


@dataclass(frozen=True, slots=True)
class Moment:
    """A date and time: 2026-11-23 12:00 (as given) in the stored English, the reader's
    style and time zone on a page."""

    value: datetime

    def text(self, localized: bool) -> str:
        return formatting.when(self.value) if localized else f"{self.value:%Y-%m-%d %H:%M}"

    def as_json(self) -> dict:
        return {"moment": self.value.isoformat()}


@dataclass(frozen=True, slots=True)
class Listing:
    """Several values (messages, data) said as one: "a and b", "a, b", "a; b"."""

    items: tuple
    by: str = AND

    def text(self, localized: bool) -> str:
        texts = [_text(item, localized) for item in self.items]
        if self.by == AND:
            if localized:
                return format_list(texts, style="standard", locale=formatting.locale_name())
            return " and ".join(texts)
        if self.by == SEMICOLON and localized:
            # French sets a space before a semicolon.
            return pgettext("between clauses", "; ").join(texts)
        return _SEPARATORS[self.by].join(texts)

    def as_json(self) -> dict:
        return {"list": [_json(item) for item in self.items], "by": self.by}


def listing(items: Iterable, by: str = AND) -> Listing:
    return Listing(tuple(items), by)


@dataclass(frozen=True, slots=True)
class Say:
    """A message: an English template (a catalog message id) and its named params."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str = ""  # a Counted template's plural form
    count: str = ""  # ... and the param that chooses between the two

    def english(self) -> str:
        """The message in English, as stored: plain figures, ISO dates, no catalog."""
        template = self.template
        if self.plural and self.params[self.count] != 1:
            template = self.plural
        if not _PLACEHOLDER.search(template):
            return template  # not a format: a "%" in it is a percent sign
        return template % {name: _text(value, False) for name, value in self.params.items()}

    def render(self) -> str:
        """The message in the active language, figures and dates in its style."""
        if self.plural:
            english = self.template if self.params[self.count] == 1 else self.plural
            template = ngettext(self.template, self.plural, self.params[self.count])
        else:
            english = self.template
            template = gettext(self.template)
        if not _PLACEHOLDER.search(english):
            return template
        values = {name: _text(value, True) for name, value in self.params.items()}
        try:
            return template % values
        except (KeyError, ValueError, TypeError):
            # A translation that lost or mangled a placeholder: the English sentence, still
            # with the reader's figures, rather than a page that fails.
            return english % values

    def text(self, localized: bool) -> str:
        return self.render() if localized else self.english()

    def as_json(self) -> dict:
        data: dict[str, Any] = {"t": self.template}
        if self.params:
            data["p"] = {name: _json(value) for name, value in self.params.items()}
        if self.plural:
            data["pl"] = self.plural
            data["n"] = self.count
        return data

    def templates(self) -> Iterator[Say]:
        """This message and every message it is built from (its params, their lists)."""
        yield self
        for value in self.params.values():
            yield from _messages_in(value)


def say(template: str | Counted, /, **params: Any) -> Say:
    """A rule's message: `template` (marked for the catalog) with `params` filled in."""
    if isinstance(template, Counted):
        count = params.get(template.count)
        if not isinstance(count, int) or isinstance(count, bool):
            raise TypeError(f"{template.singular!r} needs an int {template.count!r}")
        return Say(template.singular, params, template.plural, template.count)
    return Say(template, params)


def _text(value: Any, localized: bool) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError("A message says a fact in words, not True or False")
    if isinstance(value, int):
        return formatting.number(value) if localized else str(value)
    return value.text(localized)


def _json(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError("A message says a fact in words, not True or False")
    if isinstance(value, int):
        return value
    return value.as_json()


def _messages_in(value: Any) -> Iterator[Say]:
    if isinstance(value, Say):
        yield from value.templates()
    elif isinstance(value, Listing):
        for item in value.items:
            yield from _messages_in(item)


# --- Reading stored parts back -----------------------------------------------------------


def from_json(data: Any) -> Say:
    """The message `as_json()` stored; ValueError (or KeyError, TypeError) if it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise ValueError(f"Not a stored message: {data!r}")
    params = {name: _value(value) for name, value in (data.get("p") or {}).items()}
    return Say(data["t"], params, data.get("pl", ""), data.get("n", ""))


def _value(data: Any) -> Any:
    if isinstance(data, str) or (isinstance(data, int) and not isinstance(data, bool)):
        return data
    if isinstance(data, dict):
        if "t" in data:
            return from_json(data)
        if "list" in data:
            return Listing(tuple(_value(item) for item in data["list"]), data.get("by", AND))
        if "money" in data:
            return Money(Decimal(data["money"]), data["currency"])
        if "figure" in data:
            return Figure(str(data["figure"]))
        if "day" in data:
            return Day(date.fromisoformat(data["day"]))
        if "moment" in data:
            return Moment(datetime.fromisoformat(data["moment"]))
    raise ValueError(f"Not a stored message value: {data!r}")


def localized(message: str, parts: Any) -> str:
    """What a stored conflict says, in the active language: its parts rendered; its English
    `message` for a row written before messages had parts, or parts this code cannot read."""
    if not parts:
        return message
    try:
        return from_json(parts).render()
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return message
