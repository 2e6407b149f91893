"""Where the network places its actors and how it bends their ties: pure geometry.

Deterministic: the same graph gives the same picture whatever the hash seed, so stored
notebooks stay byte-identical. A whole web gets a seeded spring layout spread so labels do not
crowd; a per-actor page puts its actor at the centre and the others on rings around it.
"""

from __future__ import annotations

import math
from itertools import combinations

import networkx as nx
import numpy as np

LAYOUT_SEED = 7
MIN_NODE_DISTANCE = 0.5  # in layout units: nodes sit within [-1, 1] on both axes
CURVE_POINTS = 13


def layout_actor_graph(
    graph: nx.MultiDiGraph, centre: str | None = None
) -> dict[str, tuple[float, float]]:
    """Place the nodes deterministically, spread so no two sit closer than ``MIN_NODE_DISTANCE``.

    Each connected component gets a seeded spring layout of its undirected ties; components sit
    side by side, each in a box as wide as the square root of its size. The whole is scaled
    into [-1, 1], then nodes that crowd each other are pushed apart (labels sit on the nodes).
    With a ``centre``, the layout is radial instead (:func:`_rings`).

    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> layout_actor_graph(g) == layout_actor_graph(g)
    True
    >>> layout_actor_graph(g, centre="b")["b"]
    (0.0, 0.0)
    """
    nodes = list(graph)
    if not nodes:
        return {}
    if centre is not None and centre in graph:
        return _rings(graph, centre)
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


def _rings(graph: nx.MultiDiGraph, centre: str) -> dict[str, tuple[float, float]]:
    """Put ``centre`` at (0, 0) and every other actor on a ring by its distance in ties.

    Ring ``k`` of ``n`` has radius ``k / n``; its actors sit evenly round it in node order,
    starting at the top, each ring turned half a step from the last. A crowded ring (chords
    shorter than ``MIN_NODE_DISTANCE``) puts every other actor a little inside it.
    """
    steps = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), centre)
    farthest = max(steps.values(), default=0) + (len(steps) < len(graph))
    rings: dict[int, list[str]] = {}
    for node in graph:
        if node != centre:
            rings.setdefault(steps.get(node, farthest), []).append(node)
    placed = {centre: (0.0, 0.0)}
    for k, members in sorted(rings.items()):
        radius = k / max(farthest, 1)
        crowded = 2 * radius * math.sin(math.pi / max(len(members), 2)) < MIN_NODE_DISTANCE
        for i, node in enumerate(members):
            angle = math.pi / 2 + 2 * math.pi * (i + (k - 1) / 2) / len(members)
            r = radius * (0.75 if crowded and i % 2 else 1.0)
            placed[node] = (round(r * math.cos(angle), 4), round(r * math.sin(angle), 4))
    return {n: placed[n] for n in graph}


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


def offset_ties(graph: nx.MultiDiGraph) -> dict[str, float]:
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


def curve_between(
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
