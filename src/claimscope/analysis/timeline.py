"""Replay the dataset as of a date: keep only what was published, claimed and dated by then.

:func:`known_as_of` is the one filter every report applies before anything else, so a report
built "as of 22 October 2024" shows no document, claim, relation step or correction that was
not known on that day. A relation's status and evidence are those of its latest kept step.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import TYPE_CHECKING

import pandas as pd

from claimscope.analysis.troops import resolve_claim_dates
from claimscope.data.columns import split_list
from claimscope.data.relation_steps import relations_at
from claimscope.data.schema import primary_key, resource_schema

if TYPE_CHECKING:
    from claimscope.data.dataset import Dataset

#: Tables filtered by the documents they belong to.
_BY_DOCUMENT = ("claims", "corrections")
#: What a relation shows as of a date when every note it has draws on later evidence.
WITHHELD_NOTE = "The curator’s note on this tie draws on later evidence, so it is not shown."
#: What any other curator's note shows as of a date when it draws on later evidence.
WITHHELD_TEXT = "The curator’s note draws on later evidence, so it is not shown."
#: A run of the characters ids are made of (the schema's id patterns): a word a note may cite.
_ID_WORD = re.compile(r"[A-Za-z0-9_-]+")
_MONTHS = "January February March April May June July August September October November December"
_MONTH_NUMBER = {m[:3]: n for n, m in enumerate(_MONTHS.split(), start=1)}
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2}) (" + "|".join(_MONTH_NUMBER) + r")[a-z]*,? (\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b(" + "|".join(_MONTH_NUMBER) + r")[a-z]* (\d{1,2}),? (\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def parse_as_of(as_of: object, parameter: str = "as_of") -> dt.date | None:
    """Return ``as_of`` as a date, or None for "no date given" (None or "").

    Raises:
        ValueError: naming the parameter and the value when it is not an ISO date.

    >>> parse_as_of("2024-10-22"), parse_as_of("")
    (datetime.date(2024, 10, 22), None)
    >>> parse_as_of("22/10/2024")
    Traceback (most recent call last):
    ...
    ValueError: as_of must be an ISO date YYYY-MM-DD or empty, not '22/10/2024'
    """
    if as_of is None or (isinstance(as_of, str) and not as_of.strip()):
        return None
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    if isinstance(as_of, str):
        try:
            return dt.date.fromisoformat(as_of.strip())
        except ValueError:
            pass
    raise ValueError(f"{parameter} must be an ISO date YYYY-MM-DD or empty, not {as_of!r}")


def latest_date(dataset: Dataset) -> dt.date | None:
    """Return the latest date the data holds: publications, claims and relation steps."""
    dates = [dataset.documents["published_on"], dataset.claims["claimed_on"]]
    if "relation_steps" in dataset.tables:
        dates.append(dataset.relation_steps["status_on"])
    found = pd.concat([pd.to_datetime(d) for d in dates]).max()
    return None if pd.isna(found) else found.date()


def known_as_of(dataset: Dataset, as_of: object = None) -> Dataset:
    """Return a new dataset holding only what was known on ``as_of``.

    Kept: documents published on or before it; their claims whose date (``claimed_on``, else
    the document's ``published_on``) is on or before it; relation steps dated on or before it,
    every claim of which is known (:func:`_known_steps`); relations with at least one kept
    step, whose ``status``, ``claim_ids`` and ``status_on`` become their latest kept step's;
    corrections of kept documents whose basis is known too (:func:`_known_corrections`); the
    analyst's judgements made by then (:func:`_known_judgements`); texts
    of kept documents. Other tables (actors, vocabularies) are kept whole. A relation's note
    is one written with what was known (:func:`notes_as_of`).

    Args:
        dataset: A loaded dataset.
        as_of: A ``datetime.date``, an ISO ``YYYY-MM-DD`` string, or None/"" for the latest
            date in the data (nothing is left out).

    Returns:
        The filtered dataset; ``result.as_of`` is the resolved date.

    Raises:
        ValueError: naming ``as_of`` and its value when it is not a date.

    >>> from claimscope import load
    >>> early = known_as_of(load(), "2024-10-22")
    >>> str(early.as_of), bool((early.documents["published_on"] <= "2024-10-22").all())
    ('2024-10-22', True)
    """
    date = parse_as_of(as_of)
    tables = dict(dataset.tables)
    if date is None:
        return dataclasses.replace(dataset, tables=tables, as_of=latest_date(dataset))
    cutoff = pd.Timestamp(date)
    documents = tables["documents"]
    documents = documents[documents["published_on"] <= cutoff]
    kept_docs = set(documents["doc_id"])
    tables["documents"] = documents.reset_index(drop=True)
    for name in _BY_DOCUMENT:
        if name in tables:
            frame = tables[name]
            tables[name] = frame[frame["doc_id"].isin(kept_docs)].reset_index(drop=True)
    claims = tables["claims"]
    dates = resolve_claim_dates(claims, documents)
    tables["claims"] = claims[(dates <= cutoff).fillna(False)].reset_index(drop=True)
    steps = tables.get("relation_steps")
    if steps is not None:
        known = set(tables["claims"]["claim_id"])
        steps = _known_steps(steps[steps["status_on"] <= cutoff], known)
        tables["relation_steps"] = steps
    if "judgements" in tables:
        tables["judgements"] = _known_judgements(
            tables["judgements"], set(tables["claims"]["claim_id"]), cutoff
        )
    relations = relations_at(tables["relations"], steps)
    later = _later_ids(dataset, tables)
    if "corrections" in tables:
        known = set(tables["claims"]["claim_id"])
        tables["corrections"] = _known_corrections(tables["corrections"], known, cutoff, later)
        later = _later_ids(dataset, tables)
    tables["relations"] = notes_as_of(
        relations, dataset.tables.get("relation_steps"), steps, later, date
    )
    for name, frame in tables.items():
        if name != "relations" and "note" in frame:
            tables[name] = _withhold_later_notes(frame, later, date)
    texts = {d: t for d, t in dataset.texts.items() if d in kept_docs}
    return dataclasses.replace(dataset, tables=tables, texts=texts, as_of=date)


def _known_steps(steps: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """Keep the steps every cited claim of which is known; the rest were not knowable yet.

    A step's status rests on all the claims it cites together, so it counts only once the last
    of them is published and made: until then the relation keeps its previous known step.
    """
    cited = [split_list(ids) for ids in steps["claim_ids"]]
    is_known = pd.Series([all(c in known for c in ids) for ids in cited], index=steps.index)
    return steps[is_known.astype(bool)].reset_index(drop=True)


def _known_judgements(
    judgements: pd.DataFrame, known_claims: set[str], cutoff: pd.Timestamp
) -> pd.DataFrame:
    """Keep the analyst's judgements made by ``cutoff`` whose every claim is known then."""
    keep = [
        made_on <= cutoff and all(c in known_claims for c in split_list(ids))
        for made_on, ids in zip(judgements["made_on"], judgements["claim_ids"], strict=True)
    ]
    return judgements[pd.Series(keep, index=judgements.index, dtype=bool)].reset_index(drop=True)


def _known_corrections(
    corrections: pd.DataFrame, known_claims: set[str], cutoff: pd.Timestamp, later: set[str]
) -> pd.DataFrame:
    """Keep the corrections whose basis was known by ``cutoff``, as well as their document.

    A correction's basis is known when every claim it rests on (``basis_claim_ids``) is known,
    the outside publication it cites (``basis_published_on``) is out, and neither its text nor
    its basis names a document, claim or correction that is not known yet (``later``).
    """
    keep = []
    for _, row in corrections.iterrows():
        basis_ids = split_list(row.get("basis_claim_ids", pd.NA))
        published = row.get("basis_published_on", pd.NaT)
        ok = all(c in known_claims for c in basis_ids)
        ok = ok and (pd.isna(published) or pd.Timestamp(published) <= cutoff)
        texts = (row.get(c) for c in ("correction", "basis", "note"))
        ok = ok and not any(names_later(text, later, cutoff.date()) for text in texts)
        keep.append(ok)
    return corrections[pd.Series(keep, index=corrections.index, dtype=bool)].reset_index(drop=True)


def _withhold_later_notes(frame: pd.DataFrame, later: set[str], cutoff: dt.date) -> pd.DataFrame:
    """Replace each ``note`` that names something not known on ``cutoff`` with a neutral one."""
    is_later = [names_later(note, later, cutoff) for note in frame["note"]]
    if not any(is_later):
        return frame
    out = frame.copy()
    out["note"] = (
        out["note"].astype("string").mask(pd.Series(is_later, index=frame.index), WITHHELD_TEXT)
    )
    return out


def _later_ids(dataset: Dataset, kept: dict[str, pd.DataFrame]) -> set[str]:
    """The ids of the documents, claims and corrections the cut left out: not yet known."""
    later: set[str] = set()
    for name in ("documents", *_BY_DOCUMENT):
        if name not in kept:
            continue
        key = primary_key(resource_schema(dataset.schema, name))
        if len(key) == 1:
            later |= set(dataset.tables[name][key[0]].astype(str)) - set(kept[name][key[0]])
    return later


def dates_named(text: object) -> set[dt.date]:
    """Every full date written in ``text``: "23 October 2024", "Oct 23, 2024", "2024-10-23".

    >>> sorted(dates_named("on 4 Nov 2024, then October 28, 2024 and 2024-11-05; not 31 Feb 2024"))
    [datetime.date(2024, 10, 28), datetime.date(2024, 11, 4), datetime.date(2024, 11, 5)]
    """
    if not isinstance(text, str):
        return set()
    found = []
    for day, month, year in _DAY_MONTH_YEAR.findall(text):
        found.append((year, _MONTH_NUMBER[month[:3]], day))
    for month, day, year in _MONTH_DAY_YEAR.findall(text):
        found.append((year, _MONTH_NUMBER[month[:3]], day))
    found += _ISO_DATE.findall(text)
    dates = set()
    for year, month, day in found:
        try:
            dates.add(dt.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return dates


def names_later(text: object, later: set[str], cutoff: dt.date | None) -> bool:
    """Whether ``text`` names a document, claim or correction not yet known, or a later date."""
    if cites_any(text, later):
        return True
    return cutoff is not None and any(d > cutoff for d in dates_named(text))


def cites_any(text: object, ids: set[str]) -> bool:
    """Whether ``text`` names any of ``ids`` as a word of its own, or a ``-``-joined part of one.

    Ids may hold ``-`` (document ids do), and a range "c056-c058" joins two: both are read.

    >>> cites_any("see c071, then c072.", {"c07", "c072"}), cites_any("c1-c3", {"c3"})
    (True, True)
    >>> cites_any("c0712", {"c071"}), cites_any(None, {"c1"})
    (False, False)
    """
    if not isinstance(text, str) or not ids:
        return False
    words = _ID_WORD.findall(text)
    return any(w in ids or any(part in ids for part in w.split("-")) for w in words)


def notes_as_of(
    relations: pd.DataFrame,
    all_steps: pd.DataFrame | None,
    kept_steps: pd.DataFrame | None,
    later: set[str],
    cutoff: dt.date | None = None,
) -> pd.DataFrame:
    """Give each relation the note an analyst could have written with what was known then.

    A relation's own ``note`` sums up its whole history, so it stays only when every step of
    the relation is known and it names no later document, claim or correction (``later``) and
    no date after ``cutoff``.
    Otherwise the note of its latest known step stands in, if that names nothing later; else
    :data:`WITHHELD_NOTE` says a note exists but is not shown.
    """
    if "note" not in relations:
        return relations
    total = _step_counts(all_steps)
    known = _step_counts(kept_steps)
    step_note = {}
    if kept_steps is not None and "note" in kept_steps:
        ordered = kept_steps.sort_values(["relation_id", "status_on"], kind="stable")
        step_note = dict(zip(ordered["relation_id"], ordered["note"], strict=True))
    notes = []
    for relation_id, note in zip(relations["relation_id"], relations["note"], strict=True):
        is_whole = total.get(relation_id, 0) == known.get(relation_id, 0)
        if is_whole and not names_later(note, later, cutoff):
            notes.append(note)
            continue
        stand_in = step_note.get(relation_id)
        usable = isinstance(stand_in, str) and stand_in.strip()
        usable = usable and not names_later(stand_in, later, cutoff)
        notes.append(stand_in if usable else WITHHELD_NOTE)
    out = relations.copy()
    out["note"] = pd.array(notes, dtype="string")
    return out


def _step_counts(steps: pd.DataFrame | None) -> dict[str, int]:
    return {} if steps is None else steps["relation_id"].value_counts().to_dict()
