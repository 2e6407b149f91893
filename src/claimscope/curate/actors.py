"""Find the actors a sentence names: names, aliases, surnames, capitals and "<demonym> officials".

Names and aliases match with spelling variants (fuzzy); a person's surname alone ("Ryder",
and "Lee" for Korean and Chinese names, written family name first) matches when written with
its capital, and where several people share it, the one the document named last; a capital
("Seoul", "Washington") and a demonym before an official noun ("South Korean lawmakers",
"Ukrainian and U.S. officials") name the state actor of that country. An alias that names a
state ("South Korea's spy agency") also matches with its capital ("Seoul's spy agency").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from claimscope.data.dataset import split_list
from claimscope.data.phrases import Vocabulary, default_vocabulary

# Spelling variants ("Zelensky", "Zelenskiy") and possessives still match at this score.
_FUZZY_CUTOFF = 85
_FUZZY_MIN_LENGTH = 6
_PARENTHESIS = re.compile(r"\s*\(([^)]*)\)")
_STOP_NAMES = frozenset({"the", "state", "media", "forces", "troops"})
_SURNAME_MIN_LENGTH = 3
_CAPITALISED = re.compile(r"(?<![\w-])[A-Z][a-z]{3,}(?![\w-])")
_JOINED_DEMONYMS = r"(?:\s*,\s*|\s+and\s+|\s+or\s+)"
_BETWEEN = r"(?:\s+[\w.’'-]+){0,2}?\s+"  # "top", "senior", "military" before the official noun


@dataclass(frozen=True)
class Actor:
    """An actor as the matcher needs it: id, name, aliases, kind and country."""

    actor_id: str
    name: str
    aliases: str = ""
    kind: str = ""
    country: str = ""


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


def surname(actor: Actor, family_first: re.Pattern | None = None) -> str:
    """Return the one word a text may call a person by: the family name, or "".

    >>> surname(Actor("r", "Patrick Ryder", kind="person"))
    'Ryder'
    >>> surname(Actor("l", "Lee Seong-kweun", kind="person", country="KOR"), re.compile("KOR"))
    'Lee'
    """
    words = _PARENTHESIS.sub("", actor.name).split()
    if actor.kind != "person" or len(words) < 2:
        return ""
    first = family_first is not None and family_first.fullmatch(actor.country or "")
    word = words[0] if first else words[-1]
    word = word.strip(",.")
    return word if len(word) >= _SURNAME_MIN_LENGTH and word[:1].isupper() else ""


class ActorMatcher:
    """Match actors in sentences by names, aliases, surnames, capitals and demonyms.

    Args:
        actors: the dataset's actors (tuples of ``actor_id, name, aliases`` are read as
            actors of no kind or country).
        vocabulary: the capitals, demonyms, official nouns and name order to use.
    """

    def __init__(self, actors: list, vocabulary: Vocabulary | None = None):
        vocabulary = vocabulary or default_vocabulary()
        actors = [a if isinstance(a, Actor) else Actor(*a) for a in actors]
        self._states = {}
        for actor in actors:
            if actor.kind == "state" and actor.country:
                self._states.setdefault(actor.country, actor.actor_id)
        self._variants = [
            (actor.actor_id, variant)
            for actor in actors
            for variant in name_variants(actor.name, actor.aliases)
        ]
        self._variants += self._capital_variants(actors, vocabulary)
        order = vocabulary.terms("name_order")
        family_first = order[0].pattern if order else None
        self._surnames: dict[str, list[str]] = {}
        for actor in actors:
            word = surname(actor, family_first)
            if word:
                self._surnames.setdefault(word, []).append(actor.actor_id)
        self._capitals = [
            (self._states[t.value], t.pattern)
            for t in vocabulary.terms("capital")
            if t.value in self._states
        ]
        self._demonyms = [
            (self._states[t.value], t.pattern)
            for t in vocabulary.terms("demonym")
            if t.value in self._states
        ]
        officials = "|".join(f"(?:{t.source})" for t in vocabulary.terms("official"))
        demonyms = "|".join(
            f"(?:{t.source})" for t in vocabulary.terms("demonym") if t.value in self._states
        )
        self._official_phrase = (
            re.compile(
                rf"(?<![\w-])(?:{demonyms})(?:{_JOINED_DEMONYMS}(?:{demonyms}))*"
                rf"{_BETWEEN}(?:{officials})(?![\w-])",
                re.I,
            )
            if officials and demonyms
            else None
        )

    def _capital_variants(self, actors: list[Actor], vocabulary: Vocabulary) -> list:
        """Aliases naming a state, with its capital instead ("Seoul's spy agency")."""
        names = {a.country: a.name for a in actors if a.kind == "state" and a.country}
        capitals = {}
        for term in vocabulary.terms("capital"):
            capitals.setdefault(term.value, term.source.split("|")[0])
        extra = []
        for actor_id, variant in self._variants:
            for country, state in names.items():
                if country in capitals and re.search(rf"\b{re.escape(state)}\b", variant):
                    if variant != state:
                        extra.append((actor_id, variant.replace(state, capitals[country])))
        return extra

    def mentions(self, text: str, recent: list[str] | tuple[str, ...] = ()) -> list[Mention]:
        """Return the actors named in ``text``, longest match first where two overlap.

        ``recent`` lists the actors the document named before, latest last: a surname shared
        by several people is the one named last.

        >>> matcher = ActorMatcher([("zelenskyy", "Volodymyr Zelenskyy", "Zelensky"),
        ...                         ("ukraine", "Ukraine", "Kyiv")])
        >>> [(m.actor_id, m.start) for m in matcher.mentions("Kyiv said Zelenskiy would go")]
        [('ukraine', 0), ('zelenskyy', 10)]
        """
        found: list[Mention] = []
        for actor_id, variant in self._variants:
            found += [Mention(a, b, actor_id) for a, b in _exact(variant, text)]
            if len(variant) >= _FUZZY_MIN_LENGTH:
                found += _fuzzy(variant, text, actor_id)
        found += self._surname_mentions(text, recent)
        found += self._place_mentions(text)
        chosen: list[Mention] = []
        for mention in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
            if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
                chosen.append(mention)
        return sorted(chosen, key=lambda m: m.start)

    def _surname_mentions(self, text: str, recent) -> list[Mention]:
        found = []
        for word, ids in self._surnames.items():
            if len(ids) > 1:
                named = [i for i in reversed(recent) if i in ids]
                if not named:
                    continue
                ids = named
            pattern = rf"(?<![\w-]){re.escape(word)}(?![\w-])"
            found += [Mention(*m.span(), ids[0]) for m in re.finditer(pattern, text)]
            if len(word) >= _FUZZY_MIN_LENGTH:  # "Zelensky" for Zelenskyy
                found += [
                    Mention(*m.span(), ids[0])
                    for m in _CAPITALISED.finditer(text)
                    if m.group() != word and fuzz.ratio(m.group(), word) >= _FUZZY_CUTOFF
                ]
        return found

    def _place_mentions(self, text: str) -> list[Mention]:
        found = []
        for actor_id, pattern in self._capitals:
            for match in pattern.finditer(text):
                if not match.group().isupper():  # "SEOUL --" is a dateline, not a speaker
                    found.append(Mention(*match.span(), actor_id))
        if self._official_phrase is None:
            return found
        for phrase in self._official_phrase.finditer(text):
            for actor_id, pattern in self._demonyms:
                found += [
                    Mention(m.start() + phrase.start(), m.end() + phrase.start(), actor_id)
                    for m in pattern.finditer(phrase.group())
                ]
        return found


def _fuzzy(variant: str, text: str, actor_id: str) -> list[Mention]:
    hit = fuzz.partial_ratio_alignment(variant.lower(), text.lower(), score_cutoff=_FUZZY_CUTOFF)
    if not hit:
        return []
    start = hit.dest_start
    while start < hit.dest_end and not text[start].isalnum():
        start += 1  # the alignment may begin on the space before a word
    if not _at_word_start(text, start):
        return []
    end = hit.dest_end
    if text.count(" ", start, end) > variant.count(" "):
        end = text.rfind(" ", start, end)  # "lawmakers" aligned on "lawmaker s(aid)"
    return [Mention(start, _word_end(text, end), actor_id)]


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
