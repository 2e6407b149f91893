"""Find who makes a claim in a sentence: the speaker of its reporting verb, or the outlet.

In order: the speaker of the nearest reporting verb before the claim ("X said that ..."), the
actor after "according to", the speaker of the first reporting verb after the claim ("...,
the Pentagon said Monday", "..., said Zelensky"), a headline's "...: Pentagon", for a stance
its subject ("Russia has not confirmed"), the speaker of the sentence before for a sentence
that opens with a quotation, and else the document's outlet. A verb's speaker is the actor
named between it and the clause boundary before it (a person before a body), else right after
it, else what a pronoun or "the ministry" points back to; a verb with none shares the subject
of the verb before it ("Ryder said ..., but added ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from claimscope.curate.actors import Mention
from claimscope.data.phrases import Vocabulary

_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|nor\s+|&\s*)", re.I)
_BY = re.compile(r"\s+by\s+(?:the\s+)?", re.I)
_BOUNDARY = re.compile(r"[,;:()“”\"—–]|\s-\s")
_INVERSION = re.compile(r"[\s,]*(?:(?:the|a|an)\s+)?", re.I)
_PERSON_PRONOUN = re.compile(r"\b(?:he|she)\b", re.I)
_BODY_PRONOUN = re.compile(r"\bit\b", re.I)
_DEFINITE = re.compile(r"\b[Tt]he\s+(?:\w+\s+)?([a-z]+)\b")
# A reporting word after these is a noun ("Seoul's claims", "the reports") or a passive ("had
# been revised"): no speaker stands before it.
_NOUN_BEFORE = re.compile(
    r"(?:['’]s|\b(?:the|these|those|such|their|its|his|her|of|our|been|be|being|was|were|is|are))"
    r"\s+$",
    re.I,
)
_SHARED = re.compile(r"[\s,]*(?:(?:but|and)\s+)?(?:also\s+)?", re.I)
_BARE_OFFICIALS = re.compile(r"\b(?:officials|authorities)\b", re.I)
_HEADLINE = re.compile(r":\s*$")
_OPENS_QUOTE = re.compile(r"^\s*[\"“‘]")
_RECENT = 40  # actors remembered for pronouns and surnames
_TRIES = 3  # reporting verbs tried on each side of a claim, and verbs a subject is shared over


@dataclass
class Discourse:
    """What the document said before a sentence: the actors it named and who spoke last.

    Args:
        kinds: each actor's kind, by id.
        heads: each actor's head nouns (last words of its names, lower case), by id.
        outlet: the document's publisher as an actor id, or "".
    """

    kinds: dict[str, str]
    heads: dict[str, set[str]]
    outlet: str = ""
    recent: list[str] = field(default_factory=list)
    last_speakers: list[str] = field(default_factory=list)

    def note(self, mentions: Sequence[Mention], speakers: Sequence[str] = ()) -> None:
        """Remember the actors a sentence named and who spoke in it."""
        self.recent = (self.recent + [m.actor_id for m in mentions])[-_RECENT:]
        if speakers and speakers[0] != self.outlet:
            self.last_speakers = list(speakers)

    def person(self, mentions: Sequence[Mention] = ()) -> str:
        """The person named last, in the sentence so far or before it."""
        for actor_id in reversed(self.recent + [m.actor_id for m in mentions]):
            if self.kinds.get(actor_id) == "person":
                return actor_id
        return ""

    def body(self, noun: str = "") -> str:
        """The body last named whose name ends in ``noun`` (any noun: who spoke last)."""
        if not noun:
            bodies = [s for s in self.last_speakers if self.kinds.get(s) != "person"]
            return bodies[0] if bodies else ""
        for actor_id in reversed(self.recent):
            if noun in self.heads.get(actor_id, ()):
                return actor_id
        return ""


class Attributor:
    """Find the speakers of claims in sentences, with a vocabulary of reporting verbs."""

    def __init__(self, vocabulary: Vocabulary, kinds: dict[str, str]):
        self.vocabulary = vocabulary
        self.kinds = kinds

    def claimants(
        self,
        sentence: str,
        mentions: list[Mention],
        at: int,
        after: int,
        discourse: Discourse,
        stance: bool = False,
    ) -> list[str]:
        """Return who makes the claim at ``at:after`` of ``sentence``, as actor ids."""
        verbs = self._verbs(sentence)
        according = [(a, b) for a, b in verbs if sentence[a:b].lower().startswith("according")]
        verbs = [v for v in verbs if v not in according]
        before = [v for v in verbs if v[1] <= at]
        for verb in before[::-1][:_TRIES]:
            found = self._speaker(sentence, mentions, verbs, verb, 0, discourse)
            if found:
                return found
        for _, b in according:
            found = self._after(sentence, mentions, b)
            if found:
                return found
        by = _BY.match(sentence, after)
        if stance and by:
            found = self._after(sentence, mentions, by.end())
            if found:
                return found
        for verb in [v for v in verbs if v[0] >= after][:_TRIES]:
            found = self._speaker(sentence, mentions, verbs, verb, after, discourse)
            if found:
                return found
        headline = [
            m for m in mentions if m.start >= after and _HEADLINE.search(sentence, 0, m.start)
        ]
        if headline and not sentence[headline[-1].end :].strip(' ."”'):
            return [headline[-1].actor_id]
        if stance:  # the stance phrase as its own verb: "Russia has not confirmed"
            found = self._speaker(sentence, mentions, verbs, (at, after), 0, discourse, False)
            if found:
                return found
        if _OPENS_QUOTE.match(sentence) and discourse.last_speakers:
            return list(discourse.last_speakers)
        return [discourse.outlet] if discourse.outlet else []

    def speakers(self, sentence: str, mentions: list[Mention], discourse: Discourse) -> list[str]:
        """Who speaks in a sentence that makes no claim: the first reporting verb's speaker."""
        verbs = self._verbs(sentence)
        for verb in verbs[:_TRIES]:
            found = self._speaker(sentence, mentions, verbs, verb, 0, discourse)
            if found:
                return found
        return []

    def _verbs(self, sentence: str) -> list[tuple[int, int]]:
        return [
            (m.start(), m.end())
            for m, _ in self.vocabulary.find_all("speech", sentence)
            if not _NOUN_BEFORE.search(sentence, max(0, m.start() - 10), m.start())
        ]

    def _speaker(self, sentence, mentions, verbs, verb, floor, discourse, invert=True, hops=0):
        """The speaker of ``verb``: named before it in its clause, after it, or pointed back to."""
        start, end = verb
        left = max([floor] + [m.end() for m in _BOUNDARY.finditer(sentence, floor, start)])
        earlier = [v for v in verbs if v[1] <= start]
        if earlier:
            left = max(left, earlier[-1][1])
        found = self._subject(sentence, mentions, start, left)
        if found:
            return found
        window = sentence[left:start]
        if not window.strip() and sentence[left - 1 : left] == ",":
            found = self._appositive(sentence, mentions, left - 1, floor)
            if found:
                return found
        if _PERSON_PRONOUN.search(window):
            person = discourse.person([m for m in mentions if m.end <= start])
            return [person] if person else []
        definite = _DEFINITE.search(window)
        if definite:
            body = discourse.body(definite.group(1))
            if body:
                return [body]
        if _BODY_PRONOUN.search(window) or _BARE_OFFICIALS.search(window):
            body = discourse.body()
            if body:
                return [body]
        inverted = _INVERSION.match(sentence, end).end()
        if invert and any(m.start == inverted for m in mentions):
            return self._coordinated(sentence, [m for m in mentions if m.start >= inverted], True)
        if earlier and hops < _TRIES and _SHARED.fullmatch(window):  # "..., but added", ", saying"
            return self._speaker(
                sentence, mentions, verbs, earlier[-1], 0, discourse, hops=hops + 1
            )
        return []

    def _appositive(self, sentence, mentions, comma: int, floor: int) -> list[str]:
        """The person before an appositive: "Kyrylo Budanov, head of HUR, said"."""
        commas = [m.start() for m in re.finditer(",", sentence[floor:comma])]
        left = floor + commas[-2] + 1 if len(commas) > 1 else floor
        people = [
            m
            for m in mentions
            if left <= m.start and m.end <= comma and self.kinds.get(m.actor_id) == "person"
        ]
        return [people[0].actor_id] if people else []

    def _subject(self, sentence, mentions, at: int, floor: int = 0) -> list[str]:
        """The actor named last before ``at`` (a person before a body), with those joined to it."""
        left = max([floor] + [m.end() for m in _BOUNDARY.finditer(sentence, floor, at)])
        candidates = [m for m in mentions if left <= m.start and m.end <= at]
        if not candidates:
            return []
        people = [m for m in candidates if self.kinds.get(m.actor_id) == "person"]
        chosen = people[-1] if people else candidates[-1]
        group = [m for m in candidates if m.start <= chosen.start]
        return self._coordinated(sentence, group, False)

    def _after(self, sentence, mentions, at: int) -> list[str]:
        right = next((m.start() for m in _BOUNDARY.finditer(sentence, at)), len(sentence))
        return self._coordinated(sentence, [m for m in mentions if at <= m.start < right], True)

    def _coordinated(self, sentence, mentions: list[Mention], forward: bool) -> list[str]:
        """The first (forward) or last mention and those joined to it by "and", "or", commas."""
        if not mentions:
            return []
        ordered = mentions if forward else mentions[::-1]
        group = [ordered[0]]
        for mention in ordered[1:]:
            a, b = (group[-1], mention) if forward else (mention, group[-1])
            between = sentence[a.end : b.start]
            if not _JOIN.fullmatch(between) and not re.fullmatch(r"\s*", between):
                break
            group.append(mention)
        ids = [m.actor_id for m in (group if forward else group[::-1])]
        return list(dict.fromkeys(ids))


def head_nouns(name: str, aliases: Sequence[str]) -> set[str]:
    """The last words, in lower case, of an actor's name and aliases ("health ministry": ministry).

    >>> sorted(head_nouns("National Intelligence Service (NIS)", ["South Korea's spy agency"]))
    ['agency', 'nis', 'service']
    """
    words = set()
    for variant in [re.sub(r"\s*\([^)]*\)", "", name), *re.findall(r"\(([^)]*)\)", name), *aliases]:
        parts = variant.split()
        if parts:
            words.add(parts[-1].lower().strip(".,’'"))
    return words
