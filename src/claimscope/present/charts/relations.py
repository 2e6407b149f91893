"""Charts of the actor graph: the network diagram and the cooperation-conflict matrix.

Every builder is pure: a graph from :mod:`claimscope.analysis.relations` in, a plotly figure
out. Colours, line styles and symbols come from the vocabularies the graph was built with.
Names, notes and quotes are untrusted: hover text goes through
:func:`~claimscope.present.charts.style.hover_text` and labels through ``escape_text``.
"""

from __future__ import annotations

import re
import textwrap

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from claimscope.analysis.relations import node_for, vocabularies_of
from claimscope.data.vocab import Vocabularies
from claimscope.present.charts.network_layout import (
    CURVE_POINTS,
    curve_between,
    layout_actor_graph,
    offset_ties,
)
from claimscope.present.charts.style import (
    actor_colours,
    add_source,
    base_layout,
    colour_of,
    describe_in_words,
    hover_text,
    source_note,
)
from claimscope.present.display import escape_text

LABEL_WIDTH_CHARS = 18
ARROW_AT = 0.8  # fraction of the way from source to target where the arrow head sits
#: Most actors the network and the matrix draw: those with most ties. Hundreds of nodes are a
#: hairball, the layout's overlap removal is quadratic, and the matrix grows as the square.
NETWORK_ACTORS = 40
MATRIX_ACTORS = 40
#: Most ties the network draws between those actors, firmest first (each tie is a trace).
NETWORK_TIES = 150
#: A per-actor network: its actor's marker size, and the opacity left to ties not its own.
FOCUS_SIZE = 34
FADED = 0.3


def _label(name: str) -> str:
    return "<br>".join(escape_text(part) for part in textwrap.wrap(name, LABEL_WIDTH_CHARS))


def _short(name: str) -> str:
    """A node's name for a phone: its abbreviation in brackets, or its first 12 characters.

    >>> _short("National Intelligence Service (NIS)"), _short("Russia")
    ('NIS', 'Russia')
    """
    found = re.search(r"\(([^()]{1,8})\)\s*$", name)
    return escape_text(found.group(1) if found else textwrap.shorten(name, 12, placeholder="…"))


def _names(graph: nx.MultiDiGraph, actors: pd.DataFrame) -> dict[str, str]:
    names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    names.update({node: data["name"] for node, data in graph.nodes(data=True)})
    return names


def _edge_hover(
    data: dict, names: dict[str, str], source: str, target: str, vocab: Vocabularies
) -> str:
    relation = vocab.label("relation_types", data["relation"])
    lines: list[tuple[str, object]] = [
        ("Tie", f"{names[source]} → {names[target]}: {relation}"),
        ("Status", data["status"]),
        (
            "Score",
            f"{data['score']:+.1f} × {data['weight']:g} = {data['weighted_score']:+.2f}",
        ),
    ]
    if (data["source_actor"], data["target_actor"]) != (source, target):
        between = f"{names[data['source_actor']]} → {names[data['target_actor']]}"
        lines.append(("Between", between))
    lines += list(zip(data["claim_ids"], data["quotes"], strict=True))
    if data.get("note"):
        lines.append(("Note", data["note"]))
    return hover_text(*lines)


def _node_hover(graph: nx.MultiDiGraph, node: str, data: dict, names: dict[str, str]) -> str:
    lines: list[tuple[str, object]] = [
        ("Actor", data["name"]),
        ("Kind", vocabularies_of(graph).label("actor_kinds", data["kind"])),
    ]
    if data.get("country"):
        lines.append(("Country", data["country"]))
    others = [m for m in data.get("members", ()) if m != node]
    if others:
        lines.append(("Stands for", ", ".join(names.get(m, m) for m in others)))
    lines.append(("Ties", graph.degree(node)))
    if data.get("note"):
        lines.append(("Note", data["note"]))
    return hover_text(*lines)


