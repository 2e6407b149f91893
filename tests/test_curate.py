"""Curation: add-document, suggest and --accept on tiny data packages built in the test."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from curate_package import NOTE, SEED, curate_package
from helpers import read_csv, write_csv

from claimscope.cli import main
from claimscope.curate.accept import accept_claims, next_ids
from claimscope.curate.add_document import add_document, slugify
from claimscope.curate.suggest import format_rows, suggest_claims
from claimscope.curate.tables import table_columns
from claimscope.curate.troop_figures import find_figures
from claimscope.data.dataset import DatasetError, load_dataset, read_schema
from claimscope.data.paths import DATA_DIR


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A one-document data package with an ``aliases`` column on actors."""
    return curate_package(tmp_path)


def _snapshot(data: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()
    }


def test_add_document_copies_bytes_and_appends_a_quoted_row(package: Path, tmp_path: Path):
    source = tmp_path / "New Note, Nov.txt"
    source.write_bytes(NOTE.replace("\n", "\r\n").encode())
    before = (package / "documents.csv").read_bytes()
    doc_id = add_document(
        source, title='Estimates, "new"', published_on="2024-11-06", data_dir=package
    )
    assert doc_id == "new-note-nov"
    assert (package / "sources" / f"{doc_id}.txt").read_bytes() == source.read_bytes()
    after = (package / "documents.csv").read_bytes()
    assert after.startswith(before)
    assert b'"Estimates, ""new"""' in after[len(before) :]
    assert hashlib.sha256(source.read_bytes()).hexdigest().encode() in after
    assert load_dataset(package).counts()["documents"] == 2


@pytest.mark.parametrize(
    ("kwargs", "content", "message"),
    [
        ({"doc_id": "seed"}, b"other text", "'seed' is already there"),
        ({"doc_id": "copy"}, SEED.encode(), "the same text is already 'seed'"),
        ({"doc_id": "bad"}, b"caf\xe9 text", "not valid UTF-8: byte 0xe9"),
        ({"doc_id": "Bad Id"}, b"text", "does not match"),
        ({"doc_id": "late", "published_on": "2024-13-01"}, b"text", "is not a date"),
    ],
)
def test_add_document_refuses_and_writes_nothing(package, tmp_path, kwargs, content, message):
    source = tmp_path / "input.txt"
    source.write_bytes(content)
    before = _snapshot(package)
    kwargs = {"published_on": "2024-11-06"} | kwargs
    with pytest.raises(DatasetError) as caught:
        add_document(source, title="T", data_dir=package, **kwargs)
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems
    assert _snapshot(package) == before


def test_add_document_never_overwrites_a_source_file(package: Path, tmp_path: Path):
    (package / "sources" / "stray.txt").write_text("someone's file", encoding="utf-8")
    source = tmp_path / "stray.txt"
    source.write_text("a new text", encoding="utf-8")
    with pytest.raises(DatasetError, match="not overwritten"):
        add_document(source, title="T", published_on="2024-11-06", data_dir=package)
    assert (package / "sources" / "stray.txt").read_text(encoding="utf-8") == "someone's file"


def test_slugify_gives_an_id_the_schema_accepts():
    assert slugify("2024-10-21 First Transfer (draft).TXT") == "2024-10-21-first-transfer-draft"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("as many as 6,000 North Korean troops", [(6000, 6000, "troops", "up_to")]),
        ("more than 3,000 soldiers", [(3000, 3000, "troops", "at_least")]),
        ("nearly 500 sappers", [(500, 500, "troops", "nearly")]),
        ("between 8,000 and 12,000 troops", [(8000, 12000, "troops", "range")]),
        ("two brigades", [(2, 2, "brigades", "exact")]),
        (
            "1,000 sappers and 5,000 military builders",
            [(1000, 1000, "troops", "exact"), (5000, 5000, "troops", "exact")],
        ),
        ("between 8 and 13 October four landing ships sailed in 2024", []),
        ("the Hwasong-18 missile and 3 ships", []),
    ],
)
def test_find_figures(text, expected):
    found = [(f.value_low, f.value_high, f.unit, f.qualifier) for f in find_figures(text)]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("about 200 soldiers were killed", "killed"),
        ("some 300 troops were wounded", "wounded"),
        ("1,000 troops had been sent to Russia", "sent"),
        ("Russia intended to train about 10,000 soldiers", "planned"),
        ("3,000 troops were fighting in Kursk", "in_combat"),
        ("3,000 troops were in Kursk", "present"),
    ],
)
def test_find_figures_reads_the_measure_from_the_clause(text, measure):
    assert [f.measure for f in find_figures(text)] == [measure]


def test_find_figures_takes_a_stated_unit_size():
    (figure,) = find_figures("two brigades of 6,000 soldiers each")
    assert (figure.value_low, figure.unit, figure.unit_size) == (2, "brigades", (6000, 6000))


def _added(package: Path, tmp_path: Path) -> str:
    source = tmp_path / "note.txt"
    source.write_text(NOTE, encoding="utf-8")
    return add_document(source, title="Note", published_on="2024-11-06", data_dir=package)


