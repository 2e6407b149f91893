import json

import pandas as pd
import pytest

from claimscope.analysis.relations import (
    build_relation_graph,
    filter_relation_graph,
    find_root_actors,
    list_actor_ties,
    roll_up_graph,
    score_actor_pairs,
    summarise_actors,
)
from claimscope.data.paths import DATA_DIR
from claimscope.data.vocab import load_vocabularies
from claimscope.present.prose import describe_actor, describe_relations

VOCAB = load_vocabularies()
STATUSES = VOCAB.statuses


def load_relation_scale():
    return VOCAB.relation_types.reset_index(drop=True)


def _actors(rows):
    columns = ["actor_id", "name", "kind", "country", "parent_id", "note"]
    return pd.DataFrame(rows, columns=columns)


def _relations(rows):
    columns = ["relation_id", "source_id", "target_id", "relation", "status", "claim_ids", "note"]
    return pd.DataFrame(rows, columns=columns)


def _claims(rows):
    columns = ["claim_id", "doc_id", "quote", "claimant_id", "subject_id", "claim_type"]
    return pd.DataFrame(rows, columns=columns)


ACTORS = _actors(
    [
        ("a", "Aland", "state", "AAA", "", ""),
        ("a_spy", "Aland spies", "intelligence_agency", "AAA", "a", ""),
        ("a_boss", "Boss of Aland", "person", "AAA", "a_spy", ""),
        ("b", "Bland", "state", "BBB", "", ""),
        ("c", "Cland", "state", "CCC", "", ""),
        ("d", "Dland", "state", "DDD", "", ""),
        ("loner", "Loner", "group", "", "", ""),
    ]
)
CLAIMS = _claims(
    [
        ("k1", "doc1", "A and B are allies", "a_boss", "b", "statement"),
        ("k2", "doc1", "A sends <script>x</script> troops", "a_spy", "a", "troop_deployment"),
        ("k3", "doc2", "B fights C", "c", "b", "statement"),
        ("k4", "doc2", "A denies it", "a", "a", "denial"),
        ("k5", "doc2", "C and D maybe", "d", "c", "assessment"),
    ]
)
RELATIONS = _relations(
    [
        ("r1", "a", "b", "alliance", "established", "k1", ""),
        ("r2", "a", "b", "troop_deployment", "alleged", "k2;k4", ""),
        ("r3", "b", "c", "armed_conflict", "reported", "k3", ""),
        ("r4", "c", "d", "military_aid", "speculative", "k5", ""),
        ("r5", "a_spy", "a", "state_media", "established", "k2", ""),
        ("r6", "a_spy", "c", "intelligence_reporting", "denied", "k3", ""),
    ]
)


def _graph(doc_ids=()):
    return build_relation_graph(ACTORS, RELATIONS, CLAIMS, doc_ids=doc_ids)


def _foreign_key(resource, field):
    package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in package["resources"] if r["name"] == resource)
    spec = next(f for f in res["schema"]["fields"] if f["name"] == field)
    assert "enum" not in spec.get("constraints", {}), "the vocabulary table is the one list"
    (key,) = [k for k in res["schema"]["foreignKeys"] if k["fields"] == [field]]
    return key["reference"]["resource"]


def test_relation_types_and_statuses_are_vocabulary_tables_the_columns_refer_to():
    assert _foreign_key("relations", "relation") == "relation_types"
    assert _foreign_key("relation_steps", "status") == "relation_statuses"
    scale = load_relation_scale()
    assert scale["relation"].is_unique
    assert scale["score"].between(-10, 10).all()
    assert (scale["description"].str.len() > 0).all()
    assert (scale["score_source"].str.len() > 0).all()


def test_scale_signs_cooperation_positive_and_conflict_negative():
    score = load_relation_scale().set_index("relation")["score"]
    assert score["alliance"] > 0 and score["arms_supply"] > 0
    assert score["armed_conflict"] < score["sanctions"] < 0
    assert score["neutrality"] == 0


def test_status_weights_fall_with_the_status_and_cite_their_source():
    weights = VOCAB.relation_statuses.reset_index(drop=True)
    assert weights["status"].tolist() == list(STATUSES)
    assert (weights["weight_source"].str.len() > 0).all()
    assert weights["weight"].is_monotonic_decreasing
    assert dict(zip(weights["status"], weights["weight"], strict=True)) == {
        "established": 1.0,
        "reported": 0.75,
        "alleged": 0.5,
        "speculative": 0.25,
        "denied": 0.0,
    }


