"""Sentences written in the background and read later, each time in the reader's language.

A sync, an enforcement or a delivery runs in a task, in nobody's language; what it has to tell
people (why an item was not applied, why a platform refused a pause) is read days later on a
page, by someone French or English. So such a sentence is kept as its English template and
its values: `say(gettext_noop("Product %(id)s matches no SKU code."), id=...)`. `str()` of
it is the English text (what the database column, the API, the logs and the tests keep);
`parts` is what a `*_parts` JSON column stores beside it; `localized(parts, fallback)`
renders it in the active language when a page or a message shows it, falling back to the
stored English for rows written before they had parts.

Values may be sentences themselves (a refusal quoting its reason): they are stored nested and
rendered in the same language. The templates are marked with `gettext_noop`, so
`makemessages` finds them and the French catalog holds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

Parts = dict[str, Any]


def _storable(value: Any) -> Any:
    if isinstance(value, Said):
        return value.parts
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@dataclass(frozen=True)
class Said:
    """A sentence for people: an English template (a catalog msgid) and its named values."""

    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return _render(self.parts, translate=False)

    @property
    def parts(self) -> Parts:
        return {
            "template": self.template,
            "params": {k: _storable(v) for k, v in self.params.items()},
        }

    def localized(self) -> str:
        """The sentence in the active language."""
        return _render(self.parts, translate=True)


def say(template: str, **params: Any) -> Said:
    """`say(gettext_noop("%(name)s is paused."), name=...)`: a sentence to store and show later."""
    return Said(template, params)


def _render(parts: Parts, *, translate: bool) -> str:
    template = parts["template"]
    values = {
        name: _render(value, translate=translate) if _is_parts(value) else value
        for name, value in (parts.get("params") or {}).items()
    }
    text = gettext(template) if translate else template
    if not values:
        return text
    try:
        return text % values
    except (KeyError, TypeError, ValueError):
        # A translation that lost a placeholder (the catalog tests refuse one) must not
        # break a page: the English template still has them all.
        return template % values


def _is_parts(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("template"), str)


def said_by(error: BaseException) -> Said | str:
    """The sentence an exception was raised with (`raise Refused(say(...))`), else its text."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, Said) else str(error)


def localize(text: Said | str) -> str:
    """A sentence in the active language; plain text as it stands."""
    return text.localized() if isinstance(text, Said) else str(text)


def parts_of(text: str | Said | BaseException | None) -> Parts:
    """What a `*_parts` column stores for `text`: {} for plain text (shown as stored)."""
    if isinstance(text, BaseException):
        text = text.args[0] if text.args else None
    return text.parts if isinstance(text, Said) else {}


def localized(parts: Parts | None, fallback: str) -> str:
    """A stored sentence in the active language; the stored English when it has no parts."""
    if not _is_parts(parts):
        return fallback
    try:
        return _render(parts, translate=True)
    except (KeyError, TypeError, ValueError):
        return fallback
