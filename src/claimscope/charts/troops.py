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
#: Above this many claims the figures-by-source chart shows one row per claimant, and at most
#: this many claimants (those with most claims): a row per claim stops being readable, and a
#: trace per claim makes a page of megabytes that a browser draws for minutes.
SOURCE_ROWS = 60
#: Above this many figures the timeline shows the median and range per day and measure.
TIMELINE_POINTS = 150
#: Most claimants the stance chart shows one by one; the rest are summed in one bar.
STANCE_ACTORS = 40
#: Colours of the measures in the aggregated timeline (claimants are too many to colour).
MEASURE_COLOURS = {
    "present": "#3B5B92",
    "planned": "#7E7DCD",
    "in_combat": "#B03A2E",
    "casualties": "#D4A017",
    "killed": "#222A2A",
    "wounded": "#E48F72",
    "captured": "#2E8B57",
}


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


def _lay_out_rows_and_lane(fig: go.Figure, ticks: list[str], axis_max: float, lane: list) -> None:
    """Axes shared by both forms of the figures chart: one row per tick, then the stance lane."""
    fig.update_yaxes(
        tickvals=list(range(len(ticks))),
        ticktext=ticks,
        range=[len(ticks) - 0.5, -0.7],
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


def _no_figure_trace(
    y: str, note: str, colour: str, hover: str, meta: dict, legendgroup: str | None = None
) -> go.Scatter:
    """The text that fills a row whose claim (or claimant) states no figure."""
    return go.Scatter(
        x=[0],
        y=[y],
        mode="text",
        text=[escape_text(note)],
        textposition="middle right",
        textfont={"color": colour},
        legendgroup=legendgroup,
        showlegend=False,
        hovertext=[hover],
        hoverinfo="text",
        meta={**meta, "role": "no_figure"},
    )


def _label_position(x: float, axis_max: float) -> str:
    """Place a label so it stays inside the plot: rightwards near the left edge, and so on.

    >>> _label_position(500, 12000), _label_position(6000, 12000), _label_position(11000, 12000)
    ('top right', 'top center', 'top left')
    """
    if x < axis_max / 3:
        return "top right"
    return "top left" if x > 2 * axis_max / 3 else "top center"


def _source_grid(troops_title: str, stance_title: str) -> go.Figure:
    """The two panels every figures-by-source chart shares: troops, then the stance lane."""
    return make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.74, 0.26],
        horizontal_spacing=0.03,
        subplot_titles=(troops_title, stance_title),
    )


