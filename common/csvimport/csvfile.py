"""Reading an uploaded CSV safely: encoding, delimiter, cell size limits, streamed rows.

Everything that makes a whole file unreadable raises ImportAborted with a message a person
can act on (and the line, where there is one); a row that is merely wrong is the importer's
business. Rows are read through csv over a text wrapper, one record at a time, so memory does
not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.csvimport.columns import ColumnMap
from common.csvimport.result import ImportAborted

# The largest cell we accept. Shopify descriptions run to tens of kilobytes; a megabyte in one
# cell is a broken quote swallowing the rest of the file, not a product description.
FIELD_SIZE_LIMIT = 1024 * 1024
csv.field_size_limit(FIELD_SIZE_LIMIT)

# Bytes looked at to decide the encoding and the delimiter.
SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
# The sentences naming each delimiter (whole sentences: "commas" inflects in other languages).
DELIMITER_NOTICES = {
    ";": gettext_lazy(
        "Columns are separated by semicolons, not commas; the file was read that way."
    ),
    "\t": gettext_lazy("Columns are separated by tabs, not commas; the file was read that way."),
    "|": gettext_lazy(
        "Columns are separated by vertical bars, not commas; the file was read that way."
    ),
}
# Share of control characters past which a "text" is binary data.
BINARY_CONTROL_SHARE = 0.01
# Share of NUL bytes on one side of each byte pair past which a file without a byte order
# mark is UTF-16: a CSV header and most cells are ASCII, so in UTF-16 nearly half its bytes
# are NULs, all in the same position of each pair.
UTF16_NUL_SHARE = 0.5
# What surrogateescape makes of a byte the encoding cannot decode.
UNDECODABLE_RE = re.compile("[\udc80-\udcff]")
ENCODING_NAMES = {
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "utf-32": "UTF-32",
}


def _decodes(sample: bytes, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        # final=False: the sample may end in the middle of a multi-byte character.
        return decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return None


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > max(1, len(text) * BINARY_CONTROL_SHARE)


def _wide_encoding(sample: bytes) -> tuple[str, str] | None:
    """(codec, name) of a UTF-16 or UTF-32 file, by its byte order mark or its NUL pattern.

    Excel's "Unicode Text" and many Windows tools write UTF-16, where every ASCII character is
    followed (little-endian) or preceded (big-endian) by a NUL byte; without this the file
    reads as binary data.
    """
    # UTF-32 first: its little-endian mark begins with UTF-16's.
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32", "UTF-32"
    if sample.startswith(codecs.BOM_UTF16_LE):
        return "utf-16", _("UTF-16 (little-endian)")
    if sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", _("UTF-16 (big-endian)")
    pairs = len(sample) // 2
    if not pairs:
        return None
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if odd_nuls > pairs * UTF16_NUL_SHARE and even_nuls < pairs * BINARY_CONTROL_SHARE:
        return "utf-16-le", _("UTF-16 (little-endian, without a byte order mark)")
    if even_nuls > pairs * UTF16_NUL_SHARE and odd_nuls < pairs * BINARY_CONTROL_SHARE:
        return "utf-16-be", _("UTF-16 (big-endian, without a byte order mark)")
    return None


class CsvSource:
    """One CSV file, opened for streaming: its encoding, delimiter, header and column map."""

    def __init__(
        self,
        binary: BinaryIO,
        aliases: Mapping[str, Sequence[str]],
        required: Sequence[str],
        *,
        header_check: Callable[[ColumnMap], None] | None = None,
    ) -> None:
        self.binary = binary
        self.notices: list[str] = []
        sample = binary.read(SNIFF_BYTES)
        if not sample.strip():
            raise ImportAborted(_("The file is empty."))
        self.encoding, text = self._encoding(sample)
        self.delimiter, self.columns = self._header(text, aliases, required)
        if header_check is not None:
            header_check(self.columns)

    # --- File-level decisions ---------------------------------------------------------------

    def _encoding(self, sample: bytes) -> tuple[str, str]:
        wide = _wide_encoding(sample)
        if wide is not None:
            encoding, name = wide
            text = _decodes(sample, encoding)
            if text is None or _looks_binary(text):
                raise ImportAborted(
                    _(
                        "The file looks like %(encoding)s text but does not decode as such. "
                        "Export the sheet as CSV (UTF-8) and upload that."
                    )
                    % {"encoding": name}
                )
            self.notices.append(
                _(
                    "The file is %(encoding)s (what Excel saves as “Unicode Text”); "
                    "it was read as such."
                )
                % {"encoding": name}
            )
            return encoding, text
        if b"\x00" in sample:
            raise ImportAborted(
                _(
                    "This is not a CSV file: it holds binary data (NUL bytes). "
                    "Export the sheet as CSV (UTF-8) and upload that."
                )
            )
        text = _decodes(sample, "utf-8-sig")
        encoding = "utf-8-sig"
        if text is None:
            text = _decodes(sample, "cp1252")
            encoding = "cp1252"
            if text is None:
                raise ImportAborted(
                    _(
                        "The file is neither UTF-8 nor Windows-1252 text. "
                        "Export the sheet as CSV (UTF-8) and upload that."
                    )
                )
            self.notices.append(
                _(
                    "The file is not UTF-8; it was read as Windows-1252 (Excel's default). "
                    "Check accented letters in the result, or export as CSV UTF-8."
                )
            )
        if _looks_binary(text):
            raise ImportAborted(
                _(
                    "This is not a CSV file: it is full of control characters (binary data). "
                    "Export the sheet as CSV (UTF-8) and upload that."
                )
            )
        return encoding, text

    def _header(
        self, text: str, aliases: Mapping[str, Sequence[str]], required: Sequence[str]
    ) -> tuple[str, ColumnMap]:
        first_line = next(iter(io.StringIO(text, newline="")), "")
        best: tuple[int, str, ColumnMap] | None = None
        for delimiter in DELIMITERS:
            header = next(csv.reader([first_line], delimiter=delimiter), [])
            columns = ColumnMap(aliases, header)
            score = len(columns.index)
            if best is None or score > best[0]:
                best = (score, delimiter, columns)
        assert best is not None
        score, delimiter, columns = best
        if score == 0:
            expected = ", ".join(aliases[f][0] for f in required)
            raise ImportAborted(
                _(
                    "No known column in the first line. Expected a header with %(columns)s; "
                    "is this the right kind of file, with its header row first?"
                )
                % {"columns": expected},
                line=1,
            )
        if delimiter != ",":
            self.notices.append(str(DELIMITER_NOTICES[delimiter]))
        missing = columns.missing(required)
        if missing:
            either = _(" or ")
            names = "; ".join(either.join(f'"{a}"' for a in aliases[f]) for f in missing)
            raise ImportAborted(
                _("Required column missing: %(columns)s.") % {"columns": names}, line=1
            )
        return delimiter, columns

    # --- Rows -------------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line the record starts on, cells) for every data row; blank rows are skipped.

        Reads from the start each time it is called, so a counting pass and an import pass
        can share one source.
        """
        self.binary.seek(0)
        # surrogateescape: an undecodable byte becomes a marker in its cell, so the error names
        # the row it is on rather than the block of the file the decoder was reading ahead.
        wrapper = io.TextIOWrapper(
            self.binary, encoding=self.encoding, errors="surrogateescape", newline=""
        )
        reader = csv.reader(wrapper, delimiter=self.delimiter)
        line = 1
        try:
            next(reader)  # the header, already read
            line = reader.line_num + 1
            for cells in reader:
                # One string per row for both tests: blank when every cell is whitespace.
                joined = "".join(cells)
                if joined.strip():
                    if UNDECODABLE_RE.search(joined):
                        raise UnicodeDecodeError(self.encoding, b"", 0, 1, "undecodable byte")
                    yield line, cells
                line = reader.line_num + 1
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ImportAborted(
                    _(
                        "a cell is larger than %(size)s KiB; usually a quote that is never "
                        "closed, which swallows the rest of the file."
                    )
                    % {"size": FIELD_SIZE_LIMIT // 1024},
                    line=line,
                ) from exc
            raise ImportAborted(
                _("the CSV is malformed (%(reason)s).") % {"reason": exc}, line=line
            ) from exc
        except UnicodeDecodeError as exc:
            raise ImportAborted(
                _(
                    "bytes that are not valid %(encoding)s (binary data, or a file saved in "
                    "another encoding)."
                )
                % {"encoding": ENCODING_NAMES.get(self.encoding, _("text"))},
                line=line,
            ) from exc
        finally:
            # Leave the underlying file open for the next pass.
            wrapper.detach()

    def count_rows(self) -> int:
        """Read the whole file once: its size in rows, and any broken record, before writing."""
        return sum(1 for _ in self.rows())

    def cells_ok(self, cells: Sequence[str]) -> bool:
        return len(cells) == len(self.columns.header)