def test_suggest_rows_pass_the_quote_check_and_name_claimants(package: Path, tmp_path: Path):
    doc_id = _added(package, tmp_path)
    rows = suggest_claims(doc_id, package)
    text = (package / "sources" / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert all(text[int(r["start"]) : int(r["end"])] == r["quote"] for r in rows)
    assert all(r["claim_id"].startswith("new-") for r in rows)
    summary = [(r["claim_type"], r["claimant_id"], r["value_low"], r["claimed_on"]) for r in rows]
    assert summary == [
        ("denial", "dmitry_peskov", "", "2024-11-05"),
        ("figure", "volodymyr_zelenskyy", "11000", "2024-11-06"),
        ("figure", "volodymyr_zelenskyy", "2", "2024-11-06"),
        ("not_verified", "lloyd_austin", "", "2024-11-06"),
    ]
    brigades = rows[2]
    assert (brigades["unit"], brigades["subject_id"]) == ("brigades", "nk_troops")
    assert list(rows[0]) == table_columns(read_schema(package), "claims")


def test_suggest_names_every_party_of_a_joint_denial(package: Path, tmp_path: Path):
    source = tmp_path / "joint.txt"
    source.write_text("Both Russia and North Korea have denied the reports.\n", encoding="utf-8")
    doc_id = add_document(source, title="J", published_on="2024-11-06", data_dir=package)
    rows = suggest_claims(doc_id, package)
    assert [(r["claim_type"], r["claimant_id"]) for r in rows] == [
        ("denial", "russia"),
        ("denial", "north_korea"),
    ]


def test_suggest_unknown_document_is_bad_input(package: Path):
    with pytest.raises(DatasetError, match="no document 'nope'"):
        suggest_claims("nope", package)


def test_next_ids_follow_the_existing_style():
    assert next_ids(["c001", "c009", "x1"], 2) == ["c010", "c011"]
    assert next_ids(["claim-0041"], 1) == ["claim-0042"]


def test_accept_rolls_back_on_a_validation_failure(package: Path, tmp_path: Path):
    doc_id = _added(package, tmp_path)
    rows = suggest_claims(doc_id, package)
    rows[1]["claimant_id"] = "nobody"
    reviewed = tmp_path / "reviewed.csv"
    reviewed.write_text(format_rows(rows, list(rows[0])), encoding="utf-8")
    before = _snapshot(package)
    with pytest.raises(DatasetError) as caught:
        accept_claims(reviewed, package)
    messages = [str(p) for p in caught.value.problems]
    assert any(
        "claimant_id: 'nobody' is not an actor_id" in m and f"(row 3 of {reviewed})" in m
        for m in messages
    ), messages
    assert _snapshot(package) == before


def test_end_to_end_add_suggest_accept_through_the_cli(package, tmp_path, capsys):
    source = tmp_path / "briefing.txt"
    source.write_text(NOTE, encoding="utf-8")
    data = ["--data-dir", str(package)]
    assert (
        main(["add-document", str(source), "--title", "B", "--published-on", "2024-11-06", *data])
        == 0
    )
    assert main(["validate", str(package)]) == 0
    suggested = tmp_path / "suggested.csv"
    assert main(["suggest", "briefing", "--output", str(suggested), *data]) == 0
    assert "provisional" in capsys.readouterr().err
    # What each stance is about is the reviewer's to say: accepting without it is refused.
    assert main(["suggest", "--accept", str(suggested), *data]) == 2
    assert "proposition_id: a denial claim takes a stance" in capsys.readouterr().err
    rows = read_csv(suggested)
    kind, about = rows[0].index("claim_type"), rows[0].index("proposition_id")
    for row in rows[1:]:  # Austin's "could not confirm the figure" is a stance on the figure
        row[about] = "figure" if row[kind] == "not_verified" else "sent_to_russia"
    write_csv(suggested, rows)
    assert main(["suggest", "--accept", str(suggested), *data]) == 0
    dataset = load_dataset(package)
    new = dataset.claims[dataset.claims["doc_id"] == "briefing"]
    assert new["claim_id"].tolist() == ["c002", "c003", "c004", "c005"]
    assert set(new["claim_type"]) == {"denial", "figure", "not_verified"}
    # The stance answers "the figure": provisional ids follow their rows' fresh ids.
    assert new["responds_to"].fillna("").tolist() == ["", "", "", "c003;c004"]


def test_accept_of_a_bad_file_exits_2_and_names_the_column(package, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("claim_id,colour\nnew-001,red\n", encoding="utf-8")
    before = _snapshot(package)
    assert main(["suggest", "--accept", str(bad), "--data-dir", str(package)]) == 2
    assert "colour: not a column of claims.csv" in capsys.readouterr().err
    assert _snapshot(package) == before


def test_suggest_on_the_real_seed_finds_its_curated_figures(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    doc_id = load_dataset(data).documents["doc_id"].iloc[0]
    figures = [r for r in suggest_claims(doc_id, data) if r["claim_type"] == "figure"]
    assert [(r["value_low"], r["unit"]) for r in figures][:3] == [
        ("1500", "troops"),
        ("6000", "troops"),
        ("2", "brigades"),
    ]
