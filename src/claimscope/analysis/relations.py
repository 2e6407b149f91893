"""The actor graph: who is tied to whom, how, how firmly, and on which evidence.

Relations become the typed edges of a :class:`networkx.MultiDiGraph` whose nodes are actors.
Each edge carries its relation type, status, evidence (claim ids and quotes) and a signed score
on a cooperation-conflict scale after GDELT's use of the Goldstein scale: material cooperation
is positive, material conflict negative. The scores, status weights and status order are data:
``relation_types.csv`` and ``relation_statuses.csv`` of the data package; the graph keeps the
vocabularies it was built with in ``graph.graph["vocab"]``.

Decisions the schema leaves open:

* **Score of a pair**: the sum over its ties (both directions) of ``score x status weight``.
  More ties and firmer ties move a pair further from 0; a denied tie weighs 0.
* **Status order**: by ``rank`` (established > reported > alleged > speculative > denied). A
  minimum status keeps ties at or above it, so only the weakest (or none) shows denied ties.
* **Roll-up**: each actor follows ``parent_id`` to the top. Ties between actors that roll up to
  the same node (KCNA speaking for North Korea) become self-loops and are dropped: the rolled-up
  graph is about ties between parties. Their ids are kept in ``graph.graph["dropped_self_loops"]``.
* **Isolated actors** (claimants with no tie) are dropped from a filtered graph, except a focus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import networkx as nx
import pandas as pd

from claimscope.analysis import check_known
from claimscope.data.dataset import split_list
from claimscope.data.values import is_missing, text_of
from claimscope.data.vocab import Vocabularies, load_vocabularies

DENIAL_CLAIM_TYPE = "denial"


def vocabularies_of(graph: nx.MultiDiGraph) -> Vocabularies:
    """Return the vocabularies ``graph`` was built with (the project's for a bare graph)."""
    return graph.graph.get("vocab") or load_vocabularies()


def walk_up(parents: dict[str, object], actor: str) -> list[str]:
    """Return ``actor`` and its ancestors along ``parent_id``, stopping before a repeat.

    >>> walk_up({"p": "a", "a": "s", "s": pd.NA}, "p")
    ['p', 'a', 's']
    >>> walk_up({"a": "b", "b": "a"}, "a")
    ['a', 'b']
    """
    chain = [actor]
    current = parents.get(actor)
    while not is_missing(current) and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def find_root_actors(actors: pd.DataFrame) -> dict[str, str]:
    """Map every actor to the actor at the top of its ``parent_id`` chain.

    >>> find_root_actors(pd.DataFrame({"actor_id": ["s", "a", "p"], "parent_id": ["", "s", "a"]}))
    {'s': 's', 'a': 's', 'p': 's'}
    """
    parents = dict(zip(actors["actor_id"], actors["parent_id"], strict=True))
    return {actor: walk_up(parents, actor)[-1] for actor in actors["actor_id"]}


def build_relation_graph(
    actors: pd.DataFrame,
    relations: pd.DataFrame,
    claims: pd.DataFrame,
    *,
    doc_ids: Sequence[str] = (),
    vocab: Vocabularies | None = None,
) -> nx.MultiDiGraph:
    """Build the actor graph: every actor a node, every relation a typed, scored edge.

    Args:
        actors: The actors table (``actor_id``, ``name``, ``kind``, ``country``, ``parent_id``,
            ``note``).
        relations: The relations table; each row becomes an edge keyed by its ``relation_id``.
        claims: The claims table, for evidence quotes and each actor's claims and denials.
        doc_ids: Document ids whose claims count; empty for all. A relation none of whose
            claims is in these documents is left out.
        vocab: The dataset's vocabularies (the project's by default); kept in
            ``graph.graph["vocab"]``.

    Returns:
        The graph. Node attributes: ``name``, ``display_name`` (as a sentence uses it),
        ``kind``, ``country``, ``parent_id``, ``note``,
        ``root`` (top of the parent chain), ``members`` (actor ids the node stands for),
        ``claims_made``, ``claims_about``, ``denials`` (claim-id tuples). Edge attributes:
        ``relation``, ``status``, ``score``, ``weight``, ``weighted_score``, ``claim_ids``,
        ``quotes``, ``note``, ``source_actor``, ``target_actor`` (before any roll-up), ``history``
        (the tie's ``(status, date)`` changes, from ``relations_at``; empty without steps).

    Raises:
        ValueError: naming an unknown document, relation type, status or actor.
    """
    doc_ids = list(doc_ids)
    known_docs = set(claims["doc_id"])
    for doc_id in doc_ids:
        if doc_id not in known_docs:
            raise ValueError(f"unknown document {doc_id!r}: no claim is reported in it")
    if doc_ids:
        claims = claims[claims["doc_id"].isin(doc_ids)]
    vocab = vocab or load_vocabularies()
    scores = vocab.relation_types["score"].astype(float).to_dict()
    weights = vocab.relation_statuses["weight"].astype(float).to_dict()
    roots = find_root_actors(actors)
    graph = nx.MultiDiGraph(doc_ids=tuple(doc_ids), dropped_self_loops=(), vocab=vocab)
    # Group once (claims keep their order within each group); a mask per actor would cost
    # actors x claims comparisons, minutes on 100,000 claims.
    made = _claim_ids_by(claims, "claimant_id")
    about = _claim_ids_by(claims, "subject_id")
    denied = _claim_ids_by(claims[claims["claim_type"] == DENIAL_CLAIM_TYPE], "claimant_id")
    for actor in actors.to_dict("records"):
        actor_id = actor["actor_id"]
        graph.add_node(
            actor_id,
            name=text_of(actor["name"]),
            display_name=text_of(actor.get("display_name")) or text_of(actor["name"]),
            kind=text_of(actor["kind"]),
            country=text_of(actor["country"]),
            parent_id=text_of(actor["parent_id"]),
            note=text_of(actor["note"]),
            root=roots[actor_id],
            members=(actor_id,),
            claims_made=made.get(actor_id, ()),
            claims_about=about.get(actor_id, ()),
            denials=denied.get(actor_id, ()),
        )
    quotes = dict(zip(claims["claim_id"], claims["quote"], strict=True))
    graph.graph["quotes"] = quotes
    for relation in relations.to_dict("records"):
        check_known("relation type", [relation["relation"]], scores)
        check_known("status", [relation["status"]], weights)
        check_known("actor", [relation["source_id"], relation["target_id"]], graph)
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
            note=text_of(relation["note"]),
            source_actor=relation["source_id"],
            target_actor=relation["target_id"],
            history=tuple(relation.get("history", ())),
        )
    return graph


