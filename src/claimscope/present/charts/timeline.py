"""The timeline chart of the troop-figures report: each figure against the date it was claimed."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from claimscope.analysis.evolution import flow_label, series_key
from claimscope.data.vocab import Vocabularies, load_vocabularies
from claimscope.present.charts.intervals import (
    claim_hover,
    interval_ends,
    interval_trace,
    troop_axis,
)
from claimscope.present.charts.style import (
    FALLBACK_COLOUR,
    add_source,
    base_layout,
    colour_of,
    describe_figures,
    describe_in_words,
    hover_text,
    source_note,
)
from claimscope.present.display import escape_text
from claimscope.present.formatting import format_date, format_row_interval

#: Spacing between claims made on the same date in the timeline, so none hides another.
SAME_DAY_SPREAD = pd.Timedelta(hours=8)
#: Half-width of the timeline's date axis when all claims fall within a few days.
MIN_DATE_PAD = pd.Timedelta(days=7)
#: Above this many figures the timeline shows the median and range per day and measure.
TIMELINE_POINTS = 150


def spread_same_day(dates: pd.Series) -> pd.Series:
    """Shift claims that share a date a few hours apart, centred on the date, in row order."""
    dates = pd.to_datetime(dates)
    position = dates.groupby(dates).cumcount()
    size = dates.groupby(dates).transform("size")
    return dates + (position - (size - 1) / 2) * SAME_DAY_SPREAD


def plot_figures_timeline(
    figures: pd.DataFrame,
    *,
    colours: dict[str, str],
    title: str = "Claimed troop figures over time",
    limit: int = TIMELINE_POINTS,
    vocab: Vocabularies | None = None,
    source: str | None = None,
    subtitle: str = "",
) -> go.Figure:
    """Draw each figure's interval against the date it was claimed, by claimant and measure.

    Colour is the claimant (shades of its party's hue), the marker shape the measure; the
    legend lists each once. A line joins each claimant's successive figures of one measure
    (how its estimate evolved). A flow (a figure over a period) has an open marker. The troops
    axis is logarithmic; an open bound is a dotted arrow from its stated end, down for "up
    to", up for "at least", never to 0 or the frame. Points carry no text (it overprints where
    estimates agree): hover and the data table give each figure. Claims on the same date are
    spread a few hours apart (hover gives the date); with one date the axis still spans two
    weeks around it. A source line under the chart names the documents.

    Args:
        figures: Output of ``claimscope.analysis.troops.normalise_figures``.
        colours: ``actor_colours`` of the full actors table.
        title: Chart title.
        limit: Above this many figures, draw the median and range per day and measure
            instead (see :func:`plot_timeline_by_day`).
        vocab: The dataset's vocabularies (the project's by default).
        source: The source line; by default, from the documents of the figures drawn.
        subtitle: What is plotted, in a line under the title.
    """
    if len(figures) > limit:
        return plot_timeline_by_day(figures, title=title, vocab=vocab, subtitle=subtitle)
    vocab = vocab or load_vocabularies()
    measure_symbols = vocab.lookup("measures", "symbol")
    fig = go.Figure()
    when = spread_same_day(figures["claimed_on"]) if len(figures) else figures["claimed_on"]
    in_legend: set[tuple[str, str]] = set()
    for (_, row), x in zip(figures.iterrows(), when, strict=True):
        colour = colour_of(colours, row["claimant_id"])
        hover = claim_hover(row, vocab)
        start, end, sym_start, sym_end, dash = interval_ends(row)
        sym_start = {"triangle-left": "triangle-down", "line-ns": "line-ew"}[sym_start]
        sym_end = {"triangle-right": "triangle-up", "line-ns": "line-ew"}[sym_end]
        flow = flow_label(row.get("period"))
        key = (row["claimant_id"], row["measure"], flow)
        symbol = measure_symbols.get(row["measure"], "circle")
        if flow and not symbol.endswith("-open"):
            symbol += "-open"  # a flow counts over a period: never read as a stock
        fig.add_trace(
            interval_trace(
                row,
                ([x, x], [start, end]),
                (sym_start, sym_end),
                dash,
                colour,
                hover,
                size=(3, 13),
                legend={"legendgroup": row["claimant_id"], "showlegend": False},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[float(row["troops_stated"])],
                mode="markers",
                marker={"symbol": symbol, "size": 13, "color": colour},
                text=[escape_text(" ".join(filter(None, (format_row_interval(row), flow))))],
                name=escape_text(
                    f"{row['claimant_name']} · {vocab.label('measures', row['measure'])}"
                    + (f" ({flow})" if flow else "")
                ),
                legendgroup=row["claimant_id"],
                showlegend=False,
                hovertext=[hover],
                hoverinfo="text",
                meta={"claim_id": row["claim_id"], "role": "stated"},
            )
        )
        in_legend.add(key)
    _join_series(fig, figures, when, colours)
    entries = _add_legend(fig, figures, colours, vocab, {key[1:] for key in in_legend})
    base_layout(fig, title, height=max(480, 250 + 22 * entries), subtitle=subtitle)
    if len(figures):
        first, last = figures["claimed_on"].min(), figures["claimed_on"].max()
        pad = max(MIN_DATE_PAD, (last - first) * 0.1)
        # The axis ends with the last figure's day: a date axis running past it would show
        # days after the report's date, when nothing was known yet.
        end = last.normalize() + SAME_DAY_SPREAD * 2
        fig.update_xaxes(range=[format_date(first - pad), end.isoformat()])
    fig.update_xaxes(type="date", title_text="date claimed", tickformat="%-d %b %Y")
    fig.update_yaxes(**troop_axis(figures, f"{vocab.subject.noun} (log scale)", fine=True))
    fig.update_layout(legend={"groupclick": "toggleitem", "tracegroupgap": 10})
    add_source(
        fig, source or source_note(figures.get("doc_title", []), claims=len(figures)), below=65
    )
    return describe_in_words(fig, describe_figures(figures, noun=vocab.subject.noun))


def _add_legend(
    fig: go.Figure,
    figures: pd.DataFrame,
    colours: dict[str, str],
    vocab: Vocabularies,
    measures: set[tuple[str, str]],
) -> int:
    """One legend entry per claimant (its colour) and per measure (its shape); returns how many."""
    symbols = vocab.lookup("measures", "symbol")
    claimants = dict(zip(figures["claimant_id"], figures["claimant_name"], strict=True))
    for number, (actor, name) in enumerate(claimants.items()):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=escape_text(name),
                marker={"symbol": "square", "size": 11, "color": colour_of(colours, actor)},
                legendgroup="claimant",
                legendgrouptitle={"text": "Claimant (colour)"} if number == 0 else None,
                hoverinfo="skip",
                meta={"role": "legend"},
            )
        )
    for number, (measure, flow) in enumerate(sorted(measures)):
        symbol = symbols.get(measure, "circle")
        if flow and not symbol.endswith("-open"):
            symbol += "-open"
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=escape_text(vocab.label("measures", measure) + (f" ({flow})" if flow else "")),
                marker={"symbol": symbol, "size": 11, "color": FALLBACK_COLOUR},
                legendgroup="measure",
                legendgrouptitle={"text": "Measure (shape)"} if number == 0 else None,
                hoverinfo="skip",
                meta={"role": "legend"},
            )
        )
    return len(claimants) + len(measures) + 3


def _join_series(
    fig: go.Figure, figures: pd.DataFrame, when: pd.Series, colours: dict[str, str]
) -> None:
    """Join each claimant's successive figures of one measure and period, in date order."""
    if figures.empty:
        return
    frame = figures.assign(_x=when.to_numpy(), _key=series_key(figures))
    for _, series in frame.groupby("_key", sort=True):
        if len(series) < 2:
            continue
        series = series.sort_values(["claimed_on", "claim_id"], kind="stable")
        first = series.iloc[0]
        fig.add_trace(
            go.Scatter(
                x=series["_x"].tolist(),
                y=series["troops_stated"].astype("float64").tolist(),
                mode="lines",
                line={"color": colour_of(colours, first["claimant_id"]), "width": 1.5},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=first["claimant_id"],
                meta={"claim_ids": series["claim_id"].tolist(), "role": "evolution"},
            )
        )
    _draw_revisions(fig, frame)


