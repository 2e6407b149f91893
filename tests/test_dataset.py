"""The loader: the real dataset validates, and each kind of bad input is refused, located."""

from __future__ import annotations

import csv
import hashlib

import pandas as pd
import pytest
from helpers import get_cell, read_csv, set_cell, write_csv

from claimscope.data.dataset import DatasetError, Problem, load_dataset, locate_offsets

SEED = "000_4f2a035373e67687"


def problems_of(data_dir) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        load_dataset(data_dir)
    return [str(p) for p in caught.value.problems]


def claim_row(data_dir, claim_id: str) -> int:
    rows = read_csv(data_dir / "claims.csv")
    return next(i for i, r in enumerate(rows, start=1) if r[0] == claim_id)


# --- the real dataset -------------------------------------------------------------------


def test_real_dataset_validates_with_typed_columns():
    ds = load_dataset()
    assert ds.counts()["documents"] == 3
    assert ds.counts()["claims"] >= 40
    assert ds.claims["start"].dtype == "Int64"
    assert ds.claims["value_low"].dtype == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(ds.documents["published_on"])
    assert ds.located == [], "every committed claim has its offsets; run `claimscope locate`"
    for _, claim in ds.claims.iterrows():
        assert ds.texts[claim["doc_id"]][claim["start"] : claim["end"]] == claim["quote"]


#: sha256 of ``../shared/seeds/000_4f2a035373e67687.txt``, measured beside ../shared (2026-12-05).
SHARED_SEED_SHA256 = "dd380cf4462776208e29b97a3c582041a17f7950b3a63b21404a438a7ecdfc30"


def test_seed_text_is_the_shared_seed_byte_for_byte():
    """Compare with ``../shared/seeds/`` where it exists, and with its measured hash always.

    A clone without ``../shared`` beside it (some CI checkouts) still checks the bytes: the
    seed's sha256 as measured there, and the one the curation recorded.
    """
    from claimscope.data.paths import PROJECT_ROOT

    shared = PROJECT_ROOT.parent / "shared" / "seeds" / f"{SEED}.txt"
    ours = PROJECT_ROOT / "data" / "sources" / f"{SEED}.txt"
    digest = hashlib.sha256(ours.read_bytes()).hexdigest()
    if shared.is_file():
        assert ours.read_bytes() == shared.read_bytes()
    assert digest == SHARED_SEED_SHA256
    ds = load_dataset()
    assert ds.documents.set_index("doc_id").loc[SEED, "sha256"] == digest


@pytest.mark.parametrize(
    ("claimant", "value", "unit", "qualifier", "needle"),
    [
        ("nis", 1500, "troops", "exact", "1,500 North Korean special forces"),
        ("ukrainian_reports", 6000, "troops", "up_to", "as many as 6,000"),
        ("volodymyr_zelenskyy", 2, "brigades", "exact", "two North Korean brigades"),
    ],
)
def test_seed_troop_figures_are_curated(claimant, value, unit, qualifier, needle):
    claims = load_dataset().claims
    figures = claims[
        (claims["claim_type"] == "figure")
        & (claims["claimant_id"] == claimant)
        & (claims["doc_id"] == SEED)
    ]
    assert len(figures) == 1
    figure = figures.iloc[0]
    assert (figure["value_low"], figure["value_high"]) == (value, value)
    assert (figure["unit"], figure["qualifier"]) == (unit, qualifier)
    assert needle in figure["quote"]


@pytest.mark.parametrize(
    ("claimant", "claim_type"),
    [
        ("russia", "denial"),
        ("north_korea", "denial"),
        ("us_intelligence", "not_verified"),
        ("nato_intelligence", "not_verified"),
        ("united_states", "not_verified"),
        ("kcna", "event"),
        ("kim_jong_un", "statement"),
        ("jens_stoltenberg", "warning"),
        ("unattributed_reports", "arms_transfer"),
        ("military_analysts", "assessment"),
        ("seed_outlet", "policy"),
    ],
)
def test_seed_non_numeric_claims_are_curated(claimant, claim_type):
    claims = load_dataset().claims
    assert ((claims["claimant_id"] == claimant) & (claims["claim_type"] == claim_type)).any()


def test_every_troop_figure_of_the_seed_and_its_capabilities_are_present():
    claims = load_dataset().claims
    quotes = " ".join(claims["quote"])
    for phrase in ("Hwasong-18", "hypersonic", "artillery shells", "fuel, food", "neutral stance"):
        assert phrase in quotes, phrase


