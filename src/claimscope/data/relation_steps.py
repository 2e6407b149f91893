"""A relation's status, evidence and history from its dated steps (relation_steps.csv).

This is the one place that turns steps into a status: the loader passes it every step, and
:func:`claimscope.analysis.timeline.known_as_of` the steps known on a date.
"""

from __future__ import annotations

import pandas as pd

from claimscope.data.columns import LIST_SEPARATOR, split_list


def relations_at(relations: pd.DataFrame, steps: pd.DataFrame | None) -> pd.DataFrame:
    """Give each relation its latest step's status and date; drop relations with no step.

    A relation's evidence (``claim_ids``) is every claim of the steps since it took its latest
    status: later steps with the same status add claims that keep it. ``history`` lists the
    status changes as ``(status, date)`` pairs, oldest first. Without a steps table the
    relations are returned as they are (a ``relations.csv`` that still carries ``status`` and
    ``claim_ids``).

    >>> rel = pd.DataFrame({"relation_id": ["r1", "r2"], "note": ["", ""]})
    >>> steps = pd.DataFrame({"relation_id": ["r1"] * 3,
    ...     "status": ["alleged", "established", "established"],
    ...     "status_on": pd.to_datetime(["2024-10-01", "2024-10-09", "2024-10-12"]),
    ...     "claim_ids": ["a", "b", "c"]})
    >>> relations_at(rel, steps)[["relation_id", "status", "claim_ids"]].values.tolist()
    [['r1', 'established', 'b;c']]
    """
    if steps is None:
        return relations
    ordered = steps.sort_values(["relation_id", "status_on"], kind="stable")
    latest: dict[str, dict] = {}
    for relation_id, status, on, ids in zip(
        ordered["relation_id"],
        ordered["status"],
        ordered["status_on"],
        ordered["claim_ids"],
        strict=True,
    ):
        ids = [] if pd.isna(ids) else split_list(ids)
        entry = latest.get(relation_id)
        if entry is None or entry["status"] != status:
            history = [*entry["history"], (status, on)] if entry else [(status, on)]
            entry = latest[relation_id] = {"status": status, "claim_ids": [], "history": history}
        entry["claim_ids"] += [c for c in ids if c not in entry["claim_ids"]]
    out = relations[relations["relation_id"].isin(list(latest))].copy()
    rows = [latest[r] for r in out["relation_id"]]
    out["status"] = pd.array([r["status"] for r in rows], dtype="string")
    out["claim_ids"] = pd.array(
        [LIST_SEPARATOR.join(r["claim_ids"]) or pd.NA for r in rows], dtype="string"
    )
    out["status_on"] = pd.to_datetime([r["history"][-1][1] for r in rows])
    out["history"] = [tuple((s, pd.Timestamp(on).date()) for s, on in r["history"]) for r in rows]
    return out.reset_index(drop=True)
