"""Bad input, end to end: the real CLI refuses each kind of bad dataset and touches no report.

The loader's own tests (test_dataset.py) check each message; these run ``claimscope validate``
and ``claimscope build`` as real processes, as cron and a curator would, and check the exit
status, the ``file:row:column`` a user reads, and that a built reports folder stays
byte-identical.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import read_csv, snapshot, validate_argv, write_csv

from claimscope.data.paths import PROJECT_ROOT

pytestmark = pytest.mark.integration

TABLES = ("documents.csv", "actors.csv", "unit_sizes.csv", "claims.csv", "relations.csv")
PROBLEM_LINE = re.compile(r"^[a-z_]+\.(csv|json):(\d+|-):[^:\s]+: .+$")


def run_main(capsys, *args: str) -> subprocess.CompletedProcess:
    """Run the command line in this process: what it says and returns, without a start-up.

    The subprocess path (the exit status a shell sees) is :func:`run_cli`'s, in the spreadsheet
    test below.
    """
    from claimscope.cli import main

    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, out, err)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claimscope.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def built_reports(site, tmp_path_factory) -> Path:
    """The default reports built from the good data: a copy of the run's shared build."""
    out = tmp_path_factory.mktemp("reports") / "reports"
    shutil.copytree(site, out)
    return out


# --- mutations: each breaks a copy of the data one way and returns the expected location ---


def row_where(path: Path, predicate: Callable[[dict[str, str]], bool]) -> tuple[int, dict]:
    """The first record meeting ``predicate``, with its row as error messages count it."""
    rows = read_csv(path)
    for number, record in enumerate(rows[1:], start=2):
        named = dict(zip(rows[0], record, strict=True))
        if predicate(named):
            return number, named
    raise AssertionError(f"no row of {path.name} fits the case")


def set_cells(path: Path, row: int, **values: str) -> None:
    rows = read_csv(path)
    for column, value in values.items():
        rows[row - 1][rows[0].index(column)] = value
    write_csv(path, rows)


def source_of(data: Path) -> tuple[int, Path]:
    row, document = row_where(data / "documents.csv", lambda d: bool(d["path"]))
    return row, data / document["path"]


def missing_file(data: Path) -> tuple[str, str]:
    (data / "relations.csv").unlink()
    return "relations.csv:-:-", "file not found"


def missing_column(data: Path) -> tuple[str, str]:
    rows = read_csv(data / "actors.csv")
    col = rows[0].index("kind")
    write_csv(data / "actors.csv", [r[:col] + r[col + 1 :] for r in rows])
    return "actors.csv:1:kind", "column missing"


def wrong_type(data: Path) -> tuple[str, str]:
    row, _ = row_where(data / "claims.csv", lambda c: c["value_low"] != "")
    set_cells(data / "claims.csv", row, value_low="fifteen hundred")
    return f"claims.csv:{row}:value_low", "'fifteen hundred' is not an integer"


def unknown_enum_value(data: Path) -> tuple[str, str]:
    row, _ = row_where(data / "relation_steps.csv", lambda r: True)
    set_cells(data / "relation_steps.csv", row, status="rumoured")
    return (
        f"relation_steps.csv:{row}:status",
        "'rumoured' is not a status in relation_statuses.csv",
    )


def duplicate_id(data: Path) -> tuple[str, str]:
    rows = read_csv(data / "relations.csv")
    write_csv(data / "relations.csv", [*rows, rows[1]])
    return f"relations.csv:{len(rows) + 1}:relation_id", f"{rows[1][0]!r} is a duplicate"


def dangling_foreign_key(data: Path) -> tuple[str, str]:
    row, _ = row_where(data / "claims.csv", lambda c: True)
    set_cells(data / "claims.csv", row, subject_id="atlantis")
    return f"claims.csv:{row}:subject_id", "'atlantis' is not an actor_id in actors.csv"


def quote_not_at_offsets(data: Path) -> tuple[str, str]:
    row, claim = row_where(data / "claims.csv", lambda c: c["start"] != "")
    start, end = int(claim["start"]) + 1, int(claim["end"]) + 1
    set_cells(data / "claims.csv", row, start=str(start), end=str(end))
    return f"claims.csv:{row}:quote", f"quote is not at offsets {start}:{end}"


def quote_not_found(data: Path) -> tuple[str, str]:
    row, _ = row_where(data / "claims.csv", lambda c: True)
    set_cells(data / "claims.csv", row, quote="Kim Jong Un visited the Moon", start="", end="")
    return f"claims.csv:{row}:quote", "quote 'Kim Jong Un visited the Moon' not found"


def ambiguous_quote(data: Path) -> tuple[str, str]:
    _, source = source_of(data)
    text = source.read_text(encoding="utf-8")
    phrase = "North Korean troops"
    count = text.count(phrase)
    assert count > 1, "the case needs a phrase that occurs more than once"
    row, _ = row_where(data / "claims.csv", lambda c: True)
    set_cells(data / "claims.csv", row, quote=phrase, start="", end="")
    return f"claims.csv:{row}:quote", f"occurs {count} times"


