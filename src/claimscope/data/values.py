"""Tell a missing value from a present one, and read any cell as text."""

from __future__ import annotations

import pandas as pd


def is_missing(value: object) -> bool:
    """Return True for every spelling of "no value": None, NA, NaN, NaT and the empty string.

    Lists, tuples and dicts are values, never missing.

    >>> [is_missing(v) for v in (None, pd.NA, float("nan"), pd.NaT, "", "x", 0, ())]
    [True, True, True, True, True, False, False, False]
    """
    if isinstance(value, str):
        return value == ""
    if value is None or isinstance(value, (list, tuple, dict)):
        return value is None
    return bool(pd.isna(value))


def text_of(value: object) -> str:
    """Return ``value`` as text, empty when it is missing.

    >>> text_of(pd.NA), text_of("x")
    ('', 'x')
    """
    return "" if is_missing(value) else str(value)
