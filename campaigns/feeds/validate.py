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

from campaigns.feeds.formats import FeedFormat, Spec

PRICE = re.compile(r"^(\d+(?:\.\d{1,2})?) ([A-Z]{3})$")
CONDITIONS = frozenset({"new", "refurbished", "used"})
GOOGLE_NAMESPACE = "{http://base.google.com/ns/1.0}"


@dataclass(frozen=True)
class Problem:
    """Why a network would reject or misread one item."""

    item_id: str
    field: str
    message: str


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

    def problem(field: str, message: str) -> None:
        problems.append(Problem(item_id, field, message))

    values = {k: (v or "").strip() for k, v in row.items() if k}
    for name in spec.required:
        if not values.get(name):
            problem(name, f"{spec.network} requires {name}.")
    if spec.one_of and not any(values.get(name) for name in spec.one_of):
        problem(spec.one_of[0], f"{spec.network} requires one of {', '.join(spec.one_of)}.")
    for name, limit in spec.max_lengths.items():
        if len(values.get(name, "")) > limit:
            problem(name, f"Longer than {spec.network}'s {limit} characters.")
    prices = {}
    for name in ("price", "sale_price"):
        if values.get(name):
            match = PRICE.match(values[name])
            if match is None:
                problem(name, f"{values[name]!r} is not like '9.99 USD'.")
            else:
                prices[name] = (float(match[1]), match[2])
    if "price" in prices and "sale_price" in prices:
        (price, currency), (sale, sale_currency) = prices["price"], prices["sale_price"]
        if currency != sale_currency:
            problem("sale_price", "Not in the price's currency.")
        elif sale >= price:
            problem("sale_price", "Not lower than the price.")
    for name in ("link", "image_link"):
        if values.get(name) and not _is_url(values[name]):
            problem(name, f"{values[name]!r} is not an http(s) URL.")
    availability = values.get("availability", "")
    if availability and not spec.accepts(availability):
        problem("availability", f"{availability!r} is not a {spec.network} availability value.")
    if availability in spec.dated:
        date = values.get("availability_date", "")
        if not date:
            problem("availability_date", f"Required with availability {availability}.")
        elif not _is_iso_moment(date):
            problem("availability_date", f"{date!r} is not an ISO 8601 date.")
    condition = values.get("condition", "")
    if condition and condition not in CONDITIONS:
        problem("condition", f"{condition!r} is not one of {', '.join(sorted(CONDITIONS))}.")
    return problems


def validate_rows(spec: Spec, rows: Iterable[dict[str, str]]) -> Iterator[Problem]:
    seen: set[str] = set()
    for row in rows:
        yield from validate_row(spec, row)
        item_id = (row.get(spec.id_field) or "").strip()
        if item_id and item_id in seen:
            yield Problem(item_id, spec.id_field, "The same id appears twice.")
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
