"""Load and validate the curated dataset described by ``data/datapackage.json``.

The data package is the one description of every table: this module reads the field types,
constraints and keys from it rather than repeating them. On top of the schema it checks what a
schema cannot say: each source's sha256 and encoding, that every quote stands at its offsets,
that numbers and dates are coherent. Every problem is collected and reported together, each as
``file:row:column: message`` (row 1 is the header; a row is the line a record starts on).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import numbers
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.csvread import CsvSyntaxError, CsvTable, read_csv_text
from claimscope.files import dataset_version, write_atomic
from claimscope.paths import DATA_DIR, DATAPACKAGE_NAME

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# The core tables every data package must list; load_dataset loads every resource it lists.
TABLES = ("documents", "actors", "unit_sizes", "claims", "relations")
LIST_SEPARATOR = ";"
# ASCII digits only: "٣" is a digit to Python's \d and int(), never to a spreadsheet or reader.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the dataset, located as precisely as the input allows."""

    file: str
    row: int | str
    column: str
    message: str

    def __post_init__(self) -> None:
        # Rows often come from numpy arrays: keep them plain ints so they sort and serialise.
        if isinstance(self.row, numbers.Integral) and not isinstance(self.row, int):
            object.__setattr__(self, "row", int(self.row))

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class DatasetError(Exception):
    """Raised with every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the dataset:\n{lines}")


@dataclass
class Dataset:
    """The validated tables, typed, with the decoded source texts.

    Attributes:
        data_dir: Folder the package was loaded from.
        schema: The parsed ``datapackage.json``.
        tables: Table name to DataFrame; also reachable as attributes (``ds.claims``).
        texts: ``doc_id`` to the decoded source text.
        version: Short content hash of every file the package consists of.
    """

    data_dir: Path
    schema: dict
    tables: dict[str, pd.DataFrame]
    texts: dict[str, str]
    version: str
    located: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def counts(self) -> dict[str, int]:
        """Return the number of rows of each table.

        >>> load_dataset().counts()["documents"] >= 1
        True
        """
        return {name: len(df) for name, df in self.tables.items()}


def read_schema(data_dir: Path | str | None = None) -> dict:
    """Read ``datapackage.json`` and index its resources by name."""
    data_dir = Path(data_dir or DATA_DIR)
    path = data_dir / DATAPACKAGE_NAME
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DatasetError([Problem(DATAPACKAGE_NAME, "-", "-", "file not found")]) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise DatasetError([Problem(DATAPACKAGE_NAME, "-", "-", f"not valid JSON: {exc}")]) from exc
    resources = {r.get("name"): r for r in package.get("resources", [])}
    missing = [name for name in TABLES if name not in resources]
    if missing:
        raise DatasetError(
            [Problem(DATAPACKAGE_NAME, "-", "-", f"no resource named {m!r}") for m in missing]
        )
    return package


def resource_schema(package: dict, name: str) -> dict:
    """Return the resource named ``name`` from a parsed data package."""
    return next(r for r in package["resources"] if r["name"] == name)


def split_list(value: str) -> list[str]:
    """Split a ``;``-separated cell into its items.

    >>> split_list("c001;c002")
    ['c001', 'c002']
    >>> split_list("")
    []
    """
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


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


def _read_rows(path: Path, file: str, problems: list[Problem]) -> CsvTable | None:
    """Parse a CSV strictly into columns, or say (in ``problems``) why it cannot be."""
    if not path.is_file():
        problems.append(Problem(file, "-", "-", f"file not found: {path}"))
        return None
    text = _decode(path.read_bytes(), file, problems)
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


def _type_column(
    values: Sequence[str], index: pd.Index, spec: dict, file: str, problems: list[Problem]
) -> pd.Series:
    """Check one column against its field spec and return it typed.

    The checks run over plain lists and numpy masks: pandas' string methods call Python once
    per cell with much overhead, which is most of the load time of 100,000 claims.
    """
    # pandas and numpy load on first use: `claimscope build` imports this module for its
    # error type, and its nothing-changed path must not pay for pandas.
    import numpy as np
    import pandas as pd

    name = spec["name"]
    kind = spec.get("type", "string")
    constraints = spec.get("constraints", {})
    count = len(values)
    stripped = list(map(str.strip, values))
    present = np.fromiter(map(bool, stripped), dtype=bool, count=count)

    def report(mask: np.ndarray, message) -> None:
        for i in np.flatnonzero(mask):
            value = stripped[i]
            text = message(value) if callable(message) else message
            problems.append(Problem(file, index[i], name, text))

    def matches(pattern: str) -> np.ndarray:
        match = re.compile(pattern).fullmatch
        return np.fromiter(map(bool, map(match, stripped)), dtype=bool, count=count)

    if constraints.get("required"):
        report(~present, "required value is empty")

    if kind == "integer":
        # ASCII decimal digits without a sign, much cheaper than the regex; only the cells
        # this rejects go through it.
        ok = np.fromiter(map(str.isdecimal, stripped), dtype=bool, count=count)
        ok &= np.fromiter(map(str.isascii, stripped), dtype=bool, count=count)
        for i in np.flatnonzero(present & ~ok):
            ok[i] = _INTEGER.fullmatch(stripped[i]) is not None
        ok &= np.fromiter(map(len, stripped), dtype=np.int64, count=count) <= 18
        report(present & ~ok, lambda v: f"{v!r} is not an integer (at most 18 digits)")
        good = present & ok
        numbers = np.zeros(count, dtype=np.int64)
        numbers[good] = list(map(int, itertools.compress(stripped, good)))
        typed = pd.Series(pd.arrays.IntegerArray(numbers, ~good), index=index)
    elif kind == "number":
        ok = matches(_NUMBER.pattern)
        report(present & ~ok, lambda v: f"{v!r} is not a number")
        good = present & ok
        typed = pd.Series(
            [float(v) if g else float("nan") for v, g in zip(stripped, good, strict=True)],
            index=index,
            dtype="float64",
        )
    elif kind == "date":
        cells = pd.Series(stripped, index=index, dtype=object)
        parsed = pd.to_datetime(cells.where(present), format="%Y-%m-%d", errors="coerce")
        ok = matches(_ISO_DATE.pattern) & parsed.notna().to_numpy()
        report(present & ~ok, lambda v: f"{v!r} is not a date in the form YYYY-MM-DD")
        good = present & ok
        typed = parsed.where(good)
    else:
        good = present
        cells = list(values)
        # Only whitespace-only cells need blanking; empty ones (most of a sparse column) are.
        filled = np.fromiter(map(bool, values), dtype=bool, count=count)
        for i in np.flatnonzero(filled & ~present):
            cells[i] = ""
        typed = pd.Series(cells, index=index, dtype=str)

    enum = constraints.get("enum")
    if enum is not None:
        allowed = ", ".join(map(str, enum))
        known = {str(e) for e in enum}
        report(
            good & ~np.fromiter(map(known.__contains__, stripped), dtype=bool, count=count),
            lambda v: f"{v!r} is not one of: {allowed}",
        )
    pattern = constraints.get("pattern")
    if pattern is not None:
        report(good & ~matches(pattern), lambda v: f"{v!r} does not match {pattern}")
    for bound, op, word in (
        ("minimum", "lt", "value is below"),
        ("maximum", "gt", "value is above"),
    ):
        if bound in constraints and kind in ("integer", "number"):
            limit = constraints[bound]
            as_float = typed.to_numpy(dtype="float64", na_value=float("nan"))
            with np.errstate(invalid="ignore"):
                outside = good & getattr(np, {"lt": "less", "gt": "greater"}[op])(as_float, limit)
            report(outside, f"{word} the {bound} {limit}")
    if constraints.get("unique") and kind != "date":
        dup = good & pd.Series(stripped, dtype=object).duplicated(keep="first").to_numpy()
        report(dup, lambda v: f"{v!r} is a duplicate: the value must be unique")
    return typed


def _load_table(
    data_dir: Path, package: dict, name: str, problems: list[Problem]
) -> pd.DataFrame | None:
    import pandas as pd

    resource = resource_schema(package, name)
    file = resource.get("path", f"{name}.csv")
    fields = resource["schema"]["fields"]
    table = _read_rows(data_dir / file, file, problems)
    if table is None:
        return None
    if not _check_header(table.header, fields, file, problems):
        return None
    if not table.lines and name in TABLES:
        problems.append(Problem(file, 2, "-", "table has a header but no rows"))
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
            spec["name"]: _type_column(raw[spec["name"]], index, spec, file, problems)
            for spec in fields
        },
        index=index,
    )
    key = resource["schema"].get("primaryKey")
    if (
        key
        and len(key) == 1
        and not any(f.get("constraints", {}).get("unique") for f in fields if f["name"] == key[0])
    ):
        column = typed[key[0]]
        for row in column[column.duplicated(keep="first") & (column != "")].index:
            problems.append(Problem(file, row, key[0], f"{column[row]!r} is a duplicate key"))
    return typed


def _check_foreign_keys(
    package: dict, tables: dict[str, pd.DataFrame], problems: list[Problem]
) -> None:
    for name, frame in tables.items():
        resource = resource_schema(package, name)
        for fk in resource["schema"].get("foreignKeys", []):
            (column,) = fk["fields"]
            ref_name = fk["reference"]["resource"] or name
            (ref_column,) = fk["reference"]["fields"]
            if ref_name not in tables:
                continue  # the referenced table already failed to load, and said so
            known = set(tables[ref_name][ref_column].tolist())
            ref_file = resource_schema(package, ref_name)["path"]
            values = frame[column]
            dangling = [
                (row, value)
                for row, value in zip(values.index.tolist(), values.tolist(), strict=True)
                if value != "" and value not in known
            ]
            for row, value in dangling:
                problems.append(
                    Problem(
                        resource["path"],
                        row,
                        column,
                        f"{value!r} is not a {ref_column} in {ref_file}",
                    )
                )


def _inside(data_dir: Path, relative: str) -> bool:
    """Whether ``relative`` names a file inside ``data_dir`` (no absolute path, no ``..``)."""
    try:
        (data_dir / relative).resolve().relative_to(data_dir.resolve())
    except (ValueError, OSError):
        return False
    return not Path(relative).is_absolute()


def _load_texts(data_dir: Path, documents: pd.DataFrame, problems: list[Problem]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for row, doc in documents.iterrows():
        if not doc["path"] or not doc["doc_id"]:
            continue
        if not _inside(data_dir, doc["path"]):
            # Never read (or hash into a message) a file outside the data package.
            problems.append(
                Problem("documents.csv", row, "path", f"{doc['path']!r} is outside data/sources")
            )
            continue
        path = data_dir / doc["path"]
        try:
            raw = path.read_bytes() if path.is_file() else None
        except OSError as exc:  # a name too long, a permission denied: a located problem too
            problems.append(
                Problem("documents.csv", row, "path", f"cannot read {doc['path']}: {exc.strerror}")
            )
            continue
        if raw is None:
            problems.append(Problem("documents.csv", row, "path", f"file not found: {doc['path']}"))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if doc["sha256"] and digest != doc["sha256"]:
            problems.append(
                Problem(
                    "documents.csv",
                    row,
                    "sha256",
                    f"{doc['path']} has sha256 {digest}, not the recorded {doc['sha256']}: "
                    "sources are never edited",
                )
            )
        try:
            texts[doc["doc_id"]] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(
                    "documents.csv",
                    row,
                    "path",
                    f"{doc['path']} is not valid UTF-8: byte 0x{raw[exc.start]:02x} "
                    f"at byte offset {exc.start}",
                )
            )
    return texts


def _excerpt(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _check_quotes(
    claims: pd.DataFrame, texts: dict[str, str], problems: list[Problem]
) -> list[str]:
    """Check each quote against its offsets; fill empty offsets in place. Return located ids."""
    import pandas as pd

    located: list[str] = []
    starts = claims["start"].astype(object).tolist()
    ends = claims["end"].astype(object).tolist()
    # Plain lists, not iterrows: building a Series per row costs seconds on 100,000 claims.
    rows = zip(
        claims.index.tolist(),
        claims["doc_id"].tolist(),
        claims["claim_id"].tolist(),
        claims["quote"].tolist(),
        strict=True,
    )
    for i, (row, doc_id, claim_id, quote) in enumerate(rows):
        text = texts.get(doc_id)
        if text is None or not quote:
            continue
        start, end = starts[i], ends[i]
        has_start, has_end = start is not pd.NA, end is not pd.NA
        if has_start != has_end:
            column = "end" if has_start else "start"
            problems.append(
                Problem("claims.csv", row, column, "give both start and end, or leave both empty")
            )
            continue
        if not has_start:
            first = text.find(quote)
            if first < 0:
                problems.append(
                    Problem(
                        "claims.csv",
                        row,
                        "quote",
                        f"quote {_excerpt(quote)} not found in document {doc_id}",
                    )
                )
            elif text.find(quote, first + 1) >= 0:
                count = text.count(quote)
                problems.append(
                    Problem(
                        "claims.csv",
                        row,
                        "quote",
                        f"quote {_excerpt(quote)} occurs {count} times in document "
                        f"{doc_id}; lengthen it or give start and end",
                    )
                )
            else:
                starts[i], ends[i] = first, first + len(quote)
                located.append(claim_id)
            continue
        if not (0 <= start < end <= len(text)):
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    "start",
                    f"offsets {start}:{end} are outside document {doc_id} (0:{len(text)}) or empty",
                )
            )
            continue
        if text[start:end] != quote:
            where = text.find(quote)
            hint = f"; the quote is at {where}:{where + len(quote)}" if where >= 0 else ""
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    "quote",
                    f"quote is not at offsets {start}:{end}: the text there reads "
                    f"{_excerpt(text[start:end])}{hint}",
                )
            )
    claims["start"] = pd.array(starts, dtype="Int64")
    claims["end"] = pd.array(ends, dtype="Int64")
    return located


def _check_claims(
    claims: pd.DataFrame, documents: pd.DataFrame | None, problems: list[Problem]
) -> None:
    import pandas as pd

    low, high = claims["value_low"], claims["value_high"]
    for row in claims.index[(low > high).fillna(False)]:
        problems.append(
            Problem(
                "claims.csv",
                row,
                "value_low",
                f"value_low {low[row]} is above value_high {high[row]}",
            )
        )
    figures = claims[claims["claim_type"] == "troop_figure"]
    for column in ("value_low", "value_high", "unit", "qualifier", "measure"):
        empty = figures[column].isna()
        if pd.api.types.is_string_dtype(figures[column]):
            empty |= figures[column] == ""
        for row in figures.index[empty]:
            problems.append(
                Problem("claims.csv", row, column, f"a troop_figure claim needs a {column}")
            )
    both = figures["value_low"].notna() & figures["value_high"].notna()
    range_ = figures["qualifier"] == "range"
    equal = (figures["value_low"] == figures["value_high"]).fillna(False)
    for row in figures.index[both & range_ & equal]:
        problems.append(
            Problem("claims.csv", row, "qualifier", "a range needs value_low below value_high")
        )
    single = both & ~range_ & (figures["qualifier"] != "") & ~equal
    for row in figures.index[single]:
        problems.append(
            Problem(
                "claims.csv",
                row,
                "qualifier",
                f"qualifier {figures['qualifier'][row]!r} takes one value: "
                "value_low must equal value_high (use 'range' for two)",
            )
        )
    if documents is None:
        return
    published = dict(zip(documents["doc_id"], documents["published_on"], strict=True))
    doc_dates = claims["doc_id"].map(published)
    late = (claims["claimed_on"] > doc_dates).fillna(False)
    for row in claims.index[late]:
        problems.append(
            Problem(
                "claims.csv",
                row,
                "claimed_on",
                f"{claims['claimed_on'][row]:%Y-%m-%d} is after the document's published_on "
                f"{doc_dates[row]:%Y-%m-%d}",
            )
        )


def _check_relations(
    relations: pd.DataFrame, claims: pd.DataFrame | None, problems: list[Problem]
) -> None:
    known = set(claims["claim_id"].tolist()) if claims is not None else None
    for row, value in relations["claim_ids"].items():
        ids = split_list(value)
        if not ids:
            continue  # required/pattern already reported it
        if known is not None:
            for claim_id in ids:
                if claim_id not in known:
                    problems.append(
                        Problem(
                            "relations.csv",
                            row,
                            "claim_ids",
                            f"{claim_id!r} is not a claim_id in claims.csv",
                        )
                    )


def _check_hierarchy(actors: pd.DataFrame, problems: list[Problem]) -> None:
    parent = dict(zip(actors["actor_id"], actors["parent_id"], strict=True))
    for row, actor in zip(actors.index, actors["actor_id"], strict=True):
        seen, current = {actor}, parent.get(actor, "")
        while current:
            if current in seen:
                problems.append(
                    Problem("actors.csv", row, "parent_id", f"{actor!r} is its own ancestor")
                )
                break
            seen.add(current)
            current = parent.get(current, "")


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Load every table, validate it all, and return typed DataFrames.

    Args:
        data_dir: Folder holding ``datapackage.json``; the project's ``data/`` by default.

    Returns:
        The validated dataset, with empty claim offsets located from their quotes.

    Raises:
        DatasetError: listing every problem found, each as ``file:row:column: message``.
    """
    data_dir = Path(data_dir or DATA_DIR)
    package = read_schema(data_dir)
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    names = [resource["name"] for resource in package["resources"]]
    for name in names:
        frame = _load_table(data_dir, package, name, problems)
        if frame is not None:
            tables[name] = frame
    _check_foreign_keys(package, tables, problems)
    texts: dict[str, str] = {}
    located: list[str] = []
    if "documents" in tables:
        texts = _load_texts(data_dir, tables["documents"], problems)
    if "actors" in tables:
        _check_hierarchy(tables["actors"], problems)
    if "claims" in tables:
        located = _check_quotes(tables["claims"], texts, problems)
        _check_claims(tables["claims"], tables.get("documents"), problems)
    if "relations" in tables:
        _check_relations(tables["relations"], tables.get("claims"), problems)
    if "unit_sizes" in tables:
        sizes = tables["unit_sizes"]
        for row in sizes.index[(sizes["troops_low"] > sizes["troops_high"]).fillna(False)]:
            problems.append(
                Problem("unit_sizes.csv", row, "troops_low", "troops_low is above troops_high")
            )
    if problems:
        raise DatasetError(sorted(problems, key=_problem_order))
    return Dataset(
        data_dir=data_dir,
        schema=package,
        tables={name: tables[name] for name in names},
        texts=texts,
        version=dataset_version(data_dir),
        located=located,
    )


def _problem_order(problem: Problem) -> tuple:
    table = problem.file.removesuffix(".csv")
    rank = TABLES.index(table) if table in TABLES else -1
    row = problem.row if isinstance(problem.row, int) else 0
    return (rank, row, problem.column, problem.message)


def locate_offsets(data_dir: Path | str | None = None) -> list[str]:
    """Write located offsets back into ``claims.csv`` for claims whose offsets are empty.

    The file is rewritten atomically and only when the whole dataset is valid, so a curator can
    paste a quote, leave ``start`` and ``end`` empty, and never count characters.

    Returns:
        The ids of the claims whose offsets were filled in.
    """
    dataset = load_dataset(data_dir)
    if not dataset.located:
        return []
    claims = dataset.claims
    path = dataset.data_dir / resource_schema(dataset.schema, "claims")["path"]
    table = _read_rows(path, path.name, [])
    columns = dict(zip(table.header, table.columns, strict=True))
    columns["start"] = list(map(str, claims["start"]))
    columns["end"] = list(map(str, claims["end"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows(zip(*(columns[name] for name in table.header), strict=True))
    write_atomic(path, buffer.getvalue().encode("utf-8"))
    return dataset.located
