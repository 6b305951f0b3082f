"""Write feed items in a network's file format, as a stream of text chunks.

Rows are rendered from the shared FeedItem by the network's Spec (its column names, its
spelling of availability, its length limits), then written as CSV, TSV or RSS 2.0 XML.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from django.conf import settings

from campaigns.feeds.formats import FeedFormat, Spec
from campaigns.feeds.items import FeedItem

# Text per chunk handed to the web server: few writes, little memory.
CHUNK_CHARS = 64 * 1024
GOOGLE_NAMESPACE = "http://base.google.com/ns/1.0"
ELLIPSIS = "\u2026"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clip(value: str, limit: int | None) -> str:
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + ELLIPSIS


def render_row(spec: Spec, item: FeedItem) -> dict[str, str]:
    """The item as the network's columns, text clipped to the network's limits."""
    values = {
        spec.id_field: item.id,
        "item_group_id": item.item_group_id,
        "title": item.title,
        "description": item.description,
        "link": item.link,
        "image_link": item.image_link,
        "price": item.price,
        "sale_price": item.sale_price,
        "availability": spec.availability[item.availability],
        "availability_date": (
            f"{item.availability_date.isoformat()}T00:00:00Z" if item.availability_date else ""
        ),
        "quantity_to_sell_on_facebook": str(item.quantity),
        "brand": item.brand,
        "gtin": item.gtin,
        "mpn": item.mpn,
        "condition": item.condition,
    }
    for name in ("title", "description"):
        values[name] = _clip(values[name], spec.max_lengths.get(name))
    return {column: values.get(column, "") for column in spec.columns}


def _chunked(pieces: Iterable[str]) -> Iterator[str]:
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= CHUNK_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def _csv_lines(spec: Spec, rows: Iterable[dict[str, str]]) -> Iterator[str]:
    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\n")

    def render(values: Iterable[str]) -> str:
        line.seek(0)
        line.truncate()
        writer.writerow(values)
        return line.getvalue()

    yield render(spec.columns)
    for row in rows:
        yield render(row.values())


def _tsv_lines(spec: Spec, rows: Iterable[dict[str, str]]) -> Iterator[str]:
    # Google's TSV takes values as they are, one line each: tabs and line breaks become spaces.
    def clean(value: str) -> str:
        return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")

    yield "\t".join(spec.columns) + "\n"
    for row in rows:
        yield "\t".join(clean(v) for v in row.values()) + "\n"


def _xml(value: str) -> str:
    """Escaped, without the control characters XML 1.0 forbids (pasted from spreadsheets)."""
    return escape(_CONTROL.sub("", value))


def _rss_lines(spec: Spec, rows: Iterable[dict[str, str]], title: str) -> Iterator[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss xmlns:g="{GOOGLE_NAMESPACE}" version="2.0">\n<channel>\n'
        f"<title>{_xml(title)}</title>\n"
        f"<link>{_xml(settings.STORE_URL)}</link>\n"
        f"<description>{_xml(title)} product feed</description>\n"
    )
    for row in rows:
        fields = "".join(
            f"<g:{name}>{_xml(value)}</g:{name}>" for name, value in row.items() if value
        )
        yield f"<item>{fields}</item>\n"
    yield "</channel>\n</rss>\n"


def write_feed(fmt: FeedFormat, items: Iterable[FeedItem], title: str = "") -> Iterator[str]:
    """The whole file, in chunks, for a streaming response or a file."""
    rows = (render_row(fmt.spec, item) for item in items)
    if fmt.writer == "csv":
        lines = _csv_lines(fmt.spec, rows)
    elif fmt.writer == "tsv":
        lines = _tsv_lines(fmt.spec, rows)
    else:
        lines = _rss_lines(fmt.spec, rows, title or "Catalog")
    return _chunked(lines)
