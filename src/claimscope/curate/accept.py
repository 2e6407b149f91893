"""Accept reviewed suggestions: append them to claims.csv with fresh ids, only if all validates."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from claimscope.curate.tables import appended_bytes, table_columns, table_path, write_validated
from claimscope.data.csvread import CsvSyntaxError, read_csv_text
from claimscope.data.dataset import DatasetError, Problem, load_dataset, split_list
from claimscope.data.paths import DATA_DIR

_NUMBERED = re.compile(r"(.*?)([0-9]+)")
# Columns that cite other claims by id; a provisional id there follows its row's fresh id.
_CLAIM_REFERENCES = ("responds_to", "restates", "revises")


def next_ids(existing: list[str], count: int) -> list[str]:
    """Return ``count`` free ids in the style most existing ids share (prefix and width).

    >>> next_ids(["c001", "c002", "c010"], 2)
    ['c011', 'c012']
    >>> next_ids([], 1)
    ['c001']
    """
    numbered = [m for m in map(_NUMBERED.fullmatch, existing) if m]
    if not numbered:
        prefix, width, top = "c", 3, 0
    else:
        (prefix, width), _ = Counter((m[1], len(m[2])) for m in numbered).most_common(1)[0]
        top = max(int(m[2]) for m in numbered if m[1] == prefix)
    taken = set(existing)
    ids: list[str] = []
    number = top
    while len(ids) < count:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in taken:
            ids.append(candidate)
    return ids


def _read_reviewed(path: Path, columns: list[str]) -> list[dict[str, str]]:
    name = str(path)
    if not path.is_file():
        raise DatasetError([Problem(name, "-", "-", "file not found")])
    try:
        table = read_csv_text(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise DatasetError([Problem(name, "-", "-", f"not valid UTF-8: {exc}")]) from exc
    except CsvSyntaxError as exc:
        raise DatasetError([Problem(name, exc.line, "-", f"cannot parse CSV: {exc}")]) from exc
    if table.header is None or not table.lines:
        raise DatasetError([Problem(name, 1, "-", "no rows to accept")])
    header = [h.strip() for h in table.header]
    problems = [
        Problem(name, 1, h or "-", "not a column of claims.csv") for h in header if h not in columns
    ]
    problems += [
        Problem(name, line, "-", f"has {n} fields; the header has {len(header)}")
        for line, n in table.ragged
    ]
    if problems:
        raise DatasetError(problems)
    rows = [dict(zip(header, cells, strict=True)) for cells in zip(*table.columns, strict=True)]
    for row, line in zip(rows, table.lines, strict=True):
        row["_line"] = line
    return rows


def accept_claims(file: Path | str, data_dir: Path | str | None = None) -> list[str]:
    """Append the rows of ``file`` to claims.csv with fresh ids, then validate.

    Ids in ``file`` are replaced, and references to them in ``responds_to``, ``restates`` and
    ``revises`` follow. Nothing is written unless the whole dataset validates with the new rows.

    Returns:
        The ids the rows received, in order.

    Raises:
        DatasetError: the problems, located in claims.csv as it would have been.
    """
    data_dir = Path(data_dir or DATA_DIR)
    dataset = load_dataset(data_dir)
    columns = table_columns(dataset.schema, "claims")
    rows = _read_reviewed(Path(file), columns)
    fresh = next_ids(dataset.claims["claim_id"].tolist(), len(rows))
    renamed = {row.get("claim_id", ""): new for row, new in zip(rows, fresh, strict=True)}
    for row, new in zip(rows, fresh, strict=True):
        row["claim_id"] = new
        for column in _CLAIM_REFERENCES:
            if row.get(column):
                row[column] = ";".join(renamed.get(i, i) for i in split_list(row[column]))
    path = table_path(data_dir, dataset.schema, "claims")
    new = appended_bytes(path, rows)
    try:
        write_validated(data_dir, {path.relative_to(data_dir).as_posix(): new})
    except DatasetError as error:
        raise DatasetError(_locate_in_file(error.problems, new, rows, Path(file))) from None
    return fresh


def _locate_in_file(
    problems: list[Problem], new: bytes, rows: list[dict], file: Path
) -> list[Problem]:
    """Say, for each problem in an appended row, which row of the reviewed file it came from."""
    lines = list(read_csv_text(new.decode("utf-8-sig")).lines)[-len(rows) :]
    origin = {line: rows[i]["_line"] for i, line in enumerate(lines)}
    return [
        Problem(p.file, p.row, p.column, f"{p.message} (row {origin[p.row]} of {file})")
        if p.file == "claims.csv" and p.row in origin
        else p
        for p in problems
    ]