def test_find_root_actors_follows_the_parent_chain_to_the_top():
    roots = find_root_actors(ACTORS)
    assert roots["a_boss"] == "a"
    assert roots["a_spy"] == "a"
    assert roots["b"] == "b"


def test_graph_has_typed_scored_edges_with_evidence():
    graph = _graph()
    assert set(graph.nodes) == set(ACTORS["actor_id"])
    edge = graph.edges["a", "b", "r2"]
    assert edge["relation"] == "troop_deployment"
    assert edge["status"] == "alleged"
    assert edge["claim_ids"] == ("k2", "k4")
    assert edge["quotes"] == ("A sends <script>x</script> troops", "A denies it")
    scale = load_relation_scale().set_index("relation")["score"]
    assert edge["weighted_score"] == pytest.approx(scale["troop_deployment"] * 0.5)
    assert graph.nodes["a"]["denials"] == ("k4",)
    assert graph.nodes["a_boss"]["claims_made"] == ("k1",)
    assert graph.nodes["b"]["claims_about"] == ("k1", "k3")


def test_documents_restrict_evidence_and_drop_unsupported_ties():
    graph = _graph(doc_ids=["doc1"])
    assert set(graph.edges(keys=True)) == {("a", "b", "r1"), ("a", "b", "r2"), ("a_spy", "a", "r5")}
    assert graph.edges["a", "b", "r2"]["claim_ids"] == ("k2",)
    assert graph.nodes["a"]["denials"] == ()


def test_unknown_document_relation_status_or_actor_raises_naming_it():
    with pytest.raises(ValueError, match="'doc9'"):
        _graph(doc_ids=["doc9"])
    bad_type = RELATIONS.assign(relation=["friendship", *RELATIONS["relation"][1:]])
    with pytest.raises(ValueError, match="'friendship'"):
        build_relation_graph(ACTORS, bad_type, CLAIMS)
    bad_status = RELATIONS.assign(status=["rumoured", *RELATIONS["status"][1:]])
    with pytest.raises(ValueError, match="'rumoured'"):
        build_relation_graph(ACTORS, bad_status, CLAIMS)
    bad_actor = RELATIONS.assign(target_id=["zed", *RELATIONS["target_id"][1:]])
    with pytest.raises(ValueError, match="'zed'"):
        build_relation_graph(ACTORS, bad_actor, CLAIMS)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"focus_actor": "nobody"}, "'nobody'"),
        ({"relation_types": ["alliance", "hugs"]}, "'hugs'"),
        ({"min_status": "likely"}, "'likely'"),
        ({"depth": -1}, "-1"),
    ],
)
def test_filter_rejects_unknown_values_naming_them(kwargs, name):
    with pytest.raises(ValueError, match=name):
        filter_relation_graph(_graph(), **kwargs)


def test_filter_by_min_status_keeps_stronger_ties_and_hides_denied():
    graph = _graph()
    kept = filter_relation_graph(graph, min_status="reported")
    assert {k for _, _, k in kept.edges(keys=True)} == {"r1", "r3", "r5"}
    speculative = filter_relation_graph(graph, min_status="speculative")
    assert "r6" not in {k for _, _, k in speculative.edges(keys=True)}
    assert "r4" in {k for _, _, k in speculative.edges(keys=True)}
    everything = filter_relation_graph(graph, min_status="denied")
    assert everything.number_of_edges() == graph.number_of_edges()


def test_filter_by_relation_type_and_drop_isolated_actors():
    view = filter_relation_graph(_graph(), relation_types=["armed_conflict"])
    assert set(view.nodes) == {"b", "c"}
    assert "loner" not in filter_relation_graph(_graph())


def test_focus_keeps_the_undirected_neighbourhood_within_depth():
    graph = _graph()
    one = filter_relation_graph(graph, focus_actor="c", depth=1)
    assert set(one.nodes) == {"b", "c", "d", "a_spy"}
    assert all("c" in (s, t) for s, t in one.edges()), "at depth 1, only c's own ties"
    two = filter_relation_graph(graph, focus_actor="d", depth=2)
    assert set(two.nodes) == {"d", "c", "b", "a_spy"}
    alone = filter_relation_graph(graph, focus_actor="loner", depth=3)
    assert set(alone.nodes) == {"loner"}


