import json
import os
import subprocess
import sys
from itertools import combinations
from math import hypot

import pandas as pd
import plotly.io as pio
import pytest

from claimscope.analysis.relations import (
    build_relation_graph,
    filter_relation_graph,
    summarise_actors,
)
from claimscope.data.dataset import load_dataset
from claimscope.data.paths import DATA_DIR
from claimscope.data.vocab import load_vocabularies
from claimscope.present.charts.network_layout import MIN_NODE_DISTANCE, layout_actor_graph
from claimscope.present.charts.relations import plot_relation_matrix, plot_relation_network
from claimscope.present.charts.style import actor_colours
from claimscope.present.tables import build_actor_table, build_tie_table

VOCAB = load_vocabularies()
STATUSES = VOCAB.statuses
RELATION_COLOURS = VOCAB.lookup("relation_types", "colour")
KIND_SYMBOLS = VOCAB.lookup("actor_kinds", "symbol")
STATUS_STYLES = VOCAB.relation_statuses.to_dict("index")


def load_relation_scale():
    return VOCAB.relation_types.reset_index(drop=True)


ACTORS = pd.DataFrame(
    [
        ("a", "<script>alert(1)</script>", "state", "AAA", "", ""),
        ("a_spy", "Aland spies", "intelligence_agency", "AAA", "a", ""),
        ("b", "Bland", "state", "BBB", "", ""),
        ("c", "Cland", "alliance", "", "", ""),
    ],
    columns=["actor_id", "name", "kind", "country", "parent_id", "note"],
)
CLAIMS = pd.DataFrame(
    [
        ("k1", "d", "allies <script>evil()</script>", "a", "b", "statement"),
        ("k2", "d", "maybe troops", "b", "a", "troop_deployment"),
        ("k3", "d", "they fight", "c", "b", "statement"),
        ("k4", "d", "B denies", "b", "b", "denial"),
    ],
    columns=["claim_id", "doc_id", "quote", "claimant_id", "subject_id", "claim_type"],
)
RELATIONS = pd.DataFrame(
    [
        ("r1", "a", "b", "alliance", "established", "k1", ""),
        ("r2", "a", "b", "troop_deployment", "alleged", "k2", ""),
        ("r3", "c", "b", "armed_conflict", "speculative", "k3", ""),
        ("r4", "a_spy", "c", "intelligence_reporting", "reported", "k3", ""),
    ],
    columns=["relation_id", "source_id", "target_id", "relation", "status", "claim_ids", "note"],
)


@pytest.fixture
def graph():
    return build_relation_graph(ACTORS, RELATIONS, CLAIMS)


def _edge_traces(fig):
    return [t for t in fig.data if t.meta and "relation_id" in t.meta]


def _node_traces(fig):
    return [t for t in fig.data if t.customdata is not None]


def test_every_actor_kind_is_a_vocabulary_row_with_a_symbol():
    package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    actors = next(r for r in package["resources"] if r["name"] == "actors")
    keys = {k["fields"][0]: k["reference"]["resource"] for k in actors["schema"]["foreignKeys"]}
    assert keys["kind"] == "actor_kinds"
    assert all(KIND_SYMBOLS.values()) and all(RELATION_COLOURS.values())


def test_weaker_statuses_are_drawn_thinner_fainter_and_broken():
    widths = [STATUS_STYLES[s]["width"] for s in STATUSES]
    opacities = [STATUS_STYLES[s]["opacity"] for s in STATUSES]
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == len(widths)
    assert opacities == sorted(opacities, reverse=True)
    assert STATUS_STYLES["established"]["dash"] == "solid"
    dashes = [STATUS_STYLES[s]["dash"] for s in STATUSES]
    assert len(set(dashes)) == len(dashes)


def test_network_has_one_trace_per_tie_styled_by_status_and_type(graph):
    fig = plot_relation_network(graph, actors=ACTORS)
    edges = {t.meta["relation_id"]: t for t in _edge_traces(fig)}
    assert set(edges) == {"r1", "r2", "r3", "r4"}
    assert edges["r1"].line.dash == "solid"
    assert edges["r2"].line.dash == "dash"
    assert edges["r3"].line.dash == "dot"
    assert edges["r2"].line.width < edges["r1"].line.width
    assert edges["r3"].opacity < edges["r1"].opacity
    assert edges["r1"].line.color == RELATION_COLOURS["alliance"]
    assert edges["r3"].line.color == RELATION_COLOURS["armed_conflict"]
    assert not any(t.showlegend for t in edges.values())


