"""Read ``datapackage.json``: check its structure and answer questions about its resources.

The package is the one description of every table. Anything the loader relies on is checked
here first, so a malformed package is a list of located problems (the ``column`` of each is
the JSON path, e.g. ``resources[3].schema.fields[2].constraints.pattern``), never a crash.
Forms the Table Schema spec allows are accepted: a ``primaryKey`` or a foreign key's
``fields`` given as a string, and a ``reference.resource`` of ``""`` for the table itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from claimscope.data.confine import is_inside
from claimscope.data.files import require_folder
from claimscope.data.paths import DATA_DIR, DATAPACKAGE_NAME
from claimscope.data.problems import DatasetError, Problem

#: The tables every data package must hold; any other resource it lists is loaded too.
TABLES = ("documents", "actors", "unit_sizes", "claims", "relations")
#: Field types the loader types and checks ("any" is read as text).
FIELD_TYPES = ("string", "integer", "number", "date", "any")
_BOOLEAN_CONSTRAINTS = ("required", "unique")
_NUMBER_CONSTRAINTS = ("minimum", "maximum")
_LENGTH_CONSTRAINTS = ("minLength", "maxLength")


def read_schema(data_dir: Path | str | None = None) -> dict:
    """Read ``datapackage.json``, check its structure, and return it parsed.

    Raises:
        DatasetError: the folder or the file is missing or unreadable, or the package is
            malformed; every problem is located.
    """
    data_dir = Path(data_dir or DATA_DIR)
    require_folder(data_dir)
    if not is_inside(data_dir, DATAPACKAGE_NAME):
        raise DatasetError([_problem("-", "is a link to a file outside the data folder")])
    try:
        package = json.loads((data_dir / DATAPACKAGE_NAME).read_bytes().decode("utf-8"))
    except FileNotFoundError as exc:
        raise DatasetError([_problem("-", "file not found")]) from exc
    except OSError as exc:
        raise DatasetError([_problem("-", f"cannot read: {exc.strerror}")]) from exc
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise DatasetError([_problem("-", f"not valid JSON: {exc}")]) from exc
    problems = check_package(package, data_dir)
    if problems:
        raise DatasetError(problems)
    return package


def resource_schema(package: dict, name: str) -> dict:
    """Return the resource named ``name`` from a parsed data package."""
    return next(r for r in package["resources"] if r["name"] == name)


def resource_names(package: dict) -> list[str]:
    """Names of the package's resources: the core tables first, then the others as listed."""
    names = [r["name"] for r in package["resources"]]
    return [*TABLES, *(n for n in names if n not in TABLES)]


def as_list(value: str | list[str]) -> list[str]:
    """A key's field names as a list: the spec allows one name as a plain string.

    >>> as_list("actor_id"), as_list(["a", "b"])
    (['actor_id'], ['a', 'b'])
    """
    return [value] if isinstance(value, str) else list(value)


def primary_key(resource: dict) -> list[str]:
    """The resource's primary key fields (empty when it declares none)."""
    return as_list(resource["schema"].get("primaryKey", []))


def foreign_keys(resource: dict) -> list[tuple[list[str], str, list[str]]]:
    """Each foreign key as ``(fields, referenced resource, referenced fields)``.

    A referenced resource of ``""`` (the spec's self-reference) is the resource itself.
    """
    out = []
    for key in resource["schema"].get("foreignKeys", []):
        reference = key["reference"]
        target = reference.get("resource") or resource["name"]
        out.append((as_list(key["fields"]), target, as_list(reference["fields"])))
    return out


def _problem(column: str, message: str) -> Problem:
    return Problem(DATAPACKAGE_NAME, "-", column, message)


def check_package(package: object, data_dir: Path) -> list[Problem]:
    """Every structural problem of a parsed package, each located by its JSON path."""
    if not isinstance(package, dict):
        return [_problem("-", f"must be a JSON object, not {_kind(package)}")]
    resources = package.get("resources")
    if not isinstance(resources, list):
        return [_problem("resources", f"must be a list of resources, not {_kind(resources)}")]
    problems: list[Problem] = []
    names: dict[str, dict] = {}
    for where, name, resource in _named(resources, "resources", "resource", problems):
        before = len(problems)
        problems += _check_resource(resource, where, data_dir)
        if len(problems) == before:
            names[name] = resource
    given = {
        r.get("name") for r in resources if isinstance(r, dict) and isinstance(r.get("name"), str)
    }
    problems += [
        _problem("resources", f"no resource named {n!r}") for n in TABLES if n not in given
    ]
    if not problems:
        for i, resource in enumerate(resources):
            problems += _check_keys(resource, f"resources[{i}].schema", names)
    return problems


