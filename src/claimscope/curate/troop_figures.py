"""Find the figures of a sentence: number, bounds, unit, measure, period and stated unit size.

A number is a figure when a unit noun or a count word follows it within a few words ("1,500
special forces", "300 deaths", "1,000 injured", a quotation mark between), when a count word
governs it in its clause ("the toll ... down to 253", "casualties have surpassed 3,000"), or
when it follows a figure of the same sentence ("100 killed and 1,000 injured", "8,000 out of
10,000"). Percentages, rates, years, dates, times and money are not figures. Each number is
looked at once, with bounded look-around, so a sentence takes time linear in its length.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from text_to_num import text2num

from claimscope.data.phrases import Vocabulary, default_vocabulary

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUMBERS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|thousand|million"
)
_SCALE = r"(?:[\s-]+(?:hundred|thousand|million))?"
_NUMBER = re.compile(
    rf"(?<![\w.,:/$€£-])(?:(?:{_DIGITS}){_SCALE}"
    rf"|(?:{_WORD_NUMBERS})(?:(?:\s+and\s+|[\s-]+)(?:{_WORD_NUMBERS}))*)(?![\w-]|:\d)",
    re.I,
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_AFTER = re.compile(rf"\s*(?:{_MONTHS})\b", re.I)
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|\bto\b|\band\b)\s*", re.I)
_OF_NEXT = re.compile(r"\s+(?:out\s+)?of\s+(?:(?:a|an|the)\s+)?(?:\w+\s+){0,2}", re.I)
# Words that end a noun phrase: a unit noun is looked for only before the first of them.
_BREAK = frozenset(
    "of to in on at by for from with and or but that which who whom were was is are had has "
    "have been be would will could should may might the a an into than as said its their his "
    "her per each this these those out after before since while".split()
)
# Words that may follow a count standing alone ("10,000 right now", "2,700 others").
_AFTER_COUNT = frozenset("right now already alone altogether more others so all".split())
# Clause boundaries; a comma inside "6,000" is not one.
_CLAUSE_END = re.compile(r"[,;:](?!\d)|[()–—]|\s-\s")
_GAP = re.compile(r"[\s\"“”‘’']*")
_WORD = re.compile(r"[\s\"“”‘’']+([\w’'-]+)")
_PERCENT = re.compile(r"\s?%")
_SPAN = re.compile(
    r"\b(?:in|over|during|within|for)\s+(?:just\s+|only\s+)?(?:the\s+)?"
    r"(?:past\s+|last\s+|previous\s+|first\s+)?(?:(\d{1,3}|a|an|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twelve)\s+)?(day|week|month|year)s?\b",
    re.I,
)
_MAX_GAP = 4  # adjectives between a number and its noun ("1,500 North Korean special forces")
_LOOK = 60  # characters looked at after a figure for its period


@dataclass
class Figure:
    """A figure found in a text; offsets are into that text."""

    start: int
    end: int
    value_low: int
    value_high: int
    unit: str
    qualifier: str
    measure: str
    unit_size: tuple[int, int] | None = None
    period: str = ""

    @property
    def span(self) -> tuple[int, int]:
        """The ``(start, end)`` of the figure's words."""
        return self.start, self.end


def parse_number(text: str) -> int | None:
    """Return the value of a number written in digits or words, or None.

    >>> parse_number("11,000"), parse_number("two"), parse_number("1.5 million")
    (11000, 2, 1500000)
    """
    words = text.lower().replace(",", "").replace("-", " ").split()
    if words and re.fullmatch(r"\d+(?:\.\d+)?", words[0]):
        value = float(words[0])
        for scale in words[1:]:
            value *= {"hundred": 100, "thousand": 1000, "million": 1_000_000}[scale]
        return round(value)
    try:
        return text2num(" ".join(words), "en")
    except ValueError:
        return None