def test_focus_leaves_out_ties_between_actors_at_its_outer_edge():
    graph = _graph()
    graph.add_edge("b", "d", key="r7", **graph.edges["b", "c", "r3"])  # c's neighbours, tied
    one = filter_relation_graph(graph, focus_actor="c", depth=1)
    assert "r7" not in {k for _, _, k in one.edges(keys=True)}
    assert {"b", "d"} <= set(one.nodes)  # each still tied to c
    two = filter_relation_graph(graph, focus_actor="c", depth=2)
    assert "r7" in {k for _, _, k in two.edges(keys=True)}  # it leads to c within two ties


def test_roll_up_merges_members_and_drops_self_loops():
    rolled = roll_up_graph(_graph())
    assert "a_spy" not in rolled and "a_boss" not in rolled
    assert set(rolled.nodes["a"]["members"]) == {"a", "a_spy", "a_boss"}
    assert rolled.graph["dropped_self_loops"] == ("r5",)
    assert all(s != t for s, t in rolled.edges())
    reporting = rolled.edges["a", "c", "r6"]
    assert (reporting["source_actor"], reporting["target_actor"]) == ("a_spy", "c")
    assert rolled.nodes["a"]["claims_made"] == ("k1", "k2", "k4")


def test_focus_on_a_member_rolls_up_to_its_state():
    view = filter_relation_graph(_graph(), focus_actor="a_boss", depth=1, roll_up_to_states=True)
    assert set(view.nodes) == {"a", "b", "c"}
    assert describe_relations(view, focus_actor="a_boss")[0].startswith("Aland: ")


def test_pair_score_sums_weighted_scores_over_both_directions():
    actors = _actors([("x", "X", "state", "", "", ""), ("y", "Y", "state", "", "", "")])
    relations = _relations(
        [
            ("r1", "x", "y", "alliance", "established", "k1", ""),
            ("r2", "y", "x", "sanctions", "reported", "k1", ""),
            ("r3", "x", "y", "armed_conflict", "denied", "k1", ""),
        ]
    )
    claims = _claims([("k1", "d", "q", "x", "y", "statement")])
    pairs = score_actor_pairs(build_relation_graph(actors, relations, claims))
    scale = load_relation_scale().set_index("relation")["score"]
    assert len(pairs) == 1
    row = pairs.iloc[0]
    assert (row["actor_a"], row["actor_b"], row["ties"]) == ("x", "y", 3)
    assert row["score"] == pytest.approx(scale["alliance"] + 0.75 * scale["sanctions"])


def test_describe_actor_lists_ties_strongest_first_with_status():
    text = describe_actor(_graph(), "a")
    assert text == (
        "Aland: alliance with Bland (established); speaks through Aland spies (established); "
        "troop deployment to Bland (alleged)."
    )
    assert describe_actor(_graph(), "loner") == "Loner: no ties in this selection."


def test_list_actor_ties_reads_each_tie_from_the_actor_end():
    ties = list_actor_ties(_graph(), "b")
    assert [(t["relation_id"], t["direction"], t["other"]) for t in ties] == [
        ("r1", "in", "a"),
        ("r3", "out", "c"),
        ("r2", "in", "a"),
    ]
    assert "troops from Aland (alleged)" in describe_actor(_graph(), "b")


def test_describe_relations_without_focus_covers_every_tied_actor():
    paragraphs = describe_relations(filter_relation_graph(_graph()))
    assert [p.split(":")[0] for p in paragraphs] == [
        "Aland",
        "Aland spies",
        "Bland",
        "Cland",
        "Dland",
    ]


def test_summarise_actors_counts_ties_claims_and_denials():
    summary = summarise_actors(_graph()).set_index("actor_id")
    a = summary.loc["a"]
    assert a["ties"] == 3
    assert a["ties_by_type"] == {"alliance": 1, "troop_deployment": 1, "state_media": 1}
    assert a["ties_by_status"] == {"established": 2, "alleged": 1}
    assert a["denials"] == ("k4",)
    assert a["claims_about"] == ("k2", "k4")
    scale = load_relation_scale().set_index("relation")["score"]
    assert a["score"] == pytest.approx(
        scale["alliance"] + 0.5 * scale["troop_deployment"] + scale["state_media"]
    )