def _draw_revisions(fig: go.Figure, frame: pd.DataFrame) -> None:
    """Join each figure that ``revises`` another to it by a dotted line, whoever gave either."""
    if "revises" not in frame:
        return
    at = {
        c: (x, y)
        for c, x, y in zip(frame["claim_id"], frame["_x"], frame["troops_stated"], strict=True)
    }
    shown = False
    for claim_id, revised in zip(frame["claim_id"], frame["revises"], strict=True):
        if not isinstance(revised, str) or revised not in at:
            continue
        (x0, y0), (x1, y1) = at[revised], at[claim_id]
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[float(y0), float(y1)],
                mode="lines",
                line={"color": "#444", "width": 1.5, "dash": "dot"},
                name="revision",
                legendgroup="revision",
                showlegend=not shown,
                hovertext=f"{escape_text(claim_id)} revises {escape_text(revised)}",
                hoverinfo="text",
                meta={"claim_ids": [revised, claim_id], "role": "revision"},
            )
        )
        shown = True


def plot_timeline_by_day(
    figures: pd.DataFrame,
    *,
    title: str = "Claimed troop figures over time",
    vocab: Vocabularies | None = None,
    subtitle: str = "",
) -> go.Figure:
    """Draw, per day and measure, the median stated figure with a bar from lowest to highest.

    The aggregate of :func:`plot_figures_timeline` for selections too large to draw figure by
    figure. Colour and marker give the measure; hover gives the day's count, median and range.
    """
    vocab = vocab or load_vocabularies()
    measure_symbols = vocab.lookup("measures", "symbol")
    measure_colours = vocab.lookup("measures", "colour")
    fig = go.Figure()
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(figures["claimed_on"]).dt.normalize(),
            "measure": figures["measure"],
            "stated": figures["troops_stated"].astype("float64"),
        }
    )
    days = (
        frame.groupby(["measure", "day"])["stated"]
        .agg(["count", "median", "min", "max"])
        .reset_index()
    )
    for measure, group in days.groupby("measure", sort=True):
        label = vocab.label("measures", measure)
        fig.add_trace(
            go.Scatter(
                x=[format_date(d) for d in group["day"]],
                y=group["median"].round(1).tolist(),
                mode="markers",
                marker={
                    "symbol": measure_symbols.get(measure, "circle"),
                    "size": 8,
                    "color": colour_of(measure_colours, measure),
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (group["max"] - group["median"]).round(1).tolist(),
                    "arrayminus": (group["median"] - group["min"]).round(1).tolist(),
                    "thickness": 1,
                    "width": 0,
                },
                name=escape_text(label),
                hovertext=[
                    hover_text(
                        ("Date", format_date(d)),
                        ("Measure", label),
                        ("Figures", f"{n:,}"),
                        ("Median", f"{round(m):,}"),
                        ("Range", f"{round(lo):,} to {round(hi):,}"),
                    )
                    for d, n, m, lo, hi in zip(
                        group["day"],
                        group["count"],
                        group["median"],
                        group["min"],
                        group["max"],
                        strict=True,
                    )
                ],
                hoverinfo="text",
                meta={"measure": measure, "role": "daily"},
            )
        )
    note = f"{len(figures):,} figures, median per day and measure (bars: lowest to highest)"
    base_layout(fig, f"{title} — {note}", height=480, subtitle=subtitle)
    fig.update_xaxes(type="date", title_text="date claimed", tickformat="%d %b %Y")
    fig.update_yaxes(**troop_axis(figures, f"{vocab.subject.noun} (log scale)"))
    fig.update_layout(legend={"title": {"text": "Measure"}})
    add_source(fig, source_note(figures.get("doc_title", []), claims=len(figures)))
    described = describe_figures(figures, noun=vocab.subject.noun)
    return describe_in_words(fig, f"{note}. {described}")
