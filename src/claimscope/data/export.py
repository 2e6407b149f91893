"""Spreadsheet-safe CSV export of the claims, for analysts who work in Excel, Calc or Sheets.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab, carriage
return or NUL) as a formula, so a hostile quote or note could run ``=HYPERLINK(...)`` or DDE on
the analyst's machine. Following OWASP's CSV-injection guidance (and ASVS 1.2.10), every text
cell this module writes that starts with one of those characters, also after leading
whitespace or as its full-width form, gets a ``'`` in front: spreadsheets then show it as text.
Numeric columns hold numbers, never text, so a negative number stays a number.

What is *not* neutralised: the curated data files in ``data/`` (rewritten only by
``claimscope locate``) are the source data itself. Their quotes must stay verbatim, because
they are checked character for character against the hashed source texts; a ``'`` in front
would break that check and change the record. Open them with a text editor or pandas, not a
spreadsheet; analysts get this export instead.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from claimscope.data.files import write_atomic

if TYPE_CHECKING:
    from claimscope.data.dataset import Dataset

# OWASP: = + - @ tab CR; ASVS 1.2.10 adds NUL; the full-width forms are read as formulas too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")
EXPORT_COLUMNS = (
    "claim_id",
    "doc_id",
    "document_title",
    "claimant_id",
    "claimant",
    "subject_id",
    "subject",
    "claim_type",
    "quote",
    "start",
    "end",
    "measure",
    "value_low",
    "value_high",
    "unit",
    "qualifier",
    "stated_figure",
    "claimed_on",
    "hedges",
    "source_reliability",
    "info_credibility",
    "note",
)


def neutralise_cell(value: object) -> object:
    """Return ``value`` made safe for a spreadsheet: text that could be a formula gets a ``'``.

    Numbers and missing values are returned unchanged.

    >>> neutralise_cell("=1+1")
    "'=1+1"
    >>> neutralise_cell("  @SUM(A1)")
    "'  @SUM(A1)"
    >>> neutralise_cell(-5)
    -5
    >>> neutralise_cell("North Korea")
    'North Korea'
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_TRIGGERS) or value.lstrip().startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def guard_cell(value: str) -> str:
    """Neutralise ``value`` so that :func:`restore_cell` gives it back exactly.

    Like :func:`neutralise_cell`, and a cell that already starts with ``'`` gets one more, so a
    file meant to be edited and read back (``claimscope suggest``'s review CSV) loses nothing.

    >>> guard_cell("=1+1"), guard_cell("'=1+1"), guard_cell("North Korea")
    ("'=1+1", "''=1+1", 'North Korea')
    >>> all(restore_cell(guard_cell(v)) == v for v in ("=1", "'=1", "''", "'a", "a", ""))
    True
    """
    if value.startswith("'") or neutralise_cell(value) != value:
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """Undo :func:`guard_cell`; a cell it did not guard is returned unchanged."""
    if value.startswith("'") and guard_cell(value[1:]) == value:
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell neutralised; numeric columns untouched."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell).astype(object)
    return out


def claims_table(dataset: Dataset) -> pd.DataFrame:
    """One row per claim with the names and titles an analyst needs, not yet neutralised."""
    claims = dataset.claims
    names = dict(zip(dataset.actors["actor_id"], dataset.actors["name"], strict=True))
    titles = dict(zip(dataset.documents["doc_id"], dataset.documents["title"], strict=True))
    table = claims.assign(
        document_title=claims["doc_id"].map(titles).fillna(""),
        claimant=claims["claimant_id"].map(names).fillna(""),
        subject=claims["subject_id"].map(names).fillna(""),
        claimed_on=claims["claimed_on"].dt.strftime("%Y-%m-%d").fillna(""),
    )
    return table.loc[:, list(EXPORT_COLUMNS)].reset_index(drop=True)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Encode a neutralised frame as UTF-8 CSV with a byte-order mark and CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_cell(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow(["" if pd.isna(v) else v for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def export_claims(dataset: Dataset, path: Path | str) -> int:
    """Write every claim of ``dataset`` to ``path`` as a spreadsheet-safe CSV, atomically.

    Args:
        dataset: A validated dataset (:func:`claimscope.data.dataset.load_dataset`).
        path: The CSV to write; replaced atomically, its folder created if needed.

    Returns:
        The number of claims written.
    """
    table = neutralise_frame(claims_table(dataset))
    write_atomic(Path(path), to_csv_bytes(table))
    return len(table)
