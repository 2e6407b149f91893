"""Suggest candidate claims for a document: troop figures and stances, as claims.csv rows."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz

from claimscope.analysis.hedges import find_hedges
from claimscope.curate.actors import Actor, ActorMatcher, Mention
from claimscope.curate.attribution import Attributor, Discourse, head_nouns
from claimscope.curate.dates import find_date, starts_same_day
from claimscope.curate.stances import find_stances
from claimscope.curate.tables import field_spec, table_columns
from claimscope.curate.text import TextTooLong, check_length, split_sentences
from claimscope.curate.troop_figures import Figure, find_figures
from claimscope.data.dataset import Dataset, DatasetError, Problem, load_dataset, split_list
from claimscope.data.paths import DATA_DIR
from claimscope.data.phrases import Vocabulary, load_vocabulary
from claimscope.data.subject import FIGURE_TYPE
from claimscope.data.values import text_of

PROVISIONAL_PREFIX = "new-"
# Where the schema lacks a value the rules can find, the nearest one it has.
_FALLBACK = {"nearly": "up_to", "sent": "present"}
# A stance that says what it answers only by pointing back ("denied these allegations").
_BACK_REFERENCE = re.compile(
    r"\b(?:these|those|the|this|such|that)\s+(?:\w+\s+)?"
    r"(?:allegations?|reports?|claims?|information|images|statements?|assertions?|figures?)\b",
    re.I,
)
_NOTE = "Suggested by claimscope suggest; check claimant, subject, measure and grades."


def suggest_claims(doc_id: str, data_dir: Path | str | None = None) -> list[dict[str, str]]:
    """Return candidate claims of document ``doc_id`` as rows keyed by claims.csv's columns.

    Claim ids are provisional (``new-001``...) and ``claimscope suggest --accept`` replaces
    them; every quote is the document's text at its offsets.

    Raises:
        DatasetError: the dataset is invalid or has no such document.
    """
    dataset = load_dataset(data_dir)
    if doc_id not in dataset.texts:
        close = difflib.get_close_matches(doc_id, list(dataset.texts), n=3)
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        message = f"no document {doc_id!r} in the data folder {dataset.data_dir}{hint}"
        raise DatasetError([Problem("documents.csv", "-", "doc_id", message)])
    vocabulary = load_vocabulary(DATA_DIR if data_dir is None else data_dir)
    try:
        check_length(dataset.texts[doc_id])
    except TextTooLong as error:
        documents = list(dataset.documents["doc_id"])
        path = dataset.documents["path"].iloc[documents.index(doc_id)]
        row = documents.index(doc_id) + 2  # the header is row 1
        raise DatasetError([Problem("documents.csv", row, "path", f"{path}: {error}")]) from None
    return _Suggester(dataset, doc_id, vocabulary).rows()


def format_rows(rows: list[dict[str, str]], columns: list[str]) -> str:
    """Write rows as CSV text with ``columns`` as the header."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


