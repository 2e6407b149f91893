"""Charts of the troop-figures report: figures by source and stance by actor, and their parts.

Each builder is pure: frames from :mod:`claimscope.analysis.troops` and the colour map of
``style.actor_colours`` (built from the full actors table) in, a plotly figure out; stance and
measure colours and symbols come from the vocabularies. Every text plotly renders (hover,
labels, tick labels) is escaped, because quotes and names are untrusted.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from claimscope.analysis.stances import aggregate_by_claimant
from claimscope.data.vocab import Vocabularies, load_vocabularies
from claimscope.present.charts.style import (
    base_layout,
    colour_of,
    describe_figures,
    describe_in_words,
    hover_text,
)
from claimscope.present.display import escape_text
from claimscope.present.formatting import format_date, format_row_interval, text_of

#: Headroom beyond the largest figure, where open upper bounds end in an arrow.
AXIS_HEADROOM = 1.2
#: Above this many claims the figures-by-source chart shows one row per claimant, and at most
#: this many claimants (those with most claims): a row per claim stops being readable, and a
#: trace per claim makes a page of megabytes that a browser draws for minutes.
SOURCE_ROWS = 60
#: Most claimants the stance chart shows one by one; the rest are summed in one bar.
STANCE_ACTORS = 40


def claim_hover(row: pd.Series, vocab: Vocabularies) -> str:
    """Return the hover text of one claim: who, what, when, grade, quote and document."""
    lines: list[tuple[str, object]] = [
        ("Claimant", row["claimant_name"]),
        ("Stance", vocab.label("stances", row.get("stance"))),
        ("On", row.get("proposition_label")),
    ]
    if "stated_figure" in row.index:
        noun = vocab.subject.noun
        lines += [("Stated", row["stated_figure"]), (noun.capitalize(), format_row_interval(row))]
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


def axis_max_of(figures: pd.DataFrame) -> float:
    """Return the troops axis' upper end: the largest figure plus headroom for arrows."""
    values = pd.concat([figures["troops_low"], figures["troops_high"], figures["troops_stated"]])
    values = values.dropna()
    return float(values.max()) * AXIS_HEADROOM if len(values) else 1.0


def _lay_out_rows_and_lane(fig: go.Figure, ticks: list, axis_max: float, lane: list, noun: str):
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
    fig.update_xaxes(range=[0, axis_max], title_text=noun, tickformat=",d", row=1, col=1)
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


def _source_grid(noun: str, marks: str, stance_title: str) -> go.Figure:
    """The two panels every figures-by-source chart shares: the counted noun, the stance lane."""
    return make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.74, 0.26],
        horizontal_spacing=0.03,
        subplot_titles=(f"{noun.capitalize()} ({marks})", stance_title),
    )


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


