"""The curation vocabulary (units, qualifiers, measures, stances, hedges) from phrases.csv."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_VOCABULARY = Path(__file__).with_name("phrases.csv")


@dataclass(frozen=True)
class Term:
    """One row of the vocabulary: a value and the regex of the phrases that express it."""

    kind: str
    value: str
    pattern: re.Pattern


@cache
def terms(kind: str) -> tuple[Term, ...]:
    """Return the vocabulary rows of ``kind``, each pattern compiled as whole words.

    >>> [t.value for t in terms("stance")]
    ['not_verified', 'denial', 'confirmation']
    """
    with open(_VOCABULARY, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["kind"] == kind]
    return tuple(
        Term(kind, row["value"], re.compile(rf"(?<![\w-])(?:{row['pattern']})(?![\w-])", re.I))
        for row in rows
        if row["pattern"]
    )


def find_all(kind: str, text: str) -> list[tuple[re.Match, str]]:
    """Return every match of the ``kind`` terms in ``text`` with its value, in text order."""
    found = [(m, t.value) for t in terms(kind) for m in t.pattern.finditer(text)]
    return sorted(found, key=lambda pair: (pair[0].start(), -pair[0].end()))
