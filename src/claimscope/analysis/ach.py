"""Heuer's Analysis of Competing Hypotheses on the rated claims: scores, diagnosticity, sensitivity.

The evidence is a long frame of *cells*, one per claim and hypothesis: ``claim_id``,
``hypothesis_id``, ``rating`` and optionally ``weight`` (1 when absent). A rating's consistency
score comes from the ``consistency_ratings`` table (CC 2 ... II -2; NA has none). Heuer ranks
hypotheses by the evidence *against* them: a hypothesis's inconsistency score adds up, over its
cells, ``max(0, -score) * weight``, so I counts 1 and II counts 2; the least inconsistent
hypothesis leads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from claimscope.analysis import check_known
from claimscope.analysis.evolution import drop_restatements
from claimscope.analysis.grades import meets_min_grade, weigh_claims
from claimscope.analysis.troops import resolve_claim_dates

#: Columns of :func:`score_hypotheses`.
SCORE_COLUMNS = ["hypothesis_id", "inconsistency", "rank", "is_leading"]


def select_cells(
    ratings: pd.DataFrame,
    claims: pd.DataFrame,
    *,
    hypothesis_ids: Iterable[str] | None = None,
    known_hypotheses: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return the ratings of the given claims against the chosen hypotheses, with the claims.

    Args:
        ratings: The ``ratings`` table.
        claims: The claims that count (already cut by date and grade); ratings of other claims
            are dropped.
        hypothesis_ids: Hypotheses to keep, in the order given; empty or None keeps all.
        known_hypotheses: The ``hypothesis_id`` values that exist, to reject unknown ones.

    Raises:
        ValueError: naming a hypothesis id that is not known.
    """
    wanted = list(hypothesis_ids or [])
    if known_hypotheses is not None:
        check_known("hypothesis", wanted, known_hypotheses, "hypothesis_ids")
    cells = ratings[["claim_id", "hypothesis_id", "rating", "note"]]
    if wanted:
        cells = cells[cells["hypothesis_id"].isin(wanted)]
    claim_columns = [c for c in claims.columns if c not in ("note", "line")]
    cells = cells.merge(claims[claim_columns], on="claim_id", how="inner", validate="many_to_one")
    return cells.reset_index(drop=True)


def weigh_cells(cells: pd.DataFrame, weights: pd.Series | None) -> pd.DataFrame:
    """Return ``cells`` with a ``weight`` column: the claim's weight, or 1 without weights."""
    out = cells.copy()
    out["weight"] = 1.0 if weights is None else out["claim_id"].map(weights).astype(float)
    return out


def _scores(cells: pd.DataFrame, scale: pd.DataFrame) -> pd.Series:
    """Map each cell to its consistency score (NaN for a rating that has none, such as NA)."""
    by_rating = {
        rating: float("nan") if pd.isna(score) else float(score)
        for rating, score in zip(scale["rating"], scale["score"], strict=True)
    }
    check_known("rating", cells["rating"].unique(), by_rating, "ratings")
    return cells["rating"].map(by_rating).astype(float)


