"""Generated statements that carry, as data, the ids of the claims they rest on."""

from __future__ import annotations

from collections.abc import Iterable


class Statement(str):
    """A sentence or paragraph of ours, with the ids of the claims it rests on.

    It is a ``str``, so it joins, escapes and prints as text; ``claim_ids`` travel with it to
    the page (shown after it) and to the faithfulness test, which checks every number, date
    and name it states against those claims.

    >>> s = Statement("NIS put the troops present at 1,500.", ["c014", "c014", "c059"])
    >>> s, s.claim_ids
    ('NIS put the troops present at 1,500.', ('c014', 'c059'))
    """

    claim_ids: tuple[str, ...]

    def __new__(cls, text: str, claim_ids: Iterable[str] = ()) -> Statement:
        """Make the statement ``text`` resting on ``claim_ids`` (kept once each, in order)."""
        made = super().__new__(cls, text)
        made.claim_ids = tuple(dict.fromkeys(str(c) for c in claim_ids if c))
        return made


def claim_ids_of(text: str) -> tuple[str, ...]:
    """The claim ids a piece of text rests on: a Statement's, none for plain text."""
    return getattr(text, "claim_ids", ())
