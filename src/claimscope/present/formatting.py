"""Turn single values into the short strings readers see; a missing value is always empty."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from claimscope.data.values import is_missing, text_of

if TYPE_CHECKING:
    from claimscope.data.vocab import Vocabularies

# Re-exported so that presentation code needs one import to format and to test for missing.
__all__ = ["is_missing", "isolate", "text_of"]

# First-strong isolate and pop directional isolate (Unicode bidi algorithm, UAX #9).
FSI, PDI = "\u2068", "\u2069"
# Bidi controls (marks, embeddings, overrides, isolates), and the right-to-left scripts' blocks.
_BIDI = re.compile(
    "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def isolate(value: object) -> str:
    """Return source text so that it cannot reorder the text around it (our numbers, names).

    Text holding a bidi control or a right-to-left letter is wrapped in Unicode isolates
    (FSI … PDI): a right-to-left override inside then ends at the PDI instead of reversing the
    rest of the paragraph. Plain left-to-right text is returned as it is.

    >>> isolate("North Korea")
    'North Korea'
    >>> isolate("a\u202eb") == "\u2068a\u202eb\u2069"
    True
    """
    text = text_of(value)
    return f"{FSI}{text}{PDI}" if _BIDI.search(text) else text


def format_date(value: object) -> str:
    """Format a date as ``YYYY-MM-DD``; missing is empty.

    >>> format_date(pd.Timestamp("2024-10-23 08:00")), format_date(pd.NaT)
    ('2024-10-23', '')
    """
    return "" if is_missing(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def format_day(value: object, *, short: bool = False, year: bool = True) -> str:
    """Format a date as people write it: ``21 October 2024`` (``21 Oct 2024`` when short).

    >>> format_day(pd.Timestamp("2024-10-21")), format_day("2024-10-21", short=True, year=False)
    ('21 October 2024', '21 Oct')
    """
    if is_missing(value):
        return ""
    day = pd.Timestamp(value)
    text = f"{day.day} {day:%b}" if short else f"{day.day} {day:%B}"
    return f"{text} {day.year}" if year else text


def format_troops(value: object) -> str:
    """Format a number of troops with thousands separators; missing is empty.

    >>> format_troops(6000)
    '6,000'
    """
    return "" if is_missing(value) else f"{int(value):,}"


def format_interval(low: object, high: object, is_low_open: bool, is_high_open: bool) -> str:
    """Format a troop interval for people: ``6,000–10,000``, ``≤ 6,000``, ``≥ 3,000``, ``1,500``.

    >>> format_interval(pd.NA, 6000, True, False)
    '≤ 6,000'
    >>> format_interval(6000, 10000, False, False)
    '6,000–10,000'
    """
    if is_low_open and is_high_open:
        return "any number"
    if is_low_open:
        return f"≤ {format_troops(high)}"
    if is_high_open:
        return f"≥ {format_troops(low)}"
    if int(low) == int(high):
        return format_troops(low)
    return f"{format_troops(low)}–{format_troops(high)}"


def format_row_interval(row: pd.Series | dict) -> str:
    """Format the troop interval of one row of normalised troop figures."""
    return format_interval(
        row["troops_low"], row["troops_high"], row["is_low_open"], row["is_high_open"]
    )


def format_size_range(low: int, high: int) -> str:
    """Format troops per unit: ``3,000–5,000``, or one number when both ends agree.

    >>> format_size_range(1, 1), format_size_range(300, 1000)
    ('1', '300–1,000')
    """
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


def join_names(names: list[str], limit: int | None = None) -> str:
    """Join names as prose; beyond ``limit`` names, count the rest instead of listing them.

    >>> join_names(["A", "B", "C"])
    'A, B and C'
    >>> join_names(["A", "B", "C", "D"], limit=2)
    'A, B and 2 others'
    """
    names = list(dict.fromkeys(names))
    if limit is not None and len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit:,} others"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def describe_measure(measure: str, period: object, vocab: Vocabularies) -> str:
    """Name what a figure counts: the measure's label, or for a flow its word and its period.

    A flow counts what moved within its period, never a total, so it reads "sent in five
    days", not the stock's label "sent in total".
    """
    from claimscope.analysis.evolution import flow_label

    if is_missing(period):
        return vocab.label("measures", measure)
    return f"{str(measure).replace('_', ' ')} {flow_label(period)}"


def describe_hedges(hedges: object) -> str:
    """The words a source hedged a claim with, kept wherever its figure is stated; "" if none.

    >>> describe_hedges("according to; as many as"), describe_hedges(pd.NA)
    (' (hedged: “according to”, “as many as”)', '')
    """
    words = [w.strip() for w in text_of(hedges).split(";") if w.strip()]
    return f" (hedged: {', '.join(f'“{w}”' for w in words)})" if words else ""
