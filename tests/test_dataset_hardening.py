"""The loader against hostile or broken input (issue #13): each kind is refused, located, exit 2.

Reads stay inside the data folder; a malformed ``datapackage.json`` is a list of problems,
never a traceback, while spec-valid forms the loader did not expect load; numbers the reports
cannot compute are refused; the wrong kind of ``--data-dir`` and unreadable files are one line.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pathlib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import read_csv, set_cell, snapshot, validate_argv, write_csv

from claimscope.cli import main
from claimscope.data.checks import MAX_TROOPS
from claimscope.data.dataset import DatasetError, load_dataset, read_schema
from claimscope.data.paths import DATAPACKAGE_NAME

SEED = "000_4f2a035373e67687"
SECRET = "TOP-SECRET-0f3c"


def problems_of(data_dir: Path) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        load_dataset(data_dir)
    return [str(p) for p in caught.value.problems]


def validate(data_dir: Path) -> tuple[int, str]:
    """Run ``claimscope validate`` in-process; return its exit status and stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(validate_argv(data_dir))
    return status, err.getvalue()


def assert_refused(data_dir: Path, *expected: str) -> list[str]:
    """Validation exits 2 with one line per problem, and each ``expected`` starts a line."""
    status, err = validate(data_dir)
    assert status == 2, err
    assert "Traceback" not in err
    *lines, summary = err.splitlines()
    assert summary == f"invalid: {len(lines)} problem(s)"
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    return lines


def edit_package(data_dir: Path, edit: Callable[[dict], object]) -> None:
    path = data_dir / DATAPACKAGE_NAME
    package = json.loads(path.read_text(encoding="utf-8"))
    result = edit(package)
    path.write_text(json.dumps(package if result is None else result), encoding="utf-8")


def resource(package: dict, name: str) -> dict:
    return next(r for r in package["resources"] if r["name"] == name)


def field(package: dict, table: str, name: str) -> dict:
    return next(f for f in resource(package, table)["schema"]["fields"] if f["name"] == name)