def select_busiest(
    graph: nx.MultiDiGraph, *, limit: int | None, tie_limit: int | None = None
) -> tuple[nx.MultiDiGraph, str]:
    """Keep the ``limit`` actors with most ties and at most ``tie_limit`` ties among them.

    Actors are ranked by their number of ties (then node order) and keep their node order;
    ties are kept firmest status first, then by relation id. Returns the graph (``graph``
    itself when nothing is cut) and a note saying what was left out ("" when nothing was).

    >>> g = nx.MultiDiGraph()
    >>> g.add_edges_from([("a", "b", "r1"), ("a", "c", "r2"), ("d", "e", "r3")])
    ['r1', 'r2', 'r3']
    >>> view, note = select_busiest(g, limit=3)
    >>> list(view), note
    (['a', 'b', 'c'], 'the 3 actors with most ties of 5')
    """
    cut_nodes = limit is not None and graph.number_of_nodes() > limit
    if cut_nodes:
        order = {node: i for i, node in enumerate(graph)}
        ranked = sorted(graph, key=lambda n: (-graph.degree(n), order[n]))
        keep = set(ranked[:limit])
        view = graph.copy()
        view.remove_nodes_from([n for n in graph if n not in keep])
    else:
        view = graph
    notes = (
        [f"the {limit:,} actors with most ties of {graph.number_of_nodes():,}"] if cut_nodes else []
    )
    ties = view.number_of_edges()
    if tie_limit is not None and ties > tie_limit:
        statuses = vocabularies_of(graph).statuses
        edges = sorted(
            view.edges(keys=True, data="status"), key=lambda e: (statuses.index(e[3]), e[2])
        )
        view = view.copy() if view is graph else view
        view.remove_edges_from([(s, t, k) for s, t, k, _ in edges[tie_limit:]])
        notes.append(f"the {tie_limit:,} firmest of their {ties:,} ties")
    return view, "; ".join(notes)


