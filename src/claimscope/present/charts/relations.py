"""Charts of the actor graph: the network diagram and the cooperation-conflict matrix.

Every builder is pure: a graph from :mod:`claimscope.analysis.relations` in, a plotly figure
out. Colours, line styles and symbols come from the vocabularies the graph was built with.
Names, notes and quotes are untrusted: hover text goes through
:func:`~claimscope.present.charts.style.hover_text` and labels through ``escape_text``.
"""

from __future__ import annotations

import math
import re
import textwrap
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from claimscope.analysis.relations import vocabularies_of
from claimscope.data.vocab import Vocabularies
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

LAYOUT_SEED = 7
MIN_NODE_DISTANCE = 0.5  # in layout units: nodes sit within [-1, 1] on both axes
LABEL_WIDTH_CHARS = 18
CURVE_POINTS = 13
ARROW_AT = 0.8  # fraction of the way from source to target where the arrow head sits
#: Most actors the network and the matrix draw: those with most ties. Hundreds of nodes are a
#: hairball, the layout's overlap removal is quadratic, and the matrix grows as the square.
NETWORK_ACTORS = 40
MATRIX_ACTORS = 40
#: Most ties the network draws between those actors, firmest first (each tie is a trace).
NETWORK_TIES = 150


def layout_actor_graph(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Place the nodes deterministically, spread so no two sit closer than ``MIN_NODE_DISTANCE``.

    Each connected component gets a seeded spring layout of its undirected ties; components sit
    side by side, each in a box as wide as the square root of its size. The whole is scaled
    into [-1, 1], then nodes that crowd each other are pushed apart (labels sit on the nodes).

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> layout_actor_graph(g) == layout_actor_graph(g)
    True
    """
    nodes = list(graph)
    if not nodes:
        return {}
    order = {node: i for i, node in enumerate(nodes)}
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from((s, t) for s, t in graph.edges() if s != t)
    components = sorted(
        (sorted(c, key=order.__getitem__) for c in nx.connected_components(simple)),
        key=lambda c: (-len(c), order[c[0]]),
    )
    placed: dict[str, np.ndarray] = {}
    left = 0.0
    for component in components:
        width = math.sqrt(len(component))
        if len(component) == 1:
            local = {component[0]: np.zeros(2)}
        else:
            # A fresh graph in node order: subgraph views iterate a set, whose order changes
            # with the hash seed, and the seeded layout depends on the node order.
            part = nx.Graph()
            part.add_nodes_from(component)
            part.add_edges_from(
                sorted(
                    (tuple(sorted(e, key=order.__getitem__)) for e in simple.edges(component)),
                    key=lambda e: (order[e[0]], order[e[1]]),
                )
            )
            local = nx.spring_layout(part, seed=LAYOUT_SEED, iterations=300, center=(0, 0))
        points = _fit(np.array([local[n] for n in component], dtype=float)) * width / 2
        for node, point in zip(component, points, strict=True):
            placed[node] = point + np.array([left + width / 2, 0.0])
        left += width + 0.5
    points = _spread(_fit(np.array([placed[n] for n in nodes]), each_axis=True))
    return {
        n: (round(float(x), 4), round(float(y), 4)) for n, (x, y) in zip(nodes, points, strict=True)
    }


def _fit(points: np.ndarray, each_axis: bool = False) -> np.ndarray:
    """Centre the points and scale them into [-1, 1]: the wider axis, or each axis to fill it."""
    points = points - (points.max(axis=0) + points.min(axis=0)) / 2
    extent = np.abs(points).max(axis=0) if each_axis else np.abs(points).max()
    return points / np.where(extent > 0, extent, 1.0)


def _spread(points: np.ndarray, rounds: int = 200) -> np.ndarray:
    """Push apart pairs closer than ``MIN_NODE_DISTANCE``; refit after each round."""
    for _ in range(rounds):
        moved = False
        for i, j in combinations(range(len(points)), 2):
            delta = points[j] - points[i]
            distance = float(np.hypot(*delta))
            if distance >= MIN_NODE_DISTANCE * 1.05:
                continue
            # Coincident points separate along a fixed direction that depends on the pair only.
            direction = delta / distance if distance > 1e-9 else np.array([math.cos(i + j), 1.0])
            push = (MIN_NODE_DISTANCE * 1.05 - distance) / 2
            points[i] -= direction * push
            points[j] += direction * push
            moved = True
        points = _fit(points, each_axis=True)
        if not moved:
            break
    return points


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


def _edge_offsets(graph: nx.MultiDiGraph) -> dict[str, float]:
    """Give parallel and opposite ties between one pair distinct bends, keyed by relation id."""
    order = {node: i for i, node in enumerate(graph)}
    pairs: dict[tuple[str, str], list[str]] = {}
    for source, target, key in graph.edges(keys=True):
        pair = tuple(sorted((source, target), key=order.__getitem__))
        pairs.setdefault(pair, []).append(key)
    offsets = {}
    for keys in pairs.values():
        for i, key in enumerate(sorted(keys)):
            offsets[key] = (i - (len(keys) - 1) / 2) * 0.14
    return offsets


def _curve(
    start: tuple[float, float], end: tuple[float, float], bend: float, canonical: bool
) -> tuple[list[float], list[float]]:
    """Sample a quadratic Bezier from ``start`` to ``end`` bent sideways by ``bend``."""
    (x0, y0), (x1, y1) = start, end
    if (x0, y0) == (x1, y1):  # a self-loop: a small circle above the node
        angles = np.linspace(-math.pi / 2, 1.5 * math.pi, CURVE_POINTS)
        radius = 0.08 + abs(bend)
        xs = x0 + radius * np.cos(angles)
        ys = y0 + radius + radius * np.sin(angles)
        return [round(float(v), 4) for v in xs], [round(float(v), 4) for v in ys]
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    # The normal is taken from the pair's canonical direction so opposite ties bend apart.
    sign = 1.0 if canonical else -1.0
    nx_, ny_ = -dy / length * sign, dx / length * sign
    cx, cy = (x0 + x1) / 2 + bend * nx_, (y0 + y1) / 2 + bend * ny_
    t = np.linspace(0, 1, CURVE_POINTS)
    xs = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x1
    ys = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y1
    return [round(float(v), 4) for v in xs], [round(float(v), 4) for v in ys]


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
) -> go.Figure:
    """Draw the actor graph: actors by kind, ties coloured by type and styled by status.

    Args:
        graph: A (filtered) graph from :mod:`claimscope.analysis.relations`.
        actors: The full actors table, for colours that match every other chart, and names.
        title: Chart title.
        limit: Most actors drawn, those with most ties (see :func:`select_busiest`).
        tie_limit: Most ties drawn among them, firmest first. The title says what was cut.
        source: The source line; by default, how many claims the ties drawn rest on.

    Returns:
        A figure with one trace per tie (line plus an arrow head near the target; hover lists
        the evidence quotes), legend-only traces for each relation type and status shown, and
        one node trace per actor kind (``customdata`` holds the actor ids).
    """
    vocab = vocabularies_of(graph)
    styles = vocab.relation_statuses
    relation_colours = vocab.lookup("relation_types", "colour")
    symbols = vocab.lookup("actor_kinds", "symbol")
    graph, cut = select_busiest(graph, limit=limit, tie_limit=tie_limit)
    title = f"{title} — {cut}" if cut else title
    positions = layout_actor_graph(graph)
    names = _names(graph, actors)
    colours = actor_colours(actors)
    order = {node: i for i, node in enumerate(graph)}
    offsets = _edge_offsets(graph)
    fig = go.Figure()
    arrow_index = round(ARROW_AT * (CURVE_POINTS - 1))
    sizes = [0] * CURVE_POINTS
    sizes[arrow_index] = 13
    for source, target, key, data in graph.edges(keys=True, data=True):
        style = styles.loc[data["status"]]
        colour = colour_of(relation_colours, data["relation"])
        xs, ys = _curve(
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
                opacity=float(style["opacity"]),
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
                    "size": 20,
                    "color": [colour_of(colours, n) for n in nodes],
                    "line": {"color": "#ffffff", "width": 1.5},
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
        + ". Colour gives the relation type, the line's dash its status.",
    )
    axis = {"visible": False, "range": [-1.3, 1.3], "fixedrange": False}
    fig.update_layout(
        xaxis=axis,
        yaxis={**axis, "range": [-1.2, 1.45]},
        legend={"groupclick": "toggleitem", "tracegroupgap": 12},
        hovermode="closest",
    )
    return fig


def _add_edge_legend(fig: go.Figure, graph: nx.MultiDiGraph, vocab: Vocabularies) -> None:
    """Add one legend-only trace per relation type and per status present in ``graph``."""
    present_relations = {d for _, _, d in graph.edges(data="relation")}
    present_statuses = {d for _, _, d in graph.edges(data="status")}
    for relation, colour in vocab.lookup("relation_types", "colour").items():
        if relation not in present_relations:
            continue
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=escape_text(vocab.label("relation_types", relation)),
                legendgroup="relation",
                legendgrouptitle={"text": "Relation (colour)"},
                # solid, always: the line's dash tells the status, never the relation type
                line={"color": colour, "width": 3, "dash": "solid"},
                hoverinfo="skip",
            )
        )
    for status, style in vocab.relation_statuses.iterrows():
        if status not in present_statuses:
            continue
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=status,
                legendgroup="status",
                legendgrouptitle={"text": "Status (line)"},
                opacity=float(style["opacity"]),
                line={"color": "#333333", "width": float(style["width"]), "dash": style["dash"]},
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
