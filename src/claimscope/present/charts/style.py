"""What every chart shares: one colour convention, escaping, base layout.

The colour convention: an actor has one colour in every chart of every report (from the full
actors table, :func:`actor_colours`); a vocabulary value (relation type, stance, measure) has
the colour its table in the data package gives it; anything without a colour is
``FALLBACK_COLOUR``. Every chart looks colours up through :func:`colour_of`.
"""

from __future__ import annotations

import colorsys
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
from claimscope.present.statements import claim_ids_of

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


#: One hue per party (degrees on the colour wheel), in the order the parties get them, largest
#: party first: the first six are far apart. Past the last, hues repeat.
PARTY_HUES = (215, 355, 38, 280, 130, 185, 320, 62, 250, 100, 18, 160)
#: HLS lightness of a party's darkest shade; its lightest is the lightest that still reaches
#: ``MIN_CONTRAST`` on white. Shades also turn the hue by up to ``HUE_TURN`` degrees each way.
DARKEST = 0.2
HUE_TURN = 6


def _hls(hue: float, lightness: float) -> str:
    rgb = colorsys.hls_to_rgb((hue % 360) / 360, lightness, 0.8)
    return "#" + "".join(f"{round(c * 255):02X}" for c in rgb)


def _lightest(hue: float) -> float:
    lightness = 0.6
    while contrast_ratio(_channels(_hls(hue, lightness)), (255, 255, 255)) < MIN_CONTRAST + 0.1:
        lightness -= 0.01
    return lightness


def party_of(actors: pd.DataFrame) -> dict[str, str]:
    """Map each actor to its party: the root of its ``parent_id`` chain.

    An actor with no parent that shares its country with exactly one state (the unnamed
    Ukrainian reports, say) belongs to that state's party; a table without ``parent_id``
    makes every actor its own party.

    >>> party_of(pd.DataFrame({"actor_id": ["s", "p", "u"], "parent_id": [None, "s", None],
    ...                        "kind": ["state", "person", "media"], "country": ["X", "X", "X"]}))
    {'s': 's', 'p': 's', 'u': 's'}
    """
    from claimscope.analysis.relations import find_root_actors

    ids = list(actors["actor_id"])
    if "parent_id" not in actors:
        return {a: a for a in ids}
    parents = actors[["actor_id", "parent_id"]].astype(object)
    roots = find_root_actors(parents.where(parents.notna(), ""))
    if {"kind", "country"} <= set(actors.columns):
        states = actors[actors["kind"] == "state"].dropna(subset=["country"])
        by_country = states.groupby("country")["actor_id"].agg(list)
        for actor, country in zip(actors["actor_id"], actors["country"], strict=True):
            state = by_country.get(country) if isinstance(country, str) else None
            if roots[actor] == actor and state is not None and len(state) == 1:
                roots[actor] = state[0]
    return roots


def actor_colours(actors: pd.DataFrame) -> dict[str, str]:
    """Give every actor of the full actors table its colour: its party's hue, its own shade.

    Parties (:func:`party_of`) get hues from :data:`PARTY_HUES`, the largest party first, so
    no two parties share a hue; a party's actors get shades of it from dark to light, in the
    table's row order. Every shade reaches ``MIN_CONTRAST`` on white. Pass the whole
    ``actors`` table, never a filtered one: the colour then depends only on the dataset, so the
    same claimant has the same colour in every chart of every report.

    >>> colours = actor_colours(pd.DataFrame({"actor_id": ["s", "p", "t"],
    ...                                       "parent_id": [None, "s", None]}))
    >>> colours["s"] != colours["p"], colours["t"]
    (True, '#A1121E')
    """
    parties = party_of(actors)
    members: dict[str, list[str]] = {}
    for actor in actors["actor_id"]:
        members.setdefault(parties.get(actor, actor), []).append(actor)
    ranked = sorted(members, key=lambda party: -len(members[party]))  # stable: table order
    colours = {}
    for number, party in enumerate(ranked):
        hue = PARTY_HUES[number % len(PARTY_HUES)]
        group = members[party]
        for i, actor in enumerate(group):
            step = i / (len(group) - 1) if len(group) > 1 else 0.5
            turned = hue + HUE_TURN * (2 * step - 1)
            lightness = DARKEST + (_lightest(turned) - DARKEST) * step
            colours[actor] = readable_colour(_hls(turned, lightness))
    return colours


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


#: A title's line length: two lines fit a notebook's 820 px output area; a phone rewraps.
TITLE_CHARS = 64
#: Room each line of the title block takes at the top of a chart, in pixels.
TITLE_LINE_PX = 22