def plot_relation_network(
    graph: nx.MultiDiGraph,
    *,
    actors: pd.DataFrame,
    title: str = "Who is tied to whom",
    limit: int | None = NETWORK_ACTORS,
    tie_limit: int | None = NETWORK_TIES,
    source: str | None = None,
    focus_actor: str | None = None,
) -> go.Figure:
    """Draw the actor graph: actors by kind, ties coloured by type and styled by status.

    Args:
        graph: A (filtered) graph from :mod:`claimscope.analysis.relations`.
        actors: The full actors table, for colours that match every other chart, and names.
        title: Chart title.
        limit: Most actors drawn, those with most ties (see :func:`select_busiest`).
        tie_limit: Most ties drawn among them, firmest first. The title says what was cut.
        source: The source line; by default, how many claims the ties drawn rest on.
        focus_actor: The actor a per-actor page is about: drawn at the centre, larger and
            ringed, its ties at full strength and every other tie faded (``FADED``).

    Returns:
        A figure with one trace per tie (line plus an arrow head near the target; hover lists
        the evidence quotes), legend-only traces for each relation type and status shown, and
        one node trace per actor kind (``customdata`` holds the actor ids).
    """
    vocab = vocabularies_of(graph)
    styles = vocab.relation_statuses
    relation_colours = vocab.lookup("relation_types", "colour")
    symbols = vocab.lookup("actor_kinds", "symbol")
    focus_actor = node_for(graph, focus_actor) if focus_actor else None
    graph, cut = select_busiest(graph, limit=limit, tie_limit=tie_limit)
    focus_actor = focus_actor if focus_actor in graph else None
    title = f"{title} — {cut}" if cut else title
    positions = layout_actor_graph(graph, centre=focus_actor)
    names = _names(graph, actors)
    colours = actor_colours(actors)
    order = {node: i for i, node in enumerate(graph)}
    offsets = offset_ties(graph)
    fig = go.Figure()
    arrow_index = round(ARROW_AT * (CURVE_POINTS - 1))
    sizes = [0] * CURVE_POINTS
    sizes[arrow_index] = 13
    for source, target, key, data in graph.edges(keys=True, data=True):
        style = styles.loc[data["status"]]
        colour = colour_of(relation_colours, data["relation"])
        faded = focus_actor is not None and focus_actor not in (source, target)
        xs, ys = curve_between(
            positions[source], positions[target], offsets[key], order[source] <= order[target]
        )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=key,
                showlegend=False,
                legendgroup="relation",
                opacity=float(style["opacity"]) * (FADED if faded else 1.0),
                line={"color": colour, "width": float(style["width"]), "dash": style["dash"]},
                marker={
                    "symbol": "arrow",
                    "angleref": "previous",
                    "size": sizes,
                    "color": colour,
                },
                hovertext=_edge_hover(data, names, source, target, vocab),
                hoverinfo="text",
                meta={"relation_id": key, "relation": data["relation"], "status": data["status"]},
            )
        )
    _add_edge_legend(fig, graph, vocab)
    kinds = [k for k in symbols if any(d == k for _, d in graph.nodes(data="kind"))]
    kinds += sorted({d for _, d in graph.nodes(data="kind")} - set(kinds))
    for kind in kinds:
        nodes = [n for n, d in graph.nodes(data=True) if d["kind"] == kind]
        fig.add_trace(
            go.Scatter(
                x=[positions[n][0] for n in nodes],
                y=[positions[n][1] for n in nodes],
                mode="markers+text",
                name=escape_text(vocab.label("actor_kinds", kind)),
                legendgroup="kind",
                legendgrouptitle={"text": "Actor kind (symbol)"},
                text=[_label(graph.nodes[n]["name"]) for n in nodes],
                textposition="top center",
                customdata=nodes,
                marker={
                    "symbol": symbols.get(kind, "circle"),
                    "size": [FOCUS_SIZE if n == focus_actor else 20 for n in nodes],
                    "color": [colour_of(colours, n) for n in nodes],
                    "line": {
                        "color": ["#111111" if n == focus_actor else "#ffffff" for n in nodes],
                        "width": [4 if n == focus_actor else 1.5 for n in nodes],
                    },
                },
                hovertext=[_node_hover(graph, n, graph.nodes[n], names) for n in nodes],
                hoverinfo="text",
                # a phone keeps the names on the nodes (the page drops other point labels)
                meta={"labels": "keep", "short": [_short(graph.nodes[n]["name"]) for n in nodes]},
            )
        )
    base_layout(fig, title, height=680)
    claims = {c for _, _, ids in graph.edges(data="claim_ids") for c in ids}
    add_source(fig, source or source_note(claims=len(claims)), below=10)
    statuses = pd.Series([d for _, _, d in graph.edges(data="status")]).value_counts()
    describe_in_words(
        fig,
        f"{graph.number_of_nodes()} actors and {graph.number_of_edges()} ties"
        + (f" ({cut})" if cut else "")
        + ". Ties by status: "
        + ", ".join(f"{n} {s}" for s, n in statuses.items())
        + ". Colour gives the relation type, the line's dash its status."
        + (_focus_words(graph, focus_actor) if focus_actor else ""),
    )
    if focus_actor:
        meta = dict(fig.layout.meta or {})
        meta["focus"] = focus_actor
        fig.update_layout(meta=meta)
    axis = {"visible": False, "range": [-1.3, 1.3], "fixedrange": False}
    fig.update_layout(
        xaxis=axis,
        yaxis={**axis, "range": [-1.2, 1.45]},
        legend={"groupclick": "toggleitem", "tracegroupgap": 12},
        hovermode="closest",
    )
    return fig


def _focus_words(graph: nx.MultiDiGraph, focus_actor: str) -> str:
    """Say how a per-actor network shows its actor (for the description under the chart)."""
    name = graph.nodes[focus_actor]["name"]
    others = [e for e in graph.edges(keys=True) if focus_actor not in e[:2]]
    faded = f"; the {len(others)} ties between other actors are faded" if others else ""
    return (
        f" {name} sits at the centre, drawn larger with a dark ring; its"
        f" {graph.degree(focus_actor)} ties are drawn in full{faded}. The others sit on rings,"
        " nearer the centre the fewer ties away they are."
    )


def _add_edge_legend(fig: go.Figure, graph: nx.MultiDiGraph, vocab: Vocabularies) -> None:
    """Add one legend-only trace per relation type and per status present in ``graph``."""
    present_relations = {d for _, _, d in graph.edges(data="relation")}
    present_statuses = {d for _, _, d in graph.edges(data="status")}
    entries = [
        # solid, always: the line's dash tells the status, never the relation type
        (
            escape_text(vocab.label("relation_types", relation)),
            "relation",
            "Relation (colour)",
            {"color": colour, "width": 3, "dash": "solid"},
            None,  # unset: fully opaque
        )
        for relation, colour in vocab.lookup("relation_types", "colour").items()
        if relation in present_relations
    ]
    entries += [
        (
            status,
            "status",
            "Status (line)",
            {"color": "#333333", "width": float(style["width"]), "dash": style["dash"]},
            float(style["opacity"]),
        )
        for status, style in vocab.relation_statuses.iterrows()
        if status in present_statuses
    ]
    for name, group, title, line, opacity in entries:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=name,
                legendgroup=group,
                legendgrouptitle={"text": title},
                opacity=opacity,
                line=line,
                hoverinfo="skip",
            )
        )