class _Suggester:
    """One document's suggestion run: its text, actors and the schema's allowed values."""

    def __init__(self, dataset: Dataset, doc_id: str, vocabulary: Vocabulary):
        self.doc_id = doc_id
        self.text = dataset.texts[doc_id]
        self.columns = table_columns(dataset.schema, "claims")
        self.schema = dataset.schema
        self.vocabulary = vocabulary
        actors = dataset.actors
        aliases = actors["aliases"] if "aliases" in actors else [""] * len(actors)
        listed = [
            Actor(*(text_of(v) for v in values))
            for values in zip(
                actors["actor_id"],
                actors["name"],
                aliases,
                actors["kind"],
                actors["country"],
                strict=True,
            )
        ]
        self.matcher = ActorMatcher(listed, vocabulary)
        self.kinds = dict(zip(actors["actor_id"], actors["kind"], strict=True))
        self.attributor = Attributor(vocabulary, self.kinds)
        heads = {a.actor_id: head_nouns(a.name, split_list(a.aliases)) for a in listed}
        self.names = dict(zip(actors["actor_id"], actors["name"], strict=True))
        self.children: dict[str, list[str]] = {}
        for actor_id, parent in zip(actors["actor_id"], actors["parent_id"], strict=True):
            self.children.setdefault(parent, []).append(actor_id)
        documents = dataset.documents.set_index("doc_id")
        self.published_on = documents.loc[doc_id, "published_on"].date()
        publisher = documents.loc[doc_id, "publisher"] if "publisher" in documents else ""
        self.discourse = Discourse(self.kinds, heads, self._outlet(text_of(publisher)))
        self.out: list[dict[str, str]] = []

    def _outlet(self, publisher: str) -> str:
        """The actor the publisher's name names (the longest match), or ""."""
        named = self.matcher.mentions(publisher) if publisher.strip() else []
        longest = max(named, key=lambda m: m.end - m.start, default=None)
        return longest.actor_id if longest else ""

    def _allowed(self, column: str, value: str) -> str:
        enum = field_spec(self.schema, "claims", column).get("constraints", {}).get("enum")
        if enum is None or value in enum:
            return value
        return _FALLBACK.get(value, "")

    def rows(self) -> list[dict[str, str]]:
        last_date: dt.date | None = None
        last_paragraph = paragraph = 0
        scanned = 0
        last_figures: list[dict[str, str]] = []
        for start, end in split_sentences(self.text, self.vocabulary):
            paragraph += self.text.count("\n\n", scanned, start)  # each stretch counted once
            scanned = start
            sentence = self.text[start:end]
            date = find_date(sentence, self.published_on)
            if date is None and (paragraph == last_paragraph or starts_same_day(sentence)):
                date = last_date
            last_date, last_paragraph = date, paragraph
            end = end - 1 if sentence.endswith(".") else end
            sentence = self.text[start:end]
            mentions = self.matcher.mentions(sentence, self.discourse.recent)
            claimed_on = date.isoformat() if date else ""
            found = find_figures(sentence, self.vocabulary)
            figures = [self._figure_row(sentence, start, f, mentions) for f in found]
            for i, row in enumerate(figures):
                if not row["subject_id"]:  # "bringing the total to 3,000": as the figure before
                    row["subject_id"] = (
                        figures[i - 1]["subject_id"]
                        if i
                        else self._subject(
                            sentence, [m for m in mentions if m.actor_id != row["claimant_id"]]
                        )
                    )
                self._add(row, claimed_on)
            answers = last_figures if _BACK_REFERENCE.search(sentence) else figures
            stance_rows: list[dict] = []
            for stance in find_stances(sentence, self.vocabulary):
                for row in self._stance_rows(sentence, start, stance, mentions, answers):
                    key = (row["claim_type"], row["claimant_id"])
                    if key not in {(r["claim_type"], r["claimant_id"]) for r in stance_rows}:
                        stance_rows.append(row)
            for row in stance_rows:
                self._add(row, claimed_on)
            speakers = [r["claimant_id"] for r in figures + stance_rows if r["claimant_id"]]
            if not speakers:
                speakers = self.attributor.speakers(sentence, mentions, self.discourse)
            self.discourse.note(mentions, speakers)
            last_figures = figures or last_figures
        # A stance that names nothing it answers is taken to be about what the document counts.
        counted = Counter(r["subject_id"] for r in self.out if r["value_low"] and r["subject_id"])
        for row in self.out:
            if not row["subject_id"] and counted:
                row["subject_id"] = counted.most_common(1)[0][0]
        return self.out

    def _add(self, row: dict, claimed_on: str) -> None:
        row["claim_id"] = f"{PROVISIONAL_PREFIX}{len(self.out) + 1:03d}"
        row["claimed_on"] = claimed_on
        row.setdefault("note", _NOTE)
        self.out.append({c: str(row.get(c, "")) for c in self.columns})

    def _base(self, sentence: str, start: int, claimant: str, claim_type: str) -> dict:
        return {
            "doc_id": self.doc_id,
            "quote": sentence,
            "start": start,
            "end": start + len(sentence),
            "claimant_id": claimant,
            "claim_type": claim_type,
            "hedges": "; ".join(find_hedges(sentence)),
        }

    def _figure_row(
        self, sentence: str, start: int, figure: Figure, mentions: list[Mention]
    ) -> dict:
        claimants = self.attributor.claimants(
            sentence, mentions, figure.start, figure.end, self.discourse
        )
        row = self._base(sentence, start, claimants[0] if claimants else "", FIGURE_TYPE)
        phrase = sentence[figure.start : figure.end]
        row |= {
            "subject_id": self._subject(phrase, [m for m in mentions if _inside(m, figure)]),
            "measure": self._allowed("measure", figure.measure),
            "value_low": figure.value_low,
            "value_high": figure.value_high,
            "unit": figure.unit,
            "qualifier": self._allowed("qualifier", figure.qualifier),
            "stated_figure": phrase,
            "period": figure.period,
        }
        if figure.unit_size:
            row["unit_size_low"], row["unit_size_high"] = figure.unit_size
        return row

    def _subject(self, phrase: str, mentions: list[Mention]) -> str:
        """The actor a figure counts: a military actor of the state its phrase names."""
        for mention in mentions:
            military = [
                c for c in self.children.get(mention.actor_id, []) if self.kinds[c] == "military"
            ]
            if military:
                return max(military, key=lambda c: fuzz.token_set_ratio(self.names[c], phrase))
        return mentions[0].actor_id if mentions else ""

    def _stance_rows(
        self,
        sentence: str,
        start: int,
        stance: tuple[str, int, int],
        mentions: list[Mention],
        answers: list[dict],
    ) -> list[dict]:
        claim_type, at, after = stance
        claimants = self.attributor.claimants(
            sentence, mentions, at, after, self.discourse, stance=True
        ) or [""]
        others = [m for m in mentions if m.actor_id not in claimants]
        subject = answers[0]["subject_id"] if answers else self._subject(sentence, others)
        rows = []
        for claimant in claimants:
            row = self._base(sentence, start, claimant, claim_type) | {"subject_id": subject}
            row["responds_to"] = ";".join(a["claim_id"] for a in answers)
            rows.append(row)
        return rows


def _inside(mention: Mention, figure: Figure) -> bool:
    return figure.start <= mention.start and mention.end <= figure.end
