"""Expand report sweeps: a ``matrix:`` of parameter values becomes one report per combination.

A sweep is a ``reports.yaml`` entry with a ``matrix:`` mapping each swept parameter to its
values. Its ``name``, ``title`` and ``description`` are templates: ``{focus_actor}`` is the
value, ``{focus_actor.label}`` a reader's name for it (an actor's name, a document's title).
A value list is written out, or taken from the data:

``[1, 2, 3]``
    The values as listed (any YAML values; a list value is one value).
``{from: actors, kind: state}``
    The ``actor_id`` of every actor whose columns equal the given values (a list of allowed
    values also works: ``kind: [state, alliance]``), in file order; labelled by ``name``.
``{from: documents}``
    Every ``doc_id`` (filters as for actors), labelled by ``title``.
``{from: weeks}`` / ``{from: months}``
    The last day (ISO ``YYYY-MM-DD``) of every week (Monday to Sunday) or calendar month from
    the first to the last claim's date (``claimed_on``, else its document's ``published_on``),
    for an ``as_of`` parameter.

A table source also takes ``named_in: TABLE`` (or a list of tables): only the values that some
row of that table names, in any of its cells, are kept; ``{from: actors, kind: state,
named_in: relations}`` sweeps the states that have a tie, so no report selects nothing.

Any data source takes ``as_list: true`` to pass each value as a one-element list (for a
notebook parameter such as ``documents: list``). Expansion reads only the CSV files it needs,
before any kernel starts; each expanded report is then checked like a hand-written one, and a
name that two reports share after expansion is an error. A data source that matches nothing
(a new subject with no tie yet) expands to no report and warns on stderr; the rest builds.
"""

from __future__ import annotations

import calendar
import csv
import itertools
import string
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from claimscope.build.config import BuildInputError, ReportSpec, check_name, check_text

# Per table: the column whose value is passed, and the column that labels it.
_TABLES = {"actors": ("actor_id", "name"), "documents": ("doc_id", "title")}
_PERIODS = ("weeks", "months")
_SOURCE_OPTIONS = {"from", "as_list", "named_in"}
_FIELD_ATTRIBUTES = {"", "label"}


class SweepValue:
    """One swept value as a template shows it: ``{key}`` the value, ``{key.label}`` its label."""

    def __init__(self, value: object, label: str | None = None):
        self.value = value
        self.label = label if label is not None else _text(value)

    def __format__(self, spec: str) -> str:
        return format(_text(self.value), spec)


def _text(value: object) -> str:
    """A value as a name or title shows it: lists joined with '+', booleans in YAML's spelling.

    >>> _text(["a", "b"]), _text(True), _text(3)
    ('a+b', 'true', '3')
    """
    if isinstance(value, list):
        return "+".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def expand_sweeps(specs: list[ReportSpec], data_dir: Path) -> list[ReportSpec]:
    """Replace every sweep in ``specs`` by its reports; hand-written reports pass through.

    Raises:
        BuildInputError: naming every sweep whose matrix, source or template is wrong, and every
            name two reports share after expansion.
    """
    problems: list[str] = []
    tables: dict[str, list[dict]] = {}
    out: list[ReportSpec] = []
    for spec in specs:
        if spec.matrix is None:
            out.append(spec)
            continue
        expanded, found = _expand_one(spec, data_dir, tables)
        problems += found
        out += expanded
    seen: dict[str, tuple[str, str]] = {}
    for spec in out:
        origin = f"sweep {spec.sweep!r}" if spec.sweep else "a hand-written report"
        # Names compare without case: on a case-insensitive disk two would share one file.
        if spec.name.casefold() in seen:
            first, by = seen[spec.name.casefold()]
            same = "" if first == spec.name else f" (as {first!r}; names compare without case)"
            problems.append(
                f"report name {spec.name!r} is used twice after expanding sweeps{same} "
                f"(by {by} and {origin})"
            )
        seen.setdefault(spec.name.casefold(), (spec.name, origin))
    if problems:
        raise BuildInputError(problems)
    return out


