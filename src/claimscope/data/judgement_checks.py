"""Check the analyst's key judgements: each rests on claims that were known when it was made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimscope.data.columns import split_list
from claimscope.data.problems import Problem

if TYPE_CHECKING:
    import pandas as pd


def check_judgements(
    judgements: pd.DataFrame,
    claims: pd.DataFrame | None,
    documents: pd.DataFrame | None,
    problems: list[Problem],
    file: str = "judgements.csv",
) -> None:
    """Each cited claim exists and was published and made by the judgement's ``made_on``.

    A judgement made before its evidence was out would replay, as of its date, resting on
    claims nobody could yet read.
    """
    if claims is None or "claim_ids" not in judgements:
        return
    published = {}
    if documents is not None:
        published = dict(zip(documents["doc_id"], documents["published_on"], strict=True))
    known_on = {}
    for claim_id, doc_id, made in zip(
        claims["claim_id"], claims["doc_id"], claims["claimed_on"], strict=True
    ):
        days = [d for d in (published.get(doc_id), made) if d is not None and d == d]
        known_on[claim_id] = max(days) if days else None
    for row, ids, made_on in zip(
        judgements.index, judgements["claim_ids"], judgements["made_on"], strict=True
    ):
        for claim_id in split_list(ids):
            if claim_id not in known_on:
                problems.append(Problem(file, row, "claim_ids", f"unknown claim {claim_id!r}"))
                continue
            day = known_on[claim_id]
            if day is not None and made_on == made_on and day > made_on:
                problems.append(
                    Problem(
                        file,
                        row,
                        "made_on",
                        f"{claim_id} was not known until {day:%Y-%m-%d}; a judgement made on "
                        f"{made_on:%Y-%m-%d} cannot rest on it",
                    )
                )