def test_network_shows_direction_with_an_arrow_near_the_target(graph):
    fig = plot_relation_network(graph, actors=ACTORS)
    positions = layout_actor_graph(graph)
    edge = next(t for t in _edge_traces(fig) if t.meta["relation_id"] == "r3")
    assert edge.marker.symbol == "arrow"
    assert edge.marker.angleref == "previous"
    sizes = list(edge.marker.size)
    arrow = max(range(len(sizes)), key=sizes.__getitem__)
    assert sizes[arrow] > 0 and sizes.count(0) == len(sizes) - 1
    tip = (edge.x[arrow], edge.y[arrow])
    to_target = hypot(tip[0] - positions["b"][0], tip[1] - positions["b"][1])
    to_source = hypot(tip[0] - positions["c"][0], tip[1] - positions["c"][1])
    assert to_target < to_source
    assert (edge.x[0], edge.y[0]) == positions["c"]
    assert (edge.x[-1], edge.y[-1]) == positions["b"]


def test_network_legend_has_one_entry_per_relation_type_status_and_kind(graph):
    fig = plot_relation_network(graph, actors=ACTORS)
    legend = [(t.legendgroup, t.name) for t in fig.data if t.showlegend is not False]
    relations = [name for group, name in legend if group == "relation"]
    statuses = [name for group, name in legend if group == "status"]
    kinds = [name for group, name in legend if group == "kind"]
    assert relations == ["alliance", "troop deployment", "armed conflict", "intelligence reporting"]
    assert statuses == ["established", "reported", "alleged", "speculative"]
    assert sorted(kinds) == ["alliance", "intelligence agency", "state"]
    status_dash = {t.name: t.line.dash for t in fig.data if t.legendgroup == "status"}
    assert status_dash == {s: STATUS_STYLES[s]["dash"] for s in statuses}


def test_network_nodes_use_kind_symbols_and_shared_actor_colours(graph):
    fig = plot_relation_network(graph, actors=ACTORS)
    nodes = {t.name: t for t in _node_traces(fig)}
    assert nodes["state"].marker.symbol == KIND_SYMBOLS["state"]
    assert nodes["alliance"].marker.symbol == KIND_SYMBOLS["alliance"]
    assert list(nodes["state"].customdata) == ["a", "b"]
    colours = actor_colours(ACTORS)
    assert list(nodes["state"].marker.color) == [colours["a"], colours["b"]]


def test_network_escapes_names_and_quotes(graph):
    fig = plot_relation_network(graph, actors=ACTORS)
    payload = pio.to_json(fig)
    assert "<script>" not in payload
    state = next(t for t in _node_traces(fig) if t.name == "state")
    assert state.text[0].startswith("&lt;script&gt;alert(1)&lt;/")
    assert "<script" not in state.text[0]
    r1 = next(t for t in _edge_traces(fig) if t.meta["relation_id"] == "r1")
    assert "allies &lt;script&gt;evil()&lt;/script&gt;" in r1.hovertext
    assert "<b>k1</b>" in r1.hovertext
    assert "<b>Status</b>: established" in r1.hovertext


def test_network_hover_names_original_actors_after_roll_up(graph):
    rolled = filter_relation_graph(graph, roll_up_to_states=True)
    fig = plot_relation_network(rolled, actors=ACTORS)
    r4 = next(t for t in _edge_traces(fig) if t.meta["relation_id"] == "r4")
    assert "<b>Between</b>: Aland spies → Cland" in r4.hovertext
    assert {n for t in _node_traces(fig) for n in t.customdata} == {"a", "b", "c"}


def test_layout_is_deterministic_and_spread(graph):
    first, second = layout_actor_graph(graph), layout_actor_graph(graph)
    assert first == second
    for (x0, y0), (x1, y1) in combinations(first.values(), 2):
        assert hypot(x1 - x0, y1 - y0) >= MIN_NODE_DISTANCE
    fig_json = [pio.to_json(plot_relation_network(graph, actors=ACTORS)) for _ in range(2)]
    assert fig_json[0] == fig_json[1]
    assert '"uid"' not in fig_json[0]


