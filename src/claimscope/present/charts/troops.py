"""Charts of the troop-figures report: figures by source and stance by actor, and their parts.

Each builder is pure: frames from :mod:`claimscope.analysis.troops` and the colour map of
``style.actor_colours`` (built from the full actors table) in, a plotly figure out; stance and
measure colours and symbols come from the vocabularies. Every text plotly renders (hover,
labels, tick labels) is escaped, because quotes and names are untrusted.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from claimscope.analysis.stances import aggregate_by_claimant
from claimscope.data.vocab import Vocabularies, load_vocabularies
from claimscope.present.charts.intervals import (
    OPEN_REACH,
    claim_hover,
    interval_ends,
    interval_trace,
    troop_axis,
)
from claimscope.present.charts.style import (
    add_source,
    base_layout,
    colour_of,
    describe_figures,
    describe_in_words,
    hover_text,
    source_note,
    title_room,
)
from claimscope.present.display import escape_text
from claimscope.present.formatting import format_date, format_row_interval, text_of

#: Above this many claims the figures-by-source chart shows one row per claimant, and at most
#: this many claimants (those with most claims): a row per claim stops being readable, and a
#: trace per claim makes a page of megabytes that a browser draws for minutes.
SOURCE_ROWS = 60
#: Most claimants the stance chart shows one by one; the rest are summed in one bar.
STANCE_ACTORS = 40
#: A row label's second line (the figure as stated, or what a claim without one says) wraps
#: at this many characters; each label line takes ``LINE_PX`` of the row's height.
ROW_LABEL_CHARS = 44
LINE_PX = 18


def row_label(name: str, colour: str, when: str, detail: str) -> str:
    """A row's tick label: the claimant in its colour and the date, then what the row shows.

    >>> row_label("NIS", "#123456", "2024-10-18", "about 1,500 (1,350–1,650)")
    '<span style="color:#123456">NIS</span> · 2024-10-18<br>about 1,500 (1,350–1,650)'
    """
    head = f'<span style="color:{colour}">{escape_text(name)}</span>'
    head += f" · {escape_text(when)}" if when else ""
    lines = textwrap.wrap(detail, ROW_LABEL_CHARS)
    return "<br>".join([head, *(escape_text(line) for line in lines)])


def _lay_out_rows_and_lane(
    fig: go.Figure, ticks: list[str], figures: pd.DataFrame, lane: list, noun: str = "troops"
):
    """Axes shared by both forms of the figures chart: one row per tick, then the stance lane.

    Returns the height the rows need.
    """
    lines = max((t.count("<br>") + 1 for t in ticks), default=1)
    fig.update_yaxes(
        tickvals=list(range(len(ticks))),
        ticktext=ticks,
        range=[len(ticks) - 0.5, -0.5],
        showgrid=True,
        automargin=True,
        row=1,
        col=1,
    )
    fig.update_xaxes(**troop_axis(figures, f"{noun} (◆ stated figure; log scale)"), row=1, col=1)
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=lane,
        range=[-0.5, len(lane) - 0.5],
        side="top",
        tickangle=-90,
        tickfont={"size": 12},
        row=1,
        col=2,
    )
    return (LINE_PX * lines + 10) * max(len(ticks), 1)


def _no_figure_trace(x: float, y: int, colour: str, hover: str, meta: dict) -> go.Scatter:
    """The short note that fills a row whose claim (or claimant) states no figure."""
    return go.Scatter(
        x=[x],
        y=[y],
        mode="text",
        text=["no figure"],
        textposition="middle right",
        textfont={"color": colour},
        showlegend=False,
        hovertext=[hover],
        hoverinfo="text",
        meta={**meta, "role": "no_figure"},
    )


def _source_grid() -> go.Figure:
    """The two panels every figures-by-source chart shares: troops, then the stance lane."""
    return make_subplots(
        rows=1, cols=2, shared_yaxes=True, column_widths=[0.62, 0.38], horizontal_spacing=0.04
    )


def _left_edge(figures: pd.DataFrame) -> float:
    """The troops axis' lowest value, where a row without a figure says so."""
    return 10 ** troop_axis(figures)["range"][0] * 1.05


