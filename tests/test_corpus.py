"""The curated corpus: its three documents and the references its new columns and tables make."""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest

from claimscope.data.dataset import load_dataset, split_list
from claimscope.data.paths import DATA_DIR, PROJECT_ROOT

NOTES = ("2024-10-21-first-transfer-reports", "2024-11-04-us-estimates")
#: sha256 of each note in ``../shared/corpus/``, measured beside ../shared (2026-12-05).
SHARED_SHA256 = {
    "2024-10-21-first-transfer-reports": (
        "742d5fb72724cfd21c0576083c4d0379292027bea83ff9a674962980a8b1e80e"
    ),
    "2024-11-04-us-estimates": "f03ec63d959c5fddd936c5a02670556ba5373731edad12f77453eb2d70aacd41",
}


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def claim_dates(ds) -> pd.Series:
    """Each claim's date: its claimed_on, else its document's published_on."""
    published = ds.documents.set_index("doc_id")["published_on"]
    claims = ds.claims.set_index("claim_id")
    return claims["claimed_on"].fillna(claims["doc_id"].map(published))


def test_the_corpus_counts(ds):
    counts = ds.counts()
    assert {k: counts[k] for k in ("documents", "claims", "relations")} == {
        "documents": 3,
        "claims": 80,
        "relations": 27,
    }
    assert counts["relation_steps"] == 40
    assert counts["propositions"] == 4
    assert counts["corrections"] == 9


@pytest.mark.parametrize("doc_id", NOTES)
def test_briefing_notes_are_the_recorded_texts_and_the_shared_ones_where_present(ds, doc_id):
    """The copies in data/sources/ are the project's: their sha256 is the one documents.csv records.

    ``../shared/corpus/`` is compared byte for byte where it exists; without it (a clone on its
    own), with each shared note's sha256 as measured there.
    """
    ours = (DATA_DIR / "sources" / f"{doc_id}.txt").read_bytes()
    recorded = ds.documents.set_index("doc_id").loc[doc_id, "sha256"]
    assert hashlib.sha256(ours).hexdigest() == recorded == SHARED_SHA256[doc_id]
    shared = PROJECT_ROOT.parent / "shared" / "corpus" / f"{doc_id}.txt"
    if shared.is_file():
        assert ours == shared.read_bytes()
    assert (ds.claims["doc_id"] == doc_id).sum() >= 10


def test_responds_to_cites_known_claims_made_no_later(ds):
    dates = claim_dates(ds)
    cited = 0
    for _, claim in ds.claims.iterrows():
        for answered in split_list(claim["responds_to"]):
            assert answered in dates.index, (claim["claim_id"], answered)
            assert dates[answered] <= dates[claim["claim_id"]], (claim["claim_id"], answered)
            cited += 1
    assert cited >= 10


def test_a_restated_claim_is_in_another_document_and_dated_the_same(ds):
    claims = ds.claims.set_index("claim_id")
    dates = claim_dates(ds)
    restating = claims[claims["restates"].notna()]
    assert set(restating.index) == {"c014", "c019"}
    for claim_id, claim in restating.iterrows():
        original = claims.loc[claim["restates"]]
        assert original["doc_id"] != claim["doc_id"]
        assert pd.isna(original["restates"])
        assert dates[claim_id] == dates[claim["restates"]]
        # Curation rule: a restatement repeats the same statement on the same proposition.
        assert claim["proposition_id"] == original["proposition_id"], claim_id
        assert claim["claim_type"] == original["claim_type"], claim_id


def test_every_relation_is_its_latest_step(ds):
    steps = ds.relation_steps.sort_values("status_on")
    latest = steps.groupby("relation_id").last()
    relations = ds.relations.set_index("relation_id")
    assert set(latest.index) == set(relations.index)
    for relation_id, relation in relations.iterrows():
        assert relation["status"] == latest.loc[relation_id, "status"], relation_id
        # The evidence is every claim of the steps since the tie took its latest status.
        assert set(split_list(latest.loc[relation_id, "claim_ids"])) <= set(
            split_list(relation["claim_ids"])
        ), relation_id
    histories = relations["history"].map(lambda h: [status for status, _ in h])
    assert histories["r02"] == ["alleged", "established"]
    assert histories["r20"] == ["denied", "speculative"]  # the Kremlin denied combat (c054)
    assert histories["r01"] == ["reported", "established"]
    assert "c068" in split_list(relations.loc["r02", "claim_ids"])  # first established step


