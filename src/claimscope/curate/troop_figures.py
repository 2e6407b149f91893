"""Find troop figures in a sentence: the number, its bounds, unit, measure and stated unit size."""

from __future__ import annotations

import re
from dataclasses import dataclass

from text_to_num import text2num

from claimscope.data.phrases import find_all, terms

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUMBERS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|thousand|million"
)
_SCALE = r"(?:\s+(?:hundred|thousand|million))?"
_NUMBER = re.compile(
    rf"(?<![\w.,-])(?:(?:{_DIGITS}){_SCALE}"
    rf"|(?:{_WORD_NUMBERS})(?:(?:\s+and\s+|[\s-]+)(?:{_WORD_NUMBERS}))*)(?![\w-])",
    re.I,
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_AFTER = re.compile(rf"\s*(?:{_MONTHS})\b", re.I)
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|\bto\b|\band\b)\s*$", re.I)
# Words that end a noun phrase: a unit noun is looked for only before the first of them.
_BREAK = frozenset(
    "of to in on at by for from with and or but that which who whom were was is are had has "
    "have been be would will could should may might the a an into than as said its their his "
    "her per each this these those".split()
)
# Clause boundaries; a comma inside "6,000" is not one.
_CLAUSE_END = re.compile(r"[,;:](?!\d)|[()]")
_WORD = re.compile(r"\s+([\w’'-]+)")
_MAX_GAP = 4  # adjectives between a number and its noun ("1,500 North Korean special forces")


@dataclass
class Figure:
    """A troop figure found in a text; offsets are into that text."""

    start: int
    end: int
    value_low: int
    value_high: int
    unit: str
    qualifier: str
    measure: str
    unit_size: tuple[int, int] | None = None

    @property
    def span(self) -> tuple[int, int]:
        """The ``(start, end)`` of the figure's words."""
        return self.start, self.end


def parse_number(text: str) -> int | None:
    """Return the value of a number written in digits or words, or None.

    >>> parse_number("11,000"), parse_number("two"), parse_number("1.5 million")
    (11000, 2, 1500000)
    """
    words = text.lower().replace(",", "").split()
    if words and re.fullmatch(r"\d+(?:\.\d+)?", words[0]):
        value = float(words[0])
        for scale in words[1:]:
            value *= {"hundred": 100, "thousand": 1000, "million": 1_000_000}[scale]
        return round(value)
    try:
        return text2num(" ".join(text.lower().replace("-", " ").split()), "en")
    except ValueError:
        return None


def _unit_after(text: str, pos: int) -> tuple[str, int] | None:
    """The unit whose noun follows ``pos`` within a few adjective-like words, and its end."""
    units = terms("unit")
    for _ in range(_MAX_GAP + 1):
        for term in units:
            match = term.pattern.match(text, pos + 1) if text[pos : pos + 1].isspace() else None
            if match:
                return term.value, match.end()
        word = _WORD.match(text, pos)
        if not word or word.group(1).lower() in _BREAK or any(c.isdigit() for c in word.group(1)):
            return None
        pos = word.end()
    return None


def _qualifier_before(text: str, start: int) -> tuple[str, int]:
    before = text[max(0, start - 40) : start]
    best = ("exact", start)
    for match, value in find_all("qualifier", before):
        if not before[match.end() :].strip() and match.start() + start - len(before) < best[1]:
            best = (value, start - len(before) + match.start())
    return best


def _is_date(text: str, match: re.Match) -> bool:
    if _DATE_AFTER.match(text, match.end()) or _DATE_BEFORE.search(text[: match.start()]):
        return True
    return bool(re.fullmatch(r"(?:19|20)\d\d", match.group()))


def _measure(text: str, start: int, end: int) -> str:
    """The measure whose words stand nearest the figure within its clause."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE_END.finditer(text, end)), len(text))
    best, distance = "present", len(text) + 1
    for match, value in find_all("measure", text[left:right]):
        a, b = match.start() + left, match.end() + left
        gap = start - b if b <= start else a - end if a >= end else 0
        if gap < distance:
            best, distance = value, gap
    return best


def find_figures(text: str) -> list[Figure]:
    """Return the troop figures of ``text`` in order, each with offsets into ``text``.

    A number counts when a unit noun follows it within a few words; a bare number right after
    a figure ("bringing the total to about 3,000") takes that figure's unit; "of N soldiers
    each" after a figure in units is its stated unit size, not a figure of its own.

    >>> [(f.value_low, f.value_high, f.unit, f.qualifier) for f in find_figures(
    ...     "Officials said about 11,000 North Korean soldiers and two brigades were there")]
    [(11000, 11000, 'troops', 'approximately'), (2, 2, 'brigades', 'exact')]
    """
    numbers = [m for m in _NUMBER.finditer(text) if not _is_date(text, m)]
    figures: list[Figure] = []
    last_unit: str | None = None
    skip = set()
    for i, match in enumerate(numbers):
        if i in skip:
            continue
        value = parse_number(match.group())
        if value is None:
            continue
        low = high = value
        end = match.end()
        qualifier, start = _qualifier_before(text, match.start())
        between = re.search(r"\bbetween\s+$", text[max(0, start - 10) : start], re.I)
        if i + 1 < len(numbers) and _RANGE_JOIN.fullmatch(text[end : numbers[i + 1].start()]):
            following = numbers[i + 1]
            joined = text[end : following.start()].strip().lower()
            other = parse_number(following.group())
            if other is not None and other > value and (joined != "and" or between):
                high, end = other, following.end()
                qualifier = "range"
                skip.add(i + 1)
                if between:
                    start -= len(between.group())
        unit = _unit_after(text, end)
        if unit is None:
            of_next = i + 1 < len(numbers) and re.fullmatch(
                r"\s+of\s+(?:\w+\s+){0,3}", text[end : numbers[i + 1].start()]
            )
            nested = find_figures(text[numbers[i + 1].start() :]) if of_next else []
            after = text[end : end + 12]
            if nested and nested[0].start == 0:
                unit_name = nested[0].unit  # "8,000 of about 10,000 soldiers"
            elif last_unit and (not after.strip() or re.match(r"\s*[,.;)]|\s+\w+", after)):
                word = _WORD.match(text, end)
                if word and word.group(1).lower() not in _BREAK | {"in", "out"}:
                    continue
                unit_name = last_unit
            else:
                continue
            unit_end = end
        else:
            unit_name, unit_end = unit
        each = re.match(r"\s+each\b", text[unit_end:])
        if each and figures and figures[-1].unit != "troops" and unit_name == "troops":
            figures[-1].unit_size = (low, high)  # "two brigades of 6,000 soldiers each"
            continue
        figures.append(
            Figure(start, unit_end, low, high, unit_name, qualifier, _measure(text, start, end))
        )
        last_unit = unit_name
    return figures
