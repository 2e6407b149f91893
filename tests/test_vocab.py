"""Each vocabulary is one table: a new relation type is one row, and a report draws it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from helpers import add_relation, run_notebook

import claimscope as cs
from claimscope.data.dataset import DatasetError
from claimscope.data.paths import NOTEBOOKS_DIR
from claimscope.present.display import PLOTLY_MIMETYPE

NEW_TYPE = {
    "relation": "energy_supply",
    "label": "energy supply",
    "phrase_from_source": "energy supply to {other}",
    "phrase_from_target": "energy from {other}",
    "colour": "#123abc",
    "score": "7.4",
    "description": "The source supplies fuel or power to the target.",
    "score_source": "Goldstein weight of CAMEO 071 Provide economic aid (+7.4).",
}


def _append_row(path: Path, values: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow([values.get(c, "") for c in header])


def _add_energy_supply(data: Path) -> None:
    """One row for the new relation type, and one relation that uses it."""
    _append_row(data / "relation_types.csv", NEW_TYPE)
    ds = cs.load(data)
    claim_id = ds.claims["claim_id"].iloc[0]
    add_relation(
        data,
        relation_id="r_energy",
        source_id="russia",
        target_id="north_korea",
        relation="energy_supply",
        status="alleged",
        claim_ids=claim_id,
        note="A test tie.",
    )


def test_a_new_relation_type_is_one_row_and_scores_and_reads_from_it(data_copy: Path) -> None:
    _add_energy_supply(data_copy)
    ds = cs.load(data_copy)
    vocab = cs.vocabularies(ds)
    assert vocab.relation_types.loc["energy_supply", "score"] == pytest.approx(7.4)
    assert "r_energy" in ds.relations["relation_id"].tolist()


def test_an_unknown_relation_type_names_the_vocabulary_table(data_copy: Path) -> None:
    with (data_copy / "relations.csv").open("a", encoding="utf-8") as handle:
        handle.write("r_bad,russia,north_korea,energy_supply,\n")
    with pytest.raises(DatasetError, match="'energy_supply' is not a relation in relation_types"):
        cs.load(data_copy)


@pytest.mark.integration
def test_the_relations_report_draws_a_relation_type_added_as_one_row(
    data_copy: Path, tmp_path: Path
) -> None:
    _add_energy_supply(data_copy)
    nb = run_notebook(
        NOTEBOOKS_DIR / "actor_relations.ipynb",
        tmp_path / "energy.ipynb",
        data_dir=str(data_copy),
        min_status="denied",
        focus_actor="north_korea",  # its paragraph tells each tie in the tie type's phrase
    )
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    specs = [o["data"][PLOTLY_MIMETYPE] for o in outputs if PLOTLY_MIMETYPE in o.get("data", {})]
    network = next(s for s in specs if "Who is tied to whom" in s["layout"]["title"]["text"])
    (edge,) = [t for t in network["data"] if t.get("meta", {}).get("relation_id") == "r_energy"]
    assert edge["line"]["color"] == "#123abc"
    legend = [t["name"] for t in network["data"] if t.get("legendgroup") == "relation"]
    assert "energy supply" in legend
    html = "".join(o["data"].get("text/html", "") for o in outputs if "data" in o)
    assert "energy from Russia (alleged)" in html
    assert re.search(r"<td[^>]*>r_energy</td>", html)
