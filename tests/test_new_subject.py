"""A new subject from ``claimscope init`` to built reports, walked as a new user, on our text."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from claimscope.cli import main
from claimscope.data.dataset import load_dataset
from claimscope.data.paths import PROJECT_ROOT

# Two short texts written for this test: a toll revised by a different body (359 → 253).
FIRST = """Harbour Street fire: toll rises

The city fire service said on Sunday that 359 people were killed in the fire at the warehouse.

The mayor, Ana Ruiz, said the figure could not be independently verified.
"""
SECOND = """Harbour Street toll revised down

The regional coroner's office said on Saturday that 253 people died in the fire, \
revising the fire service's earlier toll of 359.

The coroner said some victims had been counted twice.
"""
# actor_id, name, display_name, kind, aliases: the curator's rows (country, parent, note empty).
BODY = "government_body"
ACTORS = [
    ["city_fire_service", "city fire service", "the city fire service", BODY, "fire service"],
    ["ana_ruiz", "Ana Ruiz", "", "person", "mayor"],
    ["coroner", "regional coroner's office", "the regional coroner's office", BODY, "coroner"],
    ["victims", "victims of the Harbour Street fire", "the victims", "group", ""],
]
QUESTION = "How many people died in the Harbour Street fire?"


def init(folder: Path) -> int:
    return main(
        ["init", str(folder), "--counted", "people", "--counted-one", "casualty",
         "--question", QUESTION]
    )  # fmt: skip


def build(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claimscope.cli", "build", "--config", "reports.yaml",
         "--data-dir", "data", "--output", "reports", "-j", "2"],
        capture_output=True, text=True, check=False, cwd=folder, timeout=600,
    )  # fmt: skip


def page_text(page: Path) -> str:
    """A page as a reader sees it and as its charts' data hold it: every word, tags dropped."""
    return re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))


def review(suggested: Path, drop: set[str], **cells_by_type: dict[str, str]) -> None:
    """The curator's review: drop some rows, fill the subject and the proposition of the rest."""
    with suggested.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kept = [r for r in rows if r["claim_id"] not in drop]
    for row in kept:
        row.update(cells_by_type.get(row["claim_type"], {}), subject_id="victims")
    with suggested.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert init(tmp_path) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{tmp_path}:-:-: is not empty: init writes only into a new or empty folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_writes_a_valid_package_with_empty_subject_tables(tmp_path):
    folder = tmp_path / "fire"
    assert init(folder) == 0
    dataset = load_dataset(folder / "data")
    counts = dataset.counts()
    for table in ("documents", "actors", "claims", "relations", "ratings", "hypotheses"):
        assert counts[table] == 0, table
    assert counts["stances"] == 5 and counts["likelihoods"] == 7
    assert dataset.subject.iloc[0]["noun"] == "people"
    assert set(dataset.propositions["proposition_id"]) == {"question", "figure"}
    assert dataset.unit_sizes["unit"].tolist() == ["people"]
    assert "figure" in set(dataset.claim_types["claim_type"])
    words = " ".join((folder / "data" / f).read_text(encoding="utf-8") for f in (
        "stances.csv", "claim_types.csv", "measures.csv", "propositions.csv",
        "relation_types.csv", "subject.csv",
    ))  # fmt: skip
    assert not re.search(r"troop|Korea|Russia|Ukrain", words)
    assert "matrix" not in (folder / "reports.yaml").read_text(encoding="utf-8")


@pytest.mark.integration
def test_a_new_subject_goes_from_init_to_built_reports_that_never_say_troop(tmp_path):
    folder = tmp_path / "fire"
    data = ["--data-dir", str(folder / "data")]
    assert init(folder) == 0
    assert main(["validate", *data]) == 0

    empty = build(folder)
    assert empty.returncode == 0, empty.stderr
    figures_page = (folder / "reports" / "figures.html").read_text(encoding="utf-8")
    assert "No source in this selection gives a figure yet." in figures_page
    assert "nothing to show in this selection yet" in figures_page
    assert 'class="claimscope-chart"' not in figures_page  # no empty chart is drawn

    with (folder / "data" / "actors.csv").open("a", encoding="utf-8", newline="") as handle:
        rows = ([*r[:4], "", "", r[4], ""] for r in ACTORS)
        csv.writer(handle, lineterminator="\n").writerows(rows)
    for name, text, day in (("toll1", FIRST, "2025-03-02"), ("toll2", SECOND, "2025-03-09")):
        source = tmp_path / f"{name}.txt"
        source.write_text(text, encoding="utf-8")
        argv = ["add-document", str(source), "--title", text.splitlines()[0]]
        assert main([*argv, "--published-on", day, *data]) == 0

    first = tmp_path / "first.csv"
    assert main(["suggest", "toll1", "--output", str(first), *data]) == 0
    suggested = list(csv.DictReader(first.open(encoding="utf-8")))
    assert [(r["claim_type"], r["claimant_id"], r["value_low"]) for r in suggested] == [
        ("figure", "city_fire_service", "359"),
        ("not_verified", "ana_ruiz", ""),
    ]
    question, figure = {"proposition_id": "question"}, {"proposition_id": "figure"}
    review(first, set(), figure=question, not_verified=figure)
    assert main(["suggest", "--accept", str(first), *data]) == 0

    second = tmp_path / "second.csv"
    assert main(["suggest", "toll2", "--output", str(second), *data]) == 0
    suggested = list(csv.DictReader(second.open(encoding="utf-8")))
    revised = next(r for r in suggested if r["value_low"] == "253")
    assert (revised["claimant_id"], revised["unit"], revised["measure"]) == (
        "coroner",
        "people",
        "killed",
    )
    others = {r["claim_id"] for r in suggested if r["claim_type"] not in ("figure", "denial")}
    others |= {r["claim_id"] for r in suggested if r["value_low"] == "359"}
    review(
        second,
        others,
        figure={"proposition_id": "question", "revises": "c001"},
        denial={"proposition_id": "figure", "responds_to": "c001"},
    )
    assert main(["suggest", "--accept", str(second), *data]) == 0

    built = build(folder)
    assert built.returncode == 0, built.stderr
    pages = sorted((folder / "reports").glob("*.html"))
    assert {p.name for p in pages} >= {"figures.html", "actor-relations.html", "index.html"}
    for page in pages:
        assert not re.search(r"troop", page.read_text(encoding="utf-8"), re.I), page.name
    text = page_text(folder / "reports" / "figures.html")
    assert "Claimed casualty figures by source" in text
    assert "put the people killed at “253 people”" in text
    assert "revises 359" in text
    assert "per person" not in text and "one unit holds" not in text
    assert '"title":{"text":"people(' in figures_text(folder)  # the counted noun names the axis


def figures_text(folder: Path) -> str:
    """The figures page's chart specs, spaces dropped, to find an axis title."""
    return re.sub(r"\s", "", (folder / "reports" / "figures.html").read_text(encoding="utf-8"))


def test_the_corpus_reads_as_troops_from_its_subject_table():
    subject = load_dataset(PROJECT_ROOT / "data").subject.iloc[0]
    assert (subject["noun"], subject["qualifier"]) == ("troops", "North Korean")