def low_above_high(data: Path) -> tuple[str, str]:
    row, claim = row_where(data / "claims.csv", lambda c: c["value_high"] != "")
    low = int(claim["value_high"]) + 1
    set_cells(data / "claims.csv", row, value_low=str(low))
    return f"claims.csv:{row}:value_low", f"value_low {low} is above value_high"


def bad_date(data: Path) -> tuple[str, str]:
    row, _ = source_of(data)
    set_cells(data / "documents.csv", row, published_on="23/10/2024")
    return f"documents.csv:{row}:published_on", "'23/10/2024' is not a date"


def non_utf8_source(data: Path) -> tuple[str, str]:
    row, source = source_of(data)
    raw = source.read_text(encoding="utf-8").encode("cp1252", errors="replace")
    assert raw != source.read_bytes(), "the case needs a source with non-ASCII text"
    source.write_bytes(raw)
    set_cells(data / "documents.csv", row, sha256=hashlib.sha256(raw).hexdigest())
    return f"documents.csv:{row}:path", "is not valid UTF-8"


def non_utf8_csv(data: Path) -> tuple[str, str]:
    row, actor = row_where(data / "actors.csv", lambda a: True)
    path = data / "actors.csv"
    name = actor["name"].encode("utf-8")
    path.write_bytes(path.read_bytes().replace(name, name[:-1] + b"\xff", 1))
    return f"actors.csv:{row}:name", "not valid UTF-8: byte 0xff"


def sha256_mismatch(data: Path) -> tuple[str, str]:
    row, source = source_of(data)
    source.write_bytes(source.read_bytes() + b"\nedited")
    return f"documents.csv:{row}:sha256", "sources are never edited"


def empty_csv(data: Path) -> tuple[str, str]:
    (data / "claims.csv").write_bytes(b"")
    return "claims.csv:1:-", "file is empty"


def header_only_csv(data: Path) -> tuple[str, str]:
    # An empty table is valid (a new subject starts with them), but claims still name units.
    rows = read_csv(data / "unit_sizes.csv")
    write_csv(data / "unit_sizes.csv", rows[:1])
    return "claims.csv:15:unit", "'troops' is not a unit in unit_sizes.csv"


CASES = [
    missing_file,
    missing_column,
    wrong_type,
    unknown_enum_value,
    duplicate_id,
    dangling_foreign_key,
    quote_not_at_offsets,
    quote_not_found,
    ambiguous_quote,
    low_above_high,
    bad_date,
    non_utf8_source,
    non_utf8_csv,
    sha256_mismatch,
    empty_csv,
    header_only_csv,
]


@pytest.mark.parametrize("mutate", CASES, ids=[case.__name__ for case in CASES])
def test_bad_data_is_refused_by_validate_and_build(
    mutate, data_copy, built_reports, tmp_path, capsys
):
    location, fragment = mutate(data_copy)
    before = snapshot(built_reports)

    validate = run_main(capsys, *validate_argv(data_copy))
    assert validate.returncode == 2, validate.stderr
    built = run_main(capsys, "build", "--data-dir", str(data_copy), "--output", str(built_reports))
    assert built.returncode == 2, built.stderr

    for result, last in ((validate, "invalid: "), (built, "invalid dataset: ")):
        *problems, summary = result.stderr.splitlines()
        assert summary.startswith(last)
        assert f"{len(problems)} problem(s)" in summary
        assert all(PROBLEM_LINE.match(line) for line in problems), problems
        matching = [p for p in problems if p.startswith(location + ": ")]
        assert matching, f"no line starts with {location!r}: {problems}"
        assert any(fragment in p for p in matching), matching
        assert "Traceback" not in result.stderr
    # Both commands read the same dataset and report the same problems.
    assert validate.stderr.splitlines()[:-1] == built.stderr.splitlines()[:-1]
    assert snapshot(built_reports) == before


def test_the_reports_folder_holds_what_the_byte_comparison_relies_on(built_reports):
    names = set(snapshot(built_reports))
    assert {"index.html", ".manifest.json", "claims.csv"} <= names
    assert {"troop-figures.html", "actor-relations.html"} <= names


# --- what is not bad is not refused ----------------------------------------------------


def save_as_spreadsheet(path: Path) -> None:
    """Rewrite a CSV as a spreadsheet saves it: UTF-8 with a byte-order mark, CRLF line ends."""
    rows = read_csv(path)
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def test_spreadsheet_saved_csvs_validate_and_build(data_copy, built_reports, tmp_path):
    for name in TABLES:
        save_as_spreadsheet(data_copy / name)
        raw = (data_copy / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") >= 2

    validate = run_cli(*validate_argv(data_copy))
    assert validate.returncode == 0, validate.stderr
    good = run_cli("validate")
    assert validate.stdout.split(" (dataset")[0] == good.stdout.split(" (dataset")[0]

    out = tmp_path / "out"
    shutil.copytree(built_reports, out)
    built = run_cli("build", "--data-dir", str(data_copy), "--output", str(out), "--quiet")
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "FAILED" not in index and "STALE" not in index
    # The reports were rebuilt from the spreadsheet-saved data (its folder is a parameter).
    executed = (out / "troop-figures.ipynb").read_text(encoding="utf-8")
    assert str(data_copy) in executed
