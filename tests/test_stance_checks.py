"""What a stance is about, what a figure revises, steps of one date: tiny tables and the loader."""

from __future__ import annotations

import pandas as pd
from helpers import read_csv, set_cell

from claimscope.data.dataset import DatasetError, load_dataset
from claimscope.data.evidence_checks import check_correction_basis, check_relation_steps
from claimscope.data.stance_checks import check_propositions, check_revisions, check_step_stances

TYPES = pd.DataFrame(
    {
        "claim_type": ["figure", "denial", "not_denied", "event"],
        "stance": ["asserts", "denies", "not_denied", ""],
    }
)
PROPOSITIONS = pd.DataFrame(
    {"proposition_id": ["sent_to_russia", "figure"], "is_figure": ["false", "true"]}
)
DOCS = pd.DataFrame(
    {"doc_id": ["a", "b"], "published_on": pd.to_datetime(["2024-10-10", "2024-10-20"])}
)


def _claims(*rows: dict) -> pd.DataFrame:
    base = {
        "doc_id": "a",
        "claim_type": "figure",
        "claimed_on": pd.NaT,
        "responds_to": "",
        "proposition_id": "sent_to_russia",
        "revises": "",
        "restates": "",
    }
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame.index = range(2, 2 + len(frame))  # CSV lines: the header is line 1
    return frame


def _messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_a_stance_claim_names_its_proposition_and_no_other_claim_does():
    claims = _claims(
        {"claim_id": "c1"},
        {"claim_id": "c2", "claim_type": "denial", "proposition_id": ""},
        {"claim_id": "c3", "claim_type": "event"},
        {"claim_id": "c4", "claim_type": "event", "proposition_id": ""},
    )
    problems = []
    check_propositions(claims, TYPES, PROPOSITIONS, problems)
    assert _messages(problems) == [
        "claims.csv:3:proposition_id: a denial claim takes a stance (denies): name the "
        "proposition it takes a side on (a proposition_id of propositions.csv)",
        "claims.csv:4:proposition_id: a event claim takes no stance: leave proposition_id empty",
    ]


def test_a_restatement_takes_the_proposition_it_restates():
    # c054 denies combat against Ukraine; c018 denies troops sent to Russia: not a restatement.
    claims = _claims(
        {"claim_id": "c054", "claim_type": "denial", "proposition_id": "fighting_ukraine"},
        {"claim_id": "c018", "claim_type": "denial", "restates": "c054"},
    )
    problems = []
    check_propositions(claims, TYPES, PROPOSITIONS, problems)
    assert _messages(problems) == [
        "claims.csv:3:restates: 'c054' is about 'fighting_ukraine', this claim about "
        "'sent_to_russia': a restatement repeats the same statement on the same proposition"
    ]


def test_a_stance_on_a_figure_names_the_figure_it_answers():
    claims = _claims(
        {"claim_id": "c1"},
        {"claim_id": "c2", "claim_type": "denial", "proposition_id": "figure"},
        {"claim_id": "c3", "claim_type": "denial", "proposition_id": "figure", "responds_to": "c2"},
        {"claim_id": "c4", "claim_type": "denial", "proposition_id": "figure", "responds_to": "c1"},
    )
    problems = []
    check_propositions(claims, TYPES, PROPOSITIONS, problems)
    assert _messages(problems) == [
        "claims.csv:3:responds_to: proposition 'figure' is a figure: name the figure claim(s) "
        "this claim disputes or confirms in responds_to",
        "claims.csv:4:responds_to: 'c2' is a denial claim: a stance on a figure answers a "
        "figure claim",
    ]


def test_a_figure_revises_an_earlier_figure_never_itself_nor_in_a_cycle():
    claims = _claims(
        {"claim_id": "c1"},
        {"claim_id": "c2", "doc_id": "b", "revises": "c1"},  # fine: later, a figure
        {"claim_id": "c3", "revises": "c2"},  # c2 is later
        {"claim_id": "c4", "claim_type": "denial", "revises": "c1"},
        {"claim_id": "c5", "revises": "c4"},  # c4 is no figure
        {"claim_id": "c6", "revises": "c6"},
    )
    days = ["2024-10-10", "2024-10-20", *["2024-10-10"] * 4]
    dates = {c: pd.Timestamp(d) for c, d in zip(claims["claim_id"], days, strict=True)}
    problems = []
    check_revisions(claims, dates, problems)
    assert _messages(problems) == [
        "claims.csv:4:revises: 'c2' was made on 2024-10-20, after this claim (2024-10-10): a "
        "figure revises an earlier one",
        "claims.csv:5:revises: a denial claim revises nothing: only a figure replaces an "
        "earlier figure",
        "claims.csv:6:revises: 'c4' is a denial claim: a figure revises a figure claim",
        "claims.csv:7:revises: revises goes round in a cycle: c6 → c6",
    ]


