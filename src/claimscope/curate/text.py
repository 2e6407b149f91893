"""Split a source text into sentences with offsets, and find the date a sentence gives."""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateparser

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)(?![\w-])"
)
# A date after these words is a deadline or the start of a span, not when something was said.
_NOT_WHEN = re.compile(r"\b(?:by|until|till|before|between|from|since|and|to)\s+$", re.I)
_SAME_DAY = re.compile(r"^\s*(?:on\s+)?(?:the\s+same\s+day|that\s+day|the\s+same\s+date)\b", re.I)
# A sentence ends at . ! or ? (and a closing quote or bracket) before a capital or an opening.
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.){1,}[A-Z]?|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|St|No|vs|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Gov|Sen|Rep|Prof))\.$"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    r"""Return the ``(start, end)`` of each sentence of ``text``, blank lines ending paragraphs.

    >>> text = "The U.S. said so. Russia denied it.\n\nNew paragraph"
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['The U.S. said so.', 'Russia denied it.', 'New paragraph']
    """
    spans = []
    for paragraph in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start = paragraph.start()
        for end in _SENTENCE_END.finditer(paragraph.group()):
            stop = paragraph.start() + end.start() + 1
            if _ABBREVIATION.search(text[start:stop]):
                continue
            spans.append((start, paragraph.start() + end.end()))
            start = paragraph.start() + end.end()
        spans.append((start, paragraph.end()))
    return [_strip(text, a, b) for a, b in spans if text[a:b].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def starts_same_day(sentence: str) -> bool:
    """Whether the sentence dates itself by the one before ("The same day ...")."""
    return bool(_SAME_DAY.match(sentence))


def find_date(sentence: str, published_on: dt.date) -> dt.date | None:
    """Return the first date ``sentence`` gives for when it was said, or None.

    A date without a year takes the publication's year (the year before when that would put
    it after publication); dates after publication and deadlines ("by 1 November") are skipped.

    >>> find_date("On 17 Oct 2024 he said they would be ready by 1 Nov", dt.date(2024, 10, 21))
    datetime.date(2024, 10, 17)
    >>> find_date("according to state media on Wednesday (Oct 23)", dt.date(2024, 10, 23))
    datetime.date(2024, 10, 23)
    """
    for match in _DATE.finditer(sentence):
        if _NOT_WHEN.search(sentence[: match.start()]):
            continue
        default = dt.datetime(published_on.year, 1, 1)
        try:
            found = dateparser.parse(match.group(), default=default).date()
        except (ValueError, OverflowError):
            continue
        if not re.search(r"\d{4}", match.group()) and found > published_on:
            found = found.replace(year=found.year - 1)
        if found <= published_on:
            return found
    return None