def test_each_step_is_dated_by_its_claims_which_share_one_date(ds):
    dates = claim_dates(ds)
    for _, step in ds.relation_steps.iterrows():
        ids = split_list(step["claim_ids"])
        assert all(i in dates.index for i in ids), step["relation_id"]
        assert {dates[i] for i in ids} == {step["status_on"]}, step["relation_id"]


def test_corrections_quote_their_documents_at_their_offsets(ds):
    for _, correction in ds.corrections.iterrows():
        text = ds.texts[correction["doc_id"]]
        assert text[correction["start"] : correction["end"]] == correction["quote"]
    stoltenberg = ds.corrections[ds.corrections["quote"].str.contains("Stoltenberg")]
    assert stoltenberg["correction"].str.contains("Mark Rutte").all() and len(stoltenberg) == 1


def test_every_grade_and_relation_gives_its_reason(ds):
    assert ds.claims["note"].str.contains("Grades are the curator’s judgement: ").all()
    assert (ds.relations["note"].fillna("").str.strip() != "").all()
    assert not ds.claims["hedges"].str.contains(r"\brecent(?:ly)?\b|\byet\b").any()


def test_the_notes_date_the_articles_undated_claims(ds):
    claims = ds.claims.set_index("claim_id")
    assert claims.loc["c014", "claimed_on"] == pd.Timestamp("2024-10-18")
    assert claims.loc["c019", "claimed_on"] == pd.Timestamp("2024-10-21")
    # No document dates Russia's denial of troops sent (c054 denies combat, a week earlier).
    assert pd.isna(claims.loc["c018", "claimed_on"])
    for claim_id in ("c014", "c019"):
        assert "briefing note of 21 October 2024" in claims.loc[claim_id, "note"]


def test_the_known_stance_cases_take_their_propositions(ds):
    claims = ds.claims.set_index("claim_id")
    assert claims.loc["c054", "proposition_id"] == "fighting_ukraine"  # combat, not transfer
    assert claims.loc["c018", "proposition_id"] == "sent_to_russia"
    assert pd.isna(claims.loc["c018", "restates"])  # c054 denies another proposition
    assert claims.loc["c055", "proposition_id"] == "figure"  # one number, not the deployment
    assert claims.loc["c055", "responds_to"] == "c080"
    assert claims.loc["c070", "claim_type"] == "not_denied"  # "did not dispute"
    assert claims.loc["c073", "revises"] == "c069"  # "raising the earlier US figure of 3,000"
    assert pd.isna(claims.loc["c065", "period"])  # the text gives no period


def test_one_letter_per_claimant_and_day(ds):
    """Reliability grades the source: one claimant, one day, one letter."""
    dates = claim_dates(ds).rename("on").reset_index()
    graded = ds.claims.merge(dates, on="claim_id")
    letters = graded.groupby(["claimant_id", "on"])["source_reliability"].nunique()
    assert (letters == 1).all(), letters[letters > 1]


def test_a_grade_rests_on_no_claim_later_than_the_one_it_grades(ds):
    """Credibility uses no hindsight: the grade's reason cites claims made and published by then."""
    dates = claim_dates(ds)
    published = ds.documents.set_index("doc_id")["published_on"]
    claims = ds.claims.set_index("claim_id")
    doc_date = claims["doc_id"].map(published)
    cited = 0
    for claim_id, claim in claims.iterrows():
        reason = claim["note"].split("Grades are the curator’s judgement: ", 1)[1]
        for other in set(re.findall(r"\bc\d{3}\b", reason)) - {claim_id}:
            assert dates[other] <= dates[claim_id], (claim_id, other)
            assert doc_date[other] <= doc_date[claim_id], (claim_id, other)
            cited += 1
    assert cited >= 30


def test_corrections_name_their_basis_claims(ds):
    corrections = ds.corrections.set_index("correction_id")
    for correction_id, correction in corrections.iterrows():
        for claim_id in split_list(correction["basis_claim_ids"]):
            assert claim_id in correction["basis"], (correction_id, claim_id)
    assert corrections.loc["k01", "basis_published_on"] == pd.Timestamp("2024-10-01")
    assert split_list(corrections.loc["k09", "basis_claim_ids"]) == ["c068", "c074"]
