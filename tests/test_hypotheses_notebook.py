"""Integration tests: run the competing-hypotheses notebook with papermill into a temp folder."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest
from helpers import chart, outputs, run_notebook

from claimscope.analysis import ach
from claimscope.analysis.timeline import known_as_of
from claimscope.data.dataset import load_dataset
from claimscope.data.paths import NOTEBOOKS_DIR

NOTEBOOK = NOTEBOOKS_DIR / "competing_hypotheses.ipynb"


def run(tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    return run_notebook(NOTEBOOK, tmp_path / "competing_hypotheses.out.ipynb", **parameters)


def test_notebook_follows_the_report_conventions():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.cells[0].metadata.get("tags") == ["report-title"]
    assert nb.cells[0].source.startswith("# ")
    (parameters,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    for name in ("hypothesis_ids", "min_grade", "weighted", "as_of", "title", "data_dir"):
        assert f"\n{name}:" in f"\n{parameters.source}"
    headings = [
        line
        for c in nb.cells[1:]
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("#")
    ]
    assert headings and all(h.startswith("## ") for h in headings)


def test_parameters_change_the_matrix_scores_and_replay(tmp_path: Path):
    nb = run(
        tmp_path, as_of="2024-10-22", hypothesis_ids=["H1", "H3"], weighted=True, min_grade="C"
    )
    matrix = chart(nb, "Claims rated against each hypothesis")
    assert matrix["data"][0]["x"] == ["H1", "H3"]
    # Only the first briefing note was out on 22 October; its C-or-better rated claims.
    assert all(" (2024-10-" in y for y in matrix["data"][0]["y"])
    replay = chart(nb, "Inconsistency as the evidence arrived")
    assert [t["name"] for t in replay["data"]] == ["H1", "H3"]
    assert {x for t in replay["data"] for x in t["x"]} == {"2024-10-21"}
    scores = chart(nb, "Inconsistency score by hypothesis")
    # Weighted scores are the unweighted counts times weights below 1: lower, never higher.
    known = known_as_of(load_dataset(), "2024-10-22").tables
    cells = ach.gather_evidence(known, hypothesis_ids=["H1", "H3"], min_grade="C")
    counts = ach.score_hypotheses(cells, known["consistency_ratings"], ["H1", "H3"])
    weighted, unweighted = scores["data"][0]["y"], counts["inconsistency"].tolist()
    assert weighted != unweighted
    assert all(w <= u for w, u in zip(weighted, unweighted, strict=True))
    # Its title states the ranking it draws, citing the rated claims.
    low = min(zip(weighted, scores["data"][0]["x"], strict=True))[1]
    assert scores["layout"]["title"]["text"].startswith(f"{low} is the least contradicted")
    assert set(scores["layout"]["meta"]["title_claims"]) == set(cells["claim_id"])
    assert "As of 2024-10-22" in outputs(nb, "text/plain")[0]


def test_bad_parameters_fail_with_a_message_naming_them(tmp_path: Path):
    with pytest.raises(pm.PapermillExecutionError, match="unknown hypothesis 'H9'"):
        run(tmp_path, hypothesis_ids=["H9"])
    with pytest.raises(pm.PapermillExecutionError, match="min_grade: 'Z9' is not a grade"):
        run(tmp_path, min_grade="Z9")
