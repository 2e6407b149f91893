"""Caps and aggregates that keep reports on large datasets readable and small (issue #7).

Below every cap the reports are unchanged (strict nbval on the notebooks checks that); these
tests check what happens above them, on tiny inline frames and on a synthetic dataset.
"""

from __future__ import annotations

import importlib.util
import sys

import networkx as nx
import pandas as pd
import pytest

from claimscope.analysis import stances as stance_lists
from claimscope.analysis import troops as figures
from claimscope.analysis.relations import build_relation_graph, summarise_actors
from claimscope.data.dataset import load_dataset
from claimscope.data.paths import PROJECT_ROOT
from claimscope.present import formatting, prose, tables
from claimscope.present.charts import relations as rel_charts
from claimscope.present.charts import timeline, troops
from claimscope.present.charts.style import actor_colours
from claimscope.present.prose import describe_relations

_SPEC = importlib.util.spec_from_file_location(
    "claimscope_bench_synthetic_caps", PROJECT_ROOT / "benchmarks" / "synthetic.py"
)
synthetic = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = synthetic
_SPEC.loader.exec_module(synthetic)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory):
    """A synthetic dataset of 600 claims, normalised as the troop report does."""
    folder = tmp_path_factory.mktemp("caps") / "data"
    synthetic.generate(folder, 600, seed=5)
    ds = load_dataset(folder)
    kw = {"actors": ds.actors, "documents": ds.documents}
    figs = figures.normalise_figures(ds.claims, ds.unit_sizes, **kw)
    stances = stance_lists.list_stances(ds.claims, **kw)
    return ds, figs, stances, actor_colours(ds.actors)


# --- tables -----------------------------------------------------------------------------------


def test_cap_rows_leaves_a_short_table_alone_and_counts_what_it_drops() -> None:
    frame = pd.DataFrame({"Name": ["a", "b", "c"], "N": [1, 2, 3]})
    assert tables.cap_rows(frame, 3) is frame
    assert tables.cap_rows(frame, None) is frame
    capped = tables.cap_rows(frame, 2, "claims")
    assert capped["Name"].tolist()[:2] == ["a", "b"]
    assert capped["Name"].iloc[-1] == "… 1 more claims not shown (the first 2 of 3 are)"
    assert capped["N"].iloc[-1] == ""
    # A caller that built only the first rows passes the true total.
    assert "9,998 more" in tables.cap_rows(frame.iloc[:2], 2, total=10_000)["Name"].iloc[-1]


def test_summary_table_shows_the_first_claims_and_says_how_many_are_left_out(big) -> None:
    _, figs, stances, _ = big
    total = len(figs) + (~stances["claim_id"].isin(figs["claim_id"])).sum()
    full = tables.tabulate_claims(figs, stances, limit=None)
    capped = tables.tabulate_claims(figs, stances, limit=50)
    assert len(full) == total
    assert len(capped) == 51
    pd.testing.assert_frame_equal(capped.iloc[:50].astype(object), full.iloc[:50].astype(object))
    assert capped["Claimant"].iloc[-1].startswith(f"… {total - 50:,} more claims not shown")


def test_prose_describes_the_first_figures_and_counts_the_rest(big) -> None:
    ds, figs, stances, _ = big
    text = prose.summarise_figures(figs, stances, limit=5)
    assert f"… and {len(figs) - 5:,} more figures ({len(figs):,} in all" in " ".join(text)
    everything = prose.summarise_figures(figs, stances, limit=None)
    assert len(everything) > len(text) + len(figs) - 10
    # Statements beyond the limit are counted, not spelled out.
    assert any(p.startswith("… and ") and " more statements (" in p for p in text)


def test_join_names_counts_names_beyond_the_limit() -> None:
    assert formatting.join_names(["A", "B", "A", "C"]) == "A, B and C"
    assert formatting.join_names(["A", "B", "C", "D"], limit=2) == "A, B and 2 others"


