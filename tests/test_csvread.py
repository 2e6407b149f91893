"""The fast CSV path reads exactly what the strict csv module reads, or declines.

The oracle is Python's ``csv`` module in strict mode, called here directly. Hypothesis writes
CSV texts from fields that are quoted or not, with quotes, delimiters, line ends and other
control characters inside, then sometimes breaks them (a character inserted or removed).
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimscope.data.csvread import (
    CsvSyntaxError,
    _read_fast,
    _read_strict,
    read_csv_text,
)
from claimscope.data.dataset import TABLES
from claimscope.data.paths import DATA_DIR

ALPHABET = ["a", "b", "é", " ", ",", '"', "\n", "\r", "\r\n", ";", "#", "\t", "\x0c", "\x1a",
            "\x0b", "\u2028", "\x85", "\ufeff", "\x00", "'"]  # fmt: skip
CELLS = st.lists(st.sampled_from(ALPHABET), max_size=5).map("".join)


def oracle(text: str) -> list[list[str]]:
    """Records as the strict csv module reads them (raises csv.Error)."""
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


def oracle_starts(text: str) -> list[int]:
    """The line each record starts on, blank lines included, as the csv module counts."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    starts, next_line = [], 1
    for _ in reader:
        starts.append(next_line)
        next_line = reader.line_num + 1
    return starts


def quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@st.composite
def csv_texts(draw) -> str:
    width = draw(st.integers(1, 4))
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        # Mostly the header's width; sometimes one more or one less.
        row_width = max(1, width + draw(st.sampled_from([0, 0, 0, 0, -1, 1])))
        fields = [
            quote(value) if draw(st.booleans()) else value
            for value in draw(st.lists(CELLS, min_size=row_width, max_size=row_width))
        ]
        rows.append(",".join(fields))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(rows) + draw(st.sampled_from([ending, ""]))
    edit = draw(st.sampled_from(["none", "none", "insert", "delete"]))
    if edit != "none" and text:
        at = draw(st.integers(0, len(text) - 1))
        if edit == "insert":
            text = text[:at] + draw(st.sampled_from(ALPHABET)) + text[at:]
        else:
            text = text[:at] + text[at + 1 :]
    return text


def assert_same_as_oracle(text: str, table) -> None:
    records = oracle(text)
    assert all(records), "the fast path took a text with blank lines"
    header, *rows = records
    assert table.header == header
    assert oracle_starts(text)[0] == 1
    assert list(table.lines) == oracle_starts(text)[1:]
    assert {len(row) for row in rows} <= {len(header)}
    expected = [list(column) for column in zip(*rows, strict=True)] if rows else []
    assert table.columns == (expected or [[] for _ in header])
    assert table.ragged == []


@settings(max_examples=1500, deadline=None, derandomize=True, database=None)
@given(csv_texts())
def test_fast_path_reads_what_csv_reads_or_declines(text):
    table = _read_fast(text)
    if table is not None:
        assert_same_as_oracle(text, table)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(csv_texts())
def test_reader_agrees_with_csv_on_every_text(text):
    try:
        records = [r for r in oracle(text) if r]
    except csv.Error:
        with pytest.raises(CsvSyntaxError):
            read_csv_text(text)
        return
    table = read_csv_text(text)
    if not records:
        assert table.header is None
        return
    assert table.header == records[0]
    assert len(table.lines) == len(records) - 1
    width = len(records[0])
    assert [count for _, count in table.ragged] == [len(r) for r in records[1:] if len(r) != width]
    if not table.ragged:
        assert [list(row) for row in zip(*table.columns, strict=True)] == records[1:]


@pytest.mark.parametrize("name", TABLES)
def test_project_tables_take_the_fast_path(name):
    text = (DATA_DIR / f"{name}.csv").read_text(encoding="utf-8-sig")
    table = _read_fast(text)
    assert table is not None
    assert_same_as_oracle(text, table)


def test_fast_path_reads_crlf_and_a_missing_final_newline():
    text = 'id,quote\r\nc1,"a, ""b"""\r\nc2,plain'
    table = _read_fast(text)
    assert table is not None
    assert table.columns == [["c1", "c2"], ['a, "b"', "plain"]]


@pytest.mark.parametrize(
    "text",
    [
        'id,quote\r\nc1,"two\r\nlines"\r\n',  # a quoted CRLF, which csv keeps as it is
        'id,quote\nc1,"closed"then\n',  # text after a closing quote
        'id,quote\nc1,mid"quoted"\n',  # a quote opening mid-cell
        'id,quote\nc1, "spaced"\n',  # a space before the opening quote
        "id,quote\rc1,x\r",  # lone carriage returns
        "id,quote\n\nc1,x\n",  # a blank line
        "id,quote\nc1\n",  # a short record
        "id,quote\nc1,x,y\n",  # a long record
        "id,quote\nc1,x\x00\n",  # a NUL
        "\ufeffid,quote\nc1,x\n",  # a second byte-order mark
        'id,quote\nc1,"unclosed\n',
    ],
)
def test_fast_path_declines_what_it_cannot_prove(text):
    assert _read_fast(text) is None


def test_fast_path_numbers_records_after_quoted_line_breaks():
    text = 'id,quote\nc1,"two\nlines"\nc2,"a\n\nparagraph break"\nc3,x\n'
    table = _read_fast(text)
    assert table is not None
    assert list(table.lines) == [2, 4, 7]
    assert table.columns[1] == ["two\nlines", "a\n\nparagraph break", "x"]


def test_strict_path_names_the_line_of_a_stray_quote():
    with pytest.raises(CsvSyntaxError) as error:
        read_csv_text('id,quote\nc1,x\nc2,"closed"then\n')
    assert error.value.line == 3
    assert "',' expected after '\"'" in str(error.value)


def test_strict_path_numbers_records_by_their_first_line():
    table = read_csv_text('id,quote\n\nc1,"two\nlines"\nc2,x\n')
    assert list(table.lines) == [3, 5]
    assert table.columns == [["c1", "c2"], ["two\nlines", "x"]]


def test_ragged_records_are_listed_with_their_lines():
    table = read_csv_text("id,quote\nc1\nc2,x\nc3,x,y\n")
    assert table.columns is None
    assert table.ragged == [(2, 1), (4, 3)]


def test_a_field_over_the_csv_limit_is_refused_as_csv_refuses_it():
    old = csv.field_size_limit(20)
    try:
        text = "id,quote\nc1," + "x" * 30 + "\n"
        assert _read_fast(text) is None
        with pytest.raises(CsvSyntaxError, match="field larger than field limit"):
            read_csv_text(text)
    finally:
        csv.field_size_limit(old)


def test_strict_reader_is_the_oracle_on_a_plain_text():
    text = "id,quote\nc1,x\n"
    assert _read_strict(text).columns == _read_fast(text).columns == [["c1"], ["x"]]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.integers(1, 4).flatmap(
        lambda width: st.lists(
            st.lists(CELLS, min_size=width, max_size=width),
            min_size=1,
            max_size=6,
        )
    )
)
def test_fast_path_takes_what_csv_writer_writes(records):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    text = buffer.getvalue()
    table = _read_fast(text)
    if table is None:
        # Only what pandas cannot be trusted with: a carriage return, NUL, or a leading BOM.
        assert "\r" in text or "\x00" in text or text.startswith("\ufeff")
        return
    assert_same_as_oracle(text, table)
