"""Cut a dataset down to what was known on a given date (the ``as_of`` of every report)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from claimscope.analysis.troops import resolve_claim_dates

if TYPE_CHECKING:
    from claimscope.dataset import Dataset


def parse_as_of(as_of: dt.date | str | None, parameter: str = "as_of") -> dt.date | None:
    """Return ``as_of`` as a date; None or "" (no cut) gives None.

    >>> parse_as_of("2024-10-23")
    datetime.date(2024, 10, 23)
    >>> parse_as_of("23/10/2024")
    Traceback (most recent call last):
    ...
    ValueError: as_of: '23/10/2024' is not a date in the form YYYY-MM-DD
    """
    if as_of is None or as_of == "":
        return None
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise ValueError(f"{parameter}: {as_of!r} is not a date in the form YYYY-MM-DD") from None


def known_as_of(dataset: Dataset, as_of: dt.date | str | None) -> Dataset:
    """Return a new dataset holding only what was known on ``as_of``.

    Documents published on or before it; their claims whose date (``claimed_on``, else the
    document's ``published_on``) is on or before it; relation steps dated on or before it, and
    the relations with at least one such step, each with the status of its latest kept step;
    corrections and texts of the kept documents. None or "" keeps everything and resolves to
    the latest date in the data. The resolved date is ``result.as_of``.

    Raises:
        ValueError: ``as_of`` is not a date, naming the parameter and the value.
    """
    day = parse_as_of(as_of)
    tables = dict(dataset.tables)
    if day is None:
        result = dataclasses.replace(dataset, tables=tables, texts=dict(dataset.texts))
        result.as_of = _latest_date(dataset)
        return result
    cut = pd.Timestamp(day)
    documents = tables["documents"]
    documents = documents[documents["published_on"] <= cut]
    kept_docs = set(documents["doc_id"])
    claims = tables["claims"]
    claims = claims[claims["doc_id"].isin(kept_docs)]
    claims = claims[(resolve_claim_dates(claims, documents) <= cut).fillna(False)]
    tables["documents"] = documents.reset_index(drop=True)
    tables["claims"] = claims.reset_index(drop=True)
    if "corrections" in tables:
        corrections = tables["corrections"]
        tables["corrections"] = corrections[corrections["doc_id"].isin(kept_docs)].reset_index(
            drop=True
        )
    if "relation_steps" in tables:
        steps = tables["relation_steps"]
        steps = steps[steps["status_on"] <= cut].sort_values("status_on", kind="stable")
        latest = steps.groupby("relation_id")["status"].last()
        relations = tables["relations"]
        relations = relations[relations["relation_id"].isin(latest.index)].copy()
        relations["status"] = relations["relation_id"].map(latest)
        tables["relation_steps"] = steps.reset_index(drop=True)
        tables["relations"] = relations.reset_index(drop=True)
    texts = {doc: text for doc, text in dataset.texts.items() if doc in kept_docs}
    result = dataclasses.replace(dataset, tables=tables, texts=texts)
    result.as_of = day
    return result


def _latest_date(dataset: Dataset) -> dt.date | None:
    dates = [dataset.documents["published_on"].max()]
    dates.append(resolve_claim_dates(dataset.claims, dataset.documents).max())
    if "relation_steps" in dataset.tables:
        dates.append(dataset.relation_steps["status_on"].max())
    dates = [d for d in dates if not pd.isna(d)]
    return max(dates).date() if dates else None
