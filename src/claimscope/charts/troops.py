"""Charts of the troop-figures report: figures by source, a timeline, and stance by actor.

Each builder is pure: frames from ``claimscope.figures`` and the colour map of
``style.actor_colours`` (built from the full actors table) in, a plotly figure out. Every text
plotly renders (hover, labels, tick labels) is escaped, because quotes and names are untrusted.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from claimscope.charts.style import base_layout, hover_text
from claimscope.display import escape_text
from claimscope.figures import STANCE_LABELS, STANCE_ORDER, format_interval

FALLBACK_COLOUR = "#777777"
#: Bar colours of the stance chart (the claimant's colour is on its tick label).
STANCE_COLOURS = {
    "asserts": "#3B5B92",
    "denies": "#B03A2E",
    "not_verified": "#D4A017",
    "confirms": "#2E8B57",
}
#: Marker of each stance in the stance lane of the figures-by-source chart.
STANCE_SYMBOLS = {
    "asserts": "circle",
    "denies": "x",
    "not_verified": "circle-open",
    "confirms": "star",
}
MEASURE_SYMBOLS = {
    "present": "diamond",
    "planned": "diamond-open",
    "in_combat": "square",
    "casualties": "x",
    "killed": "cross",
    "wounded": "star",
    "captured": "hourglass",
}
#: Headroom beyond the largest figure, where open upper bounds end in an arrow.
AXIS_HEADROOM = 1.2
#: Spacing between claims made on the same date in the timeline, so none hides another.
SAME_DAY_SPREAD = pd.Timedelta(hours=8)
#: Half-width of the timeline's date axis when all claims fall within a few days.
MIN_DATE_PAD = pd.Timedelta(days=7)


def _colour(colours: dict[str, str], actor_id: str) -> str:
    return colours.get(actor_id, FALLBACK_COLOUR)


def _date(value: object) -> str:
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def _interval(row: pd.Series) -> str:
    return format_interval(
        row["troops_low"], row["troops_high"], row["is_low_open"], row["is_high_open"]
    )


def claim_hover(row: pd.Series) -> str:
    """Return the hover text of one claim: who, what, when, grade, quote and document."""
    lines: list[tuple[str, object]] = [
        ("Claimant", row["claimant_name"]),
        ("Stance", STANCE_LABELS.get(row.get("stance") or "", "")),
    ]
    if "stated_figure" in row.index:
        lines += [("Stated", row["stated_figure"]), ("Troops", _interval(row))]
    lines += [
        ("Measure", str(row.get("measure", "")).replace("_", " ")),
        ("Activity", row.get("activity", "")),
        ("Location", row.get("location", "")),
        ("Date", _date(row["claimed_on"])),
        ("Hedges", row.get("hedges", "")),
        ("Grade", row["grade"]),
        ("Quote", row["quote"]),
        ("Document", f"{row['doc_title']} ({row['doc_id']})"),
        ("Claim", row["claim_id"]),
    ]
    return hover_text(*[(label, value) for label, value in lines if value not in ("", None)])


def _axis_max(figures: pd.DataFrame) -> float:
    values = pd.concat([figures["troops_low"], figures["troops_high"], figures["troops_stated"]])
    values = values.dropna()
    return float(values.max()) * AXIS_HEADROOM if len(values) else 1.0


def _interval_ends(row: pd.Series, axis_max: float) -> tuple[float, float, str, str, str]:
    """Return start, end, start symbol, end symbol and dash of an interval's line.

    An open bound runs dashed to the axis edge and ends in an arrow there.
    """
    if row["is_low_open"] and row["is_high_open"]:
        return 0.0, axis_max, "triangle-left", "triangle-right", "dash"
    if row["is_low_open"]:
        return 0.0, float(row["troops_high"]), "triangle-left", "line-ns", "dash"
    if row["is_high_open"]:
        return float(row["troops_low"]), axis_max, "line-ns", "triangle-right", "dash"
    return float(row["troops_low"]), float(row["troops_high"]), "line-ns", "line-ns", "solid"


def plot_figures_by_source(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    colours: dict[str, str],
    *,
    title: str = "Claimed North Korean troop figures, by source",
) -> go.Figure:
    """Draw each claim as a row: its troop interval on the left, its stance in a lane on the right.

    Closed intervals are solid with bars at both ends; an open bound is a dashed line running
    to the axis edge, ending in an arrow, with a "≤"/"≥" label. The diamond marks the stated
    figure (at the middle unit size for figures stated in units). Denials, "not verified" and
    deployments without a number are rows with no interval; the stance lane shows every row's
    stance, so assertion, denial and non-verification stand side by side.

    Args:
        figures: Output of ``claimscope.figures.normalise_figures``.
        stances: Output of ``claimscope.figures.list_stances``.
        colours: ``actor_colours`` of the full actors table.
        title: Chart title.
    """
    others = stances[~stances["claim_id"].isin(figures["claim_id"])]
    rows = [*(r for _, r in figures.iterrows()), *(r for _, r in others.iterrows())]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.74, 0.26],
        horizontal_spacing=0.03,
        subplot_titles=("Troops (◆ stated figure)", "Stance"),
    )
    axis_max = _axis_max(figures)
    lane = [STANCE_LABELS[s] for s in STANCE_ORDER]
    figure_ids = set(figures["claim_id"])
    in_legend: set[str] = set()
    for y, row in enumerate(rows):
        colour = _colour(colours, row["claimant_id"])
        hover = claim_hover(row)
        group = row["claimant_id"]
        first = group not in in_legend
        in_legend.add(group)
        if row["claim_id"] in figure_ids:
            start, end, sym_start, sym_end, dash = _interval_ends(row, axis_max)
            fig.add_trace(
                go.Scatter(
                    x=[start, end],
                    y=[y, y],
                    mode="lines+markers",
                    line={"color": colour, "width": 4, "dash": dash},
                    marker={
                        "symbol": [sym_start, sym_end],
                        "size": 14,
                        "color": colour,
                        "line": {"color": colour, "width": 2},
                    },
                    name=escape_text(row["claimant_name"]),
                    legendgroup=group,
                    showlegend=first,
                    hovertext=[hover, hover],
                    hoverinfo="text",
                    meta={"claim_id": row["claim_id"], "role": "interval"},
                ),
                row=1,
                col=1,
            )
            label = f"{row['stated_figure']} ({_interval(row)})"
            fig.add_trace(
                go.Scatter(
                    x=[float(row["troops_stated"])],
                    y=[y],
                    mode="markers+text",
                    marker={"symbol": "diamond", "size": 13, "color": colour},
                    text=[escape_text(label)],
                    textposition="top center",
                    textfont={"color": colour},
                    legendgroup=group,
                    showlegend=False,
                    hovertext=[hover],
                    hoverinfo="text",
                    meta={"claim_id": row["claim_id"], "role": "stated"},
                ),
                row=1,
                col=1,
            )
        else:
            what = " ".join(x for x in (row["activity"], row["location"]) if x)
            note = STANCE_LABELS[row["stance"]] + (f" {what}" if what else "") + " — no figure"
            fig.add_trace(
                go.Scatter(
                    x=[0],
                    y=[y],
                    mode="text",
                    text=[escape_text(note)],
                    textposition="middle right",
                    textfont={"color": colour},
                    legendgroup=group,
                    showlegend=False,
                    hovertext=[hover],
                    hoverinfo="text",
                    meta={"claim_id": row["claim_id"], "role": "no_figure"},
                ),
                row=1,
                col=1,
            )
        fig.add_trace(
            go.Scatter(
                x=[STANCE_LABELS[row["stance"]]],
                y=[y],
                mode="markers",
                marker={
                    "symbol": STANCE_SYMBOLS[row["stance"]],
                    "size": 14,
                    "color": colour,
                    "line": {"color": colour, "width": 2},
                },
                name=escape_text(row["claimant_name"]),
                legendgroup=group,
                showlegend=first and row["claim_id"] not in figure_ids,
                hovertext=[hover],
                hoverinfo="text",
                meta={"claim_id": row["claim_id"], "role": "stance"},
            ),
            row=1,
            col=2,
        )
    ticks = [f"{escape_text(r['claimant_name'])} · {_date(r['claimed_on'])}" for r in rows]
    base_layout(fig, title, height=160 + 44 * max(len(rows), 1))
    fig.update_yaxes(
        tickvals=list(range(len(rows))),
        ticktext=ticks,
        range=[len(rows) - 0.5, -0.7],
        showgrid=True,
        automargin=True,
        row=1,
        col=1,
    )
    fig.update_xaxes(range=[0, axis_max], title_text="troops", tickformat=",d", row=1, col=1)
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=lane,
        range=[-0.5, len(lane) - 0.5],
        row=1,
        col=2,
    )
    fig.update_layout(legend={"title": {"text": "Claimant"}, "traceorder": "grouped"})
    return fig


def spread_same_day(dates: pd.Series) -> pd.Series:
    """Shift claims that share a date a few hours apart, centred on the date, in row order."""
    dates = pd.to_datetime(dates)
    position = dates.groupby(dates).cumcount()
    size = dates.groupby(dates).transform("size")
    return dates + (position - (size - 1) / 2) * SAME_DAY_SPREAD


def plot_figures_timeline(
    figures: pd.DataFrame,
    colours: dict[str, str],
    *,
    title: str = "Claimed troop figures over time",
) -> go.Figure:
    """Draw each figure's interval against the date it was claimed, by claimant and measure.

    Colour is the claimant, the marker shape the measure. Open bounds run dashed to zero or to
    the top of the axis and end in an arrow. Claims on the same date are spread a few hours
    apart (hover gives the date); with one date the axis still spans two weeks around it.

    Args:
        figures: Output of ``claimscope.figures.normalise_figures``.
        colours: ``actor_colours`` of the full actors table.
        title: Chart title.
    """
    fig = go.Figure()
    axis_max = _axis_max(figures)
    when = spread_same_day(figures["claimed_on"]) if len(figures) else figures["claimed_on"]
    in_legend: set[tuple[str, str]] = set()
    for (_, row), x in zip(figures.iterrows(), when, strict=True):
        colour = _colour(colours, row["claimant_id"])
        hover = claim_hover(row)
        start, end, sym_start, sym_end, dash = _interval_ends(row, axis_max)
        sym_start = {"triangle-left": "triangle-down", "line-ns": "line-ew"}[sym_start]
        sym_end = {"triangle-right": "triangle-up", "line-ns": "line-ew"}[sym_end]
        key = (row["claimant_id"], row["measure"])
        fig.add_trace(
            go.Scatter(
                x=[x, x],
                y=[start, end],
                mode="lines+markers",
                line={"color": colour, "width": 3, "dash": dash},
                marker={
                    "symbol": [sym_start, sym_end],
                    "size": 13,
                    "color": colour,
                    "line": {"color": colour, "width": 2},
                },
                legendgroup=row["claimant_id"],
                showlegend=False,
                hovertext=[hover, hover],
                hoverinfo="text",
                meta={"claim_id": row["claim_id"], "role": "interval"},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[float(row["troops_stated"])],
                mode="markers+text",
                marker={
                    "symbol": MEASURE_SYMBOLS.get(row["measure"], "circle"),
                    "size": 13,
                    "color": colour,
                },
                text=[escape_text(_interval(row))],
                textposition="middle right",
                textfont={"color": colour},
                name=escape_text(
                    f"{row['claimant_name']} · {str(row['measure']).replace('_', ' ')}"
                ),
                legendgroup=row["claimant_id"],
                showlegend=key not in in_legend,
                hovertext=[hover],
                hoverinfo="text",
                meta={"claim_id": row["claim_id"], "role": "stated"},
            )
        )
        in_legend.add(key)
    base_layout(fig, title, height=480)
    if len(figures):
        first, last = figures["claimed_on"].min(), figures["claimed_on"].max()
        pad = max(MIN_DATE_PAD, (last - first) * 0.1)
        fig.update_xaxes(range=[_date(first - pad), _date(last + pad)])
    fig.update_xaxes(type="date", title_text="date claimed", tickformat="%d %b %Y")
    fig.update_yaxes(range=[0, axis_max], title_text="troops", tickformat=",d", rangemode="tozero")
    fig.update_layout(legend={"title": {"text": "Claimant · measure"}})
    return fig


def plot_stance_by_actor(
    counts: pd.DataFrame,
    colours: dict[str, str],
    *,
    title: str = "Who asserts, denies, cannot verify or confirms the deployment",
) -> go.Figure:
    """Draw stacked horizontal bars: for each actor, its claims per stance.

    Bars are coloured by stance; each actor's tick label is in the actor's own colour, the same
    as in every other chart.

    Args:
        counts: Output of ``claimscope.figures.count_stances``.
        colours: ``actor_colours`` of the full actors table.
        title: Chart title.
    """
    fig = go.Figure()
    positions = list(range(len(counts)))
    for stance in STANCE_ORDER:
        values = [int(v) for v in counts[stance]] if len(counts) else []
        fig.add_trace(
            go.Bar(
                x=values,
                y=positions,
                orientation="h",
                name=STANCE_LABELS[stance],
                marker={"color": STANCE_COLOURS[stance]},
                text=[str(v) if v else "" for v in values],
                textposition="inside",
                hovertext=[
                    hover_text(("Claimant", name), ("Stance", STANCE_LABELS[stance]), ("Claims", v))
                    for name, v in zip(counts["claimant_name"], values, strict=True)
                ],
                hoverinfo="text",
                meta={"stance": stance},
            )
        )
    ticks = [
        f'<span style="color:{_colour(colours, actor)}">{escape_text(name)}</span>'
        for actor, name in zip(counts["claimant_id"], counts["claimant_name"], strict=True)
    ]
    base_layout(fig, title, height=140 + 36 * max(len(counts), 1))
    fig.update_layout(barmode="stack", legend={"title": {"text": "Stance"}})
    fig.update_yaxes(
        tickvals=positions,
        ticktext=ticks,
        range=[len(counts) - 0.5, -0.5],
        automargin=True,
    )
    fig.update_xaxes(title_text="claims", dtick=1, rangemode="tozero")
    return fig
