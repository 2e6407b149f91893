"""Check that each piece of ACH evidence is rated once: never a claim that restates another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimscope.data.problems import Problem

if TYPE_CHECKING:
    import pandas as pd


def check_ratings_on_restatements(
    ratings: pd.DataFrame, claims: pd.DataFrame, problems: list[Problem], file: str = "ratings.csv"
) -> None:
    """Refuse a rating of a claim that restates another: the evidence is the claim it restates.

    A restatement repeats evidence already in the dataset, so rating both would count it twice;
    the ACH folds a restatement into its original, and the original carries the ratings.

    >>> import pandas as pd
    >>> claims = pd.DataFrame({"claim_id": ["a", "b"], "restates": [pd.NA, "a"]})
    >>> ratings = pd.DataFrame({"claim_id": ["a", "b"]}, index=[2, 3])
    >>> found = []
    >>> check_ratings_on_restatements(ratings, claims, found)
    >>> print(found[0])
    ratings.csv:3:claim_id: b restates a: rate a instead (a restatement counts once)
    """
    if "restates" not in claims or "claim_id" not in ratings:
        return
    restated = {
        claim: original
        for claim, original in zip(claims["claim_id"], claims["restates"], strict=True)
        if isinstance(original, str) and original
    }
    for row, claim_id in zip(ratings.index, ratings["claim_id"], strict=True):
        if claim_id in restated:
            original = restated[claim_id]
            problems.append(
                Problem(
                    file,
                    row,
                    "claim_id",
                    f"{claim_id} restates {original}: rate {original} instead "
                    "(a restatement counts once)",
                )
            )