class _Sentence:
    """One text's look-up tables, built once: clause ends and where count and measure words are."""

    def __init__(self, text: str, vocabulary: Vocabulary):
        self.text = text
        self.vocabulary = vocabulary
        self.clause_ends = [m.start() for m in _CLAUSE_END.finditer(text)]
        self.governors = [
            (m.start(), m.end(), value) for m, value in vocabulary.find_all("count_word", text)
        ]
        self.measures = [
            (m.start(), m.end(), value) for m, value in vocabulary.find_all("measure", text)
        ]
        self.units = [(t.value, t.pattern) for t in vocabulary.terms("unit")]
        self.counts = [(t.value, t.pattern) for t in vocabulary.terms("count_word")]
        self.not_counts = [t.pattern for t in vocabulary.terms("not_a_count")]

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """The clause around ``start:end``: between the clause ends either side."""
        i = bisect.bisect_left(self.clause_ends, start)
        left = self.clause_ends[i - 1] + 1 if i else 0
        j = bisect.bisect_left(self.clause_ends, end)
        right = self.clause_ends[j] if j < len(self.clause_ends) else len(self.text)
        return left, right

    def unit_after(self, pos: int) -> tuple[str, int, str] | None:
        """The unit (or count word) after ``pos`` within a few words: unit, end, its measure."""
        text = self.text
        for _ in range(_MAX_GAP + 1):
            at = _GAP.match(text, pos).end()
            if at == pos:
                return None
            for unit, pattern in self.units:
                match = pattern.match(text, at)
                if match:
                    return unit, match.end(), ""
            for measure, pattern in self.counts:
                match = pattern.match(text, at)
                if match:
                    return self.units[0][0], match.end(), measure
            word = _WORD.match(text, pos)
            if not word or word.group(1).lower() in _BREAK or any(c.isdigit() for c in word[1]):
                return None
            pos = word.end()
        return None

    def is_no_count(self, end: int) -> bool:
        """Whether the words right after a number make it no count (per cent, years, tanks)."""
        if _PERCENT.match(self.text, end):
            return True
        at = _GAP.match(self.text, end).end()
        return at > end and any(p.match(self.text, at) for p in self.not_counts)

    def governor(self, start: int, end: int) -> str | None:
        """The measure of the count word of the number's clause nearest it ('any': none)."""
        left, right = self.clause(start, end)
        inside = [g for g in self.governors if left <= g[0] and g[1] <= right]
        if not inside:
            return None
        before = [g for g in inside if g[1] <= start]
        chosen = max(before, key=lambda g: (g[1], -g[0])) if before else inside[0]
        return chosen[2]

    def measure(self, start: int, end: int) -> str:
        """The measure whose words stand nearest the figure within its clause."""
        left, right = self.clause(start, end)
        best, distance = "present", len(self.text) + 1
        for a, b, value in self.measures:
            if a < left or b > right:
                continue
            gap = start - b if b <= start else a - end if a >= end else 0
            if gap < distance:
                best, distance = value, gap
        return best

    def period(self, end: int) -> str:
        """The period a rate or span right after a figure gives ("a month" → ``P1M``)."""
        right = self.clause(end, end)[1]
        at = _GAP.match(self.text, end).end()
        for term in self.vocabulary.terms("period"):
            if term.pattern.match(self.text, at):
                return term.value
        span = _SPAN.search(self.text, end, min(right, end + _LOOK))
        if not span:
            return ""
        count = parse_number(span.group(1)) if span.group(1) else 1
        if span.group(1) and span.group(1).lower() in ("a", "an"):
            count = 1
        return f"P{count}{span.group(2)[0].upper()}" if count else ""


def _qualifier_before(text: str, start: int, vocabulary: Vocabulary) -> tuple[str, int]:
    before = text[max(0, start - 40) : start]
    best = ("exact", start)
    for match, value in vocabulary.find_all("qualifier", before):
        if not before[match.end() :].strip() and match.start() + start - len(before) < best[1]:
            best = (value, start - len(before) + match.start())
    return best


def _is_date(text: str, match: re.Match) -> bool:
    if _DATE_AFTER.match(text, match.end()):
        return True
    if _DATE_BEFORE.search(text, max(0, match.start() - 12), match.start()):
        return True
    return bool(re.fullmatch(r"(?:19|20)\d\d", match.group()))


