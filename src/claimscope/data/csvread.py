"""Read a CSV text strictly, column by column, and fast when the text allows it.

The rules are those of Python's ``csv`` module in strict mode: a quoted field closes right
before a comma or a line end, a quote inside it is doubled, blank lines are skipped, and
records are numbered by the line they start on. That module is exact but slow on large
tables: it builds a list per record, and every later check walks strings scattered across
memory.

So :func:`read_csv_text` first tries pandas' C parser, which returns each column's strings
together (repeated values shared). It does so only on a text whose every quote it has checked
first, where the two parsers cannot disagree: each quoted field standing alone between
delimiters, no blank line, every record as wide as the header. Any other text goes through the
strict loop, which finds the line and says what is wrong. ``tests/test_csvread.py`` compares
the two on generated texts.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# A quoted field: opening quote, doubled quotes inside, closing quote before a delimiter.
# It starts with a literal quote so the regex engine can jump from quote to quote; where
# it starts (after a delimiter) is checked separately, which is much cheaper than a
# look-behind.
_QUOTED_FIELD = re.compile(r'"[^"]*(?:""[^"]*)*"(?=[,\n]|\Z)')
# Stands in for each quoted field while the text is checked; a text holding it is not eligible.
_MARK = "\x00"


class CsvSyntaxError(ValueError):
    """The text is not CSV: ``line`` is where the strict reader stopped."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class CsvTable:
    """A parsed CSV text.

    Attributes:
        header: The first record's fields, as written; None when the text has no record.
        lines: The line each later record starts on (the header is line 1 or later).
        columns: One list per header field, each holding that column's cells; None when
            ``ragged`` is not empty.
        ragged: ``(line, field count)`` of each record whose width differs from the header's.
    """

    header: list[str] | None
    lines: Sequence[int]
    columns: list[list[str]] | None
    ragged: list[tuple[int, int]] = field(default_factory=list)


def read_csv_text(text: str) -> CsvTable:
    r"""Parse ``text`` as strict CSV into columns.

    Raises:
        CsvSyntaxError: where the text breaks the CSV rules (a stray quote, an unclosed one).

    >>> table = read_csv_text('id,quote\nc1,"Kim, said ""no"" twice"\n')
    >>> table.header, list(table.lines), table.columns
    (['id', 'quote'], [2], [['c1'], ['Kim, said "no" twice']])
    """
    fast = _read_fast(text)
    return fast if fast is not None else _read_strict(text)


def _read_fast(text: str) -> CsvTable | None:
    """Parse with pandas where the text cannot be read two ways; None where it might be."""
    if not text or _MARK in text or text[0] == "\ufeff":  # pandas would drop a second BOM
        return None
    body = text
    if "\r" in body:
        if body.count("\r") != body.count("\r\n"):
            return None  # a lone carriage return: a line end to csv, not always to pandas
        body = body.replace("\r\n", "\n")
    if not body.endswith("\n"):
        body += "\n"
    # Each quoted field becomes one mark: what is left has a line per record.
    masked = _QUOTED_FIELD.sub(_MARK, body)
    if '"' in masked:
        return None  # a quote that does not open or close a field
    after_delimiter = masked.count("," + _MARK) + masked.count("\n" + _MARK) + (masked[0] == _MARK)
    if masked.count(_MARK) != after_delimiter:
        return None  # a quoted field opening in the middle of a cell
    if masked[0] == "\n" or "\n\n" in masked:
        return None  # blank lines: csv skips them but still counts them
    records = masked.count("\n")
    multiline = records != body.count("\n")
    if multiline and "\r" in text:
        return None  # csv keeps a quoted CRLF as it is; the body has it as LF
    limit = csv.field_size_limit()
    if len(body) > limit and not multiline and max(map(len, body.split("\n"))) > limit:
        return None  # a field may exceed the limit: the strict reader says so
    width = masked.count(",", 0, masked.index("\n")) + 1
    # No record is wider than the header (pandas raises on one), so equal totals mean
    # no record is narrower either.
    if masked.count(",") != (width - 1) * records:
        return None
    import pandas as pd

    try:
        # Bytes parse faster than a text stream, which pandas would encode chunk by chunk.
        frame = pd.read_csv(
            io.BytesIO(body.encode("utf-8")),
            encoding="utf-8",
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
        )
    except ValueError:  # pandas' ParserError among them
        return None
    if frame.shape != (records, width):
        return None
    cells = [frame[j].tolist() for j in range(width)]
    lines: Sequence[int] = range(2, records + 1)
    if multiline:
        if len(body) > limit and any(max(map(len, column)) > limit for column in cells):
            return None
        lines = _record_lines(cells, records)
    return CsvTable(
        header=[column[0] for column in cells],
        lines=lines,
        columns=[column[1:] for column in cells],
    )


def _record_lines(cells: list[list[str]], records: int) -> list[int]:
    """The line each record after the header starts on, counting line breaks inside cells."""
    import numpy as np

    spans = np.ones(records, dtype=np.int64)
    for column in cells:
        if "\n" in "".join(column):
            spans += np.fromiter(
                map(str.count, column, itertools.repeat("\n")), dtype=np.int64, count=records
            )
    return (1 + np.cumsum(spans)[:-1]).tolist()


def _read_strict(text: str) -> CsvTable:
    """Parse record by record with the csv module, tracking the line each record starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    lines: list[int] = []
    records: list[list[str]] = []
    next_line = 1
    try:
        for record in reader:
            start, next_line = next_line, reader.line_num + 1
            if not record:  # a blank line
                continue
            if header is None:
                header = record
                continue
            lines.append(start)
            records.append(record)
    except csv.Error as exc:
        raise CsvSyntaxError(next_line, str(exc)) from exc
    if header is None:
        return CsvTable(None, [], None)
    width = len(header)
    ragged = [
        (line, len(record))
        for line, record in zip(lines, records, strict=True)
        if len(record) != width
    ]
    if ragged:
        return CsvTable(header, lines, None, ragged)
    columns = [list(column) for column in zip(*records, strict=True)] if records else []
    return CsvTable(header, lines, columns or [[] for _ in header])
