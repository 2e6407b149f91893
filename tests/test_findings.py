"""Key findings: dated, attributed, citing their claims; on tiny frames and on every date."""

from __future__ import annotations

import pandas as pd
from test_truth_as_of import dataset, every_date

import claimscope as cs
from claimscope.analysis import ach
from claimscope.analysis import stances as stances_module
from claimscope.analysis.evolution import describe_period
from claimscope.analysis.relations import find_root_actors
from claimscope.analysis.timeline import known_as_of
from claimscope.present import findings


def _troop_findings(ds):
    vocab = cs.vocabularies(ds)
    figures = cs.normalise_figures(ds)
    stances = stances_module.list_stances(
        ds.claims, actors=ds.actors, documents=ds.documents, vocab=vocab
    )
    roots = find_root_actors(ds.actors)
    return figures, findings.find_troop_findings(
        figures, stances, actors=ds.actors, roots=roots, vocab=vocab
    )


def test_each_finding_is_dated_and_cites_claims_of_the_date():
    ds = dataset()
    figures, found = _troop_findings(ds)
    assert 3 <= len(found) <= 5
    for statement in found:
        assert statement.claim_ids, statement
        assert set(statement.claim_ids) <= set(ds.claims["claim_id"])
    first = found[0]
    latest = figures["claimed_on"].max()
    # The first finding is the most recent party's latest figures, all of that day.
    cited = figures[figures["claim_id"].isin(first.claim_ids)]
    assert (cited["claimed_on"] == latest).all()
    assert f"{latest.day} {latest:%B %Y}" in first


def test_findings_at_every_date_rest_only_on_what_was_known():
    ds = dataset()
    for day in every_date():
        known = known_as_of(ds, day)
        _, found = _troop_findings(known)
        for statement in found:
            assert set(statement.claim_ids) <= set(known.claims["claim_id"]), (day, statement)


def test_a_flow_is_told_as_a_flow_in_a_finding():
    """A figure over a period is said with its period, at every date it is cited."""
    ds = dataset()
    periods = dict(zip(ds.claims["claim_id"], ds.claims["period"], strict=True))
    told = 0
    for day in every_date():
        _, found = _troop_findings(known_as_of(ds, day))
        for statement in found:
            for claim_id in statement.claim_ids:
                if isinstance(periods[claim_id], str):
                    assert describe_period(periods[claim_id]) in statement, statement
                    told += 1
    assert told or not any(isinstance(p, str) for p in periods.values())


def test_ach_findings_state_the_leader_its_margin_and_fragility():
    ds = dataset()
    cells = ach.gather_evidence(ds.tables)
    scores = ach.score_hypotheses(cells, ds.consistency_ratings)
    sensitivity = ach.assess_sensitivity(cells, ds.consistency_ratings)
    found = findings.find_ach_findings(scores, sensitivity, ds.hypotheses, cells)
    leader = scores.sort_values("rank").iloc[0]
    assert found[0].startswith(f"{leader['hypothesis_id']} (“")
    assert f"inconsistency {leader['inconsistency']:g}" in found[0]
    changing = sensitivity["changes_leader"].any()
    assert ("fragile" in found[1]) == bool(changing)


def test_no_figure_yet_says_so():
    empty = pd.DataFrame(columns=["claimant_id", "claimed_on"])
    ds = dataset()
    found = findings.find_troop_findings(
        empty, empty, actors=ds.actors, roots={}, vocab=cs.vocabularies(ds)
    )
    assert found == ["No source in this selection gives a figure yet."]


def test_a_judgement_is_shown_from_the_day_it_was_made_and_rests_on_known_claims():
    ds = dataset()
    assert len(ds.judgements) >= 3
    for day in every_date():
        known = known_as_of(ds, day)
        made = known.judgements
        assert (made["made_on"] <= pd.Timestamp(day)).all(), day
        ids = set(known.claims["claim_id"])
        for cited in made["claim_ids"]:
            assert set(cited.split(";")) <= ids, (day, cited)
        html = findings.judgements_bundle(made, known.likelihoods)["text/html"]
        for statement in ds.judgements["statement"]:
            shown = statement in html
            assert shown == (statement in set(made["statement"])), (day, statement)


def test_a_judgement_made_before_its_evidence_is_refused(data_copy):
    from claimscope.data.dataset import DatasetError, load_dataset

    path = data_copy / "judgements.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",2024-11-04,H1,", ",2024-10-30,H1,"), encoding="utf-8")
    try:
        load_dataset(data_copy)
    except DatasetError as error:
        messages = [str(p) for p in error.problems]
    else:
        raise AssertionError("a judgement made before its claims were published was accepted")
    assert any(
        m.startswith("judgements.csv:4:made_on: c068 was not known until 2024-11-04")
        for m in messages
    ), messages


def test_the_index_takes_the_first_finding_from_the_cell_tagged_key_findings(tmp_path):
    import nbformat

    from claimscope.build.html import first_finding

    def cell(text: str, tags: list[str]) -> nbformat.NotebookNode:
        out = nbformat.v4.new_output("display_data", data={"text/plain": text})
        return nbformat.v4.new_code_cell("show()", outputs=[out], metadata={"tags": tags})

    nb = nbformat.v4.new_notebook()
    nb.cells = [cell("An intro.", []), cell("Ties rose.\n\nMore.", ["key-findings"])]
    path = tmp_path / "own.ipynb"
    nbformat.write(nb, path)
    assert first_finding(path) == "Ties rose."
    nb.cells[1].metadata["tags"] = []
    nbformat.write(nb, path)
    assert first_finding(path) == ""
