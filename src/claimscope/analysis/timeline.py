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
from claimscope.data.columns import LIST_SEPARATOR, split_list
from claimscope.data.relation_steps import relations_at
from claimscope.data.schema import primary_key, resource_schema

if TYPE_CHECKING:
    from claimscope.data.dataset import Dataset

#: Tables filtered by the documents they belong to.
_BY_DOCUMENT = ("claims", "corrections")
#: What a relation shows as of a date when every note it has draws on later evidence.
WITHHELD_NOTE = "The curator’s note on this tie draws on later evidence, so it is not shown."
#: A run of the characters ids are made of (the schema's id patterns): a word a note may cite.
_ID_WORD = re.compile(r"[A-Za-z0-9_-]+")


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
    each citing only kept claims; relations with at least one kept step, whose ``status``,
    ``claim_ids`` and ``status_on`` become their latest kept step's; corrections and texts of
    kept documents. Other tables (actors, vocabularies) are kept whole. A step that cites
    claims none of which is known yet is left out (:func:`_known_steps`), and a relation's
    note is one written with what was known (:func:`notes_as_of`).

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
    relations = relations_at(tables["relations"], steps)
    later = _later_ids(dataset, tables)
    tables["relations"] = notes_as_of(relations, dataset.tables.get("relation_steps"), steps, later)
    texts = {d: t for d, t in dataset.texts.items() if d in kept_docs}
    return dataclasses.replace(dataset, tables=tables, texts=texts, as_of=date)


def _known_steps(steps: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """Keep each step's known claims; a step that cited claims, none of them known, goes.

    Such a step rests on evidence not yet published: its status was not knowable then.
    """
    cited = [split_list(ids) for ids in steps["claim_ids"]]
    kept = [[c for c in ids if c in known] for ids in cited]
    is_known = [bool(k) or not ids for k, ids in zip(kept, cited, strict=True)]
    # A boolean Series, not a list: an empty list would select no columns instead of no rows.
    out = steps[pd.Series(is_known, index=steps.index, dtype=bool)].copy()
    out["claim_ids"] = [
        LIST_SEPARATOR.join(k) or pd.NA for k, keep in zip(kept, is_known, strict=True) if keep
    ]
    return out.reset_index(drop=True)


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
) -> pd.DataFrame:
    """Give each relation the note an analyst could have written with what was known then.

    A relation's own ``note`` sums up its whole history, so it stays only when every step of
    the relation is known and it names no later document, claim or correction (``later``).
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
        if total.get(relation_id, 0) == known.get(relation_id, 0) and not cites_any(note, later):
            notes.append(note)
            continue
        stand_in = step_note.get(relation_id)
        usable = isinstance(stand_in, str) and stand_in.strip() and not cites_any(stand_in, later)
        notes.append(stand_in if usable else WITHHELD_NOTE)
    out = relations.copy()
    out["note"] = pd.array(notes, dtype="string")
    return out


def _step_counts(steps: pd.DataFrame | None) -> dict[str, int]:
    return {} if steps is None else steps["relation_id"].value_counts().to_dict()
