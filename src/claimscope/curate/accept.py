"""Accept reviewed suggestions: append them to claims.csv with fresh ids, only if all validates."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from claimscope.curate.suggest import PROVISIONAL_PREFIX
from claimscope.curate.tables import appended_bytes, table_columns, table_path, write_validated
from claimscope.data.csvread import CsvSyntaxError, read_csv_text
from claimscope.data.dataset import DatasetError, Problem, load_dataset, split_list
from claimscope.data.export import restore_cell
from claimscope.data.paths import DATA_DIR
from claimscope.data.transaction import dataset_lock

_NUMBERED = re.compile(r"(.*?)([0-9]+)")
# Columns that cite other claims by id; a provisional id there follows its row's fresh id.
_CLAIM_REFERENCES = ("responds_to", "restates", "revises")
# Cells two copies of one claim may differ in: ids, links to ids, offsets (located later), note.
_NOT_COMPARED = {"claim_id", *_CLAIM_REFERENCES, "start", "end", "note"}


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
    try:
        if not path.is_file():
            message = "is a folder, not a CSV file" if path.is_dir() else "file not found"
            raise DatasetError([Problem(name, "-", "-", message)])
        table = read_csv_text(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise DatasetError([Problem(name, "-", "-", f"cannot read: {exc.strerror}")]) from exc
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
        Problem(name, 1, h, "column appears more than once")
        for h, n in Counter(header).items()
        if n > 1
    ]
    problems += [
        Problem(name, line, "-", f"has {n} fields; the header has {len(header)}")
        for line, n in table.ragged
    ]
    if problems:
        raise DatasetError(problems)
    rows = [
        {h: restore_cell(cell) for h, cell in zip(header, cells, strict=True)}
        for cells in zip(*table.columns, strict=True)
    ]
    for row, line in zip(rows, table.lines, strict=True):
        row["_line"] = line
    return rows


def _comparable(row: dict, columns: list[str]) -> tuple:
    """What makes two claims the same claim: every cell but ids, links, offsets and note."""
    return tuple(_same_value(row.get(c, "")) for c in columns if c not in _NOT_COMPARED)


def _same_value(cell: object) -> str:
    text = "" if cell is None else str(cell).strip()
    try:
        return repr(float(text))  # "1500" and "1500.0" are one number
    except ValueError:
        return text


def _check_rows(rows: list[dict], existing: list[dict], columns: list[str], file: Path) -> None:
    """Refuse reused or repeated ids and rows that are already claims (a file accepted twice)."""
    existing_ids = {r["claim_id"] for r in existing}
    known = {_comparable(r, columns): r["claim_id"] for r in existing}
    seen_ids: dict[str, int] = {}
    seen_rows: dict[tuple, int] = {}
    problems = []
    for row in rows:
        line, claim_id = row["_line"], row.get("claim_id", "").strip()
        if claim_id in existing_ids:
            problems.append(
                Problem(
                    str(file),
                    line,
                    "claim_id",
                    f"{claim_id!r} is already a claim in claims.csv; a reviewed row keeps its "
                    f"provisional id ({PROVISIONAL_PREFIX}NNN) or leaves it empty",
                )
            )
        elif claim_id and claim_id in seen_ids:
            problems.append(
                Problem(
                    str(file), line, "claim_id", f"{claim_id!r} is also row {seen_ids[claim_id]}"
                )
            )
        seen_ids.setdefault(claim_id, line)
        key = _comparable(row, columns)
        if key in known:
            problems.append(
                Problem(
                    str(file),
                    line,
                    "-",
                    f"the same claim is already {known[key]!r} in claims.csv "
                    "(was this file accepted before?)",
                )
            )
        elif key in seen_rows:
            problems.append(Problem(str(file), line, "-", f"repeats row {seen_rows[key]}"))
        seen_rows.setdefault(key, line)
    if problems:
        raise DatasetError(problems)


def _existing_rows(path: Path) -> list[dict]:
    table = read_csv_text(path.read_bytes().decode("utf-8-sig"))
    header = [h.strip() for h in table.header or []]
    cells = zip(*(table.columns or []), strict=True)
    return [dict(zip(header, row, strict=True)) for row in cells]


def accept_claims(file: Path | str, data_dir: Path | str | None = None) -> list[str]:
    """Append the rows of ``file`` to claims.csv with fresh ids, then validate.

    Ids in ``file`` are replaced, and references to them in ``responds_to``, ``restates`` and
    ``revises`` follow. A row whose id is already a claim's, two rows with one id, and a row that is
    already a claim (a file accepted twice) are refused. Nothing is written unless the whole
    dataset validates with the new rows; the package is locked meanwhile, so two runs at once
    take turns and each keeps its rows. Cells that ``claimscope suggest`` guarded against
    spreadsheet formulas (a ``'`` in front) are read back as they were.

    Returns:
        The ids the rows received, in order.

    Raises:
        DatasetError: the problems, located in claims.csv as it would have been.
    """
    data_dir = Path(data_dir or DATA_DIR)
    with dataset_lock(data_dir):
        dataset = load_dataset(data_dir)
        columns = table_columns(dataset.schema, "claims")
        rows = _read_reviewed(Path(file), columns)
        path = table_path(data_dir, dataset.schema, "claims")
        _check_rows(rows, _existing_rows(path), columns, Path(file))
        fresh = next_ids(dataset.claims["claim_id"].tolist(), len(rows))
        renamed = {row.get("claim_id", ""): new for row, new in zip(rows, fresh, strict=True)}
        renamed.pop("", None)
        for row, new in zip(rows, fresh, strict=True):
            row["claim_id"] = new
            for column in _CLAIM_REFERENCES:
                if row.get(column):
                    row[column] = ";".join(renamed.get(i, i) for i in split_list(row[column]))
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
