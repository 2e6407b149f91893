"""List and count stances per proposition: who asserts, denies, does not deny, verifies what.

A stance is about a proposition (``claims.proposition_id``, ``propositions.csv``): that troops
were sent to Russia, that they fight against Ukraine, that a plan exists, that one figure is
right. Every list and count here keeps propositions apart, so a claim on one proposition is
never shown under another: disputing a figure never reads as denying the deployment, and not
denying (``not_denied``) never counts as asserting or confirming.
"""

from __future__ import annotations

import pandas as pd

from claimscope.analysis.troops import DESCRIBED, describe_claims
from claimscope.data.vocab import Vocabularies, load_vocabularies


def list_stances(
    claims: pd.DataFrame,
    *,
    actors: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
    vocab: Vocabularies | None = None,
) -> pd.DataFrame:
    """Return every claim that takes a stance, described, by proposition then stance order.

    A claim is listed under its own proposition only (``proposition_id``): a denial of one
    figure is under ``figure``, never under the deployment.
    """
    vocab = vocab or load_vocabularies()
    taking = claims[claims["claim_type"].isin(list(vocab.stance_of()))]
    out = describe_claims(taking, actors=actors, documents=documents, vocab=vocab)
    rank = {stance: i for i, stance in enumerate(vocab.stance_order)}
    about = {p: i for i, p in enumerate(vocab.proposition_order)}
    out["_about"] = out["proposition_id"].map(lambda p: about.get(p, len(about)))
    out["_rank"] = out["stance"].map(rank)
    out = out.sort_values(["_about", "_rank", "claimed_on", "claim_id"], kind="stable")
    return out[DESCRIBED]


def count_stances(
    stances: pd.DataFrame,
    actors: pd.DataFrame | None = None,
    *,
    vocab: Vocabularies | None = None,
) -> pd.DataFrame:
    """Count each claimant's claims per proposition and stance.

    Args:
        stances: Output of ``list_stances``.
        actors: The ``actors`` table; claimants follow its row order among equal totals.
        vocab: The dataset's vocabularies (the project's by default).

    Returns:
        One row per claimant and proposition with ``claimant_id``, ``claimant_name``,
        ``proposition_id``, ``proposition_label``, one count column per stance in stance order
        and ``total``: claimants with most claims first, each one's propositions in table order.
    """
    vocab = vocab or load_vocabularies()
    order_of_stances = list(vocab.stance_order)
    order = {} if actors is None else {a: i for i, a in enumerate(actors["actor_id"])}
    about = {p: i for i, p in enumerate(vocab.proposition_order)}
    keys = ["claimant_id", "proposition_id"]
    columns = [*keys[:1], "claimant_name", *keys[1:], "proposition_label"]
    columns += [*order_of_stances, "total"]
    if stances.empty:
        return pd.DataFrame(columns=columns)
    about_id = stances.get("proposition_id", pd.Series(pd.NA, index=stances.index))
    about_label = stances.get("proposition_label", pd.Series("", index=stances.index))
    frame = stances.assign(proposition_id=about_id.fillna(""), proposition_label=about_label)
    # One groupby, not a Python loop per claimant: thousands of claimants take seconds otherwise.
    by_pair = frame.groupby(keys, sort=True)
    counts = frame.groupby([*keys, "stance"]).size().unstack(fill_value=0)
    out = counts.reindex(columns=order_of_stances, fill_value=0).astype("int64")
    out.insert(0, "claimant_name", by_pair["claimant_name"].first())
    out.insert(1, "proposition_label", by_pair["proposition_label"].first())
    out["total"] = by_pair.size().astype("int64")
    out = out.reset_index()
    out.columns.name = None
    out["proposition_id"] = out["proposition_id"].replace("", pd.NA)
    out["_all"] = out.groupby("claimant_id")["total"].transform("sum")
    out["_order"] = [order.get(c, len(order)) for c in out["claimant_id"]]
    out["_about"] = [about.get(p, len(about)) for p in out["proposition_id"]]
    out = out.sort_values(
        ["_all", "_order", "claimant_id", "_about"], ascending=[False, True, True, True]
    )
    return out[columns].reset_index(drop=True)


def aggregate_by_claimant(
    figures: pd.DataFrame, stances: pd.DataFrame, *, vocab: Vocabularies | None = None
) -> pd.DataFrame:
    """Sum up each claimant's claims: figure count and span, median figure, count per stance.

    Returns:
        One row per claimant, most claims first (then claimant id): ``claimant_id``,
        ``claimant_name``, ``claims``, ``figures``, ``low`` (lowest closed lower bound; NA when
        every figure's lower bound is open), ``high`` (highest closed upper bound; NA when any
        upper bound is open), ``is_low_open``, ``is_high_open``, ``median`` (median stated
        figure), one count column per stance, in stance order, and ``stances_on``: the same
        counts told per proposition, ``(stance, proposition label, count)`` in stance then
        proposition order, so a dispute over a figure is never read as a denial of the
        deployment.
    """
    vocab = vocab or load_vocabularies()
    order_of_stances = list(vocab.stance_order)
    others = stances[~stances["claim_id"].isin(figures["claim_id"])]
    kept = ["claimant_id", "claimant_name", "stance", "proposition_label"]
    claims = pd.concat(
        [part.reindex(columns=kept) for part in (figures, others)], ignore_index=True
    )
    claims["proposition_label"] = claims["proposition_label"].astype("string").fillna("")
    counts = pd.crosstab(claims["claimant_id"], claims["stance"]).reindex(
        columns=order_of_stances, fill_value=0
    )
    out = pd.DataFrame(index=counts.index)
    out["claimant_name"] = claims.groupby("claimant_id")["claimant_name"].first()
    out["claims"] = counts.sum(axis=1)
    by = figures.groupby("claimant_id")
    out["figures"] = by.size().reindex(out.index, fill_value=0)
    low = figures["troops_low"].where(~figures["is_low_open"]).astype("Float64")
    high = figures["troops_high"].where(~figures["is_high_open"]).astype("Float64")
    out["low"] = low.groupby(figures["claimant_id"]).min().reindex(out.index)
    out["high"] = high.groupby(figures["claimant_id"]).max().reindex(out.index)
    out["is_low_open"] = by["is_low_open"].all().reindex(out.index, fill_value=False)
    out["is_high_open"] = by["is_high_open"].any().reindex(out.index, fill_value=False)
    stated = figures["troops_stated"].astype("Float64")
    out["median"] = stated.groupby(figures["claimant_id"]).median().reindex(out.index)
    for stance in order_of_stances:
        out[stance] = counts[stance]
    rank = {stance: i for i, stance in enumerate(order_of_stances)}
    told = claims.groupby(["claimant_id", "stance", "proposition_label"]).size()
    on: dict[str, list[tuple[str, str, int]]] = {c: [] for c in out.index}
    for (claimant, stance, about), n in sorted(
        told.items(), key=lambda item: (rank.get(item[0][1], len(rank)), item[0][2])
    ):
        on[claimant].append((stance, about, int(n)))
    out["stances_on"] = [on[c] for c in out.index]
    out = out.reset_index(names="claimant_id")
    return out.sort_values(["claims", "claimant_id"], ascending=[False, True], kind="stable")
