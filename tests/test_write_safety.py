"""Commands that write a data package: one writer at a time, all or nothing, never between."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from curate_package import NOTE, curate_package, review_propositions
from helpers import snapshot

from claimscope.cli import main
from claimscope.curate.accept import accept_claims
from claimscope.curate.add_document import add_document
from claimscope.curate.suggest import format_rows, suggest_claims
from claimscope.data import transaction
from claimscope.data.dataset import DatasetError, load_dataset


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """The curation commands' tiny package (see curate_package)."""
    return curate_package(tmp_path)


def _package_files(data: Path) -> dict[str, bytes]:
    """The package as its hash sees it: every file whose path has no hidden part."""
    return {
        k: v for k, v in snapshot(data).items() if not any(p.startswith(".") for p in k.split("/"))
    }


def _reviewed(package: Path, tmp_path: Path, name: str = "reviewed.csv") -> Path:
    source = tmp_path / "note.txt"
    source.write_text(NOTE, encoding="utf-8")
    doc_id = add_document(source, title="Note", published_on="2024-11-06", data_dir=package)
    rows = review_propositions(suggest_claims(doc_id, package))
    path = tmp_path / name
    path.write_text(format_rows(rows, list(rows[0])), encoding="utf-8")
    return path


def _rewrite(path: Path, change) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    change(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


# --- the output of a command never replaces the dataset ------------------------------------


@pytest.mark.parametrize("target", ["documents.csv", "sources/seed.txt", "datapackage.json"])
def test_suggest_output_onto_any_file_of_the_package_is_refused(package, tmp_path, capsys, target):
    _reviewed(package, tmp_path)
    before = snapshot(package)
    code = main(["suggest", "note", "--output", str(package / target), "--data-dir", str(package)])
    assert code == 2
    assert "is in the data folder" in capsys.readouterr().err
    assert snapshot(package) == before


def test_export_onto_a_link_to_a_table_outside_the_folder_is_refused(package, tmp_path, capsys):
    link = tmp_path / "elsewhere" / "actors-link.csv"
    link.parent.mkdir()
    os.link(package / "actors.csv", link)
    before = snapshot(package)
    assert main(["export", str(link), "--data-dir", str(package)]) == 2
    assert "one of its files" in capsys.readouterr().err
    assert snapshot(package) == before


def test_suggest_output_that_is_a_folder_or_below_a_file_is_one_line(package, tmp_path, capsys):
    _reviewed(package, tmp_path)
    (tmp_path / "plain").write_text("x")
    for output, message in ((tmp_path, "is a folder"), (tmp_path / "plain" / "x.csv", "is a file")):
        assert main(["suggest", "note", "--output", str(output), "--data-dir", str(package)]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err


# --- reviewed rows that must not be accepted ------------------------------------------------


def test_accepting_the_same_reviewed_file_twice_is_refused(package, tmp_path):
    reviewed = _reviewed(package, tmp_path)
    accept_claims(reviewed, package)
    before = snapshot(package)
    with pytest.raises(DatasetError, match="accepted before"):
        accept_claims(reviewed, package)
    assert snapshot(package) == before


def test_a_row_repeated_inside_one_file_is_refused(package, tmp_path):
    reviewed = _reviewed(package, tmp_path)
    _rewrite(reviewed, lambda rows: rows.append(["new-099", *rows[2][1:]]))
    with pytest.raises(DatasetError, match="repeats row 3"):
        accept_claims(reviewed, package)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows[1].__setitem__(0, "c001"), "'c001' is already a claim"),
        (lambda rows: rows[2].__setitem__(0, "new-001"), "'new-001' is also row 2"),
        (lambda rows: rows[0].__setitem__(rows[0].index("quote"), "claim_id"), "more than once"),
    ],
)
def test_reused_and_repeated_ids_and_columns_are_refused(package, tmp_path, change, message):
    reviewed = _reviewed(package, tmp_path)
    _rewrite(reviewed, change)
    before = snapshot(package)
    with pytest.raises(DatasetError) as caught:
        accept_claims(reviewed, package)
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems
    assert snapshot(package) == before


def test_a_claim_that_answers_itself_is_refused(package, tmp_path):
    reviewed = _reviewed(package, tmp_path)

    def answer_itself(rows):
        column = rows[0].index("responds_to")
        last = rows[-1]
        last[column] = f"{rows[1][0]};{last[0]}"

    _rewrite(reviewed, answer_itself)
    with pytest.raises(DatasetError, match="cannot answer it"):
        accept_claims(reviewed, package)