def _claim_ids_by(claims: pd.DataFrame, column: str) -> dict[str, tuple[str, ...]]:
    """Map each value of ``column`` to the ids of its claims, in table order."""
    ids: dict[str, list[str]] = {}
    for key, claim_id in zip(claims[column].tolist(), claims["claim_id"].tolist(), strict=True):
        ids.setdefault(key, []).append(claim_id)
    return {key: tuple(values) for key, values in ids.items()}


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
    *,
    focus_actor: str | None = None,
    depth: int = 1,
    relation_types: Sequence[str] = (),
    min_status: str | None = None,
    roll_up_to_states: bool = False,
) -> nx.MultiDiGraph:
    """Select the part of the graph a report shows.

    Steps, in order: keep the relation types and statuses asked for; roll up to states; keep
    the undirected neighbourhood of ``focus_actor`` within ``depth`` ties and the ties that
    reach it (a tie between two actors ``depth`` ties away is left out: at depth 1, only the
    focus actor's own ties stay); drop actors left with no tie (the focus actor stays).

    Args:
        graph: A graph from :func:`build_relation_graph`.
        focus_actor: Actor id whose neighbourhood to keep; ``None`` or empty for the whole web.
            With ``roll_up_to_states`` an agency or person is replaced by its root.
        depth: How many ties away from the focus actor to reach (0 keeps the actor alone).
        relation_types: Relation types to keep; empty keeps all.
        min_status: Weakest status kept (in rank order of ``relation_statuses.csv``); ``None``
            or empty keeps all, denied included.
        roll_up_to_states: Merge every actor into the top of its parent chain.

    Returns:
        A new graph; ``graph`` is not changed.

    Raises:
        ValueError: naming an unknown actor, relation type or status, or a negative depth.
    """
    statuses = vocabularies_of(graph).statuses
    if focus_actor:
        check_known("actor", [focus_actor], graph)
    check_known("relation type", relation_types, vocabularies_of(graph).relation_types.index)
    if min_status:
        check_known("status", [min_status], statuses)
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    keep_rank = statuses.index(min_status) if min_status else len(statuses)
    view = nx.MultiDiGraph(**graph.graph)
    view.add_nodes_from(graph.nodes(data=True))
    view.add_edges_from(
        (source, target, key, data)
        for source, target, key, data in graph.edges(keys=True, data=True)
        if (not relation_types or data["relation"] in relation_types)
        and statuses.index(data["status"]) <= keep_rank
    )
    if roll_up_to_states:
        view = roll_up_graph(view)
        if focus_actor:
            focus_actor = graph.nodes[focus_actor]["root"]
    if focus_actor:
        steps = nx.single_source_shortest_path_length(view.to_undirected(), focus_actor, depth)
        # Remove rather than take a subgraph, which would iterate a set and lose node order.
        view.remove_nodes_from([n for n in view if n not in steps])
        # A tie between two actors both ``depth`` ties away leads nowhere nearer the focus: at
        # depth 1, ties between its neighbours are not the focus actor's and are left out.
        view.remove_edges_from(
            [
                (s, t, k)
                for s, t, k in view.edges(keys=True)
                if min(steps[s], steps[t]) >= depth and depth > 0
            ]
        )
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
    actor is the source), ``other`` (the other actor's id), ``claim_ids`` (its evidence) and
    ``history`` (its dated status steps).
    """
    check_known("actor", [actor_id], graph)
    statuses = vocabularies_of(graph).statuses
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
        ties.append(
            {
                "relation_id": key,
                "relation": data["relation"],
                "status": data["status"],
                "direction": "out" if outgoing else "in",
                "other": other,
                "claim_ids": tuple(data.get("claim_ids", ())),
                "history": tuple(data.get("history", ())),
            }
        )
    return sorted(ties, key=lambda t: (statuses.index(t["status"]), t["relation_id"]))


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


def node_for(graph: nx.MultiDiGraph, actor_id: str) -> str:
    """The node of ``graph`` that stands for ``actor_id``: itself, or the root it rolled up to.

    Raises:
        ValueError: naming an actor no node stands for.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("s", members=("s", "agency"))
    >>> node_for(g, "agency"), node_for(g, "s")
    ('s', 's')
    """
    if actor_id in graph:
        return actor_id
    roots = {m: n for n, members in graph.nodes(data="members") for m in members or ()}
    check_known("actor", [actor_id], roots)
    return roots[actor_id]


def list_tie_claims(graph: nx.MultiDiGraph, steps: pd.DataFrame | None = None) -> list[str]:
    """The claims a graph's ties rest on, and those of their dated steps, once each, sorted.

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", key="r1", claim_ids=("c2", "c1"))
    >>> list_tie_claims(g, pd.DataFrame({"relation_id": ["r1", "r9"], "claim_ids": ["c3", "c4"]}))
    ['c1', 'c2', 'c3']
    """
    keys = set()
    ids = set()
    for _, _, key, claims in graph.edges(keys=True, data="claim_ids"):
        keys.add(key)
        ids.update(claims or ())
    if steps is not None and not steps.empty:
        mine = steps[steps["relation_id"].isin(keys)]
        ids.update(c for value in mine["claim_ids"] for c in split_list(value))
    return sorted(ids)