def plot_figures_by_source(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    colours: dict[str, str],
    title: str = "Claimed North Korean troop figures, by source",
    limit: int = SOURCE_ROWS,
    vocab: Vocabularies | None = None,
    source: str | None = None,
    subtitle: str = "",
) -> go.Figure:
    """Draw each claim as a row: its troop interval on the left, its stance in a lane on the right.

    Each row's label names the claimant (in its colour) and the date, then the figure as
    stated with the interval it stands for, or what a claim without a figure says: labels sit
    beside the plot, where they can neither be cut by its edge nor overprint each other. The
    troops axis is logarithmic. Closed intervals are solid with bars at both ends; an open
    bound is a dotted arrow from its stated end ("up to 6,000" points down from 6,000, never
    to 0; "at least 3,000" up from 3,000, never to the frame). The diamond marks the stated
    figure (at the middle unit size for figures stated in units). Denials, "not verified" and
    deployments without a number are rows with no interval; the stance lane shows every row's
    stance, so assertion, denial and non-verification stand side by side. A source line under
    the chart names the documents.

    Args:
        figures: Output of ``claimscope.analysis.troops.normalise_figures``.
        stances: Output of ``claimscope.analysis.stances.list_stances``.
        colours: ``actor_colours`` of the full actors table.
        title: Chart title (a finding: ``claimscope.present.chart_titles``).
        limit: Above this many claims, draw one row per claimant instead (see
            :func:`plot_sources_by_claimant`).
        vocab: The dataset's vocabularies (the project's by default).
        source: The source line; by default, from the documents of the rows drawn.
        subtitle: What is plotted, in a line under the title.
    """
    others = stances[~stances["claim_id"].isin(figures["claim_id"])]
    if len(figures) + len(others) > limit:
        return plot_sources_by_claimant(
            figures,
            stances,
            colours=colours,
            title=title,
            limit=limit,
            vocab=vocab,
            source=source,
            subtitle=subtitle,
        )
    vocab = vocab or load_vocabularies()
    labels, order = vocab.lookup("stances", "label"), vocab.stance_order
    stance_symbols = vocab.lookup("stances", "symbol")
    rows = [*(r for _, r in figures.iterrows()), *(r for _, r in others.iterrows())]
    fig = _source_grid()
    left = _left_edge(figures)
    lane = [labels[s] for s in order]
    figure_ids = set(figures["claim_id"])
    ticks = []
    for y, row in enumerate(rows):
        colour = colour_of(colours, row["claimant_id"])
        hover = claim_hover(row, vocab)
        if row["claim_id"] in figure_ids:
            start, end, sym_start, sym_end, dash = interval_ends(row)
            fig.add_trace(
                interval_trace(
                    row,
                    ([start, end], [y, y]),
                    (sym_start, sym_end),
                    dash,
                    colour,
                    hover,
                    size=(4, 14),
                    legend={"name": escape_text(row["claimant_name"]), "showlegend": False},
                ),
                row=1,
                col=1,
            )
            label = f"{text_of(row['stated_figure'])} ({format_row_interval(row)})"
            fig.add_trace(
                go.Scatter(
                    x=[float(row["troops_stated"])],
                    y=[y],
                    mode="markers",
                    marker={"symbol": "diamond", "size": 13, "color": colour},
                    text=[escape_text(label)],
                    name=escape_text(row["claimant_name"]),
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
            label = labels[row["stance"]] + (f": {about}" if about else "")
            label += f" ({what})" if what else ""
            fig.add_trace(
                _no_figure_trace(left, y, colour, hover, {"claim_id": row["claim_id"]}),
                row=1,
                col=1,
            )
        ticks.append(row_label(row["claimant_name"], colour, format_date(row["claimed_on"]), label))
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
                showlegend=False,
                hovertext=[hover],
                hoverinfo="text",
                meta={"claim_id": row["claim_id"], "role": "stance"},
            ),
            row=1,
            col=2,
        )
    base_layout(fig, title, subtitle=subtitle)
    rows_px = _lay_out_rows_and_lane(fig, ticks, figures, lane, vocab.subject.noun)
    top = 150 + 2 * title_room(fig)
    fig.update_layout(showlegend=False, height=rows_px + 260 + title_room(fig), margin={"t": top})
    titles = [r.get("doc_title", r.get("doc_id")) for r in rows]
    add_source(fig, source or source_note(titles, claims=len(rows)), below=65)
    return describe_in_words(fig, describe_figures(figures, others, noun=vocab.subject.noun))


