"""Competing hypotheses on tiny inline matrices whose answers are worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimscope.analysis import ach, grades

SCALE = pd.DataFrame(
    {
        "rating": ["CC", "C", "N", "I", "II", "NA"],
        "score": pd.array([2, 1, 0, -1, -2, pd.NA], dtype="Int64"),
    }
)
RELIABILITY = pd.DataFrame(
    {"source_reliability": list("ABCDEF"), "weight": [1.0, 0.8, 0.6, 0.4, 0.2, 0.5]}
)
CREDIBILITY = pd.DataFrame(
    {
        "info_credibility": pd.array([1, 2, 3, 4, 5, 6], dtype="Int64"),
        "weight": [1.0, 0.8, 0.6, 0.4, 0.2, 0.5],
    }
)


def cells(rows: dict[str, tuple[str, ...]], claimants: dict[str, str] | None = None):
    """A matrix written as {claim: (rating vs H1, vs H2, ...)}."""
    out = [
        {"claim_id": c, "hypothesis_id": f"H{i + 1}", "rating": r}
        for c, ratings in rows.items()
        for i, r in enumerate(ratings)
    ]
    frame = pd.DataFrame(out)
    if claimants:
        frame["claimant_id"] = frame["claim_id"].map(claimants)
    return frame


def test_inconsistency_counts_i_once_and_ii_twice_and_ignores_consistency_and_na():
    matrix = cells({"a": ("CC", "I", "II"), "b": ("C", "II", "NA"), "c": ("N", "N", "I")})
    scores = ach.score_hypotheses(matrix, SCALE).set_index("hypothesis_id")
    # H1: CC, C, N -> 0. H2: I + II + N = 1 + 2 + 0 = 3. H3: II + NA + I = 2 + 0 + 1 = 3.
    assert scores["inconsistency"].to_dict() == {"H1": 0.0, "H2": 3.0, "H3": 3.0}
    assert scores["rank"].to_dict() == {"H1": 1, "H2": 2, "H3": 2}
    assert ach.leading_hypotheses(scores.reset_index()) == ("H1",)


def test_a_hypothesis_without_cells_scores_zero_and_ties_share_the_lead():
    matrix = cells({"a": ("I", "I")})
    scores = ach.score_hypotheses(matrix, SCALE, ["H1", "H2", "H3"])
    assert scores["inconsistency"].tolist() == [1.0, 1.0, 0.0]
    assert ach.leading_hypotheses(scores) == ("H3",)
    tied = ach.score_hypotheses(cells({"a": ("I", "I")}), SCALE)
    assert ach.leading_hypotheses(tied) == ("H1", "H2")


def test_an_unknown_rating_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown rating 'X'"):
        ach.score_hypotheses(cells({"a": ("X",)}), SCALE)


def test_weighting_multiplies_each_claims_inconsistency_by_its_grade_weights():
    claims = pd.DataFrame(
        {
            "claim_id": ["a", "b", "c"],
            "source_reliability": ["A", "D", pd.NA],
            "info_credibility": pd.array([2, 5, pd.NA], dtype="Int64"),
        }
    )
    weights = grades.weigh_claims(claims, RELIABILITY, CREDIBILITY)
    # a: A (1.0) x 2 (0.8) = 0.8; b: D (0.4) x 5 (0.2) = 0.08; c ungraded: F x 6 = 0.25.
    assert weights.round(6).tolist() == [0.8, 0.08, 0.25]
    weights.index = claims["claim_id"]
    matrix = ach.weigh_cells(cells({"a": ("II", "C"), "b": ("C", "II"), "c": ("I", "I")}), weights)
    scores = ach.score_hypotheses(matrix, SCALE).set_index("hypothesis_id")["inconsistency"]
    # H1: 2 x 0.8 + 1 x 0.25 = 1.85; H2: 2 x 0.08 + 1 x 0.25 = 0.41: weighting flips the lead.
    assert scores.round(6).to_dict() == {"H1": 1.85, "H2": 0.41}
    unweighted = ach.score_hypotheses(ach.weigh_cells(matrix, None), SCALE)
    assert unweighted["inconsistency"].tolist() == [3.0, 3.0]


def test_diagnosticity_is_the_spread_of_scores_and_zero_when_all_ratings_agree():
    matrix = cells(
        {
            "same": ("C", "C", "C"),
            "wide": ("CC", "N", "II"),
            "na": ("I", "NA", "NA"),
            "pair": ("C", "I", "NA"),
        }
    )
    table = ach.rank_diagnosticity(matrix, SCALE)
    # wide: 2 - (-2) = 4; pair: 1 - (-1) = 2; same: 0; na: one scored rating, nothing to compare.
    assert table["claim_id"].tolist() == ["wide", "pair", "na", "same"]
    assert table["diagnosticity"].tolist() == [4.0, 2.0, 0.0, 0.0]
    assert table.set_index("claim_id").loc["wide", ["H1", "H2", "H3"]].tolist() == ["CC", "N", "II"]


def test_sensitivity_names_the_claims_and_claimants_whose_removal_changes_the_lead():
    # H1 is hit by one II (2), H2 by two I (2), H3 by a II and an I (3): H1 and H2 tie.
    # Without "x" (the II against H1): H1 0, H2 2, H3 3 -> H1 alone. Without "y": H1 2, H2 1,
    # H3 1 -> H2 and H3. Without "z": H1 2, H2 1, H3 2 -> H2 alone. Without "w": unchanged.
    matrix = cells(
        {"x": ("II", "C", "C"), "y": ("C", "I", "II"), "z": ("N", "I", "I"), "w": ("C", "C", "C")},
        claimants={"x": "kim", "y": "lee", "z": "lee", "w": "kim"},
    )
    table = ach.assess_sensitivity(matrix, SCALE)
    by_claim = table[table["removed"] == "claim"].set_index("removed_id")
    assert by_claim["leading"].to_dict() == {"x": "H1", "y": "H2; H3", "z": "H2", "w": "H1; H2"}
    assert ach.leader_changing_claims(table) == ["x", "y", "z"]
    assert by_claim.loc["y", "ranking"] == "H2 = H3 < H1"
    assert by_claim.loc["z", "ranking"] == "H2 < H1 = H3"
    by_claimant = table[table["removed"] == "claimant"].set_index("removed_id")
    # Without lee: H1 2, H2 0, H3 0 -> H2 = H3 lead. Without kim: H1 0, H2 2, H3 3 -> H1.
    assert by_claimant.loc["lee", "leading"] == "H2; H3"
    assert by_claimant.loc["kim", ["H1", "H2", "H3"]].tolist() == [0.0, 2.0, 3.0]
    assert by_claimant["claims_removed"].to_dict() == {"kim": 2, "lee": 2}
    assert by_claimant["changes_leader"].all()


def test_min_grade_keeps_claims_at_or_above_each_named_scale():
    claims = pd.DataFrame(
        {
            "source_reliability": ["A", "B", "C", "F", pd.NA],
            "info_credibility": pd.array([4, 2, 1, 1, 1], dtype="Int64"),
        }
    )
    keep = grades.meets_min_grade
    assert keep(claims, "B", RELIABILITY, CREDIBILITY).tolist() == [True, True, False, False, False]
    assert keep(claims, "2", RELIABILITY, CREDIBILITY).tolist() == [False, True, True, True, True]
    assert keep(claims, "b2", RELIABILITY, CREDIBILITY).tolist() == [
        False,
        True,
        False,
        False,
        False,
    ]
    assert keep(claims, "", RELIABILITY, CREDIBILITY).all()
    for bad in ("G", "7", "B22", "best"):
        with pytest.raises(ValueError, match=f"min_grade: '{bad}' is not a grade"):
            keep(claims, bad, RELIABILITY, CREDIBILITY)


def test_grade_counts_per_claimant_and_cell():
    claims = pd.DataFrame(
        {
            "claimant_id": ["kim", "kim", "lee", "lee"],
            "source_reliability": ["B", "B", "B", pd.NA],
            "info_credibility": pd.array([2, 2, 3, 1], dtype="Int64"),
        }
    )
    counts = grades.count_grades(claims)
    assert counts.to_dict("records") == [
        {"claimant_id": "kim", "source_reliability": "B", "info_credibility": 2, "claims": 2},
        {"claimant_id": "lee", "source_reliability": "B", "info_credibility": 3, "claims": 1},
    ]


def test_the_parc_matrix_heads_columns_with_hypotheses_and_folds_what_cannot_tell_them_apart():
    from claimscope.analysis import ach as analysis
    from claimscope.data.dataset import load_dataset
    from claimscope.present import hypothesis_tables as ht

    ds = load_dataset()
    cells = analysis.gather_evidence(ds.tables)
    scores = analysis.score_hypotheses(cells, ds.consistency_ratings)
    ranked = analysis.rank_diagnosticity(cells, ds.consistency_ratings)
    diagnostic, rest = ht.tabulate_matrix(ranked, cells, scores, ds.hypotheses)
    statements = dict(zip(ds.hypotheses["hypothesis_id"], ds.hypotheses["statement"], strict=True))
    for hypothesis, statement in statements.items():
        assert f"{hypothesis}: {statement}" in diagnostic.columns
    assert diagnostic.iloc[0]["Evidence"].startswith("Inconsistency score")
    # Every rated claim is in one of the two, once; the folded ones rate all hypotheses alike.
    shown = list(diagnostic["Claim"].iloc[1:]) + list(rest["Claim"])
    assert sorted(shown) == sorted(cells["claim_id"].unique())
    columns = [c for c in rest.columns if c not in ("Evidence", "Claim")]
    for _, row in rest.iterrows():
        assert len({row[c] for c in columns}) == 1, row["Claim"]
    spreads = ranked.set_index("claim_id")["diagnosticity"]
    kept = list(diagnostic["Claim"].iloc[1:])
    assert list(spreads[kept]) == sorted(spreads[kept], reverse=True)


@st.composite
def weighted_cells(draw) -> pd.DataFrame:
    claims = draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=6, unique=True))
    hypotheses = draw(st.lists(st.sampled_from(["H1", "H2", "H3"]), min_size=1, unique=True))
    rows = []
    for claim in claims:
        weight = draw(st.sampled_from([1.0, 0.1, 0.2, 0.7, 1 / 3]))
        who = draw(st.sampled_from(["x", "y", "z"]))
        for hypothesis in hypotheses:
            rating = draw(st.sampled_from(["CC", "C", "N", "I", "II", "NA"]))
            rows.append((claim, hypothesis, rating, weight, who))
    columns = ["claim_id", "hypothesis_id", "rating", "weight", "claimant_id"]
    return pd.DataFrame(rows, columns=columns)


@settings(max_examples=150, deadline=None)
@given(weighted_cells())
def test_each_sensitivity_row_scores_what_rescoring_the_remaining_claims_scores(table):
    """The property the sensitivity table rests on: a removal is a rescoring without them."""
    order = list(dict.fromkeys(table["hypothesis_id"]))
    out = ach.assess_sensitivity(table, SCALE, hypothesis_ids=order)
    by_claimant = table.groupby("claimant_id")["claim_id"].agg(lambda s: set(s))
    for row in out.to_dict("records"):
        ids = {row["removed_id"]} if row["removed"] == "claim" else by_claimant[row["removed_id"]]
        again = ach.score_hypotheses(table[~table["claim_id"].isin(ids)], SCALE, order)
        assert [row[h] for h in order] == again["inconsistency"].tolist()
        assert row["leading"] == "; ".join(ach.leading_hypotheses(again))
        assert row["claims_removed"] == len(ids)
