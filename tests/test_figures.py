"""Unit tests for the troop analysis and the troop report's tables and prose, on tiny frames."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import UNIT_SIZES as SIZES

from claimscope.analysis import stances as stance_lists
from claimscope.analysis import troops as F
from claimscope.data.vocab import load_vocabularies
from claimscope.present import formatting, prose, tables

ACTORS = pd.DataFrame(
    {
        "actor_id": ["zel", "nis", "ru", "usi", "other"],
        "name": ["Zelenskyy", "NIS", "Russia", "U.S. intelligence", "Other"],
    }
)
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["d1", "d2"],
        "title": ["Doc one", "Doc two"],
        "published_on": pd.to_datetime(["2024-10-23", "2024-10-30"]),
    }
)


def claim(claim_id: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "claim_id": claim_id,
        "doc_id": "d1",
        "quote": f"quote of {claim_id}",
        "claimant_id": "zel",
        "claim_type": "figure",
        "measure": "present",
        "value_low": pd.NA,
        "value_high": pd.NA,
        "unit": "",
        "qualifier": "",
        "stated_figure": "",
        "activity": "",
        "location": "",
        "claimed_on": pd.NaT,
        "hedges": "",
        "source_reliability": "B",
        "info_credibility": 3,
    }
    row.update(values)
    return row


def frame(*rows: dict[str, object]) -> pd.DataFrame:
    out = pd.DataFrame(list(rows))
    for column in ("value_low", "value_high", "info_credibility"):
        out[column] = out[column].astype("Int64")
    out["claimed_on"] = pd.to_datetime(out["claimed_on"])
    return out


def figure(value: int, unit: str = "troops", qualifier: str = "exact", **kw) -> dict:
    high = kw.pop("value_high", value)
    return claim(
        kw.pop("claim_id", "c1"),
        value_low=value,
        value_high=high,
        unit=unit,
        qualifier=qualifier,
        **kw,
    )


def one(row: dict, **kw) -> pd.Series:
    return F.normalise_figures(frame(row), SIZES, **kw).iloc[0]


def test_units_convert_with_unit_sizes():
    row = one(figure(2, "brigades"))
    assert (row.troops_low, row.troops_high) == (6000, 10000)
    assert (row.unit_low, row.unit_high) == (3000, 5000)
    assert not row.is_low_open and not row.is_high_open


def test_exact_troops_is_a_point():
    row = one(figure(1500))
    assert (row.troops_low, row.troops_high, row.troops_stated) == (1500, 1500, 1500)


def test_range_keeps_both_ends():
    row = one(figure(2, "brigades", "range", value_high=3))
    assert (row.troops_low, row.troops_high) == (6000, 15000)


def test_up_to_has_an_open_lower_bound():
    row = one(figure(6000, qualifier="up_to"))
    assert row.is_low_open and not row.is_high_open
    assert pd.isna(row.troops_low)
    assert row.troops_high == 6000
    assert row.troops_stated == 6000


def test_at_least_has_an_open_upper_bound():
    row = one(figure(2, "brigades", "at_least"))
    assert row.is_high_open and not row.is_low_open
    assert row.troops_low == 6000
    assert pd.isna(row.troops_high)


def test_approximately_widens_by_the_tolerance():
    row = one(figure(1500, qualifier="approximately"), tolerance=0.2)
    assert (row.troops_low, row.troops_high) == (1200, 1800)
    default = one(figure(1500, qualifier="approximately"))
    assert (default.troops_low, default.troops_high) == (1350, 1650)


def test_tolerance_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="tolerance"):
        one(figure(1500, qualifier="approximately"), tolerance=1.5)


def test_unit_override_moves_the_interval_and_keeps_the_stated_form():
    row = one(
        figure(2, "brigades", stated_figure="two brigades"),
        unit_overrides={"brigades": [1500, 2500]},
    )
    assert (row.troops_low, row.troops_high) == (3000, 5000)
    assert row.stated_figure == "two brigades"


def test_unknown_unit_in_overrides_is_named():
    with pytest.raises(ValueError, match="'regiments'"):
        one(figure(2, "brigades"), unit_overrides={"regiments": [1000, 2000]})


@pytest.mark.parametrize("pair", [[5000, 3000], [0, 10], ["a", 3], [1500]])
def test_bad_override_sizes_are_refused(pair):
    with pytest.raises(ValueError, match="brigades"):
        F.resolve_unit_sizes(SIZES, {"brigades": pair})


def test_unknown_unit_of_a_claim_is_named():
    with pytest.raises(ValueError, match="c9.*'companies'"):
        one(figure(2, "companies", claim_id="c9"))


def test_only_troop_figures_are_normalised_and_named_and_dated():
    claims = frame(
        figure(1500, claim_id="c1", claimant_id="nis", claimed_on="2024-10-18"),
        figure(2, "brigades", claim_id="c2", doc_id="d2"),
        claim("c3", claim_type="denial", claimant_id="ru", measure=""),
    )
    out = F.normalise_figures(claims, SIZES, actors=ACTORS, documents=DOCUMENTS)
    assert list(out["claim_id"]) == ["c1", "c2"]
    assert list(out["claimant_name"]) == ["NIS", "Zelenskyy"]
    # an empty claimed_on takes the document's date
    assert list(out["claimed_on"]) == list(pd.to_datetime(["2024-10-18", "2024-10-30"]))
    assert list(out["doc_title"]) == ["Doc one", "Doc two"]
    assert list(out["grade"]) == ["B3", "B3"]


@pytest.mark.parametrize(
    ("claim_type", "stance"),
    [
        ("figure", "asserts"),
        ("troop_deployment", "asserts"),
        ("denial", "denies"),
        ("not_verified", "not_verified"),
        ("confirmation", "confirms"),
        ("assessment", None),
    ],
)
def test_stance_of(claim_type, stance):
    assert load_vocabularies().stance_of().get(claim_type) == stance


def test_grade_of_joins_letter_and_digit():
    assert F.grade_of("C", 6) == "C6"
    assert F.grade_of("F", pd.NA) == "F"


def stance_claims() -> pd.DataFrame:
    return frame(
        figure(1500, claim_id="c1", claimant_id="nis"),
        claim("c2", claim_type="troop_deployment", claimant_id="nis", measure=""),
        claim("c3", claim_type="denial", claimant_id="ru", measure="", location="Russia"),
        claim(
            "c4",
            claim_type="not_verified",
            claimant_id="usi",
            measure="",
            source_reliability="B",
            info_credibility=2,
        ),
        claim("c5", claim_type="assessment", claimant_id="other", measure=""),
    )


def test_list_stances_keeps_stance_claims_in_stance_order():
    out = stance_lists.list_stances(stance_claims(), actors=ACTORS, documents=DOCUMENTS)
    assert list(out["claim_id"]) == ["c1", "c2", "c3", "c4"]
    assert list(out["stance"]) == ["asserts", "asserts", "denies", "not_verified"]


def test_count_stances_counts_per_claimant_most_first():
    stances = stance_lists.list_stances(stance_claims(), actors=ACTORS, documents=DOCUMENTS)
    counts = stance_lists.count_stances(stances, ACTORS).set_index("claimant_id")
    assert list(counts.index) == ["nis", "ru", "usi"]
    assert counts.loc["nis", "asserts"] == 2
    assert counts.loc["ru", "denies"] == 1
    assert counts.loc["usi", "not_verified"] == 1
    assert counts["confirms"].sum() == 0
    assert list(counts["total"]) == [2, 1, 1]


def test_select_claims_filters_and_names_unknown_ids():
    claims = stance_claims()
    kept = F.select_claims(claims, documents=DOCUMENTS, actors=ACTORS, claimant_ids=["ru"])
    assert list(kept["claim_id"]) == ["c3"]
    with pytest.raises(ValueError, match="'nobody'"):
        F.select_claims(claims, documents=DOCUMENTS, actors=ACTORS, claimant_ids=["nobody"])
    with pytest.raises(ValueError, match="'d404'"):
        F.select_claims(claims, documents=DOCUMENTS, actors=ACTORS, doc_ids=["d404"])
    with pytest.raises(ValueError, match="'dead'"):
        F.select_claims(claims, documents=DOCUMENTS, actors=ACTORS, measures=["dead"])


def test_measure_filter_keeps_claims_without_a_measure():
    claims = frame(
        figure(1500, claim_id="c1"),
        figure(10, claim_id="c2", measure="killed"),
        claim("c3", claim_type="denial", measure=""),
    )
    kept = F.select_claims(
        claims,
        documents=DOCUMENTS,
        actors=ACTORS,
        measures=["killed"],
    )
    assert list(kept["claim_id"]) == ["c2", "c3"]
    everything = F.select_claims(claims, documents=DOCUMENTS, actors=ACTORS, doc_ids=[])
    assert len(everything) == 3


@pytest.mark.parametrize(
    ("low", "high", "low_open", "high_open", "text"),
    [
        (pd.NA, 6000, True, False, "≤ 6,000"),
        (3000, pd.NA, False, True, "≥ 3,000"),
        (6000, 10000, False, False, "6,000–10,000"),
        (1500, 1500, False, False, "1,500"),
    ],
)
def test_format_interval(low, high, low_open, high_open, text):
    assert formatting.format_interval(low, high, low_open, high_open) == text


def test_tabulate_claims_lists_figures_then_other_stances():
    claims = stance_claims()
    figures = F.normalise_figures(claims, SIZES, actors=ACTORS, documents=DOCUMENTS)
    table = tables.tabulate_claims(
        figures, stance_lists.list_stances(claims, actors=ACTORS, documents=DOCUMENTS)
    )
    assert list(table["Claim"]) == ["c1", "c2", "c3", "c4"]
    assert table.loc[0, "Troops (normalised)"] == "1,500"
    assert table.loc[2, "Stance"] == "denies"
    assert table.loc[2, "Troops (normalised)"] == ""
    assert table.loc[3, "Grade"] == "B2"
    assert table.loc[0, "Date"] == "2024-10-23"


def summary(overrides=None) -> list[str]:
    claims = frame(
        figure(
            1500,
            claim_id="c1",
            claimant_id="nis",
            stated_figure="1,500 soldiers",
            hedges="allegedly",
        ),
        figure(
            6000,
            qualifier="up_to",
            claim_id="c2",
            claimant_id="other",
            stated_figure="as many as 6,000",
        ),
        figure(2, "brigades", claim_id="c3", stated_figure="two brigades"),
        claim("c4", claim_type="denial", claimant_id="ru", measure="", location="Russia"),
        claim("c5", claim_type="not_verified", claimant_id="usi", measure=""),
    )
    figures = F.normalise_figures(
        claims, SIZES, unit_overrides=overrides, actors=ACTORS, documents=DOCUMENTS
    )
    stances = stance_lists.list_stances(claims, actors=ACTORS, documents=DOCUMENTS)
    return prose.summarise_figures(figures, stances)


def test_summary_names_range_highest_lowest_deniers_and_unverified():
    text = "\n".join(summary())
    # One figure is "as many as 6,000": open below, it is told apart from the stated span.
    assert "span 1,500 to 10,000 troops where both ends are stated (2 of 3)" in text
    assert "open-ended: ≤ 6,000" in text
    assert "Highest: Zelenskyy" in text
    assert "lowest: NIS" in text
    assert "Russia denied that troops were sent" in text
    assert "U.S. intelligence said it could not verify that troops were sent" in text
    assert "No source in this selection confirms it." in text
    assert "“allegedly”" in text


def test_summary_says_how_the_brigade_assumption_moves_the_range():
    text = "\n".join(summary({"brigades": [1500, 2500]}))
    assert "becomes 3,000–5,000 troops at 1,500–2,500 troops per brigade" in text
    assert "at the dataset’s 3,000–5,000 it would be 6,000–10,000" in text
    assert "span 1,500 to 5,000 troops where both ends are stated (2 of 3)" in text


OVERRIDE = {"brigades": [1500, 2500]}


def test_describe_units_marks_overrides():
    figures = F.normalise_figures(frame(figure(2, "brigades")), SIZES, unit_overrides=OVERRIDE)
    table = tables.describe_units(SIZES, figures).set_index("Unit")
    assert table.loc["brigades", "Troops per unit (used)"] == "1,500–2,500"
    assert table.loc["brigades", "Dataset value"] == "3,000–5,000"
    assert table.loc["brigades", "Overridden"] == "yes"
    assert "troops" not in table.index  # a unit of one converts nothing: not listed


def test_a_unit_of_one_hides_the_conversion_in_prose_and_method():
    figures = F.normalise_figures(frame(figure(1500, "troops")), SIZES)
    text = " ".join(prose.summarise_figures(figures, figures.iloc[:0]))
    method = " ".join(prose.describe_method(figures, figures.iloc[:0], version="v"))
    assert "per troop" not in text and "becomes" not in text
    assert "one unit holds" not in method
    brigades = F.normalise_figures(frame(figure(2, "brigades")), SIZES)
    assert "one unit holds" in " ".join(
        prose.describe_method(brigades, brigades.iloc[:0], version="v")
    )


def test_describe_grades_covers_both_scales():
    table = tables.describe_grades()
    assert set(table["Grade"]) == set("ABCDEF") | set("123456")


def test_describe_method_reports_counts_tolerance_and_qualifiers():
    claims = stance_claims()
    figures = F.normalise_figures(claims, SIZES, tolerance=0.25, actors=ACTORS, documents=DOCUMENTS)
    stances = stance_lists.list_stances(claims, actors=ACTORS, documents=DOCUMENTS)
    text = "\n".join(prose.describe_method(figures, stances, version="abc123"))
    assert "Dataset version abc123: 1 troop figure(s) and 4 claim(s)" in text
    assert "from 1 document(s)" in text
    assert "by 25% on each side" in text
    assert "exact (1)" in text


def test_measures_come_from_the_vocabulary_not_from_the_claims():
    vocab = load_vocabularies()
    assert "killed" in vocab.measures.index
    claims = frame(figure(1500, claim_id="c1"), claim("c2", claim_type="denial", measure=""))
    kept = F.select_claims(
        claims, documents=DOCUMENTS, actors=ACTORS, measures=["killed"], vocab=vocab
    )
    assert list(kept["claim_id"]) == ["c2"]


def test_the_frame_carries_its_unit_sizes_and_tolerance():
    figures = F.normalise_figures(
        frame(figure(2, "brigades")), SIZES, unit_overrides=OVERRIDE, tolerance=0.2
    )
    used = F.normalisation_of(figures.iloc[:1])
    assert used.unit_sizes["brigades"] == (1500, 2500)
    assert used.dataset_unit_sizes["brigades"] == (3000, 5000)
    assert used.tolerance == 0.2
    plain = figures.copy()
    plain.attrs.clear()
    with pytest.raises(ValueError, match="normalise_figures"):
        prose.summarise_figures(plain, stance_lists.list_stances(frame(figure(2, "brigades"))))
