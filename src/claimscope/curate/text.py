"""Split a source text into sentences with offsets, in one linear pass with bounded sentences.

Every step is linear in the text: each line is scanned once for sentence ends, an end is
checked by looking back a bounded number of characters, and a sentence longer than
:data:`MAX_SENTENCE_CHARS` is cut at spaces into parts no longer than that, so what reads a
sentence afterwards reads a bounded input. A text over :data:`MAX_TEXT_CHARS` is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimscope.data.phrases import Vocabulary, default_vocabulary

#: The longest text suggest reads (a long wire story is 20,000 characters).
MAX_TEXT_CHARS = 1_000_000
#: The longest sentence read whole; a longer one is read in parts cut at spaces.
MAX_SENTENCE_CHARS = 1_500

# A sentence ends at . ! or ? (the first of a run; closing quotes or brackets after it) before
# a space and a capital, a digit or an opening quote or bracket.
_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+\s++(?=[\"“‘'(\[]?[A-Z0-9])")
_TOKEN_BEFORE = re.compile(r"(?:^|[\s(\"“‘'])([A-Za-z][A-Za-z.]{0,11})$")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")
_BULLET = re.compile(r"[ \t]*+(?:[-*•·▪‣–—]|\d{1,3}[.)])\s")
_OPEN_QUOTE = "“"
_CLOSE_QUOTE = "”"
_STRAIGHT_QUOTE = '"'


class TextTooLong(ValueError):
    """A text longer than :data:`MAX_TEXT_CHARS`."""


def check_length(text: str) -> None:
    """Raise :class:`TextTooLong` for a text longer than :data:`MAX_TEXT_CHARS`."""
    if len(text) > MAX_TEXT_CHARS:
        raise TextTooLong(
            f"the text has {len(text):,} characters; suggest reads at most {MAX_TEXT_CHARS:,}"
        )


def split_sentences(text: str, vocabulary: Vocabulary | None = None) -> list[tuple[int, int]]:
    r"""Return the ``(start, end)`` of each sentence of ``text``.

    A line break ends a sentence unless the next line goes on in lower case; a full stop
    after an abbreviation, an initial or dotted initials ("U.S.", "N.", "Gen.") ends none,
    nor does one inside a quotation on its line. Sentences longer than
    :data:`MAX_SENTENCE_CHARS` come in parts.

    Raises:
        TextTooLong: the text is longer than :data:`MAX_TEXT_CHARS`.

    >>> text = "N. Korea denies it, the U.S. said. Gen. Kim agreed.\n- first\n- second"
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['N. Korea denies it, the U.S. said.', 'Gen. Kim agreed.', '- first', '- second']
    """
    check_length(text)
    vocabulary = vocabulary or default_vocabulary()
    abbreviations = [t.pattern for t in vocabulary.terms("abbreviation")]
    spans: list[tuple[int, int]] = []
    start = None
    for a, b in _lines(text):
        blank = not text[a:b].strip()
        if start is not None and (blank or not _continues(text, a, b) or _BULLET.match(text, a, b)):
            spans.append((start, a - 1))
            start = None
        if blank:
            continue
        line = _line_sentences(text, a if start is None else start, a, b, abbreviations)
        spans += line[:-1]
        start = line[-1][0]
    if start is not None:
        spans.append((start, len(text)))
    out = []
    for a, b in spans:
        out += _parts(text, *_strip(text, a, b))
    return [(a, b) for a, b in out if a < b]


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of each line, without its line break."""
    start = 0
    while True:
        stop = text.find("\n", start)
        if stop < 0:
            yield start, len(text)
            return
        yield start, stop
        start = stop + 1


def _continues(text: str, a: int, b: int) -> bool:
    """Whether the line at ``a:b`` goes on the sentence of the line before (a soft wrap)."""
    first = text[a:b].lstrip()[:1]
    before = text[max(0, a - 2) : a - 1]
    return first.islower() and before not in (".", "!", "?", ":")


def _line_sentences(
    text: str, first: int, a: int, b: int, abbreviations: list[re.Pattern]
) -> list[tuple[int, int]]:
    """Sentences of the line ``a:b``, the first starting at ``first``; the last runs to ``b``."""
    spans = []
    start = first
    curly, straight = 0, False
    scanned = a
    for end in _END.finditer(text, a, b):
        segment = text[scanned : end.start() + 1]
        curly = max(0, curly + segment.count(_OPEN_QUOTE) - segment.count(_CLOSE_QUOTE))
        straight ^= segment.count(_STRAIGHT_QUOTE) % 2 == 1
        scanned = end.start() + 1
        closing = text[end.start() + 1 : end.end()]
        closes = _CLOSE_QUOTE in closing or _STRAIGHT_QUOTE in closing
        inside = (curly > 0 or straight) and not closes
        if inside or _is_abbreviation(text, end.start(), abbreviations):
            continue
        spans.append((start, end.end()))
        start = end.end()
    spans.append((start, b))
    return spans


def _is_abbreviation(text: str, stop: int, abbreviations: list[re.Pattern]) -> bool:
    """Whether the full stop at ``stop`` closes an abbreviation, an initial or dotted initials."""
    if text[stop] != ".":
        return False
    token = _TOKEN_BEFORE.search(text, max(0, stop - 13), stop)
    if not token:
        return False
    word = token.group(1)
    if _INITIALS.fullmatch(word) and (len(word) == 1 and word.isupper() or "." in word):
        return True
    return any(pattern.fullmatch(word) for pattern in abbreviations)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _parts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The sentence ``start:end`` in parts of at most MAX_SENTENCE_CHARS, cut at spaces."""
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        yield _strip(text, start, cut)
        start = _strip(text, cut, end)[0]
    yield start, end
