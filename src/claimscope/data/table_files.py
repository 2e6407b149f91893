"""Read one table of the package: its CSV file, confined to the data folder, typed by field."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.data.columns import type_column
from claimscope.data.confine import resolve_inside
from claimscope.data.csvread import CsvSyntaxError, CsvTable, read_csv_text
from claimscope.data.problems import Problem
from claimscope.data.schema import primary_key, resource_schema

if TYPE_CHECKING:
    import pandas as pd


def read_rows(data_dir: Path, file: str, problems: list[Problem]) -> CsvTable | None:
    """Parse the CSV at ``file`` (relative to ``data_dir``) strictly into columns.

    Returns None, with the reason in ``problems``, when the file is outside the data folder,
    missing, unreadable, not UTF-8 or not CSV. A file outside the folder is never opened, so
    no message can quote it.
    """
    path = resolve_inside(data_dir, file)
    if path is None:
        problems.append(Problem(file, "-", "-", "is outside the data folder: not read"))
        return None
    try:
        if not path.is_file():
            problems.append(Problem(file, "-", "-", f"file not found: {data_dir / file}"))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(file, "-", "-", f"cannot read: {exc.strerror}"))
        return None
    text = _decode(raw, file, problems)
    if text is None:
        return None
    try:
        table = read_csv_text(text)
    except CsvSyntaxError as exc:
        problems.append(Problem(file, exc.line, "-", f"cannot parse CSV: {exc}"))
        return None
    if table.header is None:
        problems.append(Problem(file, 1, "-", "file is empty: no header row"))
        return None
    table.header = [name.strip() for name in table.header]
    return table


def _decode(raw: bytes, file: str, problems: list[Problem]) -> str | None:
    """Decode CSV bytes as UTF-8, accepting a byte-order mark; locate any bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        prefix = raw[line_start : exc.start].decode("utf-8", errors="replace")
        header = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace")
        column = _column_at(header, prefix)
        problems.append(
            Problem(
                file,
                line,
                column,
                f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start}; "
                "save the file as UTF-8",
            )
        )
        return None


def _column_at(header: str, prefix: str) -> str:
    """Name the header column that a partial line ``prefix`` has reached."""
    try:
        names = next(csv.reader([header.strip("\r\ufeff")]))
        index = len(next(csv.reader([prefix]), [""])) - 1
        return (names[index].strip() or "-") if 0 <= index < len(names) else "-"
    except (csv.Error, StopIteration):
        return "-"


def _check_header(
    header: list[str], fields: list[dict], file: str, problems: list[Problem]
) -> bool:
    names = [f["name"] for f in fields]
    ok = True
    for name in names:
        if name not in header:
            problems.append(Problem(file, 1, name, "column missing (declared in datapackage.json)"))
            ok = False
    for name in header:
        if name not in names:
            problems.append(
                Problem(file, 1, name or "-", "column not declared in datapackage.json")
            )
            ok = False
    duplicated = {n for n in header if header.count(n) > 1}
    for name in sorted(duplicated):
        problems.append(Problem(file, 1, name or "-", "column appears more than once"))
        ok = False
    return ok


def load_table(
    data_dir: Path, package: dict, name: str, problems: list[Problem]
) -> pd.DataFrame | None:
    """Read, type and check the table ``name``; None when it cannot be typed at all."""
    import pandas as pd

    resource = resource_schema(package, name)
    file = resource["path"]
    fields = resource["schema"]["fields"]
    table = read_rows(data_dir, file, problems)
    if table is None:
        return None
    if not _check_header(table.header, fields, file, problems):
        return None
    width = len(table.header)
    for line, count in table.ragged:
        problems.append(Problem(file, line, "-", f"has {count} fields; the header has {width}"))
    if table.columns is None:
        return None
    raw = dict(zip(table.header, table.columns, strict=True))
    index = pd.Index(table.lines, name="row")
    typed = pd.DataFrame(
        {
            spec["name"]: type_column(raw[spec["name"]], index, spec, file, problems)
            for spec in fields
        },
        index=index,
    )
    _check_primary_key(typed, resource, file, problems)
    return typed


def _check_primary_key(
    typed: pd.DataFrame, resource: dict, file: str, problems: list[Problem]
) -> None:
    """Report repeated keys, unless a ``unique`` constraint on the one key field already did."""
    key = primary_key(resource)
    if not key:
        return
    unique = {
        f["name"] for f in resource["schema"]["fields"] if f.get("constraints", {}).get("unique")
    }
    if len(key) == 1 and key[0] in unique:
        return
    cells = typed[key].astype(str)
    complete = (cells != "").all(axis=1) & typed[key].notna().all(axis=1)
    repeated = cells.duplicated(keep="first") & complete
    for row in typed.index[repeated.to_numpy()]:
        value = ", ".join(repr(_as_written(typed.at[row, k])) for k in key)
        problems.append(Problem(file, row, "+".join(key), f"{value} is a duplicate key"))


def _as_written(value: object) -> object:
    """A typed cell as the CSV wrote it, for messages (dates as YYYY-MM-DD)."""
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else value
