"""What every chart shares: one colour convention, escaping, base layout.

The colour convention: an actor has one colour in every chart of every report (from the full
actors table, :func:`actor_colours`); a vocabulary value (relation type, stance, measure) has
the colour its table in the data package gives it; anything without a colour is
``FALLBACK_COLOUR``. Every chart looks colours up through :func:`colour_of`.
"""

from __future__ import annotations

import re
import textwrap

import pandas as pd
import plotly.graph_objects as go

from claimscope.present.display import escape_text
from claimscope.present.formatting import (
    format_day,
    format_row_interval,
    format_troops,
    text_of,
)

# Dark24 and Light24 from plotly's qualitative palettes: 48 distinct hues, each darkened just
# enough to read as text on white (the legend, labels and markers all use them).
_HUES = (
    "#2E91E5 #E15F99 #1CA71C #FB0D0D #DA16FF #222A2A #B68100 #750D86 #EB663B #511CFB #00A08B "
    "#FB00D1 #FC0080 #B2828D #6C7C32 #778AAE #862A16 #A777F1 #620042 #1616A7 #DA60CA #6C4516 "
    "#0D2A63 #AF0038 #FD3216 #00FE35 #6A76FC #FED4C4 #FE00CE #0DF9FF #F6F926 #FF9616 #479B55 "
    "#EEA6FB #DC587D #D626FF #6E899C #00B5F7 #B68E00 #C9FBE5 #FF0092 #22FFA7 #E3EE9E #86CE00 "
    "#BC7196 #7E7DCD #FC6955 #E48F72"
).split()

FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"
#: WCAG 2.1 AA for normal text: every colour a chart uses for text reaches it on white.
MIN_CONTRAST = 4.5
FALLBACK_COLOUR = "#707070"


