"""Charts of the competing-hypotheses report: the matrix, scores, diagnosticity, replay, grades."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from claimscope.present.charts.style import (
    PALETTE,
    add_source,
    base_layout,
    describe_in_words,
    hover_text,
    source_note,
)
from claimscope.present.display import escape_text
from claimscope.present.formatting import format_date, format_day, text_of

#: Pixels per claim row of the matrix and the diagnosticity chart.
ROW_HEIGHT = 22


def label_claims(cells: pd.DataFrame) -> dict[str, str]:
    """Return each claim's row label: id, claimant, date, and a dagger when the quote hedges."""
    labels = {}
    for row in cells.drop_duplicates("claim_id").itertuples(index=False):
        hedged = " †" if text_of(row.hedges) else ""
        who = text_of(getattr(row, "claimant_name", "")) or row.claimant_id
        labels[row.claim_id] = f"{row.claim_id} · {who} ({format_date(row.claimed_on)}){hedged}"
    return labels


def plot_matrix(cells: pd.DataFrame, scale: pd.DataFrame, *, title: str) -> go.Figure:
    """Draw the claims × hypotheses matrix, each cell coloured and labelled by its rating.

    Args:
        cells: ``gather_evidence`` output (with ``claimant_name`` when names are wanted).
        scale: The ``consistency_ratings`` table: its order and colours.
        title: Chart title.

    Hover gives the claim, its grade and hedges, the rating with the curator's reason, and the
    quote, every value escaped.
    """
    ratings = list(scale["rating"])
    position = {r: i for i, r in enumerate(ratings)}
    claims = list(dict.fromkeys(cells["claim_id"]))
    hypotheses = list(dict.fromkeys(cells["hypothesis_id"]))
    labels = label_claims(cells)
    labels_of = dict(zip(scale["rating"], scale["label"], strict=True))
    grid = cells.set_index(["claim_id", "hypothesis_id"])
    z, text, hover = [], [], []
    for claim in claims:
        z_row, text_row, hover_row = [], [], []
        for hypothesis in hypotheses:
            if (claim, hypothesis) not in grid.index:
                z_row.append(None)
                text_row.append("")
                hover_row.append("")
                continue
            cell = grid.loc[(claim, hypothesis)]
            z_row.append(position[cell["rating"]])
            text_row.append(escape_text(cell["rating"]))
            hover_row.append(
                hover_text(
                    ("Claim", labels[claim]),
                    ("Hypothesis", hypothesis),
                    ("Rating", f"{cell['rating']} ({labels_of[cell['rating']]})"),
                    ("Why", cell["note"]),
                    (
                        "Grade",
                        f"{text_of(cell['source_reliability'])}{text_of(cell['info_credibility'])}",
                    ),
                    ("Hedges", cell["hedges"]),
                    ("Quote", cell["quote"]),
                )
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    steps = len(ratings)
    colorscale = []
    for i, colour in enumerate(scale["colour"]):
        colorscale += [[i / steps, colour], [(i + 1) / steps, colour]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=hypotheses,
            y=[escape_text(labels[c]) for c in claims],
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=colorscale,
            zmin=-0.5,
            zmax=steps - 0.5,
            xgap=2,
            ygap=2,
            colorbar={
                "tickvals": list(range(steps)),
                "ticktext": [escape_text(r) for r in ratings],
                "title": {"text": "Rating"},
            },
        )
    )
    base_layout(fig, title, height=max(320, 200 + ROW_HEIGHT * len(claims)))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False)
    key = ", ".join(f"{r} {labels_of[r]}" for r in ratings)
    add_source(fig, f"Ratings: {key}. {_source(cells)}", below=10, chars=44)
    counts = cells["rating"].value_counts()
    told = ", ".join(f"{int(counts[r])} {labels_of[r]}" for r in ratings if r in counts)
    return describe_in_words(
        fig,
        f"{len(claims)} claims rated against {len(hypotheses)} hypotheses "
        f"({', '.join(hypotheses)}): {told}.",
    )