def test_stoltenberg_error_is_flagged_in_a_note():
    ds = load_dataset()
    note = ds.actors.set_index("actor_id").loc["jens_stoltenberg", "note"]
    assert "Mark Rutte" in note and "1 October 2024" in note


def test_every_relation_cites_existing_claims_and_every_actor_is_used():
    ds = load_dataset()
    used = set(ds.claims["claimant_id"]) | set(ds.claims["subject_id"])
    used |= set(ds.relations["source_id"]) | set(ds.relations["target_id"])
    used |= set(ds.actors["parent_id"]) - {""}
    assert set(ds.actors["actor_id"]) <= used


# --- bad input: one test per kind, each checks the located message ------------------------


def test_missing_file(data_copy):
    (data_copy / "relations.csv").unlink()
    assert problems_of(data_copy) == [
        f"relations.csv:-:-: file not found: {data_copy / 'relations.csv'}"
    ]


def test_missing_source_text(data_copy):
    (data_copy / "sources" / f"{SEED}.txt").unlink()
    assert problems_of(data_copy) == [f"documents.csv:2:path: file not found: sources/{SEED}.txt"]


def test_missing_column(data_copy):
    rows = read_csv(data_copy / "actors.csv")
    col = rows[0].index("kind")
    write_csv(data_copy / "actors.csv", [r[:col] + r[col + 1 :] for r in rows])
    assert "actors.csv:1:kind: column missing (declared in datapackage.json)" in problems_of(
        data_copy
    )


def test_undeclared_column(data_copy):
    rows = read_csv(data_copy / "actors.csv")
    write_csv(data_copy / "actors.csv", [r + ["x"] for r in rows])
    assert problems_of(data_copy) == ["actors.csv:1:x: column not declared in datapackage.json"]


def test_wrong_type(data_copy):
    row = claim_row(data_copy, "c014")
    set_cell(data_copy / "claims.csv", row, "value_low", "fifteen hundred")
    assert f"claims.csv:{row}:value_low: 'fifteen hundred' is not an integer" in " ".join(
        problems_of(data_copy)
    )


def test_unknown_enum_value(data_copy):
    row = claim_row(data_copy, "c018")
    set_cell(data_copy / "claims.csv", row, "claim_type", "rebuttal")
    (problem,) = problems_of(data_copy)
    assert problem == (
        f"claims.csv:{row}:claim_type: 'rebuttal' is not a claim_type in claim_types.csv"
    )


def test_duplicate_id(data_copy):
    set_cell(data_copy / "claims.csv", 3, "claim_id", "c001")
    assert "claims.csv:3:claim_id: 'c001' is a duplicate: the value must be unique" in (
        problems_of(data_copy)
    )


@pytest.mark.parametrize(
    ("file", "column", "value", "problem"),
    [
        ("claims.csv", "claimant_id", "atlantis", "'atlantis' is not an actor_id in actors.csv"),
        (
            "relation_steps.csv",
            "claim_ids",
            "c001;c999",
            "'c999' is not a claim_id in claims.csv",
        ),
        (
            "documents.csv",
            "published_on",
            "23/10/2024",
            "'23/10/2024' is not a date in the form YYYY-MM-DD",
        ),
        (
            "claims.csv",
            "claimed_on",
            "2024-02-30",
            "'2024-02-30' is not a date in the form YYYY-MM-DD",
        ),
        (
            "claims.csv",
            "claimed_on",
            "2024-11-01",
            "2024-11-01 is after the document's published_on 2024-10-23",
        ),
    ],
    ids=["dangling-foreign-key", "dangling-claim-id", "bad-date", "impossible-date", "late-claim"],
)
def test_one_bad_cell_is_the_one_problem(data_copy, file, column, value, problem):
    set_cell(data_copy / file, 2, column, value)
    found = problems_of(data_copy)
    # A late claim is also later than the relation step that cites it: a second, true problem.
    found = [p for p in found if not p.startswith("relation_steps.csv") or file != "claims.csv"]
    assert found == [f"{file}:2:{column}: {problem}"]