def plot_sources_by_claimant(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    colours: dict[str, str],
    title: str = "Claimed North Korean troop figures, by source",
    limit: int = SOURCE_ROWS,
    vocab: Vocabularies | None = None,
    source: str | None = None,
    subtitle: str = "",
) -> go.Figure:
    """Draw one row per claimant: the span of its figures, their median, its stances counted.

    The aggregate of :func:`plot_figures_by_source` for selections too large to draw claim by
    claim. The line runs from the claimant's lowest closed lower bound to its highest closed
    upper bound (a dotted arrow where a bound is open); the diamond is its median
    stated figure; the stance lane counts its claims per stance. At most ``limit`` claimants,
    those with most claims, are drawn; the title says how many claims and claimants are
    behind the chart and how many were left out.
    """
    vocab = vocab or load_vocabularies()
    labels, order = vocab.lookup("stances", "label"), vocab.stance_order
    stance_symbols = vocab.lookup("stances", "symbol")
    summary = aggregate_by_claimant(figures, stances, vocab=vocab)
    shown = summary.iloc[:limit]
    fig = _source_grid()
    left = _left_edge(figures)
    ticks = []
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
            median = float(row["median"])
            start = median if pd.isna(row["low"]) else float(row["low"])
            end = median if pd.isna(row["high"]) else float(row["high"])
            start /= OPEN_REACH if row["is_low_open"] else 1
            end *= OPEN_REACH if row["is_high_open"] else 1
            open_end = row["is_low_open"] or row["is_high_open"]
            detail = f"{row['figures']:,} figures: {span}"
            fig.add_trace(
                go.Scatter(
                    x=[start, end, median],
                    y=[y, y, y],
                    mode="lines+markers",
                    line={"color": colour, "width": 4, "dash": "dot" if open_end else "solid"},
                    marker={
                        "symbol": [
                            "triangle-left" if row["is_low_open"] else "line-ns",
                            "triangle-right" if row["is_high_open"] else "line-ns",
                            "diamond",
                        ],
                        "size": [14, 14, 13],
                    },
                    marker_color=colour,
                    text=["", "", escape_text(detail)],
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
            detail = ", ".join(f"{labels[s]} {n:,}" for s, n in counts)
            fig.add_trace(
                _no_figure_trace(left, y, colour, hover, {"claimant_id": row["claimant_id"]}),
                row=1,
                col=1,
            )
        ticks.append(row_label(row["claimant_name"], colour, "", detail))
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
    base_layout(fig, f"{title} — {note}", subtitle=subtitle)
    rows_px = _lay_out_rows_and_lane(fig, ticks, figures, lane, vocab.subject.noun)
    top = 150 + 2 * title_room(fig)
    fig.update_layout(showlegend=False, height=rows_px + 260 + title_room(fig), margin={"t": top})
    titles = [*figures.get("doc_title", []), *stances.get("doc_title", [])]
    add_source(fig, source or source_note(titles, claims=int(summary["claims"].sum())), below=65)
    alone = stances[~stances["claim_id"].isin(figures["claim_id"])]
    described = describe_figures(figures, alone, noun=vocab.subject.noun)
    return describe_in_words(fig, f"{note}. {described}")


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
    source: str | None = None,
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
        source: The source line; by default, how many claims the bars count.
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
    add_source(fig, source or source_note(claims=int(counts["total"].sum())), below=55)
    totals = {labels[s]: int(counts[s].sum()) for s in order if int(counts[s].sum())}
    told = ", ".join(f"{n:,} {s}" for s, n in totals.items())
    who = "; ".join(
        f"{name}: " + ", ".join(f"{int(row[s])} {labels[s]}" for s in order if int(row[s]))
        for name, (_, row) in zip(counts["claimant_name"], counts.iterrows(), strict=True)
    )
    return describe_in_words(fig, f"{len(counts)} bars. Claims by stance: {told}. {who}.")
