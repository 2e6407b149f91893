"""Suggest's text reading is linear: counted in executed lines over generated hostile texts.

No test here times anything. A reading step's cost is the number of Python lines it executes
in claimscope's curation code (``sys.settrace``), which must stay within a constant per
character of input; the regular expressions it runs read inputs the splitter bounds.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimscope.cli import main
from claimscope.curate.actors import Actor, ActorMatcher
from claimscope.curate.attribution import Attributor, Discourse
from claimscope.curate.dates import find_date
from claimscope.curate.stances import find_stances
from claimscope.curate.suggest import suggest_claims
from claimscope.curate.text import MAX_SENTENCE_CHARS, MAX_TEXT_CHARS, split_sentences
from claimscope.curate.troop_figures import find_figures
from claimscope.data.dataset import DatasetError
from claimscope.data.paths import DATA_DIR
from claimscope.data.phrases import default_vocabulary

# Pieces that broke or strained the reader: chained "N of M", abbreviations and initials,
# quotation marks, bullets, line breaks, figures, stance and reporting words, long words.
PIECES = [
    "1 of ",
    "2 of ",
    "of ",
    "30 ",
    "10,000 ",
    "troops ",
    "killed ",
    "and ",
    "the toll ",
    "U.S. ",
    "N. ",
    "Gen. ",
    "Lt. Col. ",
    "Oct. ",
    "... ",
    ". ",
    "? ",
    "! ",
    "\u201c",
    "\u201d",
    '"',
    "'",
    "\n",
    "\n\n",
    "- ",
    "* ",
    "said ",
    "he said, ",
    "according to ",
    "Ryder ",
    "Seoul ",
    "could not be independently verified ",
    "denied ",
    "Monday ",
    "last week ",
    "75 per cent ",
    "a month ",
    "between ",
    "to ",
    "x" * 40 + " ",
    "(",
    ")",
    ", ",
    "; ",
]
ACTORS = [
    Actor("seoul_gov", "South Korea", "", "state", "KOR"),
    Actor("pat_ryder", "Pat Ryder", "", "person", "USA"),
    Actor("united_states", "United States", "U.S.", "state", "USA"),
]
KINDS = {a.actor_id: a.kind for a in ACTORS}
PER_CHAR = 60  # lines executed per character of text, at most
FIXED = 20_000  # and a fixed cost (building the matcher, the first sentence)


def _read(text: str) -> None:
    """What suggest does with a text once its dataset is loaded, without the dataset."""
    vocabulary = default_vocabulary()
    matcher = ActorMatcher(ACTORS, vocabulary)
    discourse = Discourse(KINDS, {}, "")
    attributor = Attributor(vocabulary, KINDS)
    for start, end in split_sentences(text, vocabulary):
        sentence = text[start:end]
        find_date(sentence, dt.date(2024, 11, 4))
        mentions = matcher.mentions(sentence, discourse.recent)
        for figure in find_figures(sentence, vocabulary):
            attributor.claimants(sentence, mentions, *figure.span, discourse)
        for _, a, b in find_stances(sentence, vocabulary):
            attributor.claimants(sentence, mentions, a, b, discourse, stance=True)
        discourse.note(mentions, attributor.speakers(sentence, mentions, discourse))


def _lines_run(function, *args) -> int:
    """Run ``function`` and return how many lines of claimscope's curation code it executed."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        name = frame.f_code.co_filename
        if "claimscope" in name and ("curate" in name or "phrases" in name):
            return local
        return None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        function(*args)
    finally:
        sys.settrace(previous)
    return count


texts = st.lists(st.sampled_from(PIECES), max_size=400).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_sentences_are_bounded_ordered_and_lose_nothing(text):
    spans = split_sentences(text)
    assert all(0 < b - a <= MAX_SENTENCE_CHARS for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_reading_executes_lines_linear_in_the_text(text):
    assert _lines_run(_read, text) <= PER_CHAR * len(text) + FIXED


@pytest.mark.parametrize(
    "piece",
    ["1 of ", "U.S. N. Gen. ", "\u201cquoted. ", "10,000 troops, ", "said he said, ", "x" * 99],
)
def test_a_long_run_of_one_piece_costs_in_proportion(piece):
    short, long = piece * 50, piece * 400
    assert _lines_run(_read, long) <= 8 * 1.5 * _lines_run(_read, short) + FIXED


def test_a_long_single_line_is_read_in_bounded_parts():
    text = "U.S. N. Gen. " * 8_000  # 104 KB, one "sentence" by punctuation
    spans = split_sentences(text)
    assert len(spans) > len(text) // MAX_SENTENCE_CHARS
    assert _lines_run(split_sentences, text) <= PER_CHAR * len(text)


def _package_with(tmp_path: Path, text: str) -> tuple[Path, str]:
    import csv
    import hashlib

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    raw = text.encode("utf-8")
    (data / "sources" / "long.txt").write_bytes(raw)
    with open(data / "documents.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(rows[0])
    row = dict.fromkeys(columns, "") | {
        "doc_id": "long",
        "title": "Long",
        "published_on": "2024-11-04",
        "path": "sources/long.txt",
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    with open(data / "documents.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows([*rows, row])
    return data, "long"


def test_a_text_over_the_cap_is_refused_with_its_row_and_size(tmp_path, capsys):
    data, doc_id = _package_with(tmp_path, "a" * (MAX_TEXT_CHARS + 1))
    with pytest.raises(DatasetError, match=r"documents.csv:5:path: sources/long.txt: the text"):
        suggest_claims(doc_id, data)
    output = tmp_path / "out.csv"
    assert main(["suggest", doc_id, "--data-dir", str(data), "--output", str(output)]) == 2
    error = capsys.readouterr().err
    assert f"suggest reads at most {MAX_TEXT_CHARS:,}" in error
    assert not output.exists()
