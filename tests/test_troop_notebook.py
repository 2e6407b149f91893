"""Integration tests: run the troop-figures notebook with papermill into a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from helpers import chart, outputs, run_notebook

from claimscope.data.paths import KERNEL_NAME, NOTEBOOKS_DIR

NOTEBOOK = NOTEBOOKS_DIR / "troop_figures.ipynb"
ZELENSKYY = "volodymyr_zelenskyy"


def run(tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    return run_notebook(NOTEBOOK, tmp_path / "troop_figures.out.ipynb", **parameters)


def text_with(nb: nbformat.NotebookNode, needle: str) -> str:
    (match,) = [t for t in outputs(nb, "text/plain") if needle in t]
    return match


@pytest.mark.integration
def test_notebook_follows_claimant_filter_and_brigade_size(tmp_path):
    committed = nbformat.read(NOTEBOOK, as_version=4)
    default_table = text_with(committed, "Troops (normalised)")
    assert "6,000–10,000" in default_table
    assert "Russia" in default_table and "NIS" in default_table

    # The seed article only: there Zelenskyy's one figure is in brigades.
    nb = run(
        tmp_path,
        doc_ids=["000_4f2a035373e67687"],
        claimant_ids=[ZELENSKYY],
        unit_overrides={"brigades": [1500, 2500]},
        title="Zelenskyy only",
    )
    table = text_with(nb, "Troops (normalised)")
    rows = table.splitlines()[1:]
    assert len(rows) == 1
    assert rows[0].lstrip().startswith("Volodymyr Zelenskyy")
    assert "3,000–5,000" in rows[0]
    assert "6,000–10,000" not in table

    prose = text_with(nb, "per brigade")
    assert "becomes 3,000–5,000 troops at 1,500–2,500 troops per brigade" in prose
    assert "No source in this selection denies what the others assert." in prose

    spec = chart(nb, "Claimed troop figures by source: strength")
    intervals = [t for t in spec["data"] if t.get("meta", {}).get("role") == "interval"]
    assert [t["x"] for t in intervals] == [[3000, 5000]]
    # The title is the page's heading (the template's), never an output of the notebook.
    assert not any("Zelenskyy only" in text for text in outputs(nb, "text/plain"))
    assert nb.cells[0].source.startswith("# ") and "report-title" in nb.cells[0].metadata.tags
    units = text_with(nb, "Troops per unit (used)")
    assert "1,500–2,500" in units


@pytest.mark.integration
def test_notebook_names_an_unknown_claimant(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as error:
        run(tmp_path, claimant_ids=["nobody_at_all"])
    assert "parameter 'claimant_ids': unknown actor id 'nobody_at_all'" in str(error.value)
    assert "actor_id column of data/actors.csv" in str(error.value)


def test_default_report_shows_russia_and_the_united_states_changing_their_stance():
    committed = nbformat.read(NOTEBOOK, as_version=4)
    table = text_with(committed, "Stances over time")
    russia = next(line for line in table.splitlines() if line.strip().startswith("Russia "))
    united_states = next(
        line
        for line in table.splitlines()
        if line.strip().startswith("United States ") and "sent to Russia" in line
    )
    # Per proposition: Peskov's denial of combat is not a stance on troops sent to Russia, and
    # Putin's "did not dispute" is not a confirmation.
    assert "fighting against Ukraine" in russia and "denies (10 Oct 2024: Dmitry Peskov)" in russia
    sent = next(
        line
        for line in table.splitlines()
        if line.strip().startswith("Russia ") and "sent to Russia" in line
    )
    assert "did not deny (21 Oct 2024: Dmitry Peskov) → denies (23 Oct 2024: Russia)" in sent
    assert "did not deny (24 Oct 2024: Vladimir Putin)" in sent and "confirms" not in sent
    assert "cannot verify (19 Oct 2024: Lloyd Austin" in united_states
    assert "→ confirms (23 Oct 2024: Lloyd Austin)" in united_states
    assert " yes " in sent and " yes " in united_states


def test_committed_notebook_is_small_and_carries_no_plotly_js():
    raw = NOTEBOOK.read_bytes()
    # Three documents' figures and quotes, in two groups of charts (flows apart from the
    # stocks and totals since #27); plotly.js alone would be over 3 MB.
    assert len(raw) < 1_000_000
    assert b"plotly.js v" not in raw
    nb = json.loads(raw)
    assert nb["metadata"]["kernelspec"]["name"] == KERNEL_NAME
    tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
