"""Find the stances a sentence takes (denial, confirmation, not verified), negation read.

A confirming word after a negation in its clause ("could not be independently verified",
"declined to confirm", "has “no information” to corroborate", "Neither X nor Y has confirmed")
is a "not verified"; a denial after one ("did not deny") is no stance; a stance word after a
condition ("if confirmed") is none.
"""

from __future__ import annotations

import re

from claimscope.data.phrases import Vocabulary, default_vocabulary

_SCOPE_WORDS = 4  # a negation reaches a stance word at most this many words after it
_SCOPE_CHARS = 60
# Where a negation stops reaching: punctuation, or a new clause ("that", "but", "which").
_SCOPE_END = re.compile(r"[,;:.!?()]|\b(?:that|but|which|who|while|although|and)\b", re.I)
_NEITHER = re.compile(r"\bneither\b", re.I)


def find_stances(sentence: str, vocabulary: Vocabulary | None = None) -> list[tuple[str, int, int]]:
    """Return every stance the sentence takes, as ``(claim_type, start, end)``, in text order.

    >>> [s[0] for s in find_stances("Moscow denied the reports; Kyiv could not confirm them")]
    ['denial', 'not_verified']
    >>> [s[0] for s in find_stances("The images could not be independently verified")]
    ['not_verified']
    >>> find_stances("If confirmed, it would matter; Putin did not deny it")
    []
    """
    vocabulary = vocabulary or default_vocabulary()
    stances = []
    taken = -1
    for match, claim_type in vocabulary.find_all("stance", sentence):
        if match.start() < taken:
            continue  # inside a longer phrase already read
        taken = match.end()
        effect = _negation(sentence, match.start(), vocabulary)
        if effect == "cancel":
            continue
        if effect == "flip":
            if claim_type != "confirmation":
                continue  # "did not deny", "not unconfirmed": no stance
            claim_type = "not_verified"
        stances.append((claim_type, match.start(), match.end()))
    return stances


def find_stance(sentence: str, vocabulary: Vocabulary | None = None) -> tuple[str, int, int] | None:
    """Return the first stance the sentence takes, as ``(claim_type, start, end)``, or None.

    >>> find_stance("He declined to confirm the figure")[0]
    'not_verified'
    """
    stances = find_stances(sentence, vocabulary)
    return stances[0] if stances else None


def _negation(sentence: str, start: int, vocabulary: Vocabulary) -> str:
    """'flip', 'cancel' or '' for the stance word at ``start``, from the words before it."""
    window = sentence[max(0, start - _SCOPE_CHARS) : start]
    ends = list(_SCOPE_END.finditer(window))
    if ends:
        window = window[ends[-1].end() :]
    window = " ".join(window.split()[-_SCOPE_WORDS:])
    effects = {value for _, value in vocabulary.find_all("negation", window)}
    if "cancel" in effects:
        return "cancel"
    if "flip" in effects or _NEITHER.search(sentence, 0, start):
        return "flip"
    return ""
