"""Admiralty grades of claims: the minimum-grade filter, the weights, and counts per grid cell."""

from __future__ import annotations

import re

import pandas as pd

from claimscope.data.values import is_missing

_GRADE = re.compile(r"^\s*([A-Za-z])?\s*([0-9])?\s*$")


def parse_min_grade(
    min_grade: str, reliability: pd.DataFrame, credibility: pd.DataFrame
) -> tuple[str | None, int | None]:
    """Split a minimum grade ("B3", "B", "3" or "" for none) into its letter and digit.

    Args:
        min_grade: The parameter as given.
        reliability: The ``source_reliability`` table (its rows in order, best first).
        credibility: The ``info_credibility`` table (its rows in order, best first).

    Raises:
        ValueError: naming the parameter and value when it is not a grade of the scales.
    """
    found = _GRADE.match(str(min_grade or ""))
    letter, digit = (found.groups() if found else (None, None)) if min_grade else (None, None)
    letters = list(reliability["source_reliability"])
    digits = [int(d) for d in credibility["info_credibility"]]
    letter = letter.upper() if letter else None
    number = int(digit) if digit else None
    if (
        (min_grade and not found)
        or (letter and letter not in letters)
        or (number is not None and number not in digits)
    ):
        raise ValueError(
            f"min_grade: {min_grade!r} is not a grade such as 'B3', 'B' or '3' "
            f"(reliability {', '.join(letters)}; credibility {', '.join(map(str, digits))})"
        )
    return letter, number


def meets_min_grade(
    claims: pd.DataFrame, min_grade: str, reliability: pd.DataFrame, credibility: pd.DataFrame
) -> pd.Series:
    """Return which claims are graded at least ``min_grade`` on each scale it names.

    A scale's order is its table's row order, best first, so "cannot be judged" (F, 6), listed
    last, never meets a minimum. A claim without a grade on a scale the minimum names fails it.
    """
    letter, digit = parse_min_grade(min_grade, reliability, credibility)
    keep = pd.Series(True, index=claims.index)
    if letter:
        keep &= _at_least(claims["source_reliability"], reliability["source_reliability"], letter)
    if digit is not None:
        grades = claims["info_credibility"].map(lambda g: g if is_missing(g) else int(g))
        keep &= _at_least(grades, credibility["info_credibility"].astype(int), digit)
    return keep


def _at_least(grades: pd.Series, scale: pd.Series, limit: object) -> pd.Series:
    """Whether each grade stands at ``limit`` or above it in ``scale`` (best first)."""
    order = {g: i for i, g in enumerate(scale)}
    bound = order[limit]
    return grades.map(lambda g: not is_missing(g) and order.get(g, bound + 1) <= bound).astype(bool)


def weigh_claims(
    claims: pd.DataFrame, reliability: pd.DataFrame, credibility: pd.DataFrame
) -> pd.Series:
    """Return each claim's weight: its reliability weight times its credibility weight.

    A claim without a grade on a scale takes the weight of that scale's last grade ("cannot be
    judged"). The result is indexed like ``claims``.
    """
    by_letter = dict(zip(reliability["source_reliability"], reliability["weight"], strict=True))
    by_digit = {
        int(g): w
        for g, w in zip(credibility["info_credibility"], credibility["weight"], strict=True)
    }
    unknown_letter = float(reliability["weight"].iloc[-1])
    unknown_digit = float(credibility["weight"].iloc[-1])
    weights = [
        float(by_letter.get(r, unknown_letter) if not is_missing(r) else unknown_letter)
        * float(by_digit.get(int(c), unknown_digit) if not is_missing(c) else unknown_digit)
        for r, c in zip(claims["source_reliability"], claims["info_credibility"], strict=True)
    ]
    return pd.Series(weights, index=claims.index, dtype=float)


def count_grades(claims: pd.DataFrame) -> pd.DataFrame:
    """Count claims per claimant and Admiralty cell (reliability letter × credibility digit).

    Returns:
        Columns ``claimant_id``, ``source_reliability``, ``info_credibility``, ``claims``; a
        claim missing either part of its grade is not counted.
    """
    graded = claims.dropna(subset=["source_reliability", "info_credibility"])
    counts = (
        graded.groupby(["claimant_id", "source_reliability", "info_credibility"], sort=True)
        .size()
        .rename("claims")
        .reset_index()
    )
    counts["info_credibility"] = counts["info_credibility"].astype(int)
    return counts
