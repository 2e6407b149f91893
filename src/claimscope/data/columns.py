"""Type one CSV column by its field spec and check the spec's constraints cell by cell."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from claimscope.data.problems import Problem

if TYPE_CHECKING:
    import pandas as pd

LIST_SEPARATOR = ";"
# ASCII digits only: "٣" is a digit to Python's \d and int(), never to a spreadsheet or reader.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def split_list(value: object) -> list[str]:
    """Split a ``;``-separated cell into its items; an empty cell (``""``, NA, None) has none.

    >>> split_list("c001;c002")
    ['c001', 'c002']
    >>> split_list(""), split_list(None)
    ([], [])
    """
    if not isinstance(value, str):
        return []  # a missing cell: pandas' NA, NaN or None
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def type_column(
    values: Sequence[str], index: pd.Index, spec: dict, file: str, problems: list[Problem]
) -> pd.Series:
    """Check one column against its field spec and return it typed.

    The checks run over plain lists and numpy masks: pandas' string methods call Python once
    per cell with much overhead, which is most of the load time of 100,000 claims.
    """
    # pandas and numpy load on first use: `claimscope build` imports the loader for its
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
        floats = [float(v) if g else math.nan for v, g in zip(stripped, ok, strict=True)]
        report(present & ~ok, lambda v: f"{v!r} is not a number")
        finite = np.isfinite(np.array(floats, dtype="float64"))
        report(present & ok & ~finite, lambda v: f"{v!r} is too large to compute with")
        good = present & ok & finite
        typed = pd.Series(np.where(good, floats, math.nan), index=index, dtype="float64")
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
    lengths = np.fromiter(map(len, stripped), dtype=np.int64, count=count)
    if "minLength" in constraints:
        limit = constraints["minLength"]
        report(good & (lengths < limit), f"is shorter than the minLength {limit}")
    if "maxLength" in constraints:
        limit = constraints["maxLength"]
        report(good & (lengths > limit), f"is longer than the maxLength {limit}")
    for bound, compare, word in (
        ("minimum", np.less, "value is below"),
        ("maximum", np.greater, "value is above"),
    ):
        if bound in constraints and kind in ("integer", "number"):
            limit = constraints[bound]
            as_float = typed.to_numpy(dtype="float64", na_value=math.nan)
            with np.errstate(invalid="ignore"):
                outside = good & compare(as_float, limit)
            report(outside, f"{word} the {bound} {limit}")
    if constraints.get("unique") and kind != "date":
        dup = good & pd.Series(stripped, dtype=object).duplicated(keep="first").to_numpy()
        report(dup, lambda v: f"{v!r} is a duplicate: the value must be unique")
    return typed
