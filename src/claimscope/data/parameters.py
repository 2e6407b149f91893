"""Check and coerce a report notebook's parameters, in the notebook and in the build alike.

papermill passes ``-p`` values as strings or YAML scalars: ``-p claimant_ids nis`` gives the
string ``"nis"``, ``-p depth 2`` the int 2, ``-p depth abc`` the string ``"abc"``. Each value is
coerced to the type its ``parameters`` cell declares (``claimant_ids: list = []``): a list from
one id, a comma-separated string or a JSON list; numbers and booleans from strings; dates in ISO
form. Ids are then checked against the dataset: an unknown id is named with the closest known
ones and the file they come from, and an id with nothing to show is an error, never an empty
chart. Every problem is collected into one :class:`ParameterError`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimscope.data.parameter_names import describe_unknown_parameter, injected_names
from claimscope.data.paths import DATAPACKAGE_NAME, PROJECT_ROOT

if TYPE_CHECKING:
    import pandas as pd

    from claimscope.data.dataset import Dataset

DATA_DIR_PARAMETER = "data_dir"
#: Parameters holding a date: ``as_of`` and any name ending in ``_on`` (the schema's convention).
_DATE_NAME = re.compile(r"^(as_of|.+_on)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off", ""}
#: How deep a list or mapping parameter may nest (ids are flat; unit sizes are one level down).
MAX_NESTING = 8


@dataclass(frozen=True)
class IdRule:
    """What a parameter's values name: a key column of a table, and where each must be used.

    Attributes:
        table: The dataset table (resource) holding the known ids.
        column: Its id column.
        used_in: The table whose rows the parameter selects, or "" when it selects none.
        used_columns: The columns of ``used_in`` an id must appear in to select anything.
        noun: How a message names one id ("actor", "document").
        unless: A boolean parameter that, when true, lets an id select through another one
            (rolled up to states, an agency's ties are its state's), so its use is not checked.
    """

    table: str
    column: str
    used_in: str
    used_columns: tuple[str, ...]
    noun: str
    unless: str = ""


#: The report notebooks' id parameters: what each names and what it selects.
ID_RULES: dict[str, IdRule] = {
    "doc_ids": IdRule("documents", "doc_id", "claims", ("doc_id",), "document"),
    "claimant_ids": IdRule("actors", "actor_id", "claims", ("claimant_id",), "actor"),
    "measures": IdRule("measures", "measure", "claims", ("measure",), "measure"),
    "focus_actor": IdRule(
        "actors", "actor_id", "relations", ("source_id", "target_id"), "actor", "roll_up_to_states"
    ),
    "relation_types": IdRule("relation_types", "relation", "relations", ("relation",), "type"),
    "min_status": IdRule("relation_statuses", "status", "", (), "status"),
}


@dataclass(frozen=True)
class Bounds:
    """The range a number parameter's meaning allows: at least ``minimum``, below ``below``."""

    minimum: float | None = None
    below: float | None = None

    def admits(self, value: float) -> bool:
        """Whether ``value`` lies in the range."""
        low_ok = self.minimum is None or value >= self.minimum
        return low_ok and (self.below is None or value < self.below)

    def describe(self) -> str:
        """Say the range in words.

        >>> Bounds(0).describe(), Bounds(0, 1).describe()
        ('0 or more', 'at least 0 and below 1')
        """
        if self.below is None:
            return f"{self.minimum} or more"
        if self.minimum is None:
            return f"below {self.below}"
        return f"at least {self.minimum} and below {self.below}"


#: Number parameters whose meaning bounds them, whichever notebook declares them: a depth
#: counts ties away from an actor, a tolerance is the fraction a figure widens by.
BOUNDS: dict[str, Bounds] = {
    "depth": Bounds(minimum=0),
    "tolerance": Bounds(minimum=0, below=1),
}


