"""Shared fixtures: a private copy of the dataset that a test may break."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from claimscope.paths import DATA_DIR, KERNEL_NAME

# A tiny unit_sizes table for the unit tests of figures and their charts.
UNIT_SIZES = pd.DataFrame(
    {
        "unit": ["troops", "brigades"],
        "troops_low": pd.array([1, 3000], dtype="Int64"),
        "troops_high": pd.array([1, 5000], dtype="Int64"),
        "source": ["definition", "doctrine"],
        "note": ["", ""],
    }
)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the real data package in a temporary folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def run_notebook(notebook: Path, out: Path, **parameters) -> nbformat.NotebookNode:
    """Execute ``notebook`` with papermill into ``out`` and return the executed notebook.

    The kernel starts in the notebook's folder, as in the build; the test process's working
    directory is left alone.
    """
    import papermill

    papermill.execute_notebook(
        str(notebook),
        str(out),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(notebook.parent)}},
        progress_bar=False,
    )
    return nbformat.read(out, as_version=4)


@pytest.fixture(scope="session")
def chromium():
    """Headless Debian Chromium, one for the session; a missing browser fails, never skips."""
    from browser import BrowserMissing, launch_chromium

    try:
        with launch_chromium() as browser:
            yield browser
    except BrowserMissing as exc:
        pytest.fail(str(exc), pytrace=False)


def read_csv(path: Path) -> list[list[str]]:
    """Read a CSV as rows of strings (header first)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    """Write rows of strings as a CSV."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` counts like error messages do (header is row 1)."""
    rows = read_csv(path)
    rows[row - 1][rows[0].index(column)] = value
    write_csv(path, rows)


def get_cell(path: Path, row: int, column: str) -> str:
    """Read one cell; ``row`` counts like error messages do (header is row 1)."""
    rows = read_csv(path)
    return rows[row - 1][rows[0].index(column)]


collect_ignore_glob = ["fixtures/*"]