def interval_ends(row: pd.Series, axis_max: float) -> tuple[float, float, str, str, str]:
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
    *,
    colours: dict[str, str],
    title: str = "Claimed North Korean troop figures, by source",
    limit: int = SOURCE_ROWS,
    vocab: Vocabularies | None = None,
) -> go.Figure:
    """Draw each claim as a row: its troop interval on the left, its stance in a lane on the right.

    Closed intervals are solid with bars at both ends; an open bound is a dashed line running
    to the axis edge, ending in an arrow, with a "≤"/"≥" label. The diamond marks the stated
    figure (at the middle unit size for figures stated in units). Denials, "not verified" and
    deployments without a number are rows with no interval; the stance lane shows every row's
    stance, so assertion, denial and non-verification stand side by side.

    Args:
        figures: Output of ``claimscope.analysis.troops.normalise_figures``.
        stances: Output of ``claimscope.analysis.stances.list_stances``.
        colours: ``actor_colours`` of the full actors table.
        title: Chart title.
        limit: Above this many claims, draw one row per claimant instead (see
            :func:`plot_sources_by_claimant`).
        vocab: The dataset's vocabularies (the project's by default).
    """
    others = stances[~stances["claim_id"].isin(figures["claim_id"])]
    if len(figures) + len(others) > limit:
        return plot_sources_by_claimant(
            figures, stances, colours=colours, title=title, limit=limit, vocab=vocab
        )
    vocab = vocab or load_vocabularies()
    labels, order = vocab.lookup("stances", "label"), vocab.stance_order
    stance_symbols = vocab.lookup("stances", "symbol")
    rows = [*(r for _, r in figures.iterrows()), *(r for _, r in others.iterrows())]
    fig = _source_grid(vocab.subject.noun, "◆ stated figure", "Stance")
    axis_max = axis_max_of(figures)
    lane = [labels[s] for s in order]
    figure_ids = set(figures["claim_id"])
    in_legend: set[str] = set()
    for y, row in enumerate(rows):
        colour = colour_of(colours, row["claimant_id"])
        hover = claim_hover(row, vocab)
        group = row["claimant_id"]
        first = group not in in_legend
        in_legend.add(group)
        if row["claim_id"] in figure_ids:
            start, end, sym_start, sym_end, dash = interval_ends(row, axis_max)
            fig.add_trace(
                interval_trace(
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
            label = f"{text_of(row['stated_figure'])} ({format_row_interval(row)})"
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
            what = " ".join(x for x in (text_of(row["activity"]), text_of(row["location"])) if x)
            about = text_of(row.get("proposition_label"))
            note = labels[row["stance"]] + (f": {about}" if about else "")
            note += (f" ({what})" if what else "") + " — no figure"
            fig.add_trace(
                _no_figure_trace(
                    y, note, colour, hover, {"claim_id": row["claim_id"]}, legendgroup=group
                ),
                row=1,
                col=1,
            )
        fig.add_trace(
            go.Scatter(
                x=[labels[row["stance"]]],
                y=[y],
                mode="markers",
                marker={
                    "symbol": stance_symbols[row["stance"]],
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
    ticks = [f"{escape_text(r['claimant_name'])} · {format_date(r['claimed_on'])}" for r in rows]
    base_layout(fig, title, height=160 + 44 * max(len(rows), 1))
    _lay_out_rows_and_lane(fig, ticks, axis_max, lane, vocab.subject.noun)
    fig.update_layout(legend={"title": {"text": "Claimant"}, "traceorder": "grouped"})
    return describe_in_words(fig, describe_figures(figures, others, noun=vocab.subject.noun))


def plot_sources_by_claimant(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    colours: dict[str, str],
    title: str = "Claimed North Korean troop figures, by source",
    limit: int = SOURCE_ROWS,
    vocab: Vocabularies | None = None,
) -> go.Figure:
    """Draw one row per claimant: the span of its figures, their median, its stances counted.

    The aggregate of :func:`plot_figures_by_source` for selections too large to draw claim by
    claim. The line runs from the claimant's lowest closed lower bound to its highest closed
    upper bound (dashed to the axis edge where a bound is open); the diamond is its median
    stated figure; the stance lane counts its claims per stance. At most ``limit`` claimants,
    those with most claims, are drawn; the title says how many claims and claimants are
    behind the chart and how many were left out.
    """
    vocab = vocab or load_vocabularies()
    labels, order = vocab.lookup("stances", "label"), vocab.stance_order
    stance_symbols = vocab.lookup("stances", "symbol")
    summary = aggregate_by_claimant(figures, stances, vocab=vocab)
    shown = summary.iloc[:limit]
    fig = _source_grid(vocab.subject.noun, "◆ median stated figure", "Stance (claims)")
    axis_max = axis_max_of(figures)
    lane = [labels[s] for s in order]
    for y, row in enumerate(shown.to_dict("records")):
        colour = colour_of(colours, row["claimant_id"])
        name = escape_text(row["claimant_name"])
        counts = [(s, int(row[s])) for s in order if row[s]]
        span = _span_text(row)
        hover = hover_text(
            ("Claimant", row["claimant_name"]),
            ("Claims", row["claims"]),
            ("Figures", row["figures"]),
            (vocab.subject.noun.capitalize(), span),
            ("Stances", "; ".join(_stance_on(labels[s], a, n) for s, a, n in row["stances_on"])),
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
            note = ", ".join(f"{labels[s]} {n:,}" for s, n in counts) + " — no figure"
            fig.add_trace(
                _no_figure_trace(y, note, colour, hover, {"claimant_id": row["claimant_id"]}),
                row=1,
                col=1,
            )
        fig.add_trace(
            go.Scatter(
                x=[labels[s] for s, _ in counts],
                y=[y] * len(counts),
                mode="markers+text",
                marker={
                    "symbol": [stance_symbols[s] for s, _ in counts],
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
    _lay_out_rows_and_lane(fig, ticks, axis_max, lane, vocab.subject.noun)
    fig.update_layout(showlegend=False)
    return fig


def _stance_on(stance: str, about: str, count: int) -> str:
    """One stance of a claimant, told with what it is about: "denies (the figure is right) 1"."""
    return f"{stance} ({about}) {count:,}" if about else f"{stance} {count:,}"


def _span_text(row: dict) -> str:
    if not row["figures"]:
        return ""
    low = "open" if row["is_low_open"] else f"{int(row['low']):,}"
    high = "open" if row["is_high_open"] or pd.isna(row["high"]) else f"{int(row['high']):,}"
    return f"{low} to {high}, median {int(round(float(row['median']))):,}"


def plot_stance_by_actor(
    counts: pd.DataFrame,
    *,
    colours: dict[str, str],
    title: str = "Who asserts, denies, does not deny, cannot verify or confirms what",
    limit: int = STANCE_ACTORS,
    vocab: Vocabularies | None = None,
) -> go.Figure:
    """Draw stacked horizontal bars: for each actor and proposition, its claims per stance.

    Bars are coloured by stance; one bar per claimant and proposition ("Russia · sent to
    Russia"), so a stance on one proposition never adds to another's. Each tick label is in the
    actor's own colour, the same as in every other chart.

    Args:
        counts: Output of ``claimscope.analysis.stances.count_stances`` (most claims first).
        colours: ``actor_colours`` of the full actors table.
        title: Chart title.
        limit: Most claimants drawn one by one; the others are summed in a last bar, and the
            title says how many.
        vocab: The dataset's vocabularies (the project's by default).
    """
    vocab = vocab or load_vocabularies()
    labels, order = vocab.lookup("stances", "label"), vocab.stance_order
    stance_colours = vocab.lookup("stances", "colour")
    if len(counts) > limit:
        rest = counts.iloc[limit:]
        other = {"claimant_id": "", "claimant_name": f"{len(rest):,} other bars"}
        other.update({s: int(rest[s].sum()) for s in (*order, "total")})
        counts = pd.concat([counts.iloc[:limit], pd.DataFrame([other])], ignore_index=True)
        title = f"{title} — the {limit:,} bars of the claimants with most claims, then the rest"
    fig = go.Figure()
    positions = list(range(len(counts)))
    abouts = [
        text_of(a) for a in counts.get("proposition_label", pd.Series("", index=counts.index))
    ]
    for stance in order:
        values = [int(v) for v in counts[stance]] if len(counts) else []
        fig.add_trace(
            go.Bar(
                x=values,
                y=positions,
                orientation="h",
                name=labels[stance],
                marker={"color": colour_of(stance_colours, stance)},
                text=[str(v) if v else "" for v in values],
                textposition="inside",
                hovertext=[
                    hover_text(
                        ("Claimant", name), ("On", on), ("Stance", labels[stance]), ("Claims", v)
                    )
                    for name, on, v in zip(counts["claimant_name"], abouts, values, strict=True)
                ],
                hoverinfo="text",
                meta={"stance": stance},
                # A stance no claimant takes would only crowd the legend out of a short chart.
                showlegend=any(values),
            )
        )
    shown = sum(any(trace.x) for trace in fig.data)
    ticks = [
        f'<span style="color:{colour_of(colours, actor)}">'
        f"{escape_text(name + (f' · {on}' if on else ''))}</span>"
        for actor, name, on in zip(
            counts["claimant_id"], counts["claimant_name"], abouts, strict=True
        )
    ]
    # Tall enough for the legend too, which lists one stance per line.
    base_layout(fig, title, height=140 + max(36 * max(len(counts), 1), 22 * shown))
    fig.update_layout(barmode="stack", legend={"title": {"text": "Stance"}})
    fig.update_yaxes(
        tickvals=positions,
        ticktext=ticks,
        range=[len(counts) - 0.5, -0.5],
        automargin=True,
    )
    fig.update_xaxes(title_text="claims", dtick=1, rangemode="tozero")
    return fig