def _channels(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(float(int(colour[i : i + 2], 16)) for i in (0, 2, 4))


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of 0-255 channels."""

    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(
    foreground: tuple[float, float, float], background: tuple[float, float, float]
) -> float:
    """WCAG contrast ratio of two 0-255 colours.

    >>> round(contrast_ratio((0, 0, 0), (255, 255, 255)), 1)
    21.0
    """
    light, dark = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (light + 0.05) / (dark + 0.05)


def readable_colour(colour: str, ratio: float = MIN_CONTRAST) -> str:
    """Darken ``#rrggbb`` toward black, keeping its hue, until it reaches ``ratio`` on white.

    >>> readable_colour("#000000"), readable_colour("#2E91E5")
    ('#000000', '#277AC0')
    """
    rgb = _channels(colour)
    if contrast_ratio(rgb, (255, 255, 255)) >= ratio:
        return colour
    scale = 1.0
    while contrast_ratio(tuple(c * scale for c in rgb), (255, 255, 255)) < ratio:
        scale -= 0.01
    return "#" + "".join(f"{round(c * scale):02X}" for c in rgb)


PALETTE = tuple(readable_colour(c) for c in _HUES)


def colour_of(colours: dict[str, object], key: object) -> str:
    """Return the colour ``colours`` gives ``key``, or ``FALLBACK_COLOUR``.

    >>> colour_of({"a": "#000000"}, "a"), colour_of({}, "b")
    ('#000000', '#707070')
    """
    colour = str(colours.get(key, FALLBACK_COLOUR))
    # A vocabulary table's colour may be too light for text; its hue is kept, darkened.
    return readable_colour(colour) if re.fullmatch(r"#[0-9A-Fa-f]{6}", colour) else colour


def actor_colours(actors: pd.DataFrame) -> dict[str, str]:
    """Give every actor of the full actors table its colour, in the table's row order.

    Pass the whole ``actors`` table, never a filtered one: the colour then depends only on the
    dataset, so the same claimant has the same colour in every chart of every report.

    >>> actor_colours(pd.DataFrame({"actor_id": ["b", "a"]}))
    {'b': '#277AC0', 'a': '#BD5081'}
    """
    return {actor: PALETTE[i % len(PALETTE)] for i, actor in enumerate(actors["actor_id"])}


def hover_text(*lines: tuple[str, object], width: int = 80) -> str:
    """Join labelled lines into plotly hover text, escaping and wrapping every value.

    Values are untrusted (quotes, names, notes); labels are ours but escaped too.

    >>> hover_text(("Quote", "<b>x</b>"), ("Grade", "B2"))
    '<b>Quote</b>: &lt;b&gt;x&lt;/b&gt;<br><b>Grade</b>: B2'
    """
    out = []
    for label, value in lines:
        text = text_of(value)
        body = "<br>".join(escape_text(part) for part in textwrap.wrap(text, width)) if text else ""
        out.append(f"<b>{escape_text(label)}</b>: {body}")
    return "<br>".join(out)


def base_layout(fig: go.Figure, title: str, height: int = 480) -> go.Figure:
    """Apply the shared layout: plain template, title, font, height, margins."""
    # A named template would be written out in full (about 9 KB) into every chart of every
    # notebook and report; these few settings give the same plain look.
    fig.update_layout(
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        title={"text": escape_text(title), "x": 0, "xanchor": "left"},
        font={"family": FONT_FAMILY, "size": 13},
        height=height,
        margin={"l": 20, "r": 20, "t": 60, "b": 40},
        hoverlabel={"align": "left"},
    )
    axes = {
        "showline": True,
        "linecolor": "#444",
        "ticks": "outside",
        "zeroline": False,
        "automargin": True,
    }
    fig.update_xaxes(**axes, gridcolor="#eee")
    fig.update_yaxes(**axes, gridcolor="#eee")
    return fig


def describe_in_words(fig: go.Figure, text: str) -> go.Figure:
    """Give ``fig`` the sentence a screen reader hears in place of a generic description."""
    fig.update_layout(meta={"description": text})
    return fig


def describe_figures(
    figures: pd.DataFrame, stances: pd.DataFrame | None = None, *, noun: str = "troops"
) -> str:
    """Say what a chart of normalised figures shows, in words a reader checks against it.

    The span runs over the ends the figures state; an open bound is named as such, never as
    the chart's frame.

    >>> frame = pd.DataFrame({"claimant_name": ["A", "B"], "troops_low": [1500, 3000],
    ...     "troops_high": [1500, pd.NA], "is_low_open": [False, False],
    ...     "is_high_open": [False, True], "claimed_on": pd.to_datetime(["2024-10-18",
    ...     "2024-10-23"])})
    >>> text = describe_figures(frame)
    >>> text.startswith("2 figures from 2 sources, 18 October 2024 to 23 October 2024.")
    True
    >>> text.endswith("from 1,500 to 1,500 troops; open-ended: ≥ 3,000 (B).")
    True
    """
    if figures.empty:
        return "No figure in this selection."
    first, last = figures["claimed_on"].min(), figures["claimed_on"].max()
    when = format_day(first) if first == last else f"{format_day(first)} to {format_day(last)}"
    sources = figures["claimant_name"].nunique()
    parts = [
        f"{len(figures)} figure{'s' if len(figures) != 1 else ''} from {sources} "
        f"source{'s' if sources != 1 else ''}, {when}."
    ]
    closed = figures[~figures["is_low_open"] & ~figures["is_high_open"]]
    opened = figures[figures["is_low_open"] | figures["is_high_open"]]
    span = []
    if not closed.empty:
        low, high = closed["troops_low"].min(), closed["troops_high"].max()
        span.append(f"Stated ends run from {format_troops(low)} to {format_troops(high)} {noun}")
    if not opened.empty:
        listed = ", ".join(
            f"{format_row_interval(r)} ({r['claimant_name']})" for r in opened.to_dict("records")
        )
        span.append(f"open-ended: {listed}")
    if span:
        parts.append("; ".join(span) + ".")
    if stances is not None and not stances.empty:
        counts = stances["stance"].value_counts()
        parts.append(
            "Stances: " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items()) + "."
        )
    return " ".join(parts)