def plot_relation_matrix(
    graph: nx.MultiDiGraph,
    *,
    title: str = "Cooperation (+) and conflict (−), from each actor (row) to each (column)",
    limit: int | None = MATRIX_ACTORS,
    source: str | None = None,
) -> go.Figure:
    """Draw the from × to heat map: each actor's signed cooperation-conflict score toward each.

    A row is the actor a tie runs from, a column the actor it runs to (the axes say so); a
    cell sums the weighted scores of the ties from its row to its column, so the map is not
    mirrored: A's ties to B and B's to A are two cells. Cells of pairs with no tie are empty,
    so "no tie" differs from a neutral 0. The colour scale diverges around 0: blue for
    cooperation, red for conflict; the colour bar names its unit. Hover lists the ties. At
    most ``limit`` actors are drawn, those with most ties; the title says so.
    """
    vocab = vocabularies_of(graph)
    graph, cut = select_busiest(graph, limit=limit)
    title = f"{title} — {cut}" if cut else title
    names = {n: graph.nodes[n]["name"] for n in graph}
    cells: dict[tuple[str, str], list] = {}
    for s, t, key, d in graph.edges(keys=True, data=True):
        if s != t:
            cells.setdefault((s, t), []).append((key, d))
    tied = {n for pair in cells for n in pair}
    nodes = [n for n in graph if n in tied]
    index = {node: i for i, node in enumerate(nodes)}
    size = len(nodes)
    z: list[list[float | None]] = [[None] * size for _ in range(size)]
    hover = [[""] * size for _ in range(size)]
    for (s, t), ties in cells.items():
        score = round(sum(float(d["weighted_score"]) for _, d in ties), 4)
        lines: list[tuple[str, object]] = [
            ("From → to", f"{names[s]} → {names[t]}"),
            ("Score", f"{score:+.2f}"),
        ]
        lines += [
            (
                key,
                f"{vocab.label('relation_types', d['relation'])} "
                f"({d['status']}, {d['weighted_score']:+.2f})",
            )
            for key, d in ties
        ]
        z[index[s]][index[t]] = score
        hover[index[s]][index[t]] = hover_text(*lines)
    extent = max((abs(v) for row in z for v in row if v is not None), default=1.0) or 1.0
    labels = [escape_text(names[n]) for n in nodes]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            customdata=[[f"{a}|{b}" for b in nodes] for a in nodes],
            hovertext=hover,
            hoverinfo="text",
            colorscale="RdBu",
            zmid=0,
            zmin=-extent,
            zmax=extent,
            texttemplate="%{z:+.1f}",
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": "summed tie score<br>(+ cooperation, − conflict)"}},
        )
    )
    base_layout(fig, title, height=max(460, 200 + 44 * size))
    fig.update_layout(
        xaxis={"side": "bottom", "tickangle": -90, "showgrid": False, "title_text": "to"},
        yaxis={"autorange": "reversed", "showgrid": False, "title_text": "from"},
    )
    claims = {c for ties in cells.values() for _, d in ties for c in d["claim_ids"]}
    add_source(fig, source or source_note(claims=len(claims)), below=150)
    told = sorted(
        ((v, labels[i], labels[j]) for i, row in enumerate(z) for j, v in enumerate(row) if v),
        key=lambda c: c[0],
    )
    text = f"{len(cells)} directed pairs among {size} actors."
    if told:
        low, high = told[0], told[-1]
        text += (
            f" Most cooperative: {high[1]} to {high[2]} ({high[0]:+.1f});"
            f" most conflictual: {low[1]} to {low[2]} ({low[0]:+.1f})."
        )
    return describe_in_words(fig, text)
