"""Fuzzing the loader: whatever a CSV holds, ``load_dataset`` loads it or explains why.

Hypothesis mutates a small valid copy of the dataset: cells replaced by hostile text, rows
dropped, duplicated or cut short, other delimiters, line ends, encodings, byte-order marks and
stray bytes. The loader must then either succeed or raise :class:`DatasetError` whose every
problem is located in a known file, at a row (an int from 1, or ``-``), with a column and a
message: never any other exception.

The examples are derandomized so CI is reproducible; ``CLAIMSCOPE_FUZZ=deep`` runs more.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import read_csv, snapshot, validate_argv, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimscope.cli import main
from claimscope.data.dataset import DatasetError, load_dataset, read_schema, split_list
from claimscope.data.paths import DATA_DIR, DATAPACKAGE_NAME

# Every table the package lists, the core five and the ones added since.
TABLE_FILES = tuple(resource["path"] for resource in read_schema(DATA_DIR)["resources"])
KNOWN_FILES = {DATAPACKAGE_NAME, *TABLE_FILES}
KEEP_CLAIMS = 8

settings.register_profile(
    "claimscope-fuzz",
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "claimscope-fuzz-deep", parent=settings.get_profile("claimscope-fuzz"), max_examples=3000
)
PROFILE = (
    "claimscope-fuzz-deep" if os.environ.get("CLAIMSCOPE_FUZZ") == "deep" else "claimscope-fuzz"
)

SPECIAL_CELLS = [
    "",
    " ",
    '"',
    '""',
    ",",
    ";",
    "\n",
    "\r\n",
    "\0",
    "\ufeff",
    "-1",
    "+1",
    "-0",
    "0",
    "1.5",
    "1e999",
    "nan",
    "inf",
    "9" * 18,
    "9" * 19,
    "9" * 40,
    "-" + "9" * 18,
    "١٢٣",  # Arabic-Indic digits: a regex \d matches them
    "１２",  # full-width digits
    "2024-10-23",
    "2024-02-30",
    "0001-01-01",
    "9999-12-31",
    "2024-13-01",
    "23/10/2024",
    " 2024-10-23 ",
    "sources/missing.txt",
    "sources/../datapackage.json",
    "sources/" + "x" * 300 + ".txt",
    "x" * 300,
    '=HYPERLINK("http://x")',
    "a;b;;c",
    "c001;c999",
]
NUMBERS = ["-1", "0", "+3", " 7 ", "1e3", "3.0", "9" * 18, "9" * 19, "٣", "0x10"]
DATES = ["2024-10-23", "2024-10-24", "2024-02-29", "2023-02-29", "1900-01-01", "20241023"]
PATHS = [
    "sources/" + "x" * 300 + ".txt",  # a name longer than the file system allows
    "sources/" + "y/" * 3000 + "z.txt",  # a path longer than the file system allows
    "sources/a\0.txt",
    "sources/missing.txt",
    "sources",
    "sources/../datapackage.json",
    "/dev/null",
    "",
]
# Values that aim at what a column's checks look at, so rare paths are reached often enough.
COLUMN_VALUES = {
    "path": PATHS,
    "sha256": ["0" * 64, "A" * 64, hashlib.sha256(b"").hexdigest()],
    "quote": ["North Korean troops", "Kim Jong Un", " ", "\n", "troops"],
    "published_on": DATES,
    "claimed_on": DATES,
    **dict.fromkeys(("start", "end", "value_low", "value_high", "info_credibility"), NUMBERS),
    **dict.fromkeys(("troops_low", "troops_high"), NUMBERS),
}
HOSTILE_ALPHABET = st.sampled_from(list("\",;\t\n\r\0 \ufeff\\'=+-@x9é€\u2028"))
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory) -> Path:
    """A valid copy of the dataset with its first few claims and the relations they support."""
    target = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(DATA_DIR, target)
    claims = read_csv(target / "claims.csv")[: KEEP_CLAIMS + 1]
    write_csv(target / "claims.csv", claims)
    kept = {row[0] for row in claims[1:]}
    ties = _keep_rows_citing(target / "relation_steps.csv", kept)
    relations = read_csv(target / "relations.csv")
    write_csv(target / "relations.csv", [relations[0], *(r for r in relations[1:] if r[0] in ties)])
    ratings = read_csv(target / "ratings.csv")
    write_csv(target / "ratings.csv", ratings[:1] + [r for r in ratings[1:] if r[0] in kept])
    corrections = read_csv(target / "corrections.csv")
    basis = corrections[0].index("basis_claim_ids")
    for row in corrections[1:]:  # a correction's basis names only claims kept
        row[basis] = ";".join(i for i in split_list(row[basis]) if i in kept)
    write_csv(target / "corrections.csv", corrections)
    judgements = read_csv(target / "judgements.csv")
    ids = judgements[0].index("claim_ids")
    kept_judgements = [r for r in judgements[1:] if set(split_list(r[ids])) <= kept]
    write_csv(target / "judgements.csv", judgements[:1] + kept_judgements)
    counts = load_dataset(target).counts()
    assert counts["claims"] == KEEP_CLAIMS and counts["relations"] >= 1
    return target


def _keep_rows_citing(path: Path, kept: set[str]) -> set[str]:
    """Keep the rows of ``path`` that cite a kept claim.

    Each kept row cites only its kept claims. Returns the first column of the kept rows.
    """
    rows = read_csv(path)
    column = rows[0].index("claim_ids")
    small = [rows[0]]
    for row in rows[1:]:
        ids = [i for i in split_list(row[column]) if i in kept]
        if ids:
            row[column] = ";".join(ids)
            small.append(row)
    write_csv(path, small)
    return {row[0] for row in small[1:]}


def ids_of(data: Path) -> list[str]:
    """Every key in the small dataset, so mutations can also make plausible references."""
    return [row[0] for name in TABLE_FILES for row in read_csv(data / name)[1:]]


def cell_values(ids: list[str]) -> Callable[[str], st.SearchStrategy[str]]:
    """Return the strategy for a new value of the column named ``column``."""
    general = st.one_of(
        st.text(max_size=30),
        st.text(HOSTILE_ALPHABET, max_size=12),
        st.sampled_from(SPECIAL_CELLS),
        st.sampled_from(ids),
    )

    def values(column: str) -> st.SearchStrategy[str]:
        aimed = COLUMN_VALUES.get(column)
        return st.one_of(st.sampled_from(aimed), general) if aimed else general

    return values


def mutate_rows(
    data: st.DataObject, rows: list[list[str]], values: Callable[[str], st.SearchStrategy[str]]
) -> list[list[str]]:
    """Apply a few row and cell mutations; row 0 is the header and may be hit too."""
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        if not rows:
            break
        header = len(rows) == 1 or data.draw(st.sampled_from([False] * 5 + [True]))
        r = 0 if header else data.draw(st.integers(1, len(rows) - 1), label="row")
        kind = data.draw(
            st.sampled_from(["cell", "cell", "cell", "drop", "dup", "cut", "extend", "empty"]),
            label="kind",
        )
        if kind == "cell" and rows[r]:
            c = data.draw(st.integers(0, len(rows[r]) - 1), label="column")
            column = rows[0][c] if rows[0] and c < len(rows[0]) else ""
            rows[r][c] = data.draw(values(column), label="value")
        elif kind == "drop":
            del rows[r]
        elif kind == "dup":
            rows.insert(r, list(rows[r]))
        elif kind == "cut":
            rows[r] = rows[r][: data.draw(st.integers(0, len(rows[r])), label="keep")]
        elif kind == "extend":
            rows[r] = [*rows[r], data.draw(values(""), label="extra")]
        elif kind == "empty":
            rows = rows[:r]
    return rows


def encode_rows(data: st.DataObject, rows: list[list[str]]) -> bytes:
    """Write rows as a CSV the way some other program might have, then maybe damage bytes.

    Half the files are plain UTF-8 CSV, so that mutated cells reach the checks past parsing.
    """
    if data.draw(st.booleans(), label="plain"):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue().encode("utf-8")
    delimiter = data.draw(st.sampled_from([",", ",", ",", ";", "\t"]), label="delimiter")
    ending = data.draw(st.sampled_from(["\n", "\r\n", "\r"]), label="line ending")
    quoting = data.draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]), label="quoting")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending, quoting=quoting).writerows(rows)
    encoding = data.draw(st.sampled_from(ENCODINGS), label="encoding")
    raw = buffer.getvalue().encode(encoding, errors="replace")
    if data.draw(st.booleans(), label="bom"):
        raw = data.draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + raw
    if data.draw(st.booleans(), label="damage bytes"):
        at = data.draw(st.integers(0, len(raw)), label="at")
        if data.draw(st.booleans(), label="truncate"):
            raw = raw[:at]
        else:
            raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=4), label="bytes") + raw[at:]
    return raw


def load_or_locate(data_dir: Path) -> None:
    """Load ``data_dir``; a refusal must be a located DatasetError, nothing else."""
    try:
        load_dataset(data_dir)
    except DatasetError as error:
        assert_located(error)


def assert_located(error: DatasetError) -> None:
    assert error.problems, "a DatasetError names at least one problem"
    for problem in error.problems:
        assert problem.file in KNOWN_FILES, problem
        assert (type(problem.row) is int and problem.row >= 1) or problem.row == "-", problem
        assert isinstance(problem.column, str) and problem.column, problem
        assert isinstance(problem.message, str) and problem.message, problem
        assert str(problem).startswith(f"{problem.file}:{problem.row}:{problem.column}: ")


@settings(parent=settings.get_profile(PROFILE))
@given(data=st.data())
def test_loader_never_crashes_on_mutated_csvs(small_dataset, data):
    values = cell_values(ids_of(small_dataset))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "data"
        shutil.copytree(small_dataset, target)
        names = data.draw(
            st.lists(st.sampled_from(TABLE_FILES), min_size=1, max_size=3, unique=True),
            label="tables",
        )
        for name in names:
            path = target / name
            rows = mutate_rows(data, read_csv(path), values)
            path.write_bytes(encode_rows(data, rows))
        load_or_locate(target)


AIMED = [
    (name, column, value)
    for name in TABLE_FILES
    for column, values in COLUMN_VALUES.items()
    if column in read_csv(DATA_DIR / name)[0]
    for value in values
]


@pytest.mark.parametrize(("name", "column", "value"), AIMED, ids=[repr(a)[:60] for a in AIMED])
def test_loader_never_crashes_on_each_aimed_value(small_dataset, tmp_path, name, column, value):
    """Every aimed value in the first record of every table that has its column, exhaustively.

    Random draws reach a given (table, column, value) rarely; these are the ones most likely
    to find a crash, so each is tried once for sure.
    """
    target = tmp_path / "data"
    shutil.copytree(small_dataset, target)
    rows = read_csv(target / name)
    rows[1][rows[0].index(column)] = value
    write_csv(target / name, rows)
    load_or_locate(target)


def test_the_fuzzer_starts_from_valid_data_and_its_mutations_are_refused(small_dataset, tmp_path):
    """The property is not vacuous: the base loads, and a plain mutation is refused."""
    assert load_dataset(small_dataset).counts()["claims"] == KEEP_CLAIMS
    target = tmp_path / "data"
    shutil.copytree(small_dataset, target)
    path = target / "claims.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(DatasetError) as caught:
        load_dataset(target)
    assert_located(caught.value)
    assert caught.value.problems[0].file == "claims.csv"


# --- the structure of datapackage.json ----------------------------------------------------

PACKAGE_KEYS = [
    "resources", "name", "path", "schema", "fields", "type", "constraints", "required",
    "unique", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength", "primaryKey",
    "foreignKeys", "reference", "resource",
]  # fmt: skip
PACKAGE_STRINGS = [
    "", "claims", "actors", "claims.csv", "actor_id", "claim_id", "integer", "number", "date",
    "string", "boolean", "(", "[a-", "^.*$", "../../etc/passwd", "/etc/hostname", "sources",
]  # fmt: skip
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(PACKAGE_STRINGS),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(PACKAGE_KEYS) | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def json_paths(node: object, path: tuple = ()) -> list[tuple]:
    """The path of every node below (and including) ``node``."""
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += json_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += json_paths(value, (*path, i))
    return out


def mutate_package(data: st.DataObject, package: object) -> object:
    """Replace, drop or add a few nodes anywhere in the parsed package."""
    for _ in range(data.draw(st.integers(1, 3), label="package mutations")):
        path = data.draw(st.sampled_from(json_paths(package)), label="node")
        kind = data.draw(st.sampled_from(["replace", "drop", "add", "wrap"]), label="change")
        if not path:
            if kind == "replace":
                package = data.draw(JSON_VALUES, label="package")
            elif kind == "wrap":
                package = [package]
            continue
        parent = package
        for step in path[:-1]:
            parent = parent[step]
        node = parent[path[-1]]
        if kind == "drop":
            del parent[path[-1]]
        elif kind == "add" and isinstance(node, dict):
            node[data.draw(st.sampled_from(PACKAGE_KEYS))] = data.draw(JSON_VALUES)
        elif kind == "wrap":
            parent[path[-1]] = data.draw(st.sampled_from([[node], {"name": node}, str(node)]))
        else:
            parent[path[-1]] = data.draw(JSON_VALUES, label="value")
    return package


@settings(
    parent=settings.get_profile(PROFILE), max_examples=120 if PROFILE.endswith("fuzz") else 2000
)
@given(data=st.data())
def test_validate_exits_0_or_2_on_any_package_structure_and_changes_no_file(small_dataset, data):
    package = json.loads((small_dataset / DATAPACKAGE_NAME).read_text(encoding="utf-8"))
    package = mutate_package(data, package)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "data"
        shutil.copytree(small_dataset, target)
        (target / DATAPACKAGE_NAME).write_text(json.dumps(package), encoding="utf-8")
        before = snapshot(target)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(validate_argv(target))
        assert status in (0, 2), err.getvalue()
        assert "Traceback" not in err.getvalue()
        assert snapshot(target) == before
        if status == 2:
            *lines, summary = err.getvalue().splitlines()
            assert lines and summary == f"invalid: {len(lines)} problem(s)"
            assert all(line.count(":") >= 3 for line in lines), lines


def test_the_package_fuzzer_reaches_both_outcomes(small_dataset, tmp_path):
    """Not vacuous: the unmutated package validates, and one dropped schema is refused."""
    target = tmp_path / "data"
    shutil.copytree(small_dataset, target)
    assert main(validate_argv(target)) == 0
    package = json.loads((target / DATAPACKAGE_NAME).read_text(encoding="utf-8"))
    del package["resources"][1]["schema"]
    (target / DATAPACKAGE_NAME).write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        load_dataset(target)
    assert [str(p) for p in caught.value.problems] == [
        "datapackage.json:-:resources[1].schema: "
        "must be a Table Schema object written out in datapackage.json"
    ]