# --- formulas in the review file ------------------------------------------------------------


def test_review_file_guards_formulas_and_accept_restores_them(package, tmp_path):
    source = tmp_path / "formula.txt"
    text = "+About 3,000 North Korean soldiers were in Russia, Kyiv said on 4 November 2024.\n"
    source.write_text(text, encoding="utf-8")
    add_document(source, title="F", published_on="2024-11-06", data_dir=package)
    review = tmp_path / "review.csv"
    assert main(["suggest", "formula", "--output", str(review), "--data-dir", str(package)]) == 0
    rows = list(csv.DictReader(io.StringIO(review.read_text(encoding="utf-8"))))
    assert rows and all(r["quote"].startswith("'+") for r in rows)

    def review_it(rows):  # the reviewer names the claimant; the guarded quote stays as written
        for row in rows[1:]:
            row[rows[0].index("claimant_id")] = "ukraine"
            row[rows[0].index("proposition_id")] = "sent_to_russia"

    _rewrite(review, review_it)
    assert main(["suggest", "--accept", str(review), "--data-dir", str(package)]) == 0
    claims = load_dataset(package).claims
    assert claims[claims["doc_id"] == "formula"]["quote"].str.startswith("+About").all()


# --- hints carry the folder they were given -------------------------------------------------


def test_next_step_hints_repeat_the_data_dir(package, tmp_path, capsys):
    source = tmp_path / "note.txt"
    source.write_text(NOTE, encoding="utf-8")
    args = ["--title", "N", "--published-on", "2024-11-06", "--data-dir", str(package)]
    assert main(["add-document", str(source), *args]) == 0
    assert f"--data-dir {package}" in capsys.readouterr().out
    assert (
        main(["suggest", "note", "--output", str(tmp_path / "s.csv"), "--data-dir", str(package)])
        == 0
    )
    assert f"--data-dir {package}" in capsys.readouterr().err


def test_same_text_refusal_names_the_row_of_the_document(package, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes((package / "sources" / "seed.txt").read_bytes())
    with pytest.raises(DatasetError) as caught:
        add_document(copy, title="C", published_on="2024-11-06", data_dir=package)
    assert [str(p) for p in caught.value.problems] == [
        "documents.csv:2:sha256: the same text is already 'seed'"
    ]


def test_an_overlong_doc_id_is_one_problem_not_a_traceback(package, tmp_path):
    source = tmp_path / "t.txt"
    source.write_text("Some text.\n", encoding="utf-8")
    before = snapshot(package)
    with pytest.raises(DatasetError, match="too long for a file name"):
        add_document(
            source, title="T", published_on="2024-11-06", doc_id="d" * 252, data_dir=package
        )
    assert snapshot(package) == before


# --- the lock and the journal ---------------------------------------------------------------


def test_a_journal_left_after_the_commit_point_is_finished_by_the_next_load(package):
    """A run killed after its commit point: the next reader sees the package as after."""
    new = (package / "actors.csv").read_bytes() + b""
    staged = transaction._stage(package / "actors.csv", new.replace(b"Pyongyang", b"Pjongjang"))
    journal = transaction._stage(
        package / transaction.JOURNAL_NAME,
        f'[["{staged.relative_to(package).as_posix()}", "actors.csv"]]'.encode(),
    )
    os.replace(journal, package / transaction.JOURNAL_NAME)
    dataset = load_dataset(package)
    assert "Pjongjang" in ";".join(dataset.actors["aliases"].dropna())
    assert not (package / transaction.JOURNAL_NAME).exists()
    assert not list(package.rglob("*.claimscope-tmp"))


def test_temporaries_before_the_commit_point_are_removed_by_the_next_writer(package, tmp_path):
    before = _package_files(package)
    transaction._stage(package / "documents.csv", b"half")
    transaction._stage(package / "sources" / "x.txt", b"orphan")
    source = tmp_path / "note.txt"
    source.write_text(NOTE, encoding="utf-8")
    with transaction.dataset_lock(package):
        assert _package_files(package) == before
        assert not list(package.rglob("*.claimscope-tmp"))


def test_the_lock_is_shared_by_two_spellings_of_one_folder(package, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(package)
    assert transaction.lock_path(link) == transaction.lock_path(package)
