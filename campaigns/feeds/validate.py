"""Check feed rows against a network's rules: required fields, formats and limits.

Works on rendered rows (the network's column names and spellings), so the same checks run
on what SocialOps writes and on any feed file read back, the networks' samples included.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from campaigns.feeds.formats import FeedFormat, Spec

PRICE = re.compile(r"^(\d+(?:\.\d{1,2})?) ([A-Z]{3})$")
CONDITIONS = frozenset({"new", "refurbished", "used"})
GOOGLE_NAMESPACE = "{http://base.google.com/ns/1.0}"
# Problem parameters that read as words (a network's name, a number); the others are the
# feed's field names and values, shown as code.
PLAIN_PARAMS = frozenset({"network", "limit"})


@dataclass(frozen=True)
class Problem:
    """Why a network would reject or misread one item.

    `text` is the English message with its named placeholders and `params` their values:
    reports are cached and shared by everyone, so each reader gets `message` in their own
    language when the page shows it.
    """

    item_id: str
    field: str
    text: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> str:
        """The problem in the active language."""
        translated = gettext(self.text)
        return translated % dict(self.params) if self.params else translated

    @property
    def message_html(self) -> str:
        """`message` for a page: the feed's field names and values set as code."""
        values = {
            name: escape(value) if name in PLAIN_PARAMS else format_html("<code>{}</code>", value)
            for name, value in self.params
        }
        # The message and every value are escaped: the result is safe to show.
        translated = escape(gettext(self.text))
        return mark_safe(translated % values if values else translated)


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _is_iso_moment(value: str) -> bool:
    text = value.replace("Z", "+00:00")
    try:
        return parse_datetime(text) is not None or parse_date(text) is not None
    except ValueError:
        return False


def validate_row(spec: Spec, row: dict[str, str]) -> list[Problem]:
    """Every problem of one row, in the network's words where it has them."""
    item_id = (row.get(spec.id_field) or "").strip() or "(no id)"
    problems: list[Problem] = []

    def problem(where: str, text: str, **params: object) -> None:
        values = tuple((name, str(value)) for name, value in params.items())
        problems.append(Problem(item_id, where, text, values))

    values = {k: (v or "").strip() for k, v in row.items() if k}
    for name in spec.required:
        if not values.get(name):
            problem(name, _("%(network)s requires %(field)s."), network=spec.network, field=name)
    if spec.one_of and not any(values.get(name) for name in spec.one_of):
        problem(
            spec.one_of[0],
            _("%(network)s requires one of %(fields)s."),
            network=spec.network,
            fields=", ".join(spec.one_of),
        )
    for name, limit in spec.max_lengths.items():
        if len(values.get(name, "")) > limit:
            problem(
                name,
                _("Longer than %(network)s's %(limit)s characters."),
                network=spec.network,
                limit=limit,
            )
    prices = {}
    for name in ("price", "sale_price"):
        if values.get(name):
            match = PRICE.match(values[name])
            if match is None:
                problem(name, _("%(value)s is not like '9.99 USD'."), value=repr(values[name]))
            else:
                prices[name] = (float(match[1]), match[2])
    if "price" in prices and "sale_price" in prices:
        (price, currency), (sale, sale_currency) = prices["price"], prices["sale_price"]
        if currency != sale_currency:
            problem("sale_price", _("Not in the price's currency."))
        elif sale >= price:
            problem("sale_price", _("Not lower than the price."))
    for name in ("link", "image_link"):
        if values.get(name) and not _is_url(values[name]):
            problem(name, _("%(value)s is not an http(s) URL."), value=repr(values[name]))
    availability = values.get("availability", "")
    if availability and not spec.accepts(availability):
        problem(
            "availability",
            _("%(value)s is not a %(network)s availability value."),
            value=repr(availability),
            network=spec.network,
        )
    if availability in spec.dated:
        date = values.get("availability_date", "")
        if not date:
            problem(
                "availability_date",
                _("Required with availability %(availability)s."),
                availability=availability,
            )
        elif not _is_iso_moment(date):
            problem("availability_date", _("%(value)s is not an ISO 8601 date."), value=repr(date))
    condition = values.get("condition", "")
    if condition and condition not in CONDITIONS:
        problem(
            "condition",
            _("%(value)s is not one of %(values)s."),
            value=repr(condition),
            values=", ".join(sorted(CONDITIONS)),
        )
    return problems


def validate_rows(spec: Spec, rows: Iterable[dict[str, str]]) -> Iterator[Problem]:
    seen: set[str] = set()
    for row in rows:
        yield from validate_row(spec, row)
        item_id = (row.get(spec.id_field) or "").strip()
        if item_id and item_id in seen:
            yield Problem(item_id, spec.id_field, _("The same id appears twice."))
        seen.add(item_id)


def read_rows(fmt: FeedFormat, text: str) -> list[dict[str, str]]:
    """Rows of a feed file in `fmt`'s layout (CSV, TSV or RSS with the g: namespace)."""
    text = text.lstrip("\ufeff")
    if fmt.writer in ("csv", "tsv"):
        delimiter = "," if fmt.writer == "csv" else "\t"
        return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    root = ElementTree.fromstring(text)
    rows = []
    for item in root.iter("item"):
        row = {}
        for child in item:
            if child.tag.startswith(GOOGLE_NAMESPACE):
                row[child.tag[len(GOOGLE_NAMESPACE) :]] = (child.text or "").strip()
        rows.append(row)
    return rows