def _expand_one(
    spec: ReportSpec, data_dir: Path, tables: dict[str, list[dict]]
) -> tuple[list[ReportSpec], list[str]]:
    label = f"sweep {spec.name!r}"
    matrix = spec.matrix
    if not isinstance(matrix, dict) or not matrix:
        return [], [f"{label}: `matrix` must map each swept parameter to its values"]
    problems = [
        f"{label}: parameter {key!r} is both fixed in `parameters` and swept in `matrix`"
        for key in matrix
        if key in spec.parameters
    ]
    problems += _check_templates(spec, list(matrix))
    columns: dict[str, list[SweepValue]] = {}
    for key, source in matrix.items():
        try:
            columns[key] = _values(source, data_dir, tables)
        except _NoMatch as exc:
            print(f"warning: {label}: matrix {key!r}: {exc}: no report", file=sys.stderr)
            columns[key] = []
        except ValueError as exc:
            problems.append(f"{label}: matrix {key!r}: {exc}")
    if problems:
        return [], problems
    expanded = []
    for combination in itertools.product(*columns.values()):
        fields = dict(zip(columns, combination, strict=True))
        name = spec.name.format(**fields)
        title, description = spec.title.format(**fields), spec.description.format(**fields)
        where = f"expanded name {name!r}"
        problems += [f"{label}: {p}" for p in check_name(name, where)]
        problems += [f"{label}: {p}" for p in check_text(title, "title", where)]
        problems += [f"{label}: {p}" for p in check_text(description, "description", where)]
        expanded.append(
            replace(
                spec,
                name=name,
                title=title,
                description=description,
                parameters={**spec.parameters, **{k: v.value for k, v in fields.items()}},
                matrix=None,
                sweep=spec.name,
                title_template=spec.title,
                swept={k: v.label for k, v in fields.items()},
            )
        )
    return expanded, problems


def _check_templates(spec: ReportSpec, keys: list[str]) -> list[str]:
    """Every field of the name, title and description must be a swept key (or its label)."""
    problems = []
    templates = {"name": spec.name, "title": spec.title, "description": spec.description}
    for what, template in templates.items():
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
        except ValueError as exc:
            problems.append(f"sweep {spec.name!r}: `{what}` is not a valid template: {exc}")
            continue
        for _, field, spec_text, conversion in _safe_parse(template):
            if field is not None and (spec_text or conversion):
                # "{x:>99999999}" would build a huge text (or exhaust memory) before any check.
                problems.append(
                    f"sweep {spec.name!r}: `{what}` gives {{{field}}} a format spec or "
                    f"conversion; fields take none: write {{{field}}}"
                )
        for field in fields:
            key, _, attribute = field.partition(".")
            if key not in keys or attribute not in _FIELD_ATTRIBUTES:
                problems.append(
                    f"sweep {spec.name!r}: `{what}` uses {{{field}}}; fields are the swept "
                    f"parameters ({', '.join(keys)}) and their `.label`"
                )
            elif what == "name" and attribute:
                problems.append(f"sweep {spec.name!r}: the name takes values, not `{{{field}}}`")
    name_keys = {f.partition(".")[0] for _, f, _, _ in _safe_parse(spec.name) if f}
    for key in keys:
        if key not in name_keys:
            problems.append(
                f"sweep {spec.name!r}: the name must use {{{key}}} so each report's name differs"
            )
    return problems


def _safe_parse(template: str) -> list[tuple]:
    try:
        return list(string.Formatter().parse(template))
    except ValueError:
        return []


class _NoMatch(ValueError):
    """A data source that matches nothing: the sweep makes no report (a warning, not an error)."""


def _values(source: object, data_dir: Path, tables: dict[str, list[dict]]) -> list[SweepValue]:
    """The values one matrix entry stands for, in order; raises ValueError saying what is wrong."""
    if isinstance(source, list):
        if not source:
            raise ValueError("an empty list of values")
        return [SweepValue(v) for v in source]
    if not isinstance(source, dict) or "from" not in source:
        raise ValueError(
            "give a list of values or a data source such as {from: actors, kind: state} "
            f"(got {source!r})"
        )
    origin = source["from"]
    as_list = source.get("as_list", False)
    if not isinstance(as_list, bool):
        raise ValueError(f"`as_list` must be true or false, not {as_list!r}")
    filters = {k: v for k, v in source.items() if k not in _SOURCE_OPTIONS}
    if origin in _PERIODS:
        if filters or as_list:
            raise ValueError(f"{{from: {origin}}} takes no other keys")
        values = [SweepValue(d) for d in _period_ends(origin, data_dir, tables)]
    elif origin in _TABLES:
        values = _table_values(origin, filters, data_dir, tables)
        values = _named_in(values, source.get("named_in"), data_dir, tables)
    else:
        known = ", ".join([*_TABLES, *_PERIODS])
        raise ValueError(f"unknown source {origin!r} (known: {known})")
    if not values:
        raise _NoMatch(f"{source!r} matches nothing in the data")
    if as_list:
        values = [SweepValue([v.value], v.label) for v in values]
    return values


