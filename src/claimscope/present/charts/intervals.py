"""What the troop charts share: a claim's hover, its interval with open ends as arrows, the axis."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from claimscope.data.vocab import Vocabularies
from claimscope.present.charts.style import hover_text
from claimscope.present.formatting import format_date, format_row_interval, text_of

#: An open bound ("up to 6,000", "at least 3,000") is an arrow from the stated end that runs
#: this factor down or up on the (logarithmic) troops axis: never to 0, never to the frame.
OPEN_REACH = 1.8
#: Room on the troops axis beyond the lowest and highest drawn end, as a factor.
AXIS_PAD = 1.25
#: Labelled ticks of the troops axis, and the unlabelled ones between them.
MAJOR_TICKS = (10, 100, 1_000, 10_000, 100_000, 1_000_000)
MINOR_TICKS = tuple(m * k for m in MAJOR_TICKS for k in (2, 5))


def claim_hover(row: pd.Series, vocab: Vocabularies) -> str:
    """Return the hover text of one claim: who, what, when, grade, quote and document."""
    lines: list[tuple[str, object]] = [
        ("Claimant", row["claimant_name"]),
        ("Stance", vocab.label("stances", row.get("stance"))),
        ("On", row.get("proposition_label")),
    ]
    if "stated_figure" in row.index:
        noun = vocab.subject.noun.capitalize()
        lines += [("Stated", row["stated_figure"]), (noun, format_row_interval(row))]
    lines += [
        ("Measure", vocab.label("measures", row.get("measure"))),
        ("Activity", row.get("activity")),
        ("Location", row.get("location")),
        ("Date", format_date(row["claimed_on"])),
        ("Hedges", row.get("hedges")),
        ("Grade", row["grade"]),
        ("Quote", row["quote"]),
        ("Document", f"{row['doc_title']} ({row['doc_id']})"),
        ("Claim", row["claim_id"]),
    ]
    return hover_text(*[(label, value) for label, value in lines if text_of(value)])


def interval_ends(row: pd.Series) -> tuple[float, float, str, str, str]:
    """Return start, end, start symbol, end symbol and dash of an interval's line.

    A closed interval runs between its stated ends. An open bound is a dotted arrow from the
    end the claim states, ``OPEN_REACH`` times down ("up to") or up ("at least"); where both
    ends are open the arrows leave the stated figure both ways.

    >>> interval_ends(pd.Series({"is_low_open": False, "is_high_open": True, "troops_low": 3000,
    ...                          "troops_high": None, "troops_stated": 3000}))
    (3000.0, 5400.0, 'line-ns', 'triangle-right', 'dot')
    """
    if row["is_low_open"] and row["is_high_open"]:
        stated = float(row["troops_stated"])
        return stated / OPEN_REACH, stated * OPEN_REACH, "triangle-left", "triangle-right", "dot"
    if row["is_low_open"]:
        high = float(row["troops_high"])
        return high / OPEN_REACH, high, "triangle-left", "line-ns", "dot"
    if row["is_high_open"]:
        low = float(row["troops_low"])
        return low, low * OPEN_REACH, "line-ns", "triangle-right", "dot"
    return float(row["troops_low"]), float(row["troops_high"]), "line-ns", "line-ns", "solid"


def interval_trace(
    row: pd.Series,
    xy: tuple[list, list],
    symbols: tuple[str, str],
    dash: str,
    colour: str,
    hover: str,
    size: tuple[int, int],
    legend: dict,
) -> go.Scatter:
    """One claim's interval as a line between its two end markers, either way up.

    ``size`` is the line width and the marker size; ``legend`` the trace's legend keys.
    """
    return go.Scatter(
        x=xy[0],
        y=xy[1],
        mode="lines+markers",
        line={"color": colour, "width": size[0], "dash": dash},
        marker={
            "symbol": list(symbols),
            "size": size[1],
            "color": colour,
            "line": {"color": colour, "width": 2},
        },
        **legend,
        hovertext=[hover, hover],
        hoverinfo="text",
        meta={"claim_id": row["claim_id"], "role": "interval"},
    )


def drawn_ends(figures: pd.DataFrame) -> list[float]:
    """Every value the troop charts draw for ``figures``: stated figures and both line ends."""
    values = [float(v) for v in figures["troops_stated"].dropna() if float(v) > 0]
    for _, row in figures.iterrows():
        values += [v for v in interval_ends(row)[:2] if v > 0 and not math.isnan(v)]
    return values


def troop_axis(
    figures: pd.DataFrame, title: str = "troops (log scale)", *, fine: bool = False
) -> dict:
    """A logarithmic troops axis spanning every drawn end, ticks at 10, 100, 1,000 and so on.

    A log scale keeps 1,500 and 100,000 both readable, and has no 0 an "up to" could fall to.
    ``fine`` labels the 2s and 5s too (a vertical axis has room for them).

    >>> frame = pd.DataFrame({"troops_stated": [2000.0, 12000.0], "troops_low": [2000, 10000],
    ...     "troops_high": [2000, 14000], "is_low_open": [False, False],
    ...     "is_high_open": [False, False]})
    >>> axis = troop_axis(frame)
    >>> axis["type"], [round(v, 2) for v in axis["range"]], axis["tickvals"]
    ('log', [3.2, 4.24], [2000, 5000, 10000])
    """
    values = drawn_ends(figures) or [1_000.0, 10_000.0]
    low = math.log10(min(values) / AXIS_PAD)
    high = math.log10(max(values) * AXIS_PAD)
    inside = [t for t in MAJOR_TICKS if low <= math.log10(t) <= high]
    minor = [t for t in MINOR_TICKS if low <= math.log10(t) <= high]
    if fine or len(inside) < 2:  # a short span: label the 2s and 5s too
        inside, minor = sorted(inside + minor), []
    return {
        "type": "log",
        "range": [low, high],
        "tickvals": inside,
        "ticktext": [f"{t:,}" for t in inside],
        "minor": {"tickvals": minor, "showgrid": True, "gridcolor": "#f3f3f3", "ticks": ""},
        "title_text": title,
    }