def test_a_step_cites_claims_of_one_date():
    claims = _claims({"claim_id": "c1"}, {"claim_id": "c2", "doc_id": "b"}, {"claim_id": "c3"})
    steps = pd.DataFrame(
        {
            "relation_id": ["r1", "r1"],
            "status": ["alleged", "established"],
            "status_on": pd.to_datetime(["2024-10-10", "2024-10-20"]),
            "claim_ids": ["c1;c3", "c1;c2"],
        },
        index=[2, 3],
    )
    problems = []
    check_relation_steps(steps, None, claims, DOCS, problems)
    assert _messages(problems) == [
        "relation_steps.csv:3:claim_ids: the step cites claims of 2 dates (2024-10-10: c1; "
        "2024-10-20: c2): split it into one step per date, each dated by its claims"
    ]


def test_an_established_step_cites_no_denial_and_no_non_denial():
    claims = _claims(
        {"claim_id": "c1"},
        {"claim_id": "c2", "claim_type": "denial"},
        {"claim_id": "c3", "claim_type": "not_denied"},
    )
    steps = pd.DataFrame(
        {"status": ["established", "alleged"], "claim_ids": ["c1;c2;c3", "c2"]}, index=[2, 3]
    )
    problems = []
    check_step_stances(steps, claims, TYPES, problems)
    assert _messages(problems) == [
        "relation_steps.csv:2:claim_ids: 'c2' denies it: an established step cites only claims "
        "that assert the tie",
        "relation_steps.csv:2:claim_ids: 'c3' declines to deny it: an established step cites "
        "only claims that assert the tie",
    ]


def test_a_correction_basis_names_known_claims():
    corrections = pd.DataFrame({"basis_claim_ids": ["c1", "", "c1;c9"]}, index=[2, 3, 4])
    problems = []
    check_correction_basis(corrections, _claims({"claim_id": "c1"}), problems)
    assert _messages(problems) == [
        "corrections.csv:4:basis_claim_ids: 'c9' is not a claim_id in claims.csv"
    ]


def _problems(data) -> list[str]:
    try:
        load_dataset(data)
    except DatasetError as exc:
        return [str(p) for p in exc.problems]
    return []


def _line(path, claim_id: str) -> int:
    return next(i for i, r in enumerate(read_csv(path), start=1) if r[0] == claim_id)


def test_the_loader_reports_a_stance_without_proposition_and_an_unknown_one(data_copy):
    claims = data_copy / "claims.csv"
    c018, c070 = _line(claims, "c018"), _line(claims, "c070")
    set_cell(claims, c018, "proposition_id", "")
    set_cell(claims, c070, "proposition_id", "troops_happy")
    assert _problems(data_copy) == [
        f"claims.csv:{c018}:proposition_id: a denial claim takes a stance (denies): name the "
        "proposition it takes a side on (a proposition_id of propositions.csv)",
        f"claims.csv:{c070}:proposition_id: 'troops_happy' is not a proposition_id in "
        "propositions.csv",
    ]


def test_the_loader_reports_a_revision_of_a_later_figure_and_an_unknown_basis(data_copy):
    claims = data_copy / "claims.csv"
    c069 = _line(claims, "c069")
    set_cell(claims, c069, "revises", "c073")
    set_cell(data_copy / "corrections.csv", 2, "basis_claim_ids", "c999")
    assert _problems(data_copy) == [
        f"claims.csv:{c069}:revises: 'c073' was made on 2024-10-28, after this claim "
        "(2024-10-23): a figure revises an earlier one",
        f"claims.csv:{c069}:revises: revises goes round in a cycle: c069 → c073 → c069",
        "corrections.csv:2:basis_claim_ids: 'c999' is not a claim_id in claims.csv",
    ]
