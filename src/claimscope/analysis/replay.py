"""Replay the competing-hypotheses scores through time: the scores on each date evidence arrived."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from claimscope.analysis.ach import gather_evidence, score_hypotheses
from claimscope.analysis.timeline import known_as_of
from claimscope.analysis.troops import resolve_claim_dates

if TYPE_CHECKING:
    import datetime as dt

    from claimscope.data.dataset import Dataset


def list_arrival_dates(dataset: Dataset) -> list[pd.Timestamp]:
    """Return every date on which a rated claim became known, in order.

    A claim becomes known on its date (``claimed_on``, else its document's date) or on its
    document's publication, whichever is later: the rule of ``known_as_of``.
    """
    claims = dataset.claims
    rated = claims[claims["claim_id"].isin(dataset.ratings["claim_id"])]
    published = rated["doc_id"].map(
        dict(zip(dataset.documents["doc_id"], dataset.documents["published_on"], strict=True))
    )
    known = pd.concat([resolve_claim_dates(rated, dataset.documents), published], axis=1).max(
        axis=1
    )
    return sorted(set(known.dropna()))


def replay_scores(
    dataset: Dataset,
    *,
    hypothesis_ids: Iterable[str] | None = None,
    min_grade: str = "",
    weighted: bool = False,
    until: dt.date | None = None,
) -> pd.DataFrame:
    """Score the hypotheses as they stood on every date a rated claim arrived.

    Args:
        dataset: The whole dataset (each date's cut is made here, with ``known_as_of``).
        hypothesis_ids: Hypotheses to score (empty or None: all).
        min_grade: Minimum Admiralty grade of the claims that count.
        weighted: Weigh claims by their Admiralty grades.
        until: Last date replayed (None: every date).

    Returns:
        One row per date and hypothesis: ``as_of``, ``hypothesis_id``, ``inconsistency``,
        ``rank``, ``is_leading`` and ``claims`` (rated claims known that day).
    """
    order = list(hypothesis_ids or dataset.hypotheses["hypothesis_id"])
    frames = []
    for day in list_arrival_dates(dataset):
        if until is not None and day.date() > until:
            break
        known = known_as_of(dataset, day.date())
        cells = gather_evidence(
            known.tables, hypothesis_ids=order, min_grade=min_grade, weighted=weighted
        )
        scores = score_hypotheses(cells, dataset.consistency_ratings, order)
        scores.insert(0, "as_of", day)
        scores["claims"] = cells["claim_id"].nunique()
        frames.append(scores)
    columns = ["as_of", "hypothesis_id", "inconsistency", "rank", "is_leading", "claims"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