def test_quote_not_at_offsets(data_copy):
    start = int(get_cell(data_copy / "claims.csv", 2, "start"))
    set_cell(data_copy / "claims.csv", 2, "start", str(start + 1))
    set_cell(data_copy / "claims.csv", 2, "end", str(start + 11))
    (problem,) = problems_of(data_copy)
    assert problem.startswith("claims.csv:2:quote: quote is not at offsets ")
    assert f"the quote is at {start}:" in problem


def test_quote_not_found(data_copy):
    set_cell(data_copy / "claims.csv", 2, "quote", "Kim Jong Un visited the Moon")
    set_cell(data_copy / "claims.csv", 2, "start", "")
    set_cell(data_copy / "claims.csv", 2, "end", "")
    assert problems_of(data_copy) == [
        f"claims.csv:2:quote: quote 'Kim Jong Un visited the Moon' not found in document {SEED}"
    ]


def test_ambiguous_quote_without_offsets(data_copy):
    set_cell(data_copy / "claims.csv", 2, "quote", "North Korean troops")
    set_cell(data_copy / "claims.csv", 2, "start", "")
    set_cell(data_copy / "claims.csv", 2, "end", "")
    (problem,) = problems_of(data_copy)
    assert problem.startswith("claims.csv:2:quote: quote 'North Korean troops' occurs ")
    assert "give start and end" in problem


def test_ambiguous_quote_with_offsets_is_fine(data_copy):
    text = (data_copy / "sources" / f"{SEED}.txt").read_text(encoding="utf-8")
    second = text.index("North Korean troops", text.index("North Korean troops") + 1)
    set_cell(data_copy / "claims.csv", 2, "quote", "North Korean troops")
    set_cell(data_copy / "claims.csv", 2, "start", str(second))
    set_cell(data_copy / "claims.csv", 2, "end", str(second + len("North Korean troops")))
    claims = load_dataset(data_copy).claims
    assert claims.loc[claims["line"] == 2, "start"].tolist() == [second]


def test_low_above_high(data_copy):
    row = claim_row(data_copy, "c016")
    set_cell(data_copy / "claims.csv", row, "value_low", "7000")
    assert f"claims.csv:{row}:value_low: value_low 7000 is above value_high 6000" in problems_of(
        data_copy
    )


def test_sha256_mismatch(data_copy):
    source = data_copy / "sources" / f"{SEED}.txt"
    source.write_bytes(source.read_bytes() + b"\nedited")
    (problem,) = problems_of(data_copy)
    assert problem.startswith("documents.csv:2:sha256: ")
    assert "sources are never edited" in problem


def test_non_utf8_source(data_copy):
    source = data_copy / "sources" / f"{SEED}.txt"
    raw = source.read_text(encoding="utf-8").encode("cp1252", errors="replace")
    source.write_bytes(raw)
    set_cell(data_copy / "documents.csv", 2, "sha256", hashlib.sha256(raw).hexdigest())
    problems = problems_of(data_copy)
    assert any(
        p.startswith(f"documents.csv:2:path: sources/{SEED}.txt is not valid UTF-8")
        for p in problems
    )


def test_non_utf8_csv_names_row_and_column(data_copy):
    path = data_copy / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"Zelenskyy", "Zelensk\xff".encode("latin-1")))
    (problem,) = problems_of(data_copy)
    assert problem.startswith("actors.csv:11:name: not valid UTF-8: byte 0xff")


def test_troop_figure_needs_value_and_unit(data_copy):
    row = claim_row(data_copy, "c020")
    set_cell(data_copy / "claims.csv", row, "unit", "")
    set_cell(data_copy / "claims.csv", row, "value_high", "")
    assert problems_of(data_copy) == [
        f"claims.csv:{row}:unit: a figure claim needs a unit",
        f"claims.csv:{row}:value_high: a figure claim needs a value_high",
    ]


def test_empty_csv(data_copy):
    (data_copy / "claims.csv").write_bytes(b"")
    problems = problems_of(data_copy)
    assert "claims.csv:1:-: file is empty: no header row" in problems


def test_a_header_only_table_is_valid_and_loads_empty(data_copy):
    for name in ("relation_steps", "relations"):
        rows = read_csv(data_copy / f"{name}.csv")
        write_csv(data_copy / f"{name}.csv", rows[:1])
    dataset = load_dataset(data_copy)
    assert dataset.counts()["relations"] == 0
    assert {"relation_id", "source_id", "target_id"} <= set(dataset.relations.columns)


