"""The tradecraft layer on the real corpus: hedges, as_of, the replay, ratings, likelihoods."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from helpers import set_cell

import claimscope as cs
from claimscope.analysis import ach, hedges, replay
from claimscope.analysis.estimative import express_likelihood
from claimscope.analysis.timeline import known_as_of
from claimscope.cli import main
from claimscope.present.charts import hypotheses as charts


@pytest.fixture(scope="module")
def dataset():
    return cs.load()


def test_hedge_detection_agrees_with_the_curated_hedges_over_the_whole_corpus(dataset):
    disagreements = hedges.compare_hedges(dataset.claims)
    assert disagreements.empty, disagreements.to_string()
    # The corpus exercises both kinds and the negated modal.
    assert hedges.find_hedges("He could not confirm the reports") == []
    kinds = {k for q in dataset.claims["quote"] for _, k in hedges.match_hedges(q)}
    assert kinds == {"hedge", "attribution"}


def test_hedges_are_general_patterns_not_the_corpus_words():
    found = hedges.find_hedges(
        "Up to 5,000 marines were reportedly seen; officials believe more may follow, "
        "according to reports, if confirmed"
    )
    assert found == [
        "up to",
        "reportedly",
        "believe",
        "may",
        "according to reports",
        "if confirmed",
    ]
    assert hedges.find_hedges("In May 2024 the troops arrived") == []


def test_prose_verbs_follow_the_kind_of_hedge():
    assert hedges.choose_verb([]) == "says"
    assert hedges.choose_verb(["according to"]) == "reports"
    assert hedges.choose_verb(["according to", "allegedly"]) == "suggests"
    assert hedges.choose_verb(["a word the patterns do not know"]) == "suggests"


def test_validate_warnings_list_disagreements_and_keep_exit_zero(data_copy, capsys):
    set_cell(data_copy / "claims.csv", 2, "hedges", "allegedly")  # c001 says "according to"
    assert main(["validate", "--data-dir", str(data_copy), "--warnings"]) == 0
    out = capsys.readouterr().out
    assert "claims.csv:2:hedges: warning: c001:" in out
    assert "'according to', not listed" in out and "'allegedly' is not found" in out
    assert main(["validate", "--data-dir", str(data_copy)]) == 0
    assert "warning" not in capsys.readouterr().out


def test_known_as_of_keeps_what_was_known_that_day(dataset):
    cut = known_as_of(dataset, "2024-10-22")
    assert cut.as_of == dt.date(2024, 10, 22)
    assert set(cut.documents["doc_id"]) == {"2024-10-21-first-transfer-reports"}
    assert set(cut.claims["doc_id"]) == {"2024-10-21-first-transfer-reports"}
    assert set(cut.texts) == {"2024-10-21-first-transfer-reports"}
    assert (cut.relation_steps["status_on"] <= pd.Timestamp("2024-10-22")).all()
    latest = cut.relation_steps.sort_values("status_on").groupby("relation_id")["status"].last()
    assert cut.relations.set_index("relation_id")["status"].to_dict() == latest.to_dict()
    assert set(cut.corrections["doc_id"]) <= {"2024-10-21-first-transfer-reports"}
    everything = known_as_of(dataset, "")
    assert everything.as_of == dt.date(2024, 11, 4)
    assert len(everything.claims) == len(dataset.claims)
    with pytest.raises(ValueError, match="as_of must be an ISO date .*'2024-13-01'"):
        known_as_of(dataset, "2024-13-01")


def test_replay_shows_h3_growing_as_denials_are_answered_by_confirmations(dataset):
    history = replay.replay_scores(dataset)
    h3 = history[history["hypothesis_id"] == "H3"]["inconsistency"].tolist()
    assert len(h3) >= 3
    assert all(a < b for a, b in zip(h3, h3[1:], strict=False)), h3
    last = history[history["as_of"] == history["as_of"].max()].set_index("hypothesis_id")
    assert last.loc["H3", "rank"] == 3 and last.loc["H1", "is_leading"]
    # The denials (rated C against H3) are answered by confirmations rated II against it.
    cells = ach.gather_evidence(dataset.tables, hypothesis_ids=["H3"])
    answered = cells[cells["responds_to"].notna() & (cells["rating"] == "II")]
    assert {"c068", "c074"} <= set(answered["claim_id"])
    until = replay.replay_scores(dataset, until=dt.date(2024, 10, 22))
    assert until["as_of"].nunique() == 1


def test_every_rating_says_it_is_the_curators_judgement_and_rates_every_hypothesis(dataset):
    ratings = dataset.ratings
    assert ratings["note"].str.startswith("Curator's judgement: ").all()
    per_claim = ratings.groupby("claim_id")["hypothesis_id"].apply(set)
    assert (per_claim == set(dataset.hypotheses["hypothesis_id"])).all()
    # Every stance on the deployment (denial, confirmation, not verified, not denied) is rated,
    # once: a restatement is rated on the claim it restates.
    stances = dataset.claims[
        dataset.claims["claim_type"].isin(
            ["denial", "confirmation", "not_verified", "not_denied", "troop_deployment"]
        )
        & (dataset.claims["subject_id"] == "nk_troops")
        & dataset.claims["restates"].isna()
    ]
    assert set(stances["claim_id"]) <= set(per_claim.index)
    restating = set(dataset.claims.loc[dataset.claims["restates"].notna(), "claim_id"])
    assert restating and not restating & set(per_claim.index)


def test_like_statements_of_the_parties_take_one_rating(dataset):
    """ACH rule: every Russian or North Korean stance on the deployment is neutral, and says why."""
    from claimscope.analysis.relations import find_root_actors

    roots = find_root_actors(dataset.actors)
    claims = dataset.claims.set_index("claim_id")
    party = {
        c
        for c, claim in claims.iterrows()
        if roots.get(claim["claimant_id"], claim["claimant_id"]) in ("russia", "north_korea")
        and claim["claim_type"] in ("denial", "not_denied", "not_verified", "confirmation")
    }
    rated = dataset.ratings[dataset.ratings["claim_id"].isin(party)]
    assert party - {"c019"} == set(rated["claim_id"])  # c019 restates c063
    assert (rated["rating"] == "N").all()
    assert rated["note"].str.contains("whichever hypothesis is true").all()


def test_likelihood_bands_hold_their_lower_bound_only(dataset):
    bands = dataset.likelihoods
    assert express_likelihood(1, bands) == "almost no chance"
    assert express_likelihood(5, bands) == "very unlikely"
    assert express_likelihood(45, bands) == "roughly even chance"
    assert express_likelihood(80, bands) == "very likely"
    assert express_likelihood(99, bands) == "almost certain"
    for outside in (0.5, 99.5):
        with pytest.raises(ValueError, match="outside the bands of ICD 203"):
            express_likelihood(outside, bands)
    # The bands tile 1-99 % without gaps.
    assert (bands["low_percent"].iloc[1:].values == bands["high_percent"].iloc[:-1].values).all()


def test_matrix_chart_escapes_quotes_and_flags_hedged_claims(dataset):
    cells = ach.gather_evidence(dataset.tables)
    cells.loc[0, "quote"] = "<script>alert(1)</script>"
    fig = charts.plot_matrix(cells, dataset.consistency_ratings, title="t")
    spec = json.dumps(fig.to_plotly_json()["data"])
    assert "<script>" not in spec and "&lt;script&gt;" in spec
    heat = fig.data[0]
    assert list(heat.x) == ["H1", "H2", "H3"]
    assert len(heat.y) == cells["claim_id"].nunique()
    hedged = set(cells.loc[cells["hedges"].notna(), "claim_id"])
    flagged = {y.split(" ")[0] for y in heat.y if y.endswith("†")}
    assert flagged == hedged
    assert heat.text[list(cells["claim_id"].unique()).index("c074")] == ["CC", "I", "II"]