def _shorthand(low: int, high: int, low_text: str) -> int:
    """The low end of "11 to 12,000" (11,000): scaled when written short of the high end's."""
    for scale in (1000, 1_000_000):
        if low < 100 and "," not in low_text and low * scale < high < low * scale * 10:
            return low * scale
    return low


def find_figures(text: str, vocabulary: Vocabulary | None = None) -> list[Figure]:
    """Return the figures of ``text`` in order, each with offsets into ``text``.

    >>> [(f.value_low, f.value_high, f.unit, f.qualifier) for f in find_figures(
    ...     "Officials said about 11,000 North Korean soldiers and two brigades were there")]
    [(11000, 11000, 'troops', 'approximately'), (2, 2, 'brigades', 'exact')]
    >>> [(f.value_low, f.measure) for f in find_figures(
    ...     "at least 100 were killed and 1,000 injured, while the toll fell to 90")]
    [(100, 'killed'), (1000, 'wounded'), (90, 'killed')]
    """
    vocabulary = vocabulary or default_vocabulary()
    sentence = _Sentence(text, vocabulary)
    counted = sentence.units[0][0] if sentence.units else "troops"
    numbers = [
        m for m in _NUMBER.finditer(text) if not _is_date(text, m) and not _money(text, m.start())
    ]
    figures: list[Figure] = []
    i = 0
    while i < len(numbers):
        match, following = numbers[i], i + 1
        value = parse_number(match.group())
        if value is None or sentence.is_no_count(match.end()):
            i = following
            continue
        low = high = value
        end = match.end()
        qualifier, start = _qualifier_before(text, match.start(), vocabulary)
        between = re.search(r"\bbetween\s+$", text[max(0, start - 10) : start], re.I)
        if following < len(numbers):
            nxt = numbers[following]
            join = _RANGE_JOIN.fullmatch(text, end, nxt.start())
            other = parse_number(nxt.group()) if join else None
            if other is not None and (join.group().strip().lower() != "and" or between):
                scaled = _shorthand(value, other, match.group())
                if other > scaled:
                    low, high, end, qualifier = scaled, other, nxt.end(), "range"
                    following += 1
                    if between:
                        start -= len(between.group())
        if sentence.is_no_count(end):
            i = following
            continue
        unit = sentence.unit_after(end)
        if unit is None and following < len(numbers):
            of = _OF_NEXT.fullmatch(text, end, numbers[following].start())
            if of:  # "8,000 of about 10,000 soldiers": the unit of the number after
                shared = sentence.unit_after(numbers[following].end())
                unit = (shared[0], end, shared[2]) if shared else None
        if unit is None and match.group()[0].isdigit() and _ends_phrase(text, end):
            governed = sentence.governor(start, end)
            if governed is not None:
                unit = (figures[-1].unit if figures else counted, end, governed)
            elif figures:
                unit = (figures[-1].unit, end, "")
        if unit is None:
            i = following
            continue
        unit_name, unit_end, count_measure = unit
        each = re.match(r"\s+each\b", text[unit_end : unit_end + 6])
        if each and figures and figures[-1].unit != counted and unit_name == counted:
            figures[-1].unit_size = (low, high)  # "two brigades of 6,000 soldiers each"
            i = following
            continue
        measure = sentence.measure(start, end)
        if count_measure and count_measure != "any":
            measure = count_measure
        figures.append(Figure(start, unit_end, low, high, unit_name, qualifier, measure))
        figures[-1].period = sentence.period(unit_end)
        i = following
    return figures


def _ends_phrase(text: str, end: int) -> bool:
    """Whether a number ends its noun phrase: punctuation, a function word or a verb follows."""
    word = _WORD.match(text, end)
    if not word:
        return True
    following = word.group(1).lower()
    return following in _BREAK or following in _AFTER_COUNT or following.endswith("ed")


def _money(text: str, start: int) -> bool:
    return text[max(0, start - 4) : start].rstrip().endswith(("$", "€", "£", "US$"))
