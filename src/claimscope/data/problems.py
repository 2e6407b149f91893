"""What is wrong with a dataset: located problems and the error that carries them all."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import dataclass

# Words spelled with a vowel but spoken with a consonant ("a unit"), and the reverse ("an hour").
_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "ure", "eu", "one", "once")
_VOWEL_SOUND = ("hour", "honest", "honour", "heir")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the dataset, located as precisely as the input allows."""

    file: str
    row: int | str
    column: str
    message: str

    def __post_init__(self) -> None:
        # Rows often come from numpy arrays: keep them plain ints so they sort and serialise.
        if isinstance(self.row, numbers.Integral) and not isinstance(self.row, int):
            object.__setattr__(self, "row", int(self.row))

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class DatasetError(Exception):
    """Raised with every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the dataset:\n{lines}")


def with_article(word: str) -> str:
    """Put "a" or "an" before ``word``, chosen by how it is spoken.

    >>> with_article("actor_id"), with_article("claim_id"), with_article("unit")
    ('an actor_id', 'a claim_id', 'a unit')
    """
    lower = word.lower()
    vowel = lower[:1] in tuple("aeiou") and not lower.startswith(_CONSONANT_SOUND)
    vowel = vowel or lower.startswith(_VOWEL_SOUND)
    return f"{'an' if vowel else 'a'} {word}"