def _interval_trace(
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
    limit: int = SOURCE_ROWS,
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
        limit: Above this many claims, draw one row per claimant instead (see
            :func:`plot_sources_by_claimant`).
    """
    others = stances[~stances["claim_id"].isin(figures["claim_id"])]
    if len(figures) + len(others) > limit:
        return plot_sources_by_claimant(figures, stances, colours, title=title, limit=limit)
    rows = [*(r for _, r in figures.iterrows()), *(r for _, r in others.iterrows())]
    fig = _source_grid("Troops (◆ stated figure)", "Stance")
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
                _interval_trace(
                    row,
                    ([start, end], [y, y]),
                    (sym_start, sym_end),
                    dash,
                    colour,
                    hover,
                    size=(4, 14),
                    legend={
                        "name": escape_text(row["claimant_name"]),
                        "legendgroup": group,
                        "showlegend": first,
                    },
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
                    textposition=_label_position(float(row["troops_stated"]), axis_max),
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
                _no_figure_trace(
                    y, note, colour, hover, {"claim_id": row["claim_id"]}, legendgroup=group
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
    _lay_out_rows_and_lane(fig, ticks, axis_max, lane)
    fig.update_layout(legend={"title": {"text": "Claimant"}, "traceorder": "grouped"})
    return fig


def aggregate_by_claimant(figures: pd.DataFrame, stances: pd.DataFrame) -> pd.DataFrame:
    """Sum up each claimant's claims: figure count and span, median figure, count per stance.

    Returns:
        One row per claimant, most claims first (then claimant id): ``claimant_id``,
        ``claimant_name``, ``claims``, ``figures``, ``low`` (lowest closed lower bound; NA when
        every figure's lower bound is open), ``high`` (highest closed upper bound; NA when any
        upper bound is open), ``is_low_open``, ``is_high_open``, ``median`` (median stated
        figure) and one count column per stance of ``STANCE_ORDER``.
    """
    others = stances[~stances["claim_id"].isin(figures["claim_id"])]
    claims = pd.concat(
        [
            figures[["claimant_id", "claimant_name", "stance"]],
            others[["claimant_id", "claimant_name", "stance"]],
        ]
    )
    counts = pd.crosstab(claims["claimant_id"], claims["stance"]).reindex(
        columns=list(STANCE_ORDER), fill_value=0
    )
    out = pd.DataFrame(index=counts.index)
    out["claimant_name"] = claims.groupby("claimant_id")["claimant_name"].first()
    out["claims"] = counts.sum(axis=1)
    by = figures.groupby("claimant_id")
    out["figures"] = by.size().reindex(out.index, fill_value=0)
    low = figures["troops_low"].where(~figures["is_low_open"]).astype("Float64")
    high = figures["troops_high"].where(~figures["is_high_open"]).astype("Float64")
    out["low"] = low.groupby(figures["claimant_id"]).min().reindex(out.index)
    out["high"] = high.groupby(figures["claimant_id"]).max().reindex(out.index)
    out["is_low_open"] = by["is_low_open"].all().reindex(out.index, fill_value=False)
    out["is_high_open"] = by["is_high_open"].any().reindex(out.index, fill_value=False)
    stated = figures["troops_stated"].astype("Float64")
    out["median"] = stated.groupby(figures["claimant_id"]).median().reindex(out.index)
    for stance in STANCE_ORDER:
        out[stance] = counts[stance]
    out = out.reset_index(names="claimant_id")
    return out.sort_values(["claims", "claimant_id"], ascending=[False, True], kind="stable")


def plot_sources_by_claimant(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    colours: dict[str, str],
    *,
    title: str = "Claimed North Korean troop figures, by source",
    limit: int = SOURCE_ROWS,
) -> go.Figure:
    """Draw one row per claimant: the span of its figures, their median, its stances counted.

    The aggregate of :func:`plot_figures_by_source` for selections too large to draw claim by
    claim. The line runs from the claimant's lowest closed lower bound to its highest closed
    upper bound (dashed to the axis edge where a bound is open); the diamond is its median
    stated figure; the stance lane counts its claims per stance. At most ``limit`` claimants,
    those with most claims, are drawn; the title says how many claims and claimants are
    behind the chart and how many were left out.
    """
    summary = aggregate_by_claimant(figures, stances)
    shown = summary.iloc[:limit]
    fig = _source_grid("Troops (◆ median stated figure)", "Stance (claims)")
    axis_max = _axis_max(figures)
    lane = [STANCE_LABELS[s] for s in STANCE_ORDER]
    for y, row in enumerate(shown.to_dict("records")):
        colour = _colour(colours, row["claimant_id"])
        name = escape_text(row["claimant_name"])
        counts = [(s, int(row[s])) for s in STANCE_ORDER if row[s]]
        span = _span_text(row)
        hover = hover_text(
            ("Claimant", row["claimant_name"]),
            ("Claims", row["claims"]),
            ("Figures", row["figures"]),
            ("Troops", span),
            ("Stances", ", ".join(f"{STANCE_LABELS[s]} {n:,}" for s, n in counts)),
        )
        if row["figures"]:
            start = 0.0 if row["is_low_open"] else float(row["low"])
            end = axis_max if row["is_high_open"] or pd.isna(row["high"]) else float(row["high"])
            open_end = row["is_low_open"] or row["is_high_open"]
            fig.add_trace(
                go.Scatter(
                    x=[start, end, float(row["median"])],
                    y=[y, y, y],
                    mode="lines+markers+text",
                    line={"color": colour, "width": 4, "dash": "dash" if open_end else "solid"},
                    marker={"symbol": ["line-ns", "line-ns", "diamond"], "size": [14, 14, 13]},
                    marker_color=colour,
                    text=["", "", escape_text(f"{row['figures']:,} figures: {span}")],
                    textposition="top center",
                    textfont={"color": colour},
                    name=name,
                    showlegend=False,
                    hovertext=[hover] * 3,
                    hoverinfo="text",
                    meta={"claimant_id": row["claimant_id"], "role": "span"},
                ),
                row=1,
                col=1,
            )
        else:
            note = ", ".join(f"{STANCE_LABELS[s]} {n:,}" for s, n in counts) + " — no figure"
            fig.add_trace(
                _no_figure_trace(y, note, colour, hover, {"claimant_id": row["claimant_id"]}),
                row=1,
                col=1,
            )
        fig.add_trace(
            go.Scatter(
                x=[STANCE_LABELS[s] for s, _ in counts],
                y=[y] * len(counts),
                mode="markers+text",
                marker={
                    "symbol": [STANCE_SYMBOLS[s] for s, _ in counts],
                    "size": 14,
                    "color": colour,
                    "line": {"color": colour, "width": 2},
                },
                text=[f"{n:,}" for _, n in counts],
                textposition="middle right",
                showlegend=False,
                hovertext=[hover] * len(counts),
                hoverinfo="text",
                meta={"claimant_id": row["claimant_id"], "role": "stance"},
            ),
            row=1,
            col=2,
        )
    left_out = len(summary) - len(shown)
    note = (
        f"{int(summary['claims'].sum()):,} claims by {len(summary):,} claimants, one row each"
        + (
            f"; the {len(shown):,} with most claims shown, {left_out:,} left out"
            if left_out
            else ""
        )
    )
    base_layout(fig, f"{title} — {note}", height=160 + 30 * max(len(shown), 1))
    ticks = [escape_text(n) for n in shown["claimant_name"]]
    _lay_out_rows_and_lane(fig, ticks, axis_max, lane)
    fig.update_layout(showlegend=False)
    return fig


def _span_text(row: dict) -> str:
    if not row["figures"]:
        return ""
    low = "open" if row["is_low_open"] else f"{int(row['low']):,}"
    high = "open" if row["is_high_open"] or pd.isna(row["high"]) else f"{int(row['high']):,}"
    return f"{low} to {high}, median {int(round(float(row['median']))):,}"


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
    limit: int = TIMELINE_POINTS,
) -> go.Figure:
    """Draw each figure's interval against the date it was claimed, by claimant and measure.

    Colour is the claimant, the marker shape the measure. Open bounds run dashed to zero or to
    the top of the axis and end in an arrow. Claims on the same date are spread a few hours
    apart (hover gives the date); with one date the axis still spans two weeks around it.

    Args:
        figures: Output of ``claimscope.figures.normalise_figures``.
        colours: ``actor_colours`` of the full actors table.
        title: Chart title.
        limit: Above this many figures, draw the median and range per day and measure
            instead (see :func:`plot_timeline_by_day`).
    """
    if len(figures) > limit:
        return plot_timeline_by_day(figures, title=title)
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
            _interval_trace(
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


def plot_timeline_by_day(
    figures: pd.DataFrame, *, title: str = "Claimed troop figures over time"
) -> go.Figure:
    """Draw, per day and measure, the median stated figure with a bar from lowest to highest.

    The aggregate of :func:`plot_figures_timeline` for selections too large to draw figure by
    figure. Colour and marker give the measure; hover gives the day's count, median and range.
    """
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
        label = str(measure).replace("_", " ")
        fig.add_trace(
            go.Scatter(
                x=[_date(d) for d in group["day"]],
                y=group["median"].round(1).tolist(),
                mode="markers",
                marker={
                    "symbol": MEASURE_SYMBOLS.get(measure, "circle"),
                    "size": 8,
                    "color": MEASURE_COLOURS.get(measure, FALLBACK_COLOUR),
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
                        ("Date", _date(d)),
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
    base_layout(fig, f"{title} — {note}", height=480)
    fig.update_xaxes(type="date", title_text="date claimed", tickformat="%d %b %Y")
    fig.update_yaxes(
        range=[0, _axis_max(figures)], title_text="troops", tickformat=",d", rangemode="tozero"
    )
    fig.update_layout(legend={"title": {"text": "Measure"}})
    return fig


def plot_stance_by_actor(
    counts: pd.DataFrame,
    colours: dict[str, str],
    *,
    title: str = "Who asserts, denies, cannot verify or confirms the deployment",
    limit: int = STANCE_ACTORS,
) -> go.Figure:
    """Draw stacked horizontal bars: for each actor, its claims per stance.

    Bars are coloured by stance; each actor's tick label is in the actor's own colour, the same
    as in every other chart.

    Args:
        counts: Output of ``claimscope.figures.count_stances`` (most claims first).
        colours: ``actor_colours`` of the full actors table.
        title: Chart title.
        limit: Most claimants drawn one by one; the others are summed in a last bar, and the
            title says how many.
    """
    if len(counts) > limit:
        rest = counts.iloc[limit:]
        other = {"claimant_id": "", "claimant_name": f"{len(rest):,} other claimants"}
        other.update({s: int(rest[s].sum()) for s in (*STANCE_ORDER, "total")})
        counts = pd.concat([counts.iloc[:limit], pd.DataFrame([other])], ignore_index=True)
        title = f"{title} — the {limit:,} claimants with most claims, then the other {len(rest):,}"
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