def test_count_stances_counts_per_claimant_and_orders_by_total_then_actor_order() -> None:
    stances = pd.DataFrame(
        {
            "claimant_id": ["b", "a", "b", "c", "a"],
            "claimant_name": ["B", "A", "B", "C", "A"],
            "stance": ["denies", "asserts", "asserts", "confirms", "asserts"],
        }
    )
    actors = pd.DataFrame({"actor_id": ["c", "b", "a"]})
    out = stance_lists.count_stances(stances, actors)
    assert out["claimant_id"].tolist() == ["b", "a", "c"]  # b and a tie on 2: actors order
    stances_and_total = ["asserts", "denies", "not_denied", "not_verified", "confirms", "total"]
    assert out.loc[0, stances_and_total].tolist() == [1, 1, 0, 0, 0, 2]
    assert out["total"].tolist() == [2, 2, 1]


# --- troop charts -------------------------------------------------------------------------


def test_aggregate_by_claimant_spans_figures_and_counts_stances() -> None:
    figs = pd.DataFrame(
        {
            "claim_id": ["c1", "c2", "c3"],
            "claimant_id": ["x", "x", "y"],
            "claimant_name": ["X", "X", "Y"],
            "stance": ["asserts"] * 3,
            "troops_low": pd.array([1000, pd.NA, 500], dtype="Int64"),
            "troops_high": pd.array([3000, 8000, pd.NA], dtype="Int64"),
            "is_low_open": [False, True, False],
            "is_high_open": [False, False, True],
            "troops_stated": pd.array([2000, 8000, 500], dtype="Int64"),
        }
    )
    stances = pd.DataFrame(
        {
            "claim_id": ["c1", "c2", "c3", "c4", "c5"],
            "claimant_id": ["x", "x", "y", "z", "z"],
            "claimant_name": ["X", "X", "Y", "Z", "Z"],
            "stance": ["asserts", "asserts", "asserts", "denies", "not_verified"],
        }
    )
    out = stance_lists.aggregate_by_claimant(figs, stances).set_index("claimant_id")
    assert out.loc["x", ["claims", "figures", "low", "high", "median"]].tolist() == [
        2,
        2,
        1000,
        8000,
        5000,
    ]
    assert not out.loc["x", "is_low_open"] and not out.loc["x", "is_high_open"]
    assert out.loc["y", "is_high_open"] and pd.isna(out.loc["y", "high"])
    assert out.loc["z", ["figures", "asserts", "denies", "not_verified"]].tolist() == [0, 0, 1, 1]


def test_figures_by_source_draws_one_row_per_claimant_above_the_limit(big) -> None:
    ds, figs, stances, colours = big
    per_claim = troops.plot_figures_by_source(figs, stances, colours=colours, limit=10_000)
    assert {t.meta["role"] for t in per_claim.data if t.meta} >= {"interval", "stance"}
    fig = troops.plot_figures_by_source(figs, stances, colours=colours, limit=5)
    roles = [t.meta["role"] for t in fig.data]
    assert "interval" not in roles and roles.count("stance") == 5
    claimants = stances["claimant_id"].nunique()
    title = fig.layout.title.text
    assert f"{len(stances):,} claims by {claimants:,} claimants" in title
    assert f"the 5 with most claims shown, {claimants - 5:,} left out" in title
    assert len(fig.layout.yaxis.ticktext) == 5


def test_timeline_shows_median_and_range_per_day_and_measure_above_the_limit(big) -> None:
    _, figs, _, colours = big
    fig = timeline.plot_figures_timeline(figs, colours=colours, limit=10)
    assert {t.meta["role"] for t in fig.data} == {"daily"}
    assert {t.meta["measure"] for t in fig.data} == set(figs["measure"])
    present = next(t for t in fig.data if t.meta["measure"] == "present")
    day = pd.to_datetime(figs["claimed_on"]).dt.strftime("%Y-%m-%d")
    stated = figs.loc[(figs["measure"] == "present") & (day == present.x[0]), "troops_stated"]
    assert present.y[0] == pytest.approx(float(stated.astype(float).median()), abs=0.1)
    assert f"{len(figs):,} figures" in fig.layout.title.text


