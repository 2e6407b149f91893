"""The evidence-over-time rules, each on a tiny table, and two through the real loader."""

from __future__ import annotations

import pandas as pd
from helpers import read_csv, set_cell

from claimscope.data.dataset import DatasetError, load_dataset
from claimscope.data.evidence_checks import (
    check_claim_links,
    check_relation_steps,
    check_stated_unit_sizes,
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
        "restates": "",
        "measure": "",
        "value_low": pd.NA,
        "value_high": pd.NA,
        "period": "",
        "unit": "",
        "unit_size_low": pd.NA,
        "unit_size_high": pd.NA,
    }
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame.index = range(2, 2 + len(frame))  # CSV lines: the header is line 1
    return frame


def _messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_responds_to_an_unknown_claim_or_a_later_one():
    claims = _claims(
        {"claim_id": "c1", "doc_id": "b"},
        {"claim_id": "c2", "claim_type": "denial", "responds_to": "c1;c9"},
    )
    problems = []
    check_claim_links(claims, DOCS, None, problems)
    assert _messages(problems) == [
        "claims.csv:3:responds_to: 'c1' was made on 2024-10-20, after this claim (2024-10-10): "
        "a claim can only answer or repeat an earlier one",
        "claims.csv:3:responds_to: 'c9' is not a claim_id in claims.csv",
    ]


def test_restates_a_claim_of_the_same_document_or_a_later_one():
    claims = _claims(
        {"claim_id": "c1"},
        {"claim_id": "c2", "restates": "c1"},
        {"claim_id": "c3", "doc_id": "b"},
        {"claim_id": "c4", "restates": "c3"},
    )
    problems = []
    check_claim_links(claims, DOCS, None, problems)
    found = _messages(problems)
    assert found[0].startswith("claims.csv:3:restates: 'c1' is a claim of the same document a")
    assert found[1].startswith("claims.csv:5:restates: 'c3' was made on 2024-10-20, after")
    assert len(found) == 2


def test_a_restates_cycle_is_named_once():
    claims = _claims(
        {"claim_id": "c1", "restates": "c2"},
        {
            "claim_id": "c2",
            "doc_id": "b",
            "claimed_on": pd.Timestamp("2024-10-10"),
            "restates": "c1",
        },
    )
    problems = []
    check_claim_links(claims, DOCS, None, problems)
    assert _messages(problems) == [
        "claims.csv:2:restates: restates goes round in a cycle: c1 → c2 → c1"
    ]


def test_a_stance_claim_carries_no_period_measure_or_value():
    claims = _claims(
        {"claim_id": "c1", "claim_type": "confirmation", "period": "P7D"},
        {"claim_id": "c2", "claim_type": "denial", "measure": "present", "value_low": 5},
        {"claim_id": "c3", "claim_type": "not_verified", "period": "P1D"},
        {"claim_id": "c4", "measure": "present", "period": "P7D"},
    )
    problems = []
    check_claim_links(claims, DOCS, None, problems)
    assert [(p.row, p.column) for p in problems] == [
        (2, "period"),
        (3, "measure"),
        (3, "value_low"),
        (4, "period"),
    ]
    assert "a confirmation claim answers another claim and counts nothing" in str(problems[0])


def test_stated_unit_sizes_in_order_with_a_unit():
    claims = _claims(
        {"claim_id": "c1", "unit": "brigades", "unit_size_low": 6000, "unit_size_high": 5000},
        {"claim_id": "c2", "unit_size_low": 6000, "unit_size_high": 6000},
        {"claim_id": "c3", "unit": "brigades", "unit_size_low": 6000},
        {"claim_id": "c4", "unit": "brigades", "unit_size_low": 5000, "unit_size_high": 6000},
    )
    problems = []
    check_stated_unit_sizes(claims, problems)
    assert _messages(problems) == [
        "claims.csv:2:unit_size_low: unit_size_low 6000 is above unit_size_high 5000",
        "claims.csv:3:unit: a stated unit size needs the unit it sizes (unit is empty)",
        "claims.csv:4:unit_size_high: give unit_size_low and unit_size_high together",
    ]


def test_relation_steps_in_date_order_citing_known_claims_made_by_then():
    claims = _claims({"claim_id": "c1"}, {"claim_id": "c2", "doc_id": "b"})
    steps = pd.DataFrame(
        {
            "relation_id": ["r1", "r1", "r1"],
            "status": ["alleged", "established", "reported"],
            "status_on": pd.to_datetime(["2024-10-12", "2024-10-15", "2024-10-11"]),
            "claim_ids": ["c1", "c2;c9", "c1"],
        },
        index=[2, 3, 4],
    )
    relations = pd.DataFrame({"relation_id": ["r1", "r2"]}, index=[2, 3])
    problems = []
    check_relation_steps(steps, relations, claims, DOCS, problems)
    assert _messages(problems) == [
        "relation_steps.csv:4:status_on: 2024-10-11 comes before the previous step of r1 "
        "(2024-10-15): list a tie's steps in date order",
        "relations.csv:3:relation_id: r2 has no step in relation_steps.csv: its status comes "
        "from its latest step",
        "relation_steps.csv:3:claim_ids: 'c9' is not a claim_id in claims.csv",
        "relation_steps.csv:3:claim_ids: 'c2' was made on 2024-10-20, after the step's "
        "status_on 2024-10-15",
    ]


def _problems(data) -> list[str]:
    try:
        load_dataset(data)
    except DatasetError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_a_correction_whose_quote_is_not_at_its_offsets_is_located(data_copy):
    set_cell(data_copy / "corrections.csv", 2, "start", "7735")
    found = _problems(data_copy)
    assert len(found) == 1
    assert found[0].startswith("corrections.csv:2:quote: quote is not at offsets 7735:7768")


def test_the_loader_reports_a_late_answer_in_the_real_data(data_copy):
    # c062 (19 October) answers; make it answer c075 (30 October).
    rows = read_csv(data_copy / "claims.csv")
    line = next(i for i, r in enumerate(rows, start=1) if r[0] == "c062")
    set_cell(data_copy / "claims.csv", line, "responds_to", "c075")
    assert _problems(data_copy) == [
        f"claims.csv:{line}:responds_to: 'c075' was made on 2024-10-30, after this claim "
        "(2024-10-19): a claim can only answer or repeat an earlier one"
    ]