def _table_values(
    table: str, filters: dict, data_dir: Path, tables: dict[str, list[dict]]
) -> list[SweepValue]:
    rows = _read_table(table, data_dir, tables)
    columns = set(rows[0]) if rows else set(filters)  # an empty table matches nothing
    for column in filters:
        if column not in columns:
            raise ValueError(f"{table}.csv has no column {column!r} to filter on")
    wanted = {
        column: {_text(x) for x in (v if isinstance(v, list) else [v])}
        for column, v in filters.items()
    }
    value_column, label_column = _TABLES[table]
    return [
        SweepValue(row[value_column], row[label_column] or row[value_column])
        for row in rows
        if all(row[k] in allowed for k, allowed in wanted.items())
    ]


def _named_in(
    values: list[SweepValue], named_in: object, data_dir: Path, tables: dict[str, list[dict]]
) -> list[SweepValue]:
    """Keep the values some row of the ``named_in`` table(s) names; all of them when None."""
    if named_in is None:
        return values
    names = named_in if isinstance(named_in, list) else [named_in]
    if not names or not all(isinstance(n, str) for n in names):
        raise ValueError(f"`named_in` must be a table name or a list of them, not {named_in!r}")
    cells: set[str] = set()
    for name in names:
        try:
            rows = _read_table(name, data_dir, tables)
        except Exception as exc:  # noqa: BLE001 - an unknown or unreadable table is bad input
            raise ValueError(f"`named_in`: no table {name!r} to read") from exc
        cells.update(_text(cell) for row in rows for cell in row.values())
    return [v for v in values if _text(v.value) in cells]


def _period_ends(period: str, data_dir: Path, tables: dict[str, list[dict]]) -> list[str]:
    published = {d["doc_id"]: d["published_on"] for d in _read_table("documents", data_dir, tables)}
    dates = sorted(
        date.fromisoformat(c.get("claimed_on") or published[c["doc_id"]])
        for c in _read_table("claims", data_dir, tables)
    )
    if not dates:
        return []
    return [d.isoformat() for d in period_ends(dates[0], dates[-1], period)]


def period_ends(first: date, last: date, period: str) -> list[date]:
    """The last day of every week (Monday to Sunday) or month that holds a day of first..last.

    >>> [d.isoformat() for d in period_ends(date(2024, 10, 23), date(2024, 11, 4), "weeks")]
    ['2024-10-27', '2024-11-03', '2024-11-10']
    >>> [d.isoformat() for d in period_ends(date(2024, 10, 23), date(2024, 11, 4), "months")]
    ['2024-10-31', '2024-11-30']
    """
    ends = []
    if period == "weeks":
        end = first + timedelta(days=6 - first.weekday())
        while end - timedelta(days=6) <= last:
            ends.append(end)
            end += timedelta(days=7)
        return ends
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        ends.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ends


def _read_table(name: str, data_dir: Path, tables: dict[str, list[dict]]) -> list[dict]:
    """The rows of one table of the (already validated) data package, read once per build."""
    if name not in tables:
        from claimscope.data.schema import read_schema, resource_schema

        path = Path(data_dir) / resource_schema(read_schema(data_dir), name)["path"]
        with open(path, encoding="utf-8-sig", newline="") as handle:
            tables[name] = list(csv.DictReader(handle))
    return tables[name]


def sweep_groups(rows: list[dict], specs: list[ReportSpec]) -> tuple[list[dict], list[dict]]:
    """Split the index's rows into hand-written reports and one table per sweep.

    Returns:
        The rows of hand-written reports, and per sweep (in the order of ``specs``) a dict with
        its ``name``, ``heading``, swept ``columns`` and ``rows`` (each row gains ``swept``: the
        labels of its values, in column order).
    """
    single, groups = [], {}
    for row, spec in zip(rows, specs, strict=True):
        if not spec.sweep:
            single.append(row)
            continue
        group = groups.setdefault(
            spec.sweep,
            {
                "name": spec.sweep,
                "heading": _heading(spec),
                "columns": list(spec.swept),
                "rows": [],
            },
        )
        group["rows"].append({**row, "swept": list(spec.swept.values())})
    return single, list(groups.values())


def _heading(spec: ReportSpec) -> str:
    """The sweep's title as a reader says it: ``Relations around each focus actor``."""
    template = spec.title_template or spec.title
    parts = []
    for literal, field, _, _ in _safe_parse(template):
        parts.append(literal)
        if field:
            parts.append(f"each {field.partition('.')[0].replace('_', ' ')}")
    return "".join(parts)