def _source(cells: pd.DataFrame) -> str:
    """The source line of a chart drawn from ``gather_evidence`` rows."""
    return source_note(cells.get("doc_id", []), claims=cells["claim_id"].nunique())


def plot_scores(
    scores: pd.DataFrame, *, title: str, weighted: bool, subtitle: str = ""
) -> go.Figure:
    """Draw each hypothesis's inconsistency score as a bar; the leading ones are marked.

    ``title`` may state the ranking (``chart_titles.state_lead``) over a neutral ``subtitle``.
    """
    fig = go.Figure(
        go.Bar(
            x=list(scores["hypothesis_id"]),
            y=list(scores["inconsistency"]),
            marker_color=[PALETTE[0] if lead else "#bbbbbb" for lead in scores["is_leading"]],
            text=[f"{v:g}" for v in scores["inconsistency"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    base_layout(fig, title, height=400, subtitle=subtitle)
    what = "weighted inconsistency" if weighted else "inconsistency"
    # Headroom above the tallest bar keeps every label outside its bar, on the white page:
    # plotly moves a label that does not fit into the bar, where it would lose its contrast.
    top = float(scores["inconsistency"].max()) if len(scores) else 0.0
    fig.update_yaxes(title_text=what, range=[0, max(top * 1.25, 1.0)])
    fig.update_xaxes(title_text="hypothesis")
    how = (
        "each inconsistent rating counts its claim's weight"
        if weighted
        else "each I (inconsistent) counts 1, each II 2"
    )
    add_source(fig, f"Lower is more likely: {how}. Source: claimscope curation.", below=60)
    ranked = scores.sort_values("inconsistency", kind="stable")
    told = "; ".join(
        f"{h} {v:g}" for h, v in zip(ranked["hypothesis_id"], ranked["inconsistency"], strict=True)
    )
    lead = ", ".join(scores.loc[scores["is_leading"], "hypothesis_id"])
    return describe_in_words(
        fig, f"Inconsistency by hypothesis, least first: {told}. Leading: {lead or 'none'}."
    )


def plot_diagnosticity(diagnosticity: pd.DataFrame, labels: dict[str, str], *, title: str):
    """Draw each claim's diagnosticity as a horizontal bar, most diagnostic at the top."""
    fig = go.Figure(
        go.Bar(
            x=list(diagnosticity["diagnosticity"]),
            y=[escape_text(labels.get(c, c)) for c in diagnosticity["claim_id"]],
            orientation="h",
            marker_color=PALETTE[1],
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    base_layout(fig, title, height=max(320, 180 + ROW_HEIGHT * len(diagnosticity)))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="diagnosticity", rangemode="tozero")
    add_source(
        fig,
        "Diagnosticity: how far a claim's ratings differ across the hypotheses; "
        "0 rates them all alike. Source: claimscope curation.",
        below=60,
    )
    values = diagnosticity["diagnosticity"]
    top = diagnosticity.iloc[0] if len(diagnosticity) else None
    told = (
        f"{len(diagnosticity)} claims; {int((values > 0).sum())} tell the hypotheses apart. "
        f"Most diagnostic: {labels.get(top['claim_id'], top['claim_id'])} "
        f"({top['diagnosticity']:g})."
        if top is not None
        else "No rated claim."
    )
    return describe_in_words(fig, told)


def plot_replay(replay: pd.DataFrame, *, title: str) -> go.Figure:
    """Draw each hypothesis's inconsistency on every date rated evidence arrived, one line each."""
    fig = go.Figure()
    for i, (hypothesis, group) in enumerate(replay.groupby("hypothesis_id", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=[format_date(d) for d in group["as_of"]],
                xhoverformat="%-d %b %Y",
                y=list(group["inconsistency"]),
                customdata=list(group["claims"]),
                mode="lines+markers",
                name=escape_text(hypothesis),
                line={"color": PALETTE[i % len(PALETTE)]},
                hovertemplate=f"{escape_text(hypothesis)} on %{{x}}: %{{y}} "
                "(%{customdata} rated claims known)<extra></extra>",
            )
        )
    base_layout(fig, title, height=440)
    # A date axis: 21 Oct, 23 Oct and 4 Nov stand as far apart as they are.
    fig.update_xaxes(title_text="as of", type="date", tickformat="%-d %b %Y")
    fig.update_yaxes(title_text="inconsistency", rangemode="tozero")
    add_source(
        fig,
        "Lower is more likely. Each point: the scores on the claims known that day. "
        "Source: claimscope curation.",
        below=60,
    )
    if replay.empty:
        return describe_in_words(fig, "No rated claim yet.")
    last = replay[replay["as_of"] == replay["as_of"].max()].sort_values("inconsistency")
    told = "; ".join(
        f"{h} {v:g}" for h, v in zip(last["hypothesis_id"], last["inconsistency"], strict=True)
    )
    days = ", ".join(dict.fromkeys(format_day(d) for d in replay["as_of"]))
    return describe_in_words(
        fig, f"Inconsistency on each date evidence arrived ({days}). Latest: {told}."
    )


def plot_grade_grid(
    counts: pd.DataFrame,
    names: dict[str, str],
    reliability: pd.DataFrame,
    credibility: pd.DataFrame,
    *,
    title: str,
) -> go.Figure:
    """Draw how many claims sit in each Admiralty cell: overall, and per claimant by a menu.

    Args:
        counts: ``claimscope.analysis.grades.count_grades`` output.
        names: ``actor_id`` to name, for the menu.
        reliability: The ``source_reliability`` table (rows: the letters, best first).
        credibility: The ``info_credibility`` table (columns: the digits, best first).
        title: Chart title.
    """
    letters = list(reliability["source_reliability"])
    digits = [int(d) for d in credibility["info_credibility"]]
    groups = [("All claimants", counts)]
    groups += [
        (names.get(who, who), group) for who, group in counts.groupby("claimant_id", sort=True)
    ]
    fig = go.Figure()
    for i, (name, group) in enumerate(groups):
        table = group.groupby(["source_reliability", "info_credibility"])["claims"].sum()
        z = [[int(table.get((letter, digit), 0)) for digit in digits] for letter in letters]
        fig.add_trace(
            go.Heatmap(
                z=z,
                x=[str(d) for d in digits],
                y=letters,
                text=[[str(v) if v else "" for v in row] for row in z],
                texttemplate="%{text}",
                colorscale="Blues",
                zmin=0,
                showscale=i == 0,
                visible=i == 0,
                name=escape_text(name),
                hovertemplate="%{y}%{x}: %{z} claim(s)<extra></extra>",
                xgap=2,
                ygap=2,
            )
        )
    buttons = [
        {
            # short enough that the menu fits a phone's width
            "label": escape_text(textwrap.shorten(name, 26, placeholder=" …")),
            "method": "update",
            "args": [{"visible": [j == i for j in range(len(groups))]}],
        }
        for i, (name, _) in enumerate(groups)
    ]
    base_layout(fig, title, height=460)
    # The menu sits between the title and the grid, over neither.
    fig.update_layout(
        margin={"t": 110},
        updatemenus=[
            {
                "buttons": buttons,
                "x": 0,
                "xanchor": "left",
                "y": 1.04,
                "yanchor": "bottom",
                "pad": {"t": 0, "b": 0},
            }
        ],
    )
    fig.update_yaxes(autorange="reversed", title_text="source reliability", showgrid=False)
    fig.update_xaxes(title_text="information credibility", showgrid=False)
    add_source(fig, source_note(claims=int(counts["claims"].sum())), below=60)
    top = counts.groupby(["source_reliability", "info_credibility"])["claims"].sum()
    told = ", ".join(f"{n} graded {a}{b}" for (a, b), n in top.sort_values(ascending=False).items())
    return describe_in_words(fig, f"Claims per Admiralty grade, most first: {told}.")