def test_article_actors_labels_do_not_crowd_each_other():
    dataset = load_dataset()
    graph = filter_relation_graph(
        build_relation_graph(dataset.actors, dataset.relations, dataset.claims)
    )
    fig = plot_relation_network(graph, actors=dataset.actors)
    labels = {
        node: (x, y)
        for trace in _node_traces(fig)
        for node, x, y in zip(trace.customdata, trace.x, trace.y, strict=True)
    }
    assert {"north_korea", "russia", "ukraine", "united_states", "china"} <= set(labels)
    for a, b in combinations(labels, 2):
        distance = hypot(labels[a][0] - labels[b][0], labels[a][1] - labels[b][1])
        assert distance >= MIN_NODE_DISTANCE, (a, b, distance)


def test_matrix_reads_from_rows_to_columns_centred_on_zero_and_blank_without_a_tie(graph):
    fig = plot_relation_matrix(graph)
    (heat,) = fig.data
    scale = load_relation_scale().set_index("relation")["score"]
    labels = list(heat.x)
    assert labels == ["&lt;script&gt;alert(1)&lt;/script&gt;", "Aland spies", "Bland", "Cland"]
    a, spy, b, c = range(4)
    expected_ab = scale["alliance"] + 0.5 * scale["troop_deployment"]
    assert heat.z[a][b] == pytest.approx(expected_ab)
    assert heat.z[b][a] is None  # directed: no tie runs from B to A, so not mirrored
    assert fig.layout.yaxis.title.text == "from" and fig.layout.xaxis.title.text == "to"
    assert "cooperation" in heat.colorbar.title.text  # the colour bar names its unit
    assert heat.z[c][b] == pytest.approx(0.25 * scale["armed_conflict"])  # r3 runs c → b
    assert heat.z[b][c] is None
    assert heat.z[spy][c] == pytest.approx(0.75 * scale["intelligence_reporting"])
    assert heat.z[a][c] is None and heat.z[a][a] is None
    assert heat.zmid == 0 and heat.zmin == -heat.zmax
    assert heat.zmax == pytest.approx(expected_ab)


def test_matrix_hover_lists_the_ties_escaped(graph):
    (heat,) = plot_relation_matrix(graph).data
    text = heat.hovertext[0][2]
    assert "<b>r1</b>" in text and "<b>r2</b>" in text
    assert "alliance (established" in text and "troop deployment (alleged" in text
    assert "&lt;script&gt;" in text and "<script>" not in text
    assert heat.hovertext[0][3] == ""


def test_actor_table_formats_the_summary(graph):
    table = build_actor_table(summarise_actors(graph))
    assert list(table.columns) == [
        "Actor",
        "Kind",
        "Ties",
        "Ties by type",
        "Ties by status",
        "Score",
        "Claims made",
        "Claims about",
        "Denials",
    ]
    bland = table.set_index("Actor").loc["Bland"]
    assert bland["Ties"] == 3
    assert bland["Ties by status"] == "established 1, alleged 1, speculative 1"
    assert bland["Denials"] == "k4"
    assert bland["Claims made"] == 2
    assert bland["Kind"] == "state"


def test_tie_table_lists_evidence_strongest_first(graph):
    table = build_tie_table(graph)
    assert table["Tie"].tolist() == ["r1", "r4", "r2", "r3"]
    assert table.iloc[0][["From", "To", "Evidence"]].tolist() == [
        "<script>alert(1)</script>",
        "Bland",
        "k1",
    ]


def test_layout_does_not_depend_on_the_hash_seed():
    # Set iteration order changes with PYTHONHASHSEED; the layout must not.
    code = (
        "import networkx as nx\n"
        "from claimscope.present.charts.network_layout import layout_actor_graph\n"
        "g = nx.MultiDiGraph([('north', 'south'), ('east', 'west'), ('west', 'up'),"
        " ('up', 'east'), ('solo_a', 'solo_b')])\n"
        "print(layout_actor_graph(g))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(outputs) == 1
    assert "'solo_b'" in outputs.pop()