def row_of(data_dir: Path, table: str, key: str) -> int:
    rows = read_csv(data_dir / table)
    return next(i for i, r in enumerate(rows, start=1) if r[0] == key)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the data folder whose content must never appear in a message."""
    secret = tmp_path / "outside" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text(f"{SECRET},x\n{SECRET},y\n", encoding="utf-8")
    return secret


# --- 1. nothing is read outside the data folder -------------------------------------------


@pytest.mark.parametrize(
    ("table", "path"),
    [
        ("relations", "../../../etc/passwd"),
        ("actors", "/etc/hostname"),
        ("unit_sizes", "sources/../../outside/secret.csv"),
    ],
)
def test_table_paths_outside_the_folder_are_refused_unread(data_copy, outside, table, path):
    edit_package(data_copy, lambda p: resource(p, table).update(path=path))
    index = [
        r["name"] for r in json.loads((data_copy / DATAPACKAGE_NAME).read_text())["resources"]
    ].index(table)
    lines = assert_refused(
        data_copy, f"datapackage.json:-:resources[{index}].path: {path!r} is outside"
    )
    assert not any(SECRET in line or "root:" in line for line in lines)


def test_a_table_that_is_a_symlink_out_of_the_folder_is_not_read(data_copy, outside):
    (data_copy / "claims.csv").unlink()
    (data_copy / "claims.csv").symlink_to(outside)
    lines = assert_refused(data_copy, "datapackage.json:-:resources[3].path: 'claims.csv'")
    assert not any(SECRET in line for line in lines)


def test_a_folder_of_tables_linked_out_of_the_data_folder_is_not_read(data_copy, outside):
    (data_copy / "more").symlink_to(outside.parent, target_is_directory=True)
    edit_package(data_copy, lambda p: resource(p, "unit_sizes").update(path="more/secret.csv"))
    lines = assert_refused(data_copy, "datapackage.json:-:resources[2].path: 'more/secret.csv'")
    assert not any(SECRET in line for line in lines)


def test_a_datapackage_json_linked_out_of_the_folder_is_not_read(data_copy, outside):
    (data_copy / DATAPACKAGE_NAME).unlink()
    (data_copy / DATAPACKAGE_NAME).symlink_to(outside)
    lines = assert_refused(data_copy, "datapackage.json:-:-: is a link to a file outside")
    assert not any(SECRET in line for line in lines)


def test_an_unrelated_link_out_of_the_folder_is_neither_read_nor_hashed(data_copy, outside):
    (data_copy / "notes.csv").symlink_to(outside)
    version = load_dataset(data_copy).version
    outside.write_text("changed\n", encoding="utf-8")
    assert load_dataset(data_copy).version == version


# --- 2. a malformed datapackage.json is located; spec-valid forms load ---------------------


def _drop(key: str, table: str, field_name: str | None = None) -> Callable[[dict], None]:
    def drop(package: dict) -> None:
        (field(package, table, field_name) if field_name else resource(package, table)).pop(key)

    return drop


def _constraint(table: str, name: str, **constraints) -> Callable[[dict], None]:
    return lambda p: field(p, table, name).setdefault("constraints", {}).update(constraints)


MALFORMED = {
    "top-level list": (lambda p: [p], "datapackage.json:-:-: must be a JSON object, not a list"),
    "resources an object": (
        lambda p: {**p, "resources": {"claims": {}}},
        "datapackage.json:-:resources: must be a list of resources, not an object",
    ),
    "resource a string": (
        lambda p: p["resources"].append("extra.csv"),
        "datapackage.json:-:resources[{appended}]: must be an object, not text",
    ),
    "no schema": (_drop("schema", "actors"), "datapackage.json:-:resources[1].schema: "),
    "no path": (_drop("path", "documents"), "datapackage.json:-:resources[0].path: "),
    "no name": (_drop("name", "unit_sizes"), "datapackage.json:-:resources[2].name: "),
    "schema a URL": (
        lambda p: resource(p, "claims").update(schema="https://example.org/schema.json"),
        "datapackage.json:-:resources[3].schema: must be a Table Schema object",
    ),
    "fields not a list": (
        lambda p: resource(p, "relations")["schema"].update(fields="relation_id"),
        "datapackage.json:-:resources[4].schema.fields: must be a non-empty list",
    ),
    "field without a name": (
        _drop("name", "claims", "note"),
        "datapackage.json:-:resources[3].schema.fields[{note}].name: every field needs a name",
    ),
    "invalid pattern": (
        _constraint("claims", "claim_id", pattern="^[a-z(+$"),
        "datapackage.json:-:resources[3].schema.fields[0].constraints.pattern: "
        "not a valid regular expression",
    ),
    "enum not a list": (
        _constraint("relations", "relation", enum="alliance"),
        "datapackage.json:-:resources[4].schema.fields[3].constraints.enum: ",
    ),
    "enum empty": (
        _constraint("actors", "kind", enum=[]),
        "datapackage.json:-:resources[1].schema.fields[{kind}].constraints.enum: ",
    ),
    "required not boolean": (
        _constraint("documents", "title", required="yes"),
        "datapackage.json:-:resources[0].schema.fields[1].constraints.required: ",
    ),
    "minimum on text": (
        _constraint("actors", "name", minimum=1),
        "datapackage.json:-:resources[1].schema.fields[1].constraints.minimum: ",
    ),
    "unknown type": (
        lambda p: field(p, "unit_sizes", "troops_low").update(type="int"),
        "datapackage.json:-:resources[2].schema.fields[1].type: 'int' is not a supported type",
    ),
    "foreign key to no resource": (
        lambda p: resource(p, "claims")["schema"]["foreignKeys"][0]["reference"].update(
            resource="docs"
        ),
        "datapackage.json:-:resources[3].schema.foreignKeys[0].reference.resource: 'docs'",
    ),
    "foreign key on no field": (
        lambda p: resource(p, "relations")["schema"]["foreignKeys"][1].update(fields=["target"]),
        "datapackage.json:-:resources[4].schema.foreignKeys[1].fields: 'target' is not a field",
    ),
    "primary key of numbers": (
        lambda p: resource(p, "actors")["schema"].update(primaryKey=[1]),
        "datapackage.json:-:resources[1].schema.primaryKey: ",
    ),
    "two resources of one name": (
        lambda p: p["resources"].append(dict(resource(p, "actors"))),
        "datapackage.json:-:resources[{appended}].name: 'actors' names two resources",
    ),
    "a table in several files": (
        lambda p: resource(p, "claims").update(path=["claims.csv", "more.csv"]),
        "datapackage.json:-:resources[3].path: a table in several files",
    ),
}


@pytest.mark.parametrize(("edit", "expected"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_package_is_located_and_exit_2(data_copy, edit, expected):
    # A resource appended by the edit stands after every resource the package already lists.
    listed = len(
        json.loads((data_copy / DATAPACKAGE_NAME).read_text(encoding="utf-8"))["resources"]
    )
    claims = next(r for r in read_schema(data_copy)["resources"] if r["name"] == "claims")
    note = [f["name"] for f in claims["schema"]["fields"]].index("note")
    actors = next(r for r in read_schema(data_copy)["resources"] if r["name"] == "actors")
    kind = [f["name"] for f in actors["schema"]["fields"]].index("kind")
    edit_package(data_copy, edit)
    assert_refused(
        data_copy,
        expected.replace("{appended}", str(listed))
        .replace("{note}", str(note))
        .replace("{kind}", str(kind)),
    )


@pytest.mark.parametrize(
    "raw",
    [b'{"resources": [', b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000, b""],
    ids=["truncated", "not UTF-8", "nested too deep", "empty"],
)
def test_a_package_that_is_not_json_is_one_problem(data_copy, raw):
    (data_copy / DATAPACKAGE_NAME).write_bytes(raw)
    lines = assert_refused(data_copy, "datapackage.json:-:-: not valid JSON")
    assert len(lines) == 1


def test_foreign_key_fields_as_strings_are_accepted_and_still_checked(data_copy):
    def as_strings(package: dict) -> None:
        for key in resource(package, "claims")["schema"]["foreignKeys"]:
            (key["fields"],), (key["reference"]["fields"],) = (
                key["fields"],
                key["reference"]["fields"],
            )

    edit_package(data_copy, as_strings)
    assert load_dataset(data_copy).counts()["claims"] >= 40
    set_cell(data_copy / "claims.csv", 2, "unit", "regiments")
    assert problems_of(data_copy) == [
        "claims.csv:2:unit: 'regiments' is not a unit in unit_sizes.csv"
    ]


def test_a_primary_key_as_a_string_is_accepted_and_still_checked(data_copy):
    def key_as_string(package: dict) -> None:
        resource(package, "unit_sizes")["schema"]["primaryKey"] = "unit"
        field(package, "unit_sizes", "unit")["constraints"].pop("unique")

    edit_package(data_copy, key_as_string)
    assert load_dataset(data_copy).counts()["unit_sizes"] == 4
    rows = read_csv(data_copy / "unit_sizes.csv")
    write_csv(data_copy / "unit_sizes.csv", [*rows, rows[2]])
    assert problems_of(data_copy) == [
        f"unit_sizes.csv:{len(rows) + 1}:unit: {rows[2][0]!r} is a duplicate key"
    ]


def test_a_self_reference_by_empty_resource_is_checked_against_the_table_itself(data_copy):
    assert (
        resource(json.loads((data_copy / DATAPACKAGE_NAME).read_text()), "actors")["schema"][
            "foreignKeys"
        ][0]["reference"]["resource"]
        == ""
    )
    set_cell(data_copy / "actors.csv", 7, "parent_id", "atlantis")
    assert problems_of(data_copy) == [
        "actors.csv:7:parent_id: 'atlantis' is not an actor_id in actors.csv"
    ]


def test_a_new_table_is_a_schema_and_csv_edit_and_gets_the_generic_checks(data_copy):
    def add_table(package: dict) -> None:
        package["resources"].append(
            {
                "name": "sightings",
                "path": "sightings.csv",
                "schema": {
                    "fields": [
                        {"name": "place", "type": "string", "constraints": {"required": True}},
                        {"name": "seen_on", "type": "date"},
                        {"name": "actor_id", "type": "string"},
                        {"name": "count", "type": "number", "constraints": {"minimum": 0}},
                    ],
                    "primaryKey": ["place", "seen_on"],
                    "foreignKeys": [
                        {
                            "fields": "actor_id",
                            "reference": {"resource": "actors", "fields": "actor_id"},
                        }
                    ],
                },
            }
        )

    edit_package(data_copy, add_table)
    header = ["place", "seen_on", "actor_id", "count"]
    good = [["Kursk", "2024-10-20", "nk_troops", "1.5e3"], ["Kursk", "2024-10-21", "", ""]]
    write_csv(data_copy / "sightings.csv", [header, *good])
    ds = load_dataset(data_copy)
    assert ds.sightings["count"].tolist()[0] == 1500.0
    assert list(ds.tables)[-1] == "sightings"
    bad = [["Kursk", "2024-10-20", "atlantis", "-1"], ["Kursk", "2024-10-20", "", "1e999"]]
    write_csv(data_copy / "sightings.csv", [header, *good, *bad])
    assert problems_of(data_copy) == [
        "sightings.csv:4:actor_id: 'atlantis' is not an actor_id in actors.csv",
        "sightings.csv:4:count: value is below the minimum 0",
        "sightings.csv:4:place+seen_on: 'Kursk', '2024-10-20' is a duplicate key",
        "sightings.csv:5:count: '1e999' is too large to compute with",
        "sightings.csv:5:place+seen_on: 'Kursk', '2024-10-20' is a duplicate key",
    ]


# --- 6. numbers the reports cannot compute; messages that say what is wrong ------------------


@pytest.mark.parametrize(
    ("claim", "unit", "value", "size", "column"),
    [
        ("c020", "brigades", 9_000_000_000_000, None, "value_low"),  # × 5000 per brigade
        ("c016", "troops", 10**16, None, "value_low"),  # × 1: the count itself is too large
        ("c020", "brigades", 2, 10**16, "value_low"),  # a unit size too large for any figure
    ],
    ids=["value-times-unit", "plain-count", "unit-size"],
)
def test_troop_counts_beyond_exact_float_are_refused(data_copy, claim, unit, value, size, column):
    row = row_of(data_copy, "claims.csv", claim)
    for name in ("value_low", "value_high"):
        set_cell(data_copy / "claims.csv", row, name, str(value))
    set_cell(data_copy / "claims.csv", row, "unit", unit)
    if size is not None:
        sizes_row = row_of(data_copy, "unit_sizes.csv", unit)
        set_cell(data_copy / "unit_sizes.csv", sizes_row, "troops_high", str(size))
    problems = problems_of(data_copy)
    assert any(
        p.startswith(f"claims.csv:{row}:{column}: ")
        and f"more than the reports compute exactly ({MAX_TROOPS})" in p
        for p in problems
    ), problems


def test_the_largest_exact_troop_count_is_accepted(data_copy):
    row = row_of(data_copy, "claims.csv", "c016")
    for name in ("value_low", "value_high"):
        set_cell(data_copy / "claims.csv", row, name, str(MAX_TROOPS))
    set_cell(data_copy / "claims.csv", row, "unit", "troops")
    claims = load_dataset(data_copy).claims
    assert claims.loc[claims["claim_id"] == "c016", "value_high"].item() == MAX_TROOPS


@pytest.mark.parametrize(
    ("written", "quoted", "forms"),
    [
        ("café crème", "NFD", "the quote is NFD, the text NFC"),
        ("Zürich", "NFC", "the quote is NFC, the text NFD"),
    ],
)
def test_a_quote_differing_only_in_normalisation_says_so(data_copy, written, quoted, forms):
    import hashlib

    source = data_copy / "sources" / f"{SEED}.txt"
    text_form = "NFC" if quoted == "NFD" else "NFD"
    raw = source.read_bytes() + ("\n" + unicodedata.normalize(text_form, written)).encode()
    source.write_bytes(raw)
    set_cell(data_copy / "documents.csv", 2, "sha256", hashlib.sha256(raw).hexdigest())
    set_cell(data_copy / "claims.csv", 2, "quote", unicodedata.normalize(quoted, written))
    set_cell(data_copy / "claims.csv", 2, "start", "")
    set_cell(data_copy / "claims.csv", 2, "end", "")
    (problem,) = problems_of(data_copy)
    assert problem.startswith("claims.csv:2:quote: quote ")
    assert "except for Unicode normalisation" in problem and forms in problem


# --- 3. the wrong kind of data folder, unreadable files -------------------------------------


def test_a_data_dir_that_is_a_file_or_missing_is_one_line(tmp_path):
    a_file = tmp_path / "data.csv"
    a_file.write_text("x\n", encoding="utf-8")
    for data_dir, message in (
        (a_file, "is a file, not a data folder"),
        (tmp_path / "nope", "no such folder"),
    ):
        assert assert_refused(data_dir, f"{data_dir}:-:-: {message}") == [
            f"{data_dir}:-:-: {message}"
        ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("claims.csv", "claims.csv:-:-: cannot read: Permission denied"),
        (DATAPACKAGE_NAME, "datapackage.json:-:-: cannot read: Permission denied"),
        ("notes.txt", "notes.txt:-:-: cannot read: Permission denied"),  # unrelated, but hashed
    ],
)
def test_an_unreadable_file_is_one_line(data_copy, monkeypatch, name, expected):
    # Tests may run as root, whom chmod does not stop: refuse the read itself instead.
    (data_copy / "notes.txt").write_text("curator's notes\n", encoding="utf-8")
    target = (data_copy / name).resolve()
    read_bytes = pathlib.Path.read_bytes

    def refuse(self: pathlib.Path) -> bytes:
        if self.resolve() == target:
            raise PermissionError(13, os.strerror(13), str(self))
        return read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)
    assert assert_refused(data_copy, expected) == [expected]


def test_validation_changes_no_file(data_copy):
    before = snapshot(data_copy)
    set_cell(data_copy / "claims.csv", 2, "start", "")
    set_cell(data_copy / "claims.csv", 2, "end", "")
    edited = snapshot(data_copy)
    assert validate(data_copy)[0] == 0
    assert snapshot(data_copy) == edited != before


def test_documents_with_every_publication_date_empty_are_refused_not_crashed(data_copy):
    """A wholly empty date column loads untyped; the checks still compare it as dates."""
    rows = read_csv(data_copy / "documents.csv")
    column = rows[0].index("published_on")
    for row in rows[1:]:
        row[column] = ""
    write_csv(data_copy / "documents.csv", rows)
    with pytest.raises(DatasetError) as caught:
        load_dataset(data_copy)
    problems = caught.value.problems
    assert any(p.file == "documents.csv" and p.column == "published_on" for p in problems)