def test_stance_chart_sums_the_claimants_beyond_the_limit(big) -> None:
    ds, _, stances, colours = big
    counts = stance_lists.count_stances(stances, ds.actors)
    fig = troops.plot_stance_by_actor(counts, colours=colours, limit=5)
    assert len(fig.data[0].y) == 6
    asserts = next(t for t in fig.data if t.meta["stance"] == "asserts")
    assert asserts.x[-1] == counts["asserts"].iloc[5:].sum()
    assert f"{len(counts) - 5:,} other bars" in fig.layout.yaxis.ticktext[-1]


# --- relations -----------------------------------------------------------------------------


def _star() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node in "habcd":
        graph.add_node(node, name=node.upper(), kind="state")
    for i, (target, status) in enumerate(
        [("a", "alleged"), ("b", "established"), ("c", "reported"), ("d", "speculative")]
    ):
        graph.add_edge("h", target, key=f"r{i}", status=status)
    graph.add_edge("a", "b", key="r9", status="reported")
    return graph


def test_select_busiest_keeps_the_actors_with_most_ties_and_the_firmest_ties() -> None:
    graph = _star()
    same, note = rel_charts.select_busiest(graph, limit=10, tie_limit=10)
    assert same is graph and note == ""
    view, note = rel_charts.select_busiest(graph, limit=3)
    assert list(view) == ["h", "a", "b"]  # node order kept
    assert note == "the 3 actors with most ties of 5"
    view, note = rel_charts.select_busiest(graph, limit=None, tie_limit=2)
    assert sorted(k for _, _, k in view.edges(keys=True)) == ["r1", "r2"]
    assert note == "the 2 firmest of their 5 ties"
    assert graph.number_of_edges() == 5  # the input graph is not changed


def test_network_and_matrix_of_a_large_graph_say_what_they_leave_out(big) -> None:
    ds, *_ = big
    graph = build_relation_graph(ds.actors, ds.relations, ds.claims)
    network = rel_charts.plot_relation_network(graph, actors=ds.actors, limit=8, tie_limit=20)
    edges = [t for t in network.data if t.meta and "relation_id" in t.meta]
    assert len(edges) <= 20
    nodes = sum(len(t.customdata) for t in network.data if t.customdata is not None)
    assert nodes == 8
    assert "the 8 actors with most ties" in network.layout.title.text
    matrix = rel_charts.plot_relation_matrix(graph, limit=6)
    assert len(matrix.data[0].x) <= 6
    assert "the 6 actors with most ties" in matrix.layout.title.text


def test_relation_tables_and_summary_are_capped(big) -> None:
    ds, *_ = big
    graph = build_relation_graph(ds.actors, ds.relations, ds.claims)
    ties = tables.build_tie_table(graph, limit=7)
    assert len(ties) == 8
    assert ties["Tie"].iloc[-1].startswith(f"… {graph.number_of_edges() - 7:,} more ties")
    actors = tables.build_actor_table(summarise_actors(graph), limit=4)
    assert len(actors) == 5 and "more actors not shown" in actors["Actor"].iloc[-1]
    tied = sum(graph.degree(n) > 0 for n in graph)
    text = describe_relations(graph, limit=3)
    assert len(text) == 4
    assert text[-1].startswith(f"… and {tied - 3:,} more actors with ties")
    assert len(describe_relations(graph, limit=None)) == tied


def test_summarise_actors_scores_match_a_sum_over_every_edge(big) -> None:
    ds, *_ = big
    graph = build_relation_graph(ds.actors, ds.relations, ds.claims)
    summary = summarise_actors(graph).set_index("actor_id")
    for node in list(graph)[:10]:
        expected = sum(
            d["weighted_score"] for s, t, d in graph.edges(data=True) if node in (s, t) and s != t
        )
        assert summary.loc[node, "score"] == expected
        made = tuple(ds.claims.loc[ds.claims["claimant_id"] == node, "claim_id"])
        assert graph.nodes[node]["claims_made"] == made
