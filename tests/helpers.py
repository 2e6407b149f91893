"""Helpers the tests share: CSV edits, a tiny unit-size table, running a notebook, a config."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import nbformat
import pandas as pd
import yaml

from claimscope.data.paths import KERNEL_NAME

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"

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


def validate_argv(data_dir: Path) -> list[str]:
    """The ``claimscope validate`` arguments for ``data_dir``."""
    return ["validate", "--data-dir", str(data_dir)]


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path below ``folder`` (hidden ones too): a file's bytes, ``None`` for a folder."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def add_relation(data: Path, *, status: str, claim_ids: str, status_on: str = "", **relation):
    """Append a relation to ``relations.csv`` and its one step to ``relation_steps.csv``.

    The step is dated ``status_on``, by default the latest publication date of the documents,
    so every claim it cites is made by then.
    """
    if not status_on:
        documents = read_csv(data / "documents.csv")
        status_on = max(row[documents[0].index("published_on")] for row in documents[1:])
    for name, values in (
        ("relations.csv", relation),
        (
            "relation_steps.csv",
            {
                "relation_id": relation["relation_id"],
                "status": status,
                "status_on": status_on,
                "claim_ids": claim_ids,
            },
        ),
    ):
        rows = read_csv(data / name)
        write_csv(data / name, [*rows, [values.get(c, "") for c in rows[0]]])


def outputs(nb: nbformat.NotebookNode, mimetype: str) -> list:
    """Every output of ``nb`` of ``mimetype``, in cell order."""
    return [
        output["data"][mimetype]
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if mimetype in output.get("data", {})
    ]


def chart(nb: nbformat.NotebookNode, title: str) -> dict:
    """The one chart titled ``title``, or whose finding title stands over ``title`` as subtitle."""
    from claimscope.present.display import PLOTLY_MIMETYPE

    def named(spec: dict) -> bool:
        text = spec["layout"]["title"]["text"]
        last = re.sub(r"<[^>]+>", " ", text).split()[-len(title.split()) :]
        return text == title or last == title.split()

    (spec,) = [s for s in outputs(nb, PLOTLY_MIMETYPE) if named(s)]
    return spec


def write_config(path: Path, reports: list[dict]) -> Path:
    """Write a reports.yaml of fixture notebooks (``ok.ipynb`` ...) at ``path``; return it."""
    for report in reports:
        report.setdefault("title", report["name"].title())
        report["notebook"] = str(FIXTURES / report["notebook"])
    path.write_text(yaml.safe_dump({"reports": reports}), encoding="utf-8")
    return path
