"""The actor graph: who is tied to whom, how, how firmly, and on which evidence.

Relations become the typed edges of a :class:`networkx.MultiDiGraph` whose nodes are actors.
Each edge carries its relation type, status, evidence (claim ids and quotes) and a signed score
on a cooperation-conflict scale after GDELT's use of the Goldstein scale: material cooperation
is positive, material conflict negative. The scale and the status weights are data, shipped as
``relation_scale.csv`` and ``status_weights.csv`` next to this module.

Decisions the schema leaves open:

* **Score of a pair**: the sum over its ties (both directions) of ``score x status weight``.
  More ties and firmer ties move a pair further from 0; a denied tie weighs 0.
* **Status order**: established > reported > alleged > speculative > denied. A minimum status
  keeps ties at or above it, so only ``min_status="denied"`` (or none) shows denied ties.
* **Roll-up**: each actor follows ``parent_id`` to the top. Ties between actors that roll up to
  the same node (KCNA speaking for North Korea) become self-loops and are dropped: the rolled-up
  graph is about ties between parties. Their ids are kept in ``graph.graph["dropped_self_loops"]``.
* **Isolated actors** (claimants with no tie) are dropped from a filtered graph, except a focus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import resources

import networkx as nx
import pandas as pd

from claimscope.dataset import split_list

STATUSES = ("established", "reported", "alleged", "speculative", "denied")
#: Most actors the summary describes one by one (in node order); a sentence counts the rest.
DESCRIBED_ACTORS = 30
DENIAL_CLAIM_TYPE = "denial"

# How a tie reads from each end: (from the source, from the target); {other} is the other actor.
_PHRASES = {
    "alliance": ("alliance with {other}", "alliance with {other}"),
    "military_cooperation": (
        "military cooperation with {other}",
        "military cooperation with {other}",
    ),
    "troop_deployment": ("troop deployment to {other}", "troops from {other}"),
    "arms_supply": ("arms supply to {other}", "arms from {other}"),
    "material_support": ("material support to {other}", "material support from {other}"),
    "military_aid": ("military aid to {other}", "military aid from {other}"),
    "intelligence_sharing": ("intelligence sharing with {other}", "intelligence from {other}"),
    "armed_conflict": ("armed conflict with {other}", "armed conflict with {other}"),
    "adversary": ("adversary of {other}", "seen as an adversary by {other}"),
    "sanctions": ("sanctions on {other}", "sanctioned by {other}"),
    "neutrality": ("neutral towards {other}", "{other} neutral towards it"),
    "intelligence_reporting": ("intelligence reporting on {other}", "reported on by {other}"),
    "state_media": ("state media of {other}", "speaks through {other}"),
}


def _read_package_csv(name: str) -> pd.DataFrame:
    with resources.files("claimscope").joinpath(name).open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def load_relation_scale() -> pd.DataFrame:
    """Load the cooperation-conflict score of each relation type.

    Returns:
        One row per relation type: ``relation``, ``score`` (float, -10 to +10),
        ``description`` and ``source_note`` (which Goldstein/CAMEO class the score comes from).

    >>> load_relation_scale().set_index("relation").loc["armed_conflict", "score"]
    np.float64(-10.0)
    """
    scale = _read_package_csv("relation_scale.csv")
    scale["score"] = scale["score"].astype(float)
    return scale


def load_status_weights() -> pd.DataFrame:
    """Load the weight and rank of each status, strongest first.

    Returns:
        One row per status: ``status``, ``rank`` (1 = strongest), ``weight`` (0 to 1) and
        ``description``.

    >>> load_status_weights()["status"].tolist() == list(STATUSES)
    True
    """
    weights = _read_package_csv("status_weights.csv")
    weights["rank"] = weights["rank"].astype(int)
    weights["weight"] = weights["weight"].astype(float)
    return weights.sort_values("rank").reset_index(drop=True)


def find_root_actors(actors: pd.DataFrame) -> dict[str, str]:
    """Map every actor to the actor at the top of its ``parent_id`` chain.

    >>> find_root_actors(pd.DataFrame({"actor_id": ["s", "a", "p"], "parent_id": ["", "s", "a"]}))
    {'s': 's', 'a': 's', 'p': 's'}
    """
    parent = dict(zip(actors["actor_id"], actors["parent_id"], strict=True))
    roots: dict[str, str] = {}
    for actor in actors["actor_id"]:
        current, seen = actor, {actor}
        while parent.get(current) and parent[current] not in seen:
            current = parent[current]
            seen.add(current)
        roots[actor] = current
    return roots


def build_relation_graph(
    actors: pd.DataFrame,
    relations: pd.DataFrame,
    claims: pd.DataFrame,
    documents: Sequence[str] = (),
) -> nx.MultiDiGraph:
    """Build the actor graph: every actor a node, every relation a typed, scored edge.

    Args:
        actors: The actors table (``actor_id``, ``name``, ``kind``, ``country``, ``parent_id``,
            ``note``).
        relations: The relations table; each row becomes an edge keyed by its ``relation_id``.
        claims: The claims table, for evidence quotes and each actor's claims and denials.
        documents: Document ids whose claims count; empty for all. A relation none of whose
            claims is in these documents is left out.

    Returns:
        The graph. Node attributes: ``name``, ``kind``, ``country``, ``parent_id``, ``note``,
        ``root`` (top of the parent chain), ``members`` (actor ids the node stands for),
        ``claims_made``, ``claims_about``, ``denials`` (claim-id tuples). Edge attributes:
        ``relation``, ``status``, ``score``, ``weight``, ``weighted_score``, ``claim_ids``,
        ``quotes``, ``note``, ``source_actor``, ``target_actor`` (before any roll-up).

    Raises:
        ValueError: naming an unknown document, relation type, status or actor.
    """
    documents = list(documents)
    known_docs = set(claims["doc_id"])
    for doc_id in documents:
        if doc_id not in known_docs:
            raise ValueError(f"unknown document {doc_id!r}: no claim is reported in it")
    if documents:
        claims = claims[claims["doc_id"].isin(documents)]
    scores = dict(zip(*_scale_columns(), strict=True))
    weights = _status_weights()
    roots = find_root_actors(actors)
    graph = nx.MultiDiGraph(documents=tuple(documents), dropped_self_loops=())
    # Group once (claims keep their order within each group); a mask per actor would cost
    # actors x claims comparisons, minutes on 100,000 claims.
    made = _claim_ids_by(claims, "claimant_id")
    about = _claim_ids_by(claims, "subject_id")
    denied = _claim_ids_by(claims[claims["claim_type"] == DENIAL_CLAIM_TYPE], "claimant_id")
    for actor in actors.to_dict("records"):
        actor_id = actor["actor_id"]
        graph.add_node(
            actor_id,
            name=actor["name"],
            kind=actor["kind"],
            country=actor["country"],
            parent_id=actor["parent_id"],
            note=actor["note"],
            root=roots[actor_id],
            members=(actor_id,),
            claims_made=made.get(actor_id, ()),
            claims_about=about.get(actor_id, ()),
            denials=denied.get(actor_id, ()),
        )
    quotes = dict(zip(claims["claim_id"], claims["quote"], strict=True))
    graph.graph["quotes"] = quotes
    for relation in relations.to_dict("records"):
        _check_known("relation type", relation["relation"], scores)
        _check_known("status", relation["status"], weights)
        for end in ("source_id", "target_id"):
            _check_known("actor", relation[end], graph)
        claim_ids = tuple(c for c in split_list(relation["claim_ids"]) if c in quotes)
        if not claim_ids:
            continue
        score, weight = scores[relation["relation"]], weights[relation["status"]]
        graph.add_edge(
            relation["source_id"],
            relation["target_id"],
            key=relation["relation_id"],
            relation=relation["relation"],
            status=relation["status"],
            score=score,
            weight=weight,
            weighted_score=score * weight,
            claim_ids=claim_ids,
            quotes=tuple(quotes[c] for c in claim_ids),
            note=relation["note"],
            source_actor=relation["source_id"],
            target_actor=relation["target_id"],
        )
    return graph


def _claim_ids_by(claims: pd.DataFrame, column: str) -> dict[str, tuple[str, ...]]:
    """Map each value of ``column`` to the ids of its claims, in table order."""
    ids: dict[str, list[str]] = {}
    for key, claim_id in zip(claims[column].tolist(), claims["claim_id"].tolist(), strict=True):
        ids.setdefault(key, []).append(claim_id)
    return {key: tuple(values) for key, values in ids.items()}


def _scale_columns() -> tuple[list[str], list[float]]:
    scale = load_relation_scale()
    return scale["relation"].tolist(), scale["score"].tolist()


def _status_weights() -> dict[str, float]:
    weights = load_status_weights()
    return dict(zip(weights["status"], weights["weight"], strict=True))


def _check_known(what: str, value: str, known: Iterable[str]) -> None:
    if value not in known:
        choices = ", ".join(sorted(known))
        raise ValueError(f"unknown {what} {value!r}; known: {choices}")


def roll_up_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Merge every actor into the top of its parent chain (its state, alliance or itself).

    Edges are re-attached to the roots and keep their ``source_actor`` and ``target_actor``.
    Edges whose two ends share a root would be self-loops; they are dropped and their keys
    listed in ``graph.graph["dropped_self_loops"]``. Claims and denials of members are pooled.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("s", root="s", members=("s",), claims_made=(), claims_about=(), denials=())
    >>> g.add_node("a", root="s", members=("a",), claims_made=("c1",), claims_about=(),
    ...            denials=())
    >>> sorted(roll_up_graph(g).nodes["s"]["members"])
    ['a', 's']
    """
    rolled = nx.MultiDiGraph(**graph.graph)
    for node, data in graph.nodes(data=True):
        root = data["root"]
        if root not in rolled:
            rolled.add_node(root, **graph.nodes[root if root in graph else node])
            rolled.nodes[root]["members"] = ()
            for pooled in ("claims_made", "claims_about", "denials"):
                rolled.nodes[root][pooled] = ()
        merged = rolled.nodes[root]
        merged["members"] = merged["members"] + data["members"]
        for pooled in ("claims_made", "claims_about", "denials"):
            merged[pooled] = tuple(sorted(set(merged[pooled]) | set(data[pooled])))
    dropped = list(graph.graph.get("dropped_self_loops", ()))
    for source, target, key, data in graph.edges(keys=True, data=True):
        root_source, root_target = graph.nodes[source]["root"], graph.nodes[target]["root"]
        if root_source == root_target:
            dropped.append(key)
            continue
        rolled.add_edge(root_source, root_target, key=key, **data)
    rolled.graph["dropped_self_loops"] = tuple(dropped)
    return rolled


