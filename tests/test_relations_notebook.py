import nbformat
import pytest
from helpers import run_notebook

from claimscope.data.paths import NOTEBOOKS_DIR
from claimscope.present.display import PLOTLY_MIMETYPE

NOTEBOOK = NOTEBOOKS_DIR / "actor_relations.ipynb"


def _outputs(nb):
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def _chart(nb, name):
    for output in _outputs(nb):
        data = output.get("data", {})
        if f'data-chart="{name}"' in data.get("text/html", ""):
            return data[PLOTLY_MIMETYPE]
    raise AssertionError(f"no chart named {name!r} in the notebook outputs")


def _network_nodes(spec):
    return {n for trace in spec["data"] if "customdata" in trace for n in trace["customdata"]}


def _run(tmp_path, name, **parameters):
    return run_notebook(NOTEBOOK, tmp_path / name, **parameters)


@pytest.mark.integration
def test_notebook_has_one_parameters_cell_with_plain_defaults():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = [line.split(":")[0] for line in tagged[0].source.splitlines()]
    assert names == [
        "data_dir",
        "doc_ids",
        "focus_actor",
        "depth",
        "relation_types",
        "min_status",
        "roll_up_to_states",
        "as_of",
        "title",
    ]
    assert "(" not in tagged[0].source  # defaults only: no calls, no derived values


@pytest.mark.integration
def test_notebook_focus_on_north_korea_shows_only_its_neighbourhood(tmp_path):
    nb = _run(
        tmp_path,
        "focus.ipynb",
        focus_actor="north_korea",
        depth=1,
        roll_up_to_states=True,
        title="North Korea's ties",
    )
    texts = [o["data"]["text/plain"] for o in _outputs(nb) if "text/plain" in o.get("data", {})]
    # The key findings come first; the focus actor's own paragraph follows them.
    findings = next(t for t in texts if "firmest tie with each actor" in t)
    paragraphs = findings.split("\n\n")
    assert all("[c" in p for p in paragraphs)  # each finding cites its claims
    summary = paragraphs[-1]  # the actor's own paragraph, after its findings
    assert not any("North Korea's ties" in text for text in texts)  # the title is the page's
    assert summary.startswith("North Korea: ")
    assert "alliance with Russia (established)" in summary
    assert "troop deployment to Russia (established)" in summary
    assert "reported on by South Korea (established)" in summary
    # Ties between neighbours that do not involve North Korea are not its ties.
    assert "military aid" not in summary
    assert "Korean Central News Agency" not in summary  # rolled up; its self-loop dropped

    nodes = _network_nodes(_chart(nb, "relation-network"))
    assert nodes == {
        "north_korea",
        "russia",
        "ukraine",
        "south_korea",
        "united_states",
        "nato",
        "china",
    }
    # The matrix is about the whole web: a per-actor page points to the main report instead.
    with pytest.raises(AssertionError, match="no chart named"):
        _chart(nb, "relation-matrix")
    assert any("about the whole web" in t for t in texts)


@pytest.mark.integration
def test_notebook_filters_relation_types_and_status(tmp_path):
    nb = _run(
        tmp_path,
        "conflict.ipynb",
        relation_types=["armed_conflict", "sanctions"],
        min_status="established",
    )
    network = _chart(nb, "relation-network")
    ties = {t["meta"]["relation_id"] for t in network["data"] if "relation_id" in t.get("meta", {})}
    assert ties and all(
        t["meta"]["relation"] in ("armed_conflict", "sanctions")
        and t["meta"]["status"] == "established"
        for t in network["data"]
        if "relation_id" in t.get("meta", {})
    )
    assert "r20" not in ties  # North Korea vs Ukraine is only speculative
    assert "r11" in ties and "r06" in ties
    assert "china" not in _network_nodes(network)
