"""Find the actors a sentence names, by their names and aliases, allowing spelling variants."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from claimscope.data.dataset import split_list

# Spelling variants ("Zelensky", "Zelenskiy") and possessives still match at this score.
_FUZZY_CUTOFF = 85
_FUZZY_MIN_LENGTH = 6
_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)")
_STOP_NAMES = frozenset({"the", "state", "media", "forces", "troops"})


@dataclass(frozen=True)
class Mention:
    """An actor named in a text at ``start:end``."""

    start: int
    end: int
    actor_id: str


def name_variants(name: str, aliases: str = "") -> list[str]:
    """Return the ways a text may name an actor: name, its bracketed short form, aliases.

    >>> name_variants("National Intelligence Service (NIS)", "South Korea's spy agency")
    ['National Intelligence Service', 'NIS', "South Korea's spy agency"]
    """
    variants = [_PARENTHESIS.sub("", name).strip()]
    variants += [inner.strip() for inner in _PARENTHESIS.findall(name)]
    variants += split_list(aliases)
    return [v for v in dict.fromkeys(variants) if v and v.lower() not in _STOP_NAMES]


class ActorMatcher:
    """Match actor names and aliases in sentences.

    Args:
        actors: ``(actor_id, name, aliases)`` for each actor.
    """

    def __init__(self, actors: list[tuple[str, str, str]]):
        self._variants = [
            (actor_id, variant)
            for actor_id, name, aliases in actors
            for variant in name_variants(name, aliases)
        ]

    def mentions(self, text: str) -> list[Mention]:
        """Return the actors named in ``text``, longest match first where two overlap.

        >>> matcher = ActorMatcher([("zelenskyy", "Volodymyr Zelenskyy", "Zelensky"),
        ...                         ("ukraine", "Ukraine", "Kyiv")])
        >>> [(m.actor_id, m.start) for m in matcher.mentions("Kyiv said Zelenskiy would go")]
        [('ukraine', 0), ('zelenskyy', 10)]
        """
        found: list[Mention] = []
        for actor_id, variant in self._variants:
            found += [Mention(a, b, actor_id) for a, b in _exact(variant, text)]
            if len(variant) >= _FUZZY_MIN_LENGTH:
                hit = fuzz.partial_ratio_alignment(
                    variant.lower(), text.lower(), score_cutoff=_FUZZY_CUTOFF
                )
                start = hit.dest_start if hit else 0
                while hit and start < hit.dest_end and not text[start].isalnum():
                    start += 1  # the alignment may begin on the space before a word
                if hit and _at_word_start(text, start):
                    found.append(Mention(start, _word_end(text, hit.dest_end), actor_id))
        chosen: list[Mention] = []
        for mention in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
            if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
                chosen.append(mention)
        return sorted(chosen, key=lambda m: m.start)


def _exact(variant: str, text: str) -> list[tuple[int, int]]:
    # Short all-capital names ("NIS", "US") only match as written; others ignore case.
    flags = 0 if variant.isupper() and len(variant) <= 5 else re.I
    pattern = re.compile(rf"(?<![\w-]){re.escape(variant)}(?![\w-]|[A-Za-z])", flags)
    apostrophes = text.replace("’", "'")
    return [m.span() for m in pattern.finditer(apostrophes)]


def _at_word_start(text: str, index: int) -> bool:
    return index == 0 or not text[index - 1].isalnum()


def _word_end(text: str, index: int) -> int:
    while index < len(text) and text[index].isalnum():
        index += 1
    return index