def filter_relation_graph(
    graph: nx.MultiDiGraph,
    focus_actor: str | None = None,
    depth: int = 1,
    relation_types: Sequence[str] = (),
    min_status: str | None = None,
    roll_up_to_states: bool = False,
) -> nx.MultiDiGraph:
    """Select the part of the graph a report shows.

    Steps, in order: keep the relation types and statuses asked for; roll up to states; keep
    the undirected neighbourhood of ``focus_actor`` within ``depth`` ties; drop actors left
    with no tie (the focus actor stays).

    Args:
        graph: A graph from :func:`build_relation_graph`.
        focus_actor: Actor id whose neighbourhood to keep; ``None`` or empty for the whole web.
            With ``roll_up_to_states`` an agency or person is replaced by its root.
        depth: How many ties away from the focus actor to reach (0 keeps the actor alone).
        relation_types: Relation types to keep; empty keeps all.
        min_status: Weakest status kept (order: established, reported, alleged, speculative,
            denied); ``None`` or empty keeps all, denied included.
        roll_up_to_states: Merge every actor into the top of its parent chain.

    Returns:
        A new graph; ``graph`` is not changed.

    Raises:
        ValueError: naming an unknown actor, relation type or status, or a negative depth.
    """
    if focus_actor:
        _check_known("actor", focus_actor, graph)
    known_relations = _scale_columns()[0]
    for relation in relation_types:
        _check_known("relation type", relation, known_relations)
    if min_status:
        _check_known("status", min_status, STATUSES)
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    keep_rank = STATUSES.index(min_status) if min_status else len(STATUSES)
    view = nx.MultiDiGraph(**graph.graph)
    view.add_nodes_from(graph.nodes(data=True))
    view.add_edges_from(
        (source, target, key, data)
        for source, target, key, data in graph.edges(keys=True, data=True)
        if (not relation_types or data["relation"] in relation_types)
        and STATUSES.index(data["status"]) <= keep_rank
    )
    if roll_up_to_states:
        view = roll_up_graph(view)
        if focus_actor:
            focus_actor = graph.nodes[focus_actor]["root"]
    if focus_actor:
        keep = set(nx.ego_graph(view, focus_actor, radius=depth, undirected=True))
        # Remove rather than take a subgraph, which would iterate a set and lose node order.
        view.remove_nodes_from([n for n in view if n not in keep])
    isolated = [n for n in view if view.degree(n) == 0 and n != focus_actor]
    view.remove_nodes_from(isolated)
    return view


