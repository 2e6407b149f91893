"""Find the date a sentence gives for when it was said: a calendar date or a relative one.

Relative dates ("on Monday", "last week", "yesterday", "two days ago") are resolved against
the document's publication date with ``dateparser``; a weekday is the latest such day on or
before publication, as wire stories use it ("the Pentagon said Monday" in Monday's story).
Each parse reads one short matched phrase, so the cost per sentence is bounded.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as dateutil_parser

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)(?![\w-])"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_COUNT = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)"
_RELATIVE = re.compile(
    rf"\b(?:(?P<weekday>{_WEEKDAY})(?:’s|'s)?"
    rf"|(?P<phrase>yesterday|today|last\s+(?:week|month|year)|this\s+(?:week|month)"
    rf"|{_COUNT}\s+(?:days?|weeks?|months?)\s+ago))\b",
    re.I,
)
# A date after these words is a deadline or the start of a span, not when something was said.
_NOT_WHEN = re.compile(r"\b(?:by|until|till|before|between|from|since|and|to|next)\s+$", re.I)
_SAME_DAY = re.compile(r"^\s*(?:on\s+)?(?:the\s+same\s+day|that\s+day|the\s+same\s+date)\b", re.I)
_WINDOW = 12  # characters before a date searched for a deadline word


def starts_same_day(sentence: str) -> bool:
    """Whether the sentence dates itself by the one before ("The same day ...")."""
    return bool(_SAME_DAY.match(sentence))


def find_date(sentence: str, published_on: dt.date) -> dt.date | None:
    """Return the first date ``sentence`` gives for when it was said, or None.

    A calendar date comes first; without one, a relative date is resolved against
    ``published_on``. A date without a year takes the publication's year (the year before
    when that would put it after publication); dates after publication and deadlines
    ("by 1 November", "by Monday") are skipped.

    >>> find_date("On 17 Oct 2024 he said they would be ready by 1 Nov", dt.date(2024, 10, 21))
    datetime.date(2024, 10, 17)
    >>> find_date("the Pentagon said Monday", dt.date(2024, 10, 30))
    datetime.date(2024, 10, 28)
    >>> find_date("Last week, officials put it at 3,000", dt.date(2024, 10, 30))
    datetime.date(2024, 10, 23)
    """
    return _calendar_date(sentence, published_on) or _relative_date(sentence, published_on)


def _calendar_date(sentence: str, published_on: dt.date) -> dt.date | None:
    for match in _DATE.finditer(sentence):
        if _deadline(sentence, match.start()):
            continue
        default = dt.datetime(published_on.year, 1, 1)
        try:
            found = dateutil_parser.parse(match.group(), default=default).date()
            if not re.search(r"\d{4}", match.group()) and found > published_on:
                found = found.replace(year=found.year - 1)
        except (ValueError, OverflowError):
            continue  # "29 February" of a year without one, or a year out of range
        if found <= published_on:
            return found
    return None


def _relative_date(sentence: str, published_on: dt.date) -> dt.date | None:
    for match in _RELATIVE.finditer(sentence):
        if _deadline(sentence, match.start()):
            continue
        found = resolve_relative(match.group("weekday") or match.group("phrase"), published_on)
        if found is not None:
            return found
    return None


def _deadline(sentence: str, start: int) -> bool:
    return bool(_NOT_WHEN.search(sentence, max(0, start - _WINDOW), start))


def resolve_relative(phrase: str, published_on: dt.date) -> dt.date | None:
    """Return the day a relative ``phrase`` names, seen from ``published_on``, or None.

    >>> resolve_relative("Thursday", dt.date(2024, 10, 24))
    datetime.date(2024, 10, 24)
    >>> resolve_relative("yesterday", dt.date(2024, 10, 24))
    datetime.date(2024, 10, 23)
    """
    import dateparser  # imported here: only suggest needs it, and it takes a moment

    weekday = re.fullmatch(_WEEKDAY, phrase, re.I)
    try:
        # A weekday seen from the day after publication is the latest one up to publication.
        base = dt.datetime.combine(published_on, dt.time()) + dt.timedelta(days=1 if weekday else 0)
        settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
        found = dateparser.parse(" ".join(phrase.split()), languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None  # a publication date at the ends of the calendar
    if found is None or found.date() > published_on:
        return None
    return found.date()
