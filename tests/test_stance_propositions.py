"""Stances per proposition, as properties over the whole dataset, every date and any claimants."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from claimscope.analysis import stances as stance_lists
from claimscope.analysis import troops
from claimscope.analysis.evolution import list_stance_changes, summarise_stance_changes
from claimscope.analysis.relations import find_root_actors
from claimscope.analysis.timeline import known_as_of
from claimscope.data.dataset import load_dataset
from claimscope.data.vocab import Vocabularies
from claimscope.present import prose

DS = load_dataset()
VOCAB = Vocabularies.from_tables(DS.tables)
FIRST, LAST = dt.date(2024, 10, 10), dt.date(2024, 11, 4)
CLAIMANTS = sorted(set(DS.claims["claimant_id"]))


def _stances(day: dt.date, claimant_ids: list[str]) -> tuple[pd.DataFrame, object]:
    known = known_as_of(DS, day)
    claims = troops.select_claims(
        known.claims, documents=known.documents, actors=known.actors, claimant_ids=claimant_ids
    )
    listed = stance_lists.list_stances(
        claims, actors=known.actors, documents=known.documents, vocab=VOCAB
    )
    return listed, known


days = st.dates(min_value=FIRST, max_value=LAST)
claimants = st.lists(st.sampled_from(CLAIMANTS), max_size=6, unique=True)


@settings(max_examples=30, deadline=None)
@given(day=days, claimant_ids=claimants)
def test_no_claim_is_shown_under_another_proposition(day, claimant_ids):
    listed, known = _stances(day, claimant_ids)
    own = DS.claims.set_index("claim_id")["proposition_id"]
    assert (listed["proposition_id"] == listed["claim_id"].map(own)).all()
    assert listed["proposition_id"].notna().all()
    counts = stance_lists.count_stances(listed, known.actors, vocab=VOCAB)
    for row in counts.to_dict("records"):
        mine = listed[
            (listed["claimant_id"] == row["claimant_id"])
            & (listed["proposition_id"] == row["proposition_id"])
        ]
        for stance in VOCAB.stance_order:
            assert row[stance] == (mine["stance"] == stance).sum(), (row, stance)
    runs = summarise_stance_changes(list_stance_changes(listed, find_root_actors(DS.actors)))
    by_id = listed.set_index("claim_id")
    for run in runs.to_dict("records"):
        shown = by_id.loc[run["claim_ids"]]
        assert (shown["proposition_id"] == run["proposition_id"]).all()
        assert (shown["stance"] == run["stance"]).all()
        # Each step of a history is dated by its own claims: every name under its claim's date.
        dated = {(day, name) for day, names in run["days"] for name in names}
        for claim in shown.to_dict("records"):
            assert (claim["claimed_on"], claim["claimant_name"]) in dated


@settings(max_examples=30, deadline=None)
@given(day=days, claimant_ids=claimants)
def test_not_denying_never_counts_as_confirming_or_asserting(day, claimant_ids):
    listed, known = _stances(day, claimant_ids)
    not_denying = set(DS.claims.loc[DS.claims["claim_type"] == "not_denied", "claim_id"])
    assert (listed.loc[listed["claim_id"].isin(not_denying), "stance"] == "not_denied").all()
    counts = stance_lists.count_stances(listed, known.actors, vocab=VOCAB)
    expected = listed["claim_id"].isin(not_denying).sum()
    assert (counts["not_denied"].sum() if len(counts) else 0) == expected
    for stance in ("asserts", "confirms"):
        taking = listed[listed["stance"] == stance]
        assert not taking["claim_id"].isin(not_denying).any()
    sentences = prose._summarise_stances(listed, None, VOCAB)
    for claim_id in not_denying & set(listed["claim_id"]):
        name = listed.set_index("claim_id").at[claim_id, "claimant_display"]
        assert any(f"{name} did not deny" in s for s in sentences), claim_id


def test_disputing_a_figure_is_not_denying_the_deployment():
    listed, _ = _stances(LAST, [])
    c055 = listed.set_index("claim_id").loc["c055"]
    assert (c055["stance"], c055["proposition_id"]) == ("denies", "figure")
    sentences = prose._summarise_stances(listed, None, VOCAB)
    kovalenko = [s for s in sentences if "Andriy Kovalenko" in s]
    assert kovalenko == [s for s in kovalenko if "denied the figure it answered" in s]
    assert kovalenko and "c080" in kovalenko[0]
    assert not any("Kovalenko denied that" in s for s in sentences)


def test_the_claimant_summary_tells_each_stance_with_what_it_is_about():
    listed, known = _stances(LAST, [])
    figures = troops.normalise_figures(
        troops.select_claims(known.claims, documents=known.documents, actors=known.actors),
        known.unit_sizes,
        actors=known.actors,
        documents=known.documents,
        vocab=VOCAB,
    )
    summary = stance_lists.aggregate_by_claimant(figures, listed, vocab=VOCAB)
    for row in summary.to_dict("records"):
        for stance in VOCAB.stance_order:
            told = sum(n for s, _, n in row["stances_on"] if s == stance)
            assert told == row[stance], (row["claimant_id"], stance)
    kovalenko = summary.set_index("claimant_id").at["andriy_kovalenko", "stances_on"]
    assert kovalenko == [("denies", "the figure is right", 1)]