def test_a_package_that_says_troop_figure_reads_it_as_figure(data_copy):
    for name in ("claims", "claim_types"):
        rows = read_csv(data_copy / f"{name}.csv")
        column = rows[0].index("claim_type")
        for row in rows[1:]:
            row[column] = "troop_figure" if row[column] == "figure" else row[column]
        write_csv(data_copy / f"{name}.csv", rows)
    assert "troop_figure" in (data_copy / "claim_types.csv").read_text(encoding="utf-8")
    dataset = load_dataset(data_copy)
    assert (dataset.claims["claim_type"] == "figure").sum() == 18
    assert "figure" in set(dataset.claim_types["claim_type"])
    assert "troop_figure" not in set(dataset.claims["claim_type"])


def test_ragged_row(data_copy):
    rows = read_csv(data_copy / "actors.csv")
    width = len(rows[0])
    rows[3] = rows[3][:-1]
    write_csv(data_copy / "actors.csv", rows)
    expected = f"actors.csv:4:-: has {width - 1} fields; the header has {width}"
    assert problems_of(data_copy) == [expected]


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        # north_korea's child kcna becomes its parent: the two form the cycle; kim_jong_un,
        # nk_troops and nk_missile_force only hang below it and are not named.
        (
            {2: "kcna"},
            [
                "actors.csv:2:parent_id: parent_id goes round in a cycle: "
                "north_korea → kcna → north_korea"
            ],
        ),
        # A three-actor cycle is named once, from its first row, whichever row closes it.
        (
            {7: "russian_forces", 9: "vladimir_putin"},
            [
                "actors.csv:7:parent_id: parent_id goes round in a cycle: "
                "russia → russian_forces → vladimir_putin → russia"
            ],
        ),
        ({19: "nato"}, ["actors.csv:19:parent_id: parent_id goes round in a cycle: nato → nato"]),
    ],
    ids=["two", "three", "self"],
)
def test_parent_cycle_is_named_once(data_copy, edits, expected):
    for row, parent in edits.items():
        set_cell(data_copy / "actors.csv", row, "parent_id", parent)
    assert problems_of(data_copy) == expected


def test_every_problem_is_listed_not_just_the_first(data_copy):
    set_cell(data_copy / "claims.csv", 2, "claim_type", "rebuttal")
    set_cell(data_copy / "actors.csv", 3, "kind", "wizard")
    set_cell(data_copy / "documents.csv", 2, "published_on", "soon")
    problems = problems_of(data_copy)
    assert [p.split(":")[0] for p in problems] == ["documents.csv", "actors.csv", "claims.csv"]


def test_bom_and_windows_line_endings_load_as_if_absent(data_copy):
    for name in ("claims.csv", "actors.csv"):
        path = data_copy / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    ds = load_dataset(data_copy)
    plain = load_dataset()
    pd.testing.assert_frame_equal(ds.claims, plain.claims)
    pd.testing.assert_frame_equal(ds.actors, plain.actors)


def test_problem_formats_as_file_row_column_message():
    assert str(Problem("claims.csv", 4, "quote", "x")) == "claims.csv:4:quote: x"


# --- locate -----------------------------------------------------------------------------


def test_locate_fills_empty_offsets_and_nothing_else(data_copy):
    path = data_copy / "claims.csv"
    before = read_csv(path)
    for row in (2, 5):
        set_cell(path, row, "start", "")
        set_cell(path, row, "end", "")
    assert load_dataset(data_copy).located == ["c001", "c004"]
    assert locate_offsets(data_copy) == ["c001", "c004"]
    assert read_csv(path) == before
    assert locate_offsets(data_copy) == []


def test_locate_refuses_bad_data_and_writes_nothing(data_copy):
    path = data_copy / "claims.csv"
    set_cell(path, 2, "start", "")
    set_cell(path, 2, "end", "")
    set_cell(path, 3, "claim_type", "rebuttal")
    before = path.read_bytes()
    with pytest.raises(DatasetError):
        locate_offsets(data_copy)
    assert path.read_bytes() == before


def test_csv_written_by_locate_is_plain_csv(data_copy):
    set_cell(data_copy / "claims.csv", 2, "start", "")
    set_cell(data_copy / "claims.csv", 2, "end", "")
    locate_offsets(data_copy)
    with open(data_copy / "claims.csv", newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[0] == "claim_id"