def _named(
    items: list, where: str, what: str, problems: list[Problem]
) -> list[tuple[str, str, dict]]:
    """``(path, name, item)`` of each item that is an object with a name of its own."""
    out, seen = [], set()
    for i, item in enumerate(items):
        at = f"{where}[{i}]"
        if not isinstance(item, dict):
            problems.append(_problem(at, f"must be an object, not {_kind(item)}"))
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            problems.append(_problem(f"{at}.name", f"every {what} needs a name (text)"))
        elif name in seen:
            problems.append(_problem(f"{at}.name", f"{name!r} names two {what}s"))
        else:
            seen.add(name)
            out.append((at, name, item))
    return out


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), "null" if value is None else "a number"
    )


def _check_resource(resource: dict, where: str, data_dir: Path) -> list[Problem]:
    problems = []
    path = resource.get("path")
    if isinstance(path, list):
        problems.append(_problem(f"{where}.path", "a table in several files is not supported"))
    elif not isinstance(path, str) or not path:
        problems.append(_problem(f"{where}.path", "every resource needs a path (text)"))
    elif not is_inside(data_dir, path):
        problems.append(_problem(f"{where}.path", f"{path!r} is outside the data folder"))
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        message = "must be a Table Schema object written out in datapackage.json"
        return [*problems, _problem(f"{where}.schema", message)]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [*problems, _problem(f"{where}.schema.fields", "must be a non-empty list")]
    named = _named(fields, f"{where}.schema.fields", "field", problems)
    for at, _, spec in named:
        problems += _check_field(spec, at)
    return problems


def _check_field(spec: dict, at: str) -> list[Problem]:
    kind = spec.get("type", "string")
    if kind not in FIELD_TYPES:
        supported = ", ".join(FIELD_TYPES)
        return [_problem(f"{at}.type", f"{kind!r} is not a supported type ({supported})")]
    constraints = spec.get("constraints", {})
    if not isinstance(constraints, dict):
        return [_problem(f"{at}.constraints", f"must be an object, not {_kind(constraints)}")]
    problems = []
    for key, value in constraints.items():
        where = f"{at}.constraints.{key}"
        if key in _BOOLEAN_CONSTRAINTS:
            ok, need = isinstance(value, bool), "true or false"
        elif key in _NUMBER_CONSTRAINTS:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            ok = ok and kind in ("integer", "number") and value == value  # not NaN
            need = "a number, on an integer or number field"
        elif key in _LENGTH_CONSTRAINTS:
            ok = type(value) is int and value >= 0 and kind in ("string", "any")
            need = "a whole number from 0, on a string field"
        elif key == "enum":
            ok = isinstance(value, list) and bool(value)
            ok = ok and all(isinstance(v, str | int | float) for v in value)
            need = "a non-empty list of values"
        elif key == "pattern":
            ok, need = isinstance(value, str), "a regular expression (text)"
            if ok:
                try:
                    re.compile(value)
                except (re.error, RecursionError, OverflowError) as exc:
                    problems.append(_problem(where, f"not a valid regular expression: {exc}"))
                    continue
        else:
            message = f"{key!r} is not a constraint the loader checks"
            problems.append(_problem(f"{at}.constraints", message[:300]))
            continue
        if not ok:
            problems.append(_problem(where, f"{value!r} is not {need}"[:300]))
    return problems


def _check_keys(resource: dict, where: str, resources: dict[str, dict]) -> list[Problem]:
    schema = resource["schema"]
    names = {f["name"] for f in schema["fields"]}
    problems = []
    if "primaryKey" in schema:
        problems += _check_field_names(schema["primaryKey"], names, f"{where}.primaryKey")
    keys = schema.get("foreignKeys", [])
    if not isinstance(keys, list):
        return [*problems, _problem(f"{where}.foreignKeys", "must be a list")]
    for k, key in enumerate(keys):
        at = f"{where}.foreignKeys[{k}]"
        if not isinstance(key, dict) or not isinstance(key.get("reference"), dict):
            problems.append(_problem(at, "must be an object with fields and a reference"))
            continue
        reference = key["reference"]
        target = reference.get("resource", "")
        if not isinstance(target, str) or (target and target not in resources):
            problems.append(_problem(f"{at}.reference.resource", f"{target!r} is no resource"))
            continue
        target_names = {f["name"] for f in resources.get(target, resource)["schema"]["fields"]}
        found = _check_field_names(key.get("fields"), names, f"{at}.fields")
        found += _check_field_names(reference.get("fields"), target_names, f"{at}.reference.fields")
        if not found and len(as_list(key["fields"])) != len(as_list(reference["fields"])):
            found.append(_problem(at, "fields and reference.fields differ in length"))
        problems += found
    return problems


def _check_field_names(value: object, names: set[str], where: str) -> list[Problem]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        return [_problem(where, "must be a field name or a non-empty list of field names")]
    return [
        _problem(where, f"{item!r} is not a field of this table")
        for item in items
        if item not in names
    ]
