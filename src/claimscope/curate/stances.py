"""Find a sentence's stance (denial, confirmation, not verified) and who takes it."""

from __future__ import annotations

import re

from claimscope.curate.actors import Mention
from claimscope.data.phrases import find_all, terms

_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*)", re.I)
_BY = re.compile(r"\s+by\s+(?:the\s+)?", re.I)
_ACCORDING = re.compile(r"\baccording to\s+", re.I)


def find_stance(sentence: str) -> tuple[str, int, int] | None:
    """Return the first stance the sentence takes, as ``(claim_type, start, end)``, or None.

    A denial or confirmation word after a negation ("did not deny", "if confirmed") is none.

    >>> find_stance("Moscow denied the reports")[0]
    'denial'
    >>> find_stance("He could not confirm them")[0]
    'not_verified'
    >>> find_stance("If confirmed, it would matter") is None
    True
    """
    for match, claim_type in find_all("stance", sentence):
        if claim_type != "not_verified" and _negated(sentence, match.start()):
            continue
        return claim_type, match.start(), match.end()
    return None


def _negated(sentence: str, start: int) -> bool:
    before = sentence[max(0, start - 30) : start]
    words = before.split()[-3:]
    window = " ".join(words)
    return any(
        term.pattern.search(window) and term.pattern.search(window).end() >= len(window) - 12
        for term in terms("negation")
    )


def find_claimants(
    sentence: str, mentions: list[Mention], kinds: dict[str, str], at: int, after: int
) -> list[str]:
    """Return who makes the claim at ``at:after`` in the sentence, as actor ids.

    "according to X" and a passive "verified by X" name the claimant after them; otherwise it
    is the actor named before the reporting verb nearest before the claim (a person preferred
    to a body), or before the claim itself. Actors joined by "and", "or" or commas all count.
    """
    according = _ACCORDING.search(sentence)
    if according:
        return _coordinated(sentence, [m for m in mentions if m.start >= according.end()], True)
    by = _BY.match(sentence, after)
    if by:
        return _coordinated(sentence, [m for m in mentions if m.start >= by.end()], True)
    verbs = [m for m, _ in find_all("speech", sentence)]
    before_claim = [v for v in verbs if v.start() <= at]
    if before_claim:
        verb = before_claim[-1].start()
        floor = before_claim[-2].end() if len(before_claim) > 1 else 0
    else:
        verb, floor = at, 0
    candidates = [m for m in mentions if floor <= m.start and m.end <= verb]
    if not candidates:
        return []
    people = [m for m in candidates if kinds.get(m.actor_id) == "person"]
    chosen = people[-1] if people else candidates[-1]
    return _coordinated(sentence, [m for m in candidates if m.start <= chosen.start], False)


def _coordinated(sentence: str, mentions: list[Mention], forward: bool) -> list[str]:
    """The first (forward) or last mention and those joined to it by "and", "or" or commas."""
    if not mentions:
        return []
    ordered = mentions if forward else mentions[::-1]
    group = [ordered[0]]
    for mention in ordered[1:]:
        a, b = (group[-1], mention) if forward else (mention, group[-1])
        if not _JOIN.fullmatch(sentence[a.end : b.start]):
            break
        group.append(mention)
    ids = [m.actor_id for m in (group if forward else group[::-1])]
    return list(dict.fromkeys(ids))