class ParameterError(ValueError):
    """Parameters a notebook cannot run with; the message is all a reader needs to see."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def __repr__(self) -> str:
        return str(self)

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback, and papermill repeats it: a few lines of
        # our own text rather than frames of claimscope's code.
        return [f"{type(self).__name__}: {problem}" for problem in self.problems]


def _coerce_list(value: Any) -> list:
    if isinstance(value, list | tuple):
        return list(value)
    if not isinstance(value, str):
        raise TypeError
    text = value.strip()
    if text.startswith("["):
        parsed = json.loads(text)
        if not isinstance(parsed, list):
            raise TypeError
        return parsed
    return [part.strip() for part in text.split(",") if part.strip()]


def _coerce_dict(value: Any) -> dict:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and not value.strip():
        return {}
    parsed = json.loads(value) if isinstance(value, str) else None
    if not isinstance(parsed, dict):
        raise TypeError
    return parsed


def _coerce_number(value: Any, kind: type) -> int | float:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, str):
        return kind(value.strip())
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) or (kind is float and isinstance(value, float)):
        return kind(value)
    raise TypeError


def _coerce_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str | int) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise TypeError


def _coerce_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise TypeError


def _coerce_date(value: Any) -> str:
    if isinstance(value, datetime):  # YAML reads 2024-10-25 10:00 as a time: a day has none
        if value.time() != time() or value.tzinfo is not None:
            raise TypeError
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _coerce_str(value).strip()
    if text and not _ISO_DATE.match(text):
        raise TypeError
    return date.fromisoformat(text).isoformat() if text else ""


_COERCERS = {
    "list": _coerce_list,
    "dict": _coerce_dict,
    "int": lambda v: _coerce_number(v, int),
    "float": lambda v: _coerce_number(v, float),
    "bool": _coerce_bool,
    "str": _coerce_str,
}
_EXPECTED = {
    "list": 'a list: one id, ids separated by commas, or a JSON list such as \'["a", "b"]\'',
    "dict": "a mapping, e.g. the JSON '{\"brigades\": [1500, 2500]}'",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "str": "a string",
    "date": "a date as YYYY-MM-DD, or empty for the latest date in the data",
}


def _too_deep(value: Any) -> bool:
    """Whether ``value`` (or the JSON text it holds) nests deeper than :data:`MAX_NESTING`.

    Walked without recursion, so a value nested a million deep is answered, not a crash.

    >>> _too_deep([[1]]), _too_deep("[" * 50 + "]" * 50), _too_deep("[1, [2]]")
    (False, True, False)
    """
    if isinstance(value, str):
        depth = deepest = 0
        for char in value:  # brackets inside JSON strings count too: only ever too strict
            if char in "[{":
                depth += 1
                deepest = max(deepest, depth)
            elif char in "]}":
                depth -= 1
        return deepest > MAX_NESTING
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_NESTING:
            return True
        if isinstance(item, dict):
            stack += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list | tuple):
            stack += [(v, depth + 1) for v in item]
    return False


def _shown_value(value: Any, limit: int = 80) -> str:
    """A value as a message quotes it: its repr, cut short (a huge or deep value stays short)."""
    try:
        text = repr(value)
    except RecursionError:
        text = f"a {type(value).__name__} nested too deep to show"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def coerce_parameters(values: Mapping[str, Any], declared: Mapping[str, str]) -> dict[str, Any]:
    """Coerce each value to the type its notebook declares; names not declared pass unchanged.

    Args:
        values: Parameter name to the value given (from papermill or reports.yaml).
        declared: Parameter name to its declared type name: str, int, float, bool, list, dict.

    Raises:
        ParameterError: naming every parameter whose value cannot be read as its type.

    >>> coerce_parameters({"ids": "nis", "depth": "2"}, {"ids": "list", "depth": "int"})
    {'ids': ['nis'], 'depth': 2}
    >>> coerce_parameters({"as_of": "2024-13-01"}, {"as_of": "str"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    claimscope.data.parameters.ParameterError: parameter 'as_of': got '2024-13-01'; expected...
    """
    out, problems = {}, []
    for name, value in values.items():
        kind = "date" if _DATE_NAME.match(name) else declared.get(name, "")
        if _too_deep(value):
            problems.append(
                f"parameter {name!r}: lists or mappings nested more than {MAX_NESTING} deep; "
                f"expected {_EXPECTED.get(kind, 'a flat value')}"
            )
            continue
        coerce = _coerce_date if kind == "date" else _COERCERS.get(kind)
        try:
            out[name] = coerce(value) if coerce else value
        except (TypeError, ValueError, RecursionError):
            # A list nested too deep to read is as wrong as one that is not a list.
            problems.append(
                f"parameter {name!r}: got {_shown_value(value)}; expected {_EXPECTED[kind]}"
            )
            continue
        bounds = BOUNDS.get(name)
        if kind in ("int", "float") and bounds and not bounds.admits(out[name]):
            problems.append(
                f"parameter {name!r}: got {value!r}; expected {_EXPECTED[kind]}, "
                f"{bounds.describe()}"
            )
    if problems:
        raise ParameterError(problems)
    return out


def _shown_path(path: Path) -> str:
    """A path as a reader finds it: relative to the working folder or the project, else whole."""
    for base in (Path.cwd(), PROJECT_ROOT):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(path.resolve())


def _resource_path(dataset: Dataset, table: str) -> str:
    for resource in dataset.schema.get("resources", []):
        if resource.get("name") == table and isinstance(resource.get("path"), str):
            return _shown_path(Path(dataset.data_dir) / resource["path"])
    return _shown_path(Path(dataset.data_dir) / f"{table}.csv")


def _names_of(frame: pd.DataFrame, column: str) -> dict[str, str]:
    """Lower-cased names a reader may type for each id: the id, and an actor's name and aliases."""
    names = {}
    for _, row in frame.iterrows():
        key = str(row[column])
        names[key.lower()] = key
        for other in ("name", "aliases"):
            text = row.get(other)
            if isinstance(text, str):
                for alias in text.split(";"):
                    if alias.strip():
                        names.setdefault(alias.strip().lower(), key)
    return names


def suggest_ids(value: str, names: Mapping[str, str], limit: int = 3) -> list[str]:
    """The known ids closest to ``value``, matching ids, names and aliases case-insensitively.

    >>> suggest_ids("rusia", {"russia": "russia", "ukraine": "ukraine"})
    ['russia']
    """
    close = difflib.get_close_matches(str(value).lower(), list(names), n=limit * 2, cutoff=0.6)
    return list(dict.fromkeys(names[c] for c in close))[:limit]


def _unknown_message(name: str, value: object, rule: IdRule, names: dict, where: str) -> str:
    exact = names.get(str(value).strip().lower())
    if exact is not None:
        hint = f"; did you mean {exact!r}? (ids are the lower-case {rule.column} values)"
    else:
        close = suggest_ids(value, names)
        hint = "; did you mean " + " or ".join(map(repr, close)) + "?" if close else ""
    return (
        f"parameter {name!r}: unknown {rule.noun} id {value!r}{hint} "
        f"(known ids: the {rule.column} column of {where})"
    )


def _selected(frame: pd.DataFrame, columns: tuple[str, ...], ids: list) -> pd.Series:
    hits = frame[list(columns)].astype("string").isin([str(i) for i in ids])
    return hits.any(axis=1)


def check_ids(values: Mapping[str, Any], dataset: Dataset) -> None:
    """Check every id parameter (see :data:`ID_RULES`) against the dataset.

    An unknown id, an id that selects nothing (an actor who makes no claim) and a combination
    of selections that leaves no claim are each a problem.

    Raises:
        ParameterError: naming each parameter, its bad value, the closest known ids and the file
            the ids come from.
    """
    problems, selections = [], {}
    for name, rule in ID_RULES.items():
        given = values.get(name)
        ids = given if isinstance(given, list) else [given] if given not in (None, "") else []
        if not ids or rule.table not in dataset.tables:
            continue
        frame = dataset.tables[rule.table]
        names = _names_of(frame, rule.column)
        known = set(frame[rule.column].astype(str))
        where = _resource_path(dataset, rule.table)
        unknown = [i for i in ids if str(i) not in known]
        problems += [_unknown_message(name, i, rule, names, where) for i in unknown]
        used = dataset.tables.get(rule.used_in)
        if unknown or used is None or values.get(rule.unless) is True:
            continue
        for value in ids:
            if not _selected(used, rule.used_columns, [value]).any():
                problems.append(
                    f"parameter {name!r}: {rule.noun} {value!r} is in {where} but no row of "
                    f"{_resource_path(dataset, rule.used_in)} has it in "
                    f"{' or '.join(rule.used_columns)}, so there is nothing to show"
                )
        selections.setdefault(rule.used_in, []).append((name, rule, ids))
    if not problems:
        problems += _empty_selections(selections, dataset)
    if problems:
        raise ParameterError(problems)


def _empty_selections(selections: dict, dataset: Dataset) -> list[str]:
    """Several selections of one table that each keep rows but together keep none."""
    problems = []
    for table, chosen in selections.items():
        if len(chosen) < 2:
            continue
        frame = dataset.tables[table]
        keep = frame.index == frame.index
        for _, rule, ids in chosen:
            keep &= _selected(frame, rule.used_columns, ids).to_numpy()
        if not keep.any():
            given = ", ".join(f"{name}={ids!r}" for name, _, ids in chosen)
            problems.append(
                f"parameters {given}: no row of {_resource_path(dataset, table)} matches them "
                "all, so there is nothing to show"
            )
    return problems


def check_parameters(
    values: Mapping[str, Any], declared: Mapping[str, str], dataset: Dataset | None = None
) -> dict[str, Any]:
    """Coerce ``values`` to their declared types, then check their ids against ``dataset``.

    Returns:
        The coerced values.

    Raises:
        ParameterError: every problem found, one line each.
    """
    coerced = coerce_parameters(values, declared)
    if dataset is not None:
        check_ids(coerced, dataset)
    return coerced


def resolve_data_dir(value: object, base: Path | None = None) -> Path | None:
    """Resolve a ``data_dir`` parameter from ``base`` (the working folder); empty means default.

    Raises:
        ParameterError: the folder it resolves to holds no ``datapackage.json``.
    """
    if value in (None, ""):
        return None
    folder = ((base or Path.cwd()) / str(value)).resolve()
    if not (folder / DATAPACKAGE_NAME).is_file():
        raise ParameterError(
            [
                f"parameter {DATA_DIR_PARAMETER!r}: {value!r} resolves to {folder}, "
                f"which holds no {DATAPACKAGE_NAME} "
                f"(relative paths start from {base or Path.cwd()})"
            ]
        )
    return folder


def _type_name(annotation: object) -> str:
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).split("[", 1)[0].strip()


def check_notebook_parameters(namespace: dict[str, Any]) -> Dataset:
    """Check and coerce a notebook's parameters in place; the cell after ``parameters`` calls it.

    The declared types are the annotations of the ``parameters`` cell (``depth: int = 1``),
    which IPython keeps in the namespace's ``__annotations__``; papermill's injected cell only
    rebinds the values. A name the injected cell sets that the notebook does not declare
    (``-p claimant nis`` for ``claimant_ids``) is an error, with the closest declared names.

    Returns:
        The dataset the ids were checked against (from the ``data_dir`` parameter), so the
        notebook loads it once.

    Raises:
        ParameterError: every problem found; IPython and papermill show only its message.
    """
    from claimscope.data.dataset import load_dataset

    declared = {n: _type_name(a) for n, a in namespace.get("__annotations__", {}).items()}
    unknown = [n for n in injected_names(namespace.get("In")) if n not in declared]
    if unknown:
        raise ParameterError([describe_unknown_parameter(n, list(declared)) for n in unknown])
    values = {name: namespace[name] for name in declared if name in namespace}
    coerced = coerce_parameters(values, declared)
    dataset = load_dataset(resolve_data_dir(coerced.get(DATA_DIR_PARAMETER)))
    check_ids(coerced, dataset)
    namespace.update(coerced)
    return dataset