def score_actor_pairs(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Score every pair of tied actors on the cooperation-conflict scale.

    Returns:
        One row per unordered pair, in node order: ``actor_a``, ``actor_b``, ``score`` (sum of
        ``score x weight`` over the pair's ties, both directions), ``ties`` (count) and
        ``relation_ids``. Self-loops are not pairs and are left out.
    """
    order = {node: i for i, node in enumerate(graph)}
    rows: dict[tuple[str, str], dict] = {}
    for source, target, key, data in graph.edges(keys=True, data=True):
        if source == target:
            continue
        pair = tuple(sorted((source, target), key=order.__getitem__))
        row = rows.setdefault(
            pair, {"actor_a": pair[0], "actor_b": pair[1], "score": 0.0, "relation_ids": []}
        )
        row["score"] += data["weighted_score"]
        row["relation_ids"].append(key)
    frame = pd.DataFrame(
        [rows[pair] for pair in sorted(rows, key=lambda p: (order[p[0]], order[p[1]]))],
        columns=["actor_a", "actor_b", "score", "relation_ids"],
    )
    frame["ties"] = frame["relation_ids"].map(len).astype(int)
    frame["relation_ids"] = frame["relation_ids"].map(tuple)
    return frame[["actor_a", "actor_b", "score", "ties", "relation_ids"]]


def list_actor_ties(graph: nx.MultiDiGraph, actor_id: str) -> list[dict]:
    """List the ties of one actor, strongest status first, then in relation-id order.

    Each tie is a dict: ``relation_id``, ``relation``, ``status``, ``direction`` (``out`` when the
    actor is the source), ``other`` (the other actor's id) and ``phrase`` (how it reads).
    """
    _check_known("actor", actor_id, graph)
    ties = []
    # Only this actor's edges (a self-loop once, as outgoing): scanning every edge for every
    # actor is actors x ties, minutes on large graphs. The sort below fixes the order.
    incoming = (e for e in graph.in_edges(actor_id, keys=True, data=True) if e[0] != e[1])
    for source, target, key, data in [
        *graph.out_edges(actor_id, keys=True, data=True),
        *incoming,
    ]:
        outgoing = source == actor_id
        other = target if outgoing else source
        template = _PHRASES[data["relation"]][0 if outgoing else 1]
        ties.append(
            {
                "relation_id": key,
                "relation": data["relation"],
                "status": data["status"],
                "direction": "out" if outgoing else "in",
                "other": other,
                "phrase": template.format(other=graph.nodes[other]["name"]),
            }
        )
    return sorted(ties, key=lambda t: (STATUSES.index(t["status"]), t["relation_id"]))


def describe_actor(graph: nx.MultiDiGraph, actor_id: str) -> str:
    """Write one sentence listing an actor's ties with their status.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", name="A"); g.add_node("b", name="B")
    >>> _ = g.add_edge("a", "b", key="r1", relation="sanctions", status="established")
    >>> describe_actor(g, "b")
    'B: sanctioned by A (established).'
    """
    ties = list_actor_ties(graph, actor_id)
    name = graph.nodes[actor_id]["name"]
    if not ties:
        return f"{name}: no ties in this selection."
    return f"{name}: " + "; ".join(f"{t['phrase']} ({t['status']})" for t in ties) + "."


def describe_relations(
    graph: nx.MultiDiGraph, focus_actor: str | None = None, limit: int | None = DESCRIBED_ACTORS
) -> list[str]:
    """Write the summary paragraphs: the focus actor's, or one per actor with ties.

    With a focus actor that was rolled up, the paragraph is its root's. Without one, at most
    ``limit`` actors are described (in node order) and a last sentence counts the others.
    """
    if focus_actor:
        if focus_actor not in graph:
            roots = {m: n for n, members in graph.nodes(data="members") for m in members or ()}
            _check_known("actor", focus_actor, roots)
            focus_actor = roots[focus_actor]
        return [describe_actor(graph, focus_actor)]
    tied = [node for node in graph if graph.degree(node) > 0]
    shown = tied if limit is None else tied[:limit]
    paragraphs = [describe_actor(graph, node) for node in shown]
    if len(shown) < len(tied):
        paragraphs.append(
            f"… and {len(tied) - len(shown):,} more actors with ties ({len(tied):,} in all), "
            "not described one by one here."
        )
    return paragraphs


def summarise_actors(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Summarise each actor of the graph: ties by type and status, claims made, about, denials.

    Returns:
        One row per node, in node order: ``actor_id``, ``name``, ``kind``, ``ties``,
        ``ties_by_type`` and ``ties_by_status`` (dicts of counts), ``score`` (sum of its pairs'
        scores), ``claims_made``, ``claims_about`` and ``denials`` (claim-id tuples).
    """
    # One pass over the edges, in edge order, so each sum adds the same numbers in the same
    # order as summing over the edges actor by actor would.
    scores = dict.fromkeys(graph, 0)
    for s, t, d in graph.edges(data=True):
        if s != t:
            scores[s] += d["weighted_score"]
            scores[t] += d["weighted_score"]
    rows = []
    for node, data in graph.nodes(data=True):
        ties = list_actor_ties(graph, node)
        score = scores[node]
        rows.append(
            {
                "actor_id": node,
                "name": data["name"],
                "kind": data["kind"],
                "ties": len(ties),
                "ties_by_type": dict(Counter(t["relation"] for t in ties)),
                "ties_by_status": dict(Counter(t["status"] for t in ties)),
                "score": score,
                "claims_made": data["claims_made"],
                "claims_about": data["claims_about"],
                "denials": data["denials"],
            }
        )
    columns = [
        "actor_id",
        "name",
        "kind",
        "ties",
        "ties_by_type",
        "ties_by_status",
        "score",
        "claims_made",
        "claims_about",
        "denials",
    ]
    return pd.DataFrame(rows, columns=columns)
