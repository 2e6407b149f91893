"""Regressions the loader fuzzer (test_fuzz.py) found, each on the smallest input that shows it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import read_csv, set_cell, write_csv

from claimscope.data.dataset import DatasetError, Problem, load_dataset


def problems_of(data_dir) -> list[Problem]:
    with pytest.raises(DatasetError) as caught:
        load_dataset(data_dir)
    return caught.value.problems


def test_rows_are_plain_ints_and_problems_sort_by_row(data_copy):
    # Rows taken from a numpy array were np.int64: `_problem_order` ranked them all as row 0,
    # so problems of one file came out by column name instead of by row.
    set_cell(data_copy / "claims.csv", 5, "claim_type", "rebuttal")
    set_cell(data_copy / "claims.csv", 3, "value_low", "x")
    problems = problems_of(data_copy)
    assert [(p.row, p.column) for p in problems] == [(3, "value_low"), (5, "claim_type")]
    assert all(type(p.row) is int for p in problems)
    json.dumps([p.row for p in problems])  # np.int64 is not JSON serialisable


def test_problem_keeps_rows_plain():
    assert type(Problem("claims.csv", np.int64(4), "quote", "x").row) is int
    assert Problem("claims.csv", "-", "-", "x").row == "-"


def test_empty_column_name_appearing_twice_is_named_dash(data_copy):
    rows = read_csv(data_copy / "unit_sizes.csv")
    write_csv(data_copy / "unit_sizes.csv", [[*r, "", ""] for r in rows])
    problems = [str(p) for p in problems_of(data_copy)]
    assert "unit_sizes.csv:1:-: column appears more than once" in problems
    assert all(p.split(":")[2] for p in problems)


def test_bad_byte_under_an_empty_header_names_column_dash(data_copy):
    rows = read_csv(data_copy / "unit_sizes.csv")
    write_csv(data_copy / "unit_sizes.csv", [[*rows[0], ""], *[[*r, "x"] for r in rows[1:]]])
    path = data_copy / "unit_sizes.csv"
    raw = path.read_bytes()
    cut = raw.index(b",x\n") + 1
    path.write_bytes(raw[:cut] + b"\xec" + raw[cut + 1 :])
    (problem,) = problems_of(data_copy)
    assert str(problem).startswith("unit_sizes.csv:2:-: not valid UTF-8: byte 0xec")


@pytest.mark.parametrize(
    "path",
    ["sources/" + "x" * 300 + ".txt", "sources/" + "y/" * 3000 + "z.txt"],
    ids=["name too long", "path too long"],
)
def test_unreadable_source_path_is_a_located_problem_not_a_crash(data_copy, path):
    # Path.is_file() raises OSError(ENAMETOOLONG) instead of returning False.
    set_cell(data_copy / "documents.csv", 2, "path", path)
    problems = [str(p) for p in problems_of(data_copy)]
    assert any(
        p.startswith(f"documents.csv:2:path: cannot read {path}: File name too long")
        for p in problems
    ), problems


def test_non_ascii_digits_are_not_integers(data_copy):
    row = 2 + [r[0] for r in read_csv(data_copy / "claims.csv")[1:]].index("c014")
    set_cell(data_copy / "claims.csv", row, "value_low", "١٥٠٠")
    with pytest.raises(DatasetError) as caught:
        load_dataset(data_copy)
    assert [str(p) for p in caught.value.problems] == [
        f"claims.csv:{row}:value_low: '١٥٠٠' is not an integer (at most 18 digits)",
        f"claims.csv:{row}:value_low: a figure claim needs a value_low",
    ]


@pytest.mark.parametrize("path", ["/etc/hostname", "sources/../../../etc/hostname"])
def test_source_paths_outside_the_package_are_never_read(data_copy, path):
    set_cell(data_copy / "documents.csv", 2, "path", path)
    with pytest.raises(DatasetError) as caught:
        load_dataset(data_copy)
    messages = [str(p) for p in caught.value.problems]
    assert f"documents.csv:2:path: {path!r} is outside data/sources" in messages
    assert not any("sha256" in m and "has sha256" in m for m in messages)
