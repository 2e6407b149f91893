"""The curation vocabulary (units, counts, stances, speech, places): phrases.csv, per package.

The shipped ``phrases.csv`` beside this module is the default. A data package may hold its own
``phrases.csv`` (same columns: ``kind``, ``value``, ``pattern``, ``note``): each of its rows
replaces the default rows of the same ``kind`` and ``value`` (an empty ``pattern`` removes them),
and every other row extends the default, read before it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from claimscope.data.problems import DatasetError, Problem

_DEFAULT = Path(__file__).with_name("phrases.csv")
#: The name of a data package's own vocabulary file, beside its ``datapackage.json``.
PACKAGE_FILE = "phrases.csv"
COLUMNS = ("kind", "value", "pattern", "note")
#: Every kind of row, and what its ``value`` holds.
KINDS = {
    "unit": "the unit a noun counts in (a key of unit_sizes); the first is the counted noun's",
    "count_word": "the measure of a word that makes a number a count (toll, deaths, injured)",
    "not_a_count": "words after a number that make it no count (per cent, times, years old)",
    "period": "an ISO 8601 duration; the pattern is a rate after a figure (a month, per day)",
    "qualifier": "a claims.csv qualifier",
    "measure": "a measure of measures.csv",
    "stance": "a stance claim type",
    "negation": "flip (a stance word after it is its negation) or cancel (no stance: if)",
    "speech": "verbs after whose subject (or before whose object) the speaker stands",
    "official": "nouns for people speaking for a state (officials, lawmakers)",
    "demonym": "an ISO 3166 alpha-3 country code; the pattern is its adjective",
    "capital": "an ISO 3166 alpha-3 country code; the pattern is its capital",
    "name_order": "family_first: country codes whose people are named family name first",
    "abbreviation": "words written with a full stop that does not end a sentence",
    "hedge": "hedge or attribution: words that make a claim less than certain",
}
_MAX_PATTERN = 2000


@dataclass(frozen=True)
class Term:
    """One row of the vocabulary: a value and the regex of the phrases that express it."""

    kind: str
    value: str
    pattern: re.Pattern
    source: str = ""  # the pattern as written in the file


class Vocabulary:
    """The phrase rows suggest reads, by kind, compiled as whole-word patterns.

    Args:
        rows: ``(kind, value, pattern)`` rows, in the order they apply.
    """

    def __init__(self, rows: list[tuple[str, str, str]]):
        self._terms: dict[str, tuple[Term, ...]] = {}
        for kind in KINDS:
            self._terms[kind] = tuple(
                Term(k, v, _compile(p), p) for k, v, p in rows if k == kind and p
            )

    def terms(self, kind: str) -> tuple[Term, ...]:
        """Return the rows of ``kind`` in order."""
        return self._terms[kind]

    def values(self, kind: str) -> list[str]:
        """Return the values of the rows of ``kind`` in order."""
        return [t.value for t in self._terms[kind]]

    def find_all(self, kind: str, text: str) -> list[tuple[re.Match, str]]:
        """Return every match of the ``kind`` rows in ``text`` with its value, in text order."""
        found = [(m, t.value) for t in self._terms[kind] for m in t.pattern.finditer(text)]
        return sorted(found, key=lambda pair: (pair[0].start(), -pair[0].end()))


def _compile(pattern: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.I)


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def default_vocabulary() -> Vocabulary:
    """Return the shipped vocabulary.

    >>> default_vocabulary().values("stance")
    ['not_verified', 'denial', 'confirmation']
    """
    return Vocabulary([(r["kind"], r["value"], r["pattern"]) for r in _read(_DEFAULT)])


def load_vocabulary(data_dir: Path | str) -> Vocabulary:
    """Return the shipped vocabulary with the package's ``phrases.csv`` over it, if it has one.

    Raises:
        DatasetError: the package's file has a missing column, an unknown kind or a pattern
            that does not compile or may take exponential time; each problem names its row.
    """
    path = Path(data_dir) / PACKAGE_FILE
    if not path.is_file():
        return default_vocabulary()
    try:
        own = _read(path)
    except (UnicodeDecodeError, csv.Error) as error:
        raise DatasetError([Problem(PACKAGE_FILE, "-", "-", f"cannot read: {error}")]) from None
    problems = _check(own)
    if problems:
        raise DatasetError(problems)
    replaced = {(r["kind"], r["value"]) for r in own}
    rows = [(r["kind"], r["value"], r["pattern"]) for r in own]
    rows += [
        (r["kind"], r["value"], r["pattern"])
        for r in _read(_DEFAULT)
        if (r["kind"], r["value"]) not in replaced
    ]
    return Vocabulary(rows)


def _check(rows: list[dict[str, str]]) -> list[Problem]:
    """The problems of a package's vocabulary rows (the header is row 1)."""
    problems = []
    for number, row in enumerate(rows, start=2):
        missing = [c for c in COLUMNS[:3] if row.get(c) is None]
        if missing:
            problems.append(Problem(PACKAGE_FILE, number, missing[0], "missing value"))
            continue
        if row["kind"] not in KINDS:
            known = ", ".join(KINDS)
            message = f"unknown kind {row['kind']!r}; the kinds are {known}"
            problems.append(Problem(PACKAGE_FILE, number, "kind", message))
        pattern = row["pattern"]
        if len(pattern) > _MAX_PATTERN:
            message = f"pattern of {len(pattern)} characters; at most {_MAX_PATTERN}"
            problems.append(Problem(PACKAGE_FILE, number, "pattern", message))
        elif _repeats_a_repeat(pattern):
            message = "a repeated group that itself repeats (like (a+)+) may never finish"
            problems.append(Problem(PACKAGE_FILE, number, "pattern", message))
        else:
            try:
                _compile(pattern)
            except re.error as error:
                problems.append(Problem(PACKAGE_FILE, number, "pattern", f"not a pattern: {error}"))
    return problems


def _repeats_a_repeat(pattern: str) -> bool:
    """Whether a repeated group holds a repeat or a choice, like (a+)+ or (a|ab)*: a linear scan.

    >>> _repeats_a_repeat(r"(?:a+)+"), _repeats_a_repeat(r"(?:a|ab)*")
    (True, True)
    >>> _repeats_a_repeat(r"(?:military )?(?:builders|workers)s?")
    False
    """
    repeats = [False]  # per open group: whether a quantifier or a choice stands inside it
    escaped = in_class = False
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            repeats.append(False)
        elif char == ")" and len(repeats) > 1:
            inner = repeats.pop()
            if inner and pattern[i + 1 : i + 2] in ("+", "*", "{"):
                return True
            repeats[-1] = repeats[-1] or inner
        elif char in "+*{" or (char == "|" and len(repeats) > 1):
            repeats[-1] = True
    return False


def terms(kind: str) -> tuple[Term, ...]:
    """Return the shipped vocabulary's rows of ``kind``, each pattern compiled as whole words.

    >>> [t.value for t in terms("stance")]
    ['not_verified', 'denial', 'confirmation']
    """
    return default_vocabulary().terms(kind)


def find_all(kind: str, text: str) -> list[tuple[re.Match, str]]:
    """Return every match of the shipped ``kind`` rows in ``text`` with its value, in text order."""
    return default_vocabulary().find_all(kind, text)