def title_block(title: str, subtitle: str = "") -> str:
    """The chart title's text: the title wrapped to ``TITLE_CHARS``, then a smaller subtitle.

    Both are escaped (a title may quote a claimant's name).

    >>> print(title_block("Estimates rose", "Claimed figures <by source>"))
    Estimates rose<br><span style="font-size:13px;color:#555555">Claimed figures &lt;by \
source&gt;</span>
    """
    lines = [escape_text(part) for part in textwrap.wrap(text_of(title), TITLE_CHARS)]
    if subtitle:
        small = "<br>".join(escape_text(p) for p in textwrap.wrap(subtitle, TITLE_CHARS + 20))
        lines.append(f'<span style="font-size:13px;color:#555555">{small}</span>')
    return "<br>".join(lines)


def title_room(fig: go.Figure) -> int:
    """Pixels the title's lines beyond the first take (for a chart's top margin)."""
    text = fig.layout.title.text or ""
    return TITLE_LINE_PX * text.count("<br>")


def base_layout(fig: go.Figure, title: str, height: int = 480, subtitle: str = "") -> go.Figure:
    """Apply the shared layout: plain template, title (and subtitle), font, height, margins.

    A title that states a finding (a :class:`~claimscope.present.statements.Statement`) keeps
    the claim ids it rests on in ``layout.meta["title_claims"]``.
    """
    # A named template would be written out in full (about 9 KB) into every chart of every
    # notebook and report; these few settings give the same plain look.
    fig.update_layout(
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        # At the top of the chart, whatever the top margin: centred in a margin grown for top
        # tick labels, a title would run into them.
        title={
            "text": title_block(title, subtitle) if subtitle else escape_text(title),
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 14, "l": 4},
        },
        font={"family": FONT_FAMILY, "size": 13},
        height=height,
        margin={"l": 20, "r": 20, "t": 60, "b": 40},
        hoverlabel={"align": "left"},
    )
    # plotly centres a title's lines on its anchor: the pad keeps the first line in the chart.
    fig.update_layout(margin={"t": 60 + 2 * title_room(fig)}, title_pad_t=14 + title_room(fig))
    ids = claim_ids_of(title)
    if ids:
        fig.update_layout(meta={**dict(fig.layout.meta or {}), "title_claims": list(ids)})
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


#: The source line under a chart: its font size, and how many characters a line holds.
SOURCE_FONT = 11
SOURCE_CHARS = 60
#: Longest document title a source line quotes before shortening it.
SOURCE_TITLE_CHARS = 48


def source_note(titles: object = (), *, claims: int | None = None) -> str:
    """Say what a chart draws on: "Source: claimscope curation of N documents: …".

    ``titles`` are the documents' titles (or ids) behind the chart's data, repeats ignored;
    ``claims`` how many claims it shows. Long titles are shortened at a word.

    >>> source_note(["A report", "A report", "Note"], claims=3)
    'Source: claimscope curation of 3 claims in 2 documents: A report; Note.'
    >>> source_note(claims=1)
    'Source: claimscope curation of 1 claim.'
    """
    names = list(dict.fromkeys(text_of(t) for t in titles if text_of(t)))
    what = []
    if claims is not None:
        what.append(f"{claims:,} claim{'s' if claims != 1 else ''}")
    if names:
        count = f"{len(names):,} document{'s' if len(names) != 1 else ''}"
        what.append(("in " if what else "") + count)
    text = "Source: claimscope curation" + (" of " + " ".join(what) if what else "")
    if names:
        text += ": " + "; ".join(
            textwrap.shorten(n, SOURCE_TITLE_CHARS, placeholder=" …") for n in names
        )
    return text + "."


def add_source(
    fig: go.Figure, text: str, *, below: int = 50, chars: int = SOURCE_CHARS
) -> go.Figure:
    """Write ``text`` under the plot, left-aligned, ``below`` pixels under its bottom edge.

    ``below`` is the room the horizontal axis' ticks and title take; the bottom margin grows
    by the source line's height; lines hold at most ``chars`` characters. The text is kept in
    ``layout.meta["source"]`` too.
    """
    lines = textwrap.wrap(text, chars) or [""]
    fig.add_annotation(
        text="<br>".join(escape_text(line) for line in lines),
        name="source",
        xref="paper",
        x=0,
        xanchor="left",
        yref="paper",
        y=0,
        yanchor="top",
        yshift=-below,
        showarrow=False,
        align="left",
        font={"size": SOURCE_FONT, "color": "#555555"},
    )
    margin = fig.layout.margin.b if fig.layout.margin.b is not None else 40
    fig.update_layout(margin={"b": max(margin, below + 15 * len(lines) + 10)})
    meta = dict(fig.layout.meta or {})
    meta["source"] = text
    fig.update_layout(meta=meta)
    return fig


def describe_in_words(fig: go.Figure, text: str) -> go.Figure:
    """Give ``fig`` the sentence a screen reader hears in place of a generic description."""
    meta = dict(fig.layout.meta or {})
    meta["description"] = text
    fig.update_layout(meta=meta)
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