def score_hypotheses(
    cells: pd.DataFrame, scale: pd.DataFrame, hypothesis_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Return each hypothesis's inconsistency score, its rank and whether it leads.

    Args:
        cells: One row per claim and hypothesis (``rating``, optionally ``weight``).
        scale: The ``consistency_ratings`` table.
        hypothesis_ids: The hypotheses to score, in order (a hypothesis without cells scores
            0); by default those in ``cells``, in order of appearance.

    Returns:
        Columns ``hypothesis_id``, ``inconsistency``, ``rank`` (1 is the least inconsistent;
        ties share a rank) and ``is_leading`` (rank 1), in the order of ``hypothesis_ids``.

    >>> scale = pd.DataFrame({"rating": ["C", "I", "II"], "score": [1, -1, -2]})
    >>> cells = pd.DataFrame({"claim_id": ["a", "a"], "hypothesis_id": ["H1", "H2"],
    ...                       "rating": ["C", "II"]})
    >>> score_hypotheses(cells, scale)["inconsistency"].tolist()
    [0.0, 2.0]
    """
    order = list(hypothesis_ids) if hypothesis_ids is not None else []
    order += [h for h in dict.fromkeys(cells["hypothesis_id"]) if h not in order]
    return _score_table(_against(cells, scale), cells["hypothesis_id"], order)


def _against(cells: pd.DataFrame, scale: pd.DataFrame) -> pd.Series:
    """Each cell's weighted count against its hypothesis (inconsistent ratings only)."""
    weight = cells["weight"] if "weight" in cells else 1.0
    return (-_scores(cells, scale)).clip(lower=0).fillna(0) * weight


def _score_table(against: pd.Series, hypotheses: pd.Series, order: list[str]) -> pd.DataFrame:
    """:func:`score_hypotheses`' table from the cells' counts against their hypotheses."""
    totals = against.groupby(hypotheses).sum()
    out = pd.DataFrame({"hypothesis_id": order})
    out["inconsistency"] = [round(float(totals.get(h, 0.0)), 9) for h in order]
    out["rank"] = out["inconsistency"].rank(method="min").astype(int)
    out["is_leading"] = out["rank"] == 1
    return out[SCORE_COLUMNS]


def leading_hypotheses(scores: pd.DataFrame) -> tuple[str, ...]:
    """Return the hypotheses tied for the lowest inconsistency (empty when none is scored)."""
    return tuple(scores.loc[scores["is_leading"], "hypothesis_id"])


def rank_diagnosticity(cells: pd.DataFrame, scale: pd.DataFrame) -> pd.DataFrame:
    """Return each claim's diagnosticity, most diagnostic first.

    A claim's diagnosticity is the spread of its consistency scores across the hypotheses it
    is rated against (highest minus lowest; NA ratings left out). A claim rated the same
    against every hypothesis, or scored against fewer than two, has none (0): it cannot tell
    them apart.

    Returns:
        Columns ``claim_id``, ``diagnosticity`` and one column per hypothesis holding the
        rating, sorted by diagnosticity (descending), then claim id.
    """
    scored = cells.assign(score=_scores(cells, scale))
    spread = scored.groupby("claim_id", sort=False)["score"].agg(lambda s: s.max() - s.min())
    wide = cells.pivot(index="claim_id", columns="hypothesis_id", values="rating")
    wide = wide[list(dict.fromkeys(cells["hypothesis_id"]))]
    out = wide.reset_index()
    out.columns.name = None
    out.insert(1, "diagnosticity", out["claim_id"].map(spread.fillna(0)).astype(float))
    return out.sort_values(
        ["diagnosticity", "claim_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def assess_sensitivity(
    cells: pd.DataFrame,
    scale: pd.DataFrame,
    *,
    claimants: Mapping[str, str] | None = None,
    hypothesis_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Rescore with each single claim removed, then with everything from one claimant removed.

    Args:
        cells: The evidence, as for :func:`score_hypotheses`.
        scale: The ``consistency_ratings`` table.
        claimants: ``claim_id`` to ``claimant_id``; by default the cells' ``claimant_id``.
        hypothesis_ids: The hypotheses, in order (by default those in ``cells``).

    Returns:
        One row per removal: ``removed`` ("claim" or "claimant"), ``removed_id``,
        ``claims_removed``, ``ranking`` (hypotheses least inconsistent first, ties joined by
        "="), ``leading`` (the leading hypotheses joined by "; "), one inconsistency column
        per hypothesis, and ``changes_leader`` (the set of leading hypotheses differs from the
        one with nothing removed).
    """
    order = list(hypothesis_ids) if hypothesis_ids is not None else []
    order += [h for h in dict.fromkeys(cells["hypothesis_id"]) if h not in order]
    if claimants is None:
        claimants = dict(zip(cells["claim_id"], cells["claimant_id"], strict=False))
    baseline = leading_hypotheses(score_hypotheses(cells, scale, order))
    removals = [("claim", c, [c]) for c in dict.fromkeys(cells["claim_id"])]
    by_claimant: dict[str, list[str]] = {}
    for claim_id in dict.fromkeys(cells["claim_id"]):
        by_claimant.setdefault(claimants[claim_id], []).append(claim_id)
    removals += [("claimant", who, ids) for who, ids in sorted(by_claimant.items())]
    rows = []
    # Each removal sums the same per-cell counts as scoring the remaining cells would.
    against, hypotheses = _against(cells, scale), cells["hypothesis_id"]
    for kind, removed_id, ids in removals:
        keep = ~cells["claim_id"].isin(ids)
        scores = _score_table(against[keep], hypotheses[keep], order)
        leaders = leading_hypotheses(scores)
        row = {
            "removed": kind,
            "removed_id": removed_id,
            "claims_removed": len(ids),
            "ranking": _ranking(scores),
            "leading": "; ".join(leaders),
        }
        row.update(dict(zip(scores["hypothesis_id"], scores["inconsistency"], strict=True)))
        row["changes_leader"] = set(leaders) != set(baseline)
        rows.append(row)
    columns = ["removed", "removed_id", "claims_removed", "ranking", "leading", *order]
    return pd.DataFrame(rows, columns=[*columns, "changes_leader"])


def _ranking(scores: pd.DataFrame) -> str:
    """Hypotheses least inconsistent first: "H1 < H2 = H3"."""
    ordered = scores.sort_values(["rank"], kind="stable")
    parts: list[str] = []
    previous = None
    for hypothesis, rank in zip(ordered["hypothesis_id"], ordered["rank"], strict=True):
        if parts:
            parts.append(" = " if rank == previous else " < ")
        parts.append(str(hypothesis))
        previous = rank
    return "".join(parts)


def leader_changing_claims(sensitivity: pd.DataFrame) -> list[str]:
    """Return the claims whose removal alone changes the leading hypothesis."""
    rows = sensitivity[(sensitivity["removed"] == "claim") & sensitivity["changes_leader"]]
    return list(rows["removed_id"])


def gather_evidence(
    tables: Mapping[str, pd.DataFrame],
    *,
    hypothesis_ids: Iterable[str] | None = None,
    min_grade: str = "",
    weighted: bool = False,
) -> pd.DataFrame:
    """Return the cells a report scores: rated claims meeting ``min_grade``, weighted or not.

    Args:
        tables: A dataset's tables (``dataset.tables``), already cut to a date if wanted.
        hypothesis_ids: Hypotheses to keep (empty or None: all).
        min_grade: Minimum Admiralty grade ("B3", "B", "3"; empty: all claims).
        weighted: Weigh each cell by its claim's Admiralty grades (the weights tables).

    Returns:
        :func:`select_cells` output with ``weight``, the claim's resolved ``claimed_on`` and
        its ``claimant_name``.
    """
    # A restatement is folded into the claim it restates: the evidence counts once.
    claims = drop_restatements(tables["claims"]).copy()
    claims["claimed_on"] = resolve_claim_dates(claims, tables["documents"])
    names = dict(zip(tables["actors"]["actor_id"], tables["actors"]["name"], strict=True))
    claims["claimant_name"] = claims["claimant_id"].map(lambda a: names.get(a, a))
    reliability, credibility = tables["source_reliability"], tables["info_credibility"]
    claims = claims[meets_min_grade(claims, min_grade, reliability, credibility)]
    cells = select_cells(
        tables["ratings"],
        claims,
        hypothesis_ids=hypothesis_ids,
        known_hypotheses=tables["hypotheses"]["hypothesis_id"],
    )
    weights = None
    if weighted:
        weights = weigh_claims(claims, reliability, credibility)
        weights.index = claims["claim_id"]
    return weigh_cells(cells, weights)
