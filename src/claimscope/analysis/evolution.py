"""How estimates and stances evolved: restatements counted once, series per claimant, changes.

* A claim that ``restates`` another claim of the selection is the same statement reported
  twice: :func:`drop_restatements` keeps the original only, so every chart and count sees it
  once. A restatement whose original is not selected stays.
* Figures are grouped by what they count (``measures.group``: strength or losses), and a
  figure with a ``period`` is a flow ("in seven days"), never joined to stocks.
* :func:`list_latest_figures` gives each claimant's latest figure per measure with the change
  from its previous one; :func:`list_stance_changes` gives each party's stances per
  proposition in date order.
"""

from __future__ import annotations

import re

import pandas as pd

from claimscope.data.values import is_missing, text_of

#: Columns that identify one series of figures: who, what, and over which period.
SERIES = ["claimant_id", "measure", "period"]


def drop_restatements(claims: pd.DataFrame) -> pd.DataFrame:
    """Drop each claim that restates another claim of ``claims``; keep the original.

    >>> claims = pd.DataFrame({"claim_id": ["a", "b", "c"], "restates": [pd.NA, "a", "z"]})
    >>> drop_restatements(claims)["claim_id"].tolist()
    ['a', 'c']
    """
    if "restates" not in claims:
        return claims
    repeats = claims["restates"].isin(set(claims["claim_id"])).fillna(False).astype(bool)
    return claims[~repeats]


_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_NUMBER_WORDS = "one two three four five six seven eight nine ten".split()


def describe_period(period: object) -> str:
    """Say an ISO 8601 period as a reader says it: ``P5D`` is "in five days"; empty for none.

    >>> describe_period("P5D"), describe_period("P1W"), describe_period("P14D")
    ('in five days', 'in one week', 'in 14 days')
    >>> describe_period("P1M2D"), describe_period(pd.NA), describe_period("PT5H")
    ('in one month and two days', '', 'in PT5H')
    """
    if is_missing(period):
        return ""
    match = _PERIOD.match(str(period))
    if not match or not any(match.groups()):
        return f"in {period}"  # a period the curator wrote some other way is shown as written
    parts = []
    for count, unit in zip(match.groups(), ("year", "month", "week", "day"), strict=True):
        if count:
            n = int(count)
            word = _NUMBER_WORDS[n - 1] if 1 <= n <= len(_NUMBER_WORDS) else f"{n:,}"
            parts.append(f"{word} {unit}{'' if n == 1 else 's'}")
    return "in " + (" and ".join(parts) if len(parts) <= 2 else ", ".join(parts))


def flow_label(period: object) -> str:
    """Describe a flow's period for a label: ``in seven days``; a stock has none.

    >>> flow_label("P7D"), flow_label(pd.NA)
    ('in seven days', '')
    """
    return describe_period(period)


#: How the chart of a group's flows is named: a flow never shares an axis with a stock or total.
FLOW_GROUP = "{group} per period"


def split_by_group(figures: pd.DataFrame, measures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Split normalised figures by what their measure counts, in the order groups first appear.

    A flow (a measure of ``kind`` flow, or any figure stated over a ``period``) goes in a chart
    of its own, "strength per period": a cumulative total and monthly flows never share an axis.
    A package whose measures have no ``kind`` splits flows by their period alone.

    Args:
        figures: Output of ``normalise_figures``.
        measures: The ``measures`` vocabulary (``measure``, ``group``, optional ``kind``).
    """
    group_of = dict(zip(measures["measure"], measures["group"], strict=True))
    kinds = measures["kind"] if "kind" in measures else pd.Series("", index=measures.index)
    flow_measures = set(measures["measure"][kinds.astype("string").eq("flow").fillna(False)])
    groups = figures["measure"].map(group_of).fillna("other").astype(object)
    period = figures["period"] if "period" in figures else pd.Series(pd.NA, index=figures.index)
    is_flow = figures["measure"].isin(flow_measures) | period.notna().to_numpy()
    groups = groups.where(~is_flow, [FLOW_GROUP.format(group=g) for g in groups])
    order = [
        name
        for g in dict.fromkeys([*measures["group"], "other"])
        for name in (g, FLOW_GROUP.format(group=g))
    ]
    return {g: figures[groups == g] for g in order if (groups == g).any()}


def series_key(frame: pd.DataFrame) -> pd.Series:
    """Name each figure's series: claimant, measure, period and place; only like figures share one.

    A flow over a period, a figure for one region and one for the whole country count
    different things, so each starts its own series and no change is computed between them.

    >>> frame = pd.DataFrame({"claimant_id": ["a", "a"], "measure": ["present"] * 2,
    ...     "period": [pd.NA, pd.NA], "location": ["Russia", "Kursk region"]})
    >>> series_key(frame).tolist()
    ['a|present||russia', 'a|present||kursk region']
    """
    period = frame["period"].astype("string").fillna("") if "period" in frame else ""
    place = (
        frame["location"].astype("string").fillna("").str.strip().str.lower()
        if "location" in frame
        else ""
    )
    return (
        frame["claimant_id"] + "|" + frame["measure"].astype("string") + "|" + period + "|" + place
    )


def _is_point(row: pd.Series | dict) -> bool:
    """Whether a normalised figure is one closed number (not a range and not an open bound)."""
    if row["is_low_open"] or row["is_high_open"]:
        return False
    return int(row["troops_low"]) == int(row["troops_high"])


def compare_figures(last: pd.Series | dict, before: pd.Series | dict | None) -> str:
    """Say how two like figures compare: ``first``, ``points``, ``bound``, ``range``.

    A number is subtracted only between two points; between a bound or a range and another
    figure the change is stated in words, never as a difference.
    """
    if before is None:
        return "first"
    if _is_point(last) and _is_point(before):
        return "points"
    if any(r["is_low_open"] or r["is_high_open"] for r in (last, before)):
        return "bound"
    return "range"


def list_latest_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Return each claimant's latest figure per measure, period and place, with the change.

    The previous figure is the one the latest ``revises`` when the curator says so (a revision,
    possibly by another body), else the series' previous claim.

    Returns:
        One row per series, latest date first: ``claimant_id``, ``claimant_name``,
        ``measure``, ``period``, ``location``, ``claimed_on``, ``claim_id``,
        ``troops_stated`` and the row itself (``row``, for formatting its interval),
        ``previous`` (the previous figure's row, None for the first), ``previous_id``,
        ``previous_on``, ``comparison`` (:func:`compare_figures`, or ``revision``) and
        ``change`` (``troops_stated - previous`` between two points, else NA).
    """
    columns = [
        "claimant_id",
        "claimant_name",
        "measure",
        "period",
        "location",
        "claimed_on",
        "claim_id",
        "troops_stated",
        "row",
        "previous",
        "previous_id",
        "previous_on",
        "comparison",
        "change",
    ]
    if figures.empty:
        return pd.DataFrame(columns=columns)
    by_id = {row["claim_id"]: row for row in figures.to_dict("records")}
    ordered = figures.assign(_key=series_key(figures)).sort_values(
        ["_key", "claimed_on", "claim_id"], kind="stable"
    )
    rows = []
    for _, series in ordered.groupby("_key", sort=False):
        last = series.iloc[-1].to_dict()
        revised = text_of(last.get("revises", pd.NA))
        before = series.iloc[-2].to_dict() if len(series) > 1 else None
        comparison = compare_figures(last, before)
        if revised in by_id:
            before, comparison = by_id[revised], "revision"
        is_points = before is not None and _is_point(last) and _is_point(before)
        rows.append(
            {
                "claimant_id": last["claimant_id"],
                "claimant_name": last["claimant_name"],
                "measure": last["measure"],
                "period": last.get("period", pd.NA),
                "location": last.get("location", pd.NA),
                "claimed_on": last["claimed_on"],
                "claim_id": last["claim_id"],
                "troops_stated": last["troops_stated"],
                "row": last,
                "previous": before,
                "previous_id": pd.NA if before is None else before["claim_id"],
                "previous_on": pd.NaT if before is None else before["claimed_on"],
                "comparison": comparison,
                "change": (
                    int(last["troops_stated"]) - int(before["troops_stated"])
                    if is_points
                    else pd.NA
                ),
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["claimed_on", "claim_id"], ascending=[False, True], kind="stable")


def list_stance_changes(stances: pd.DataFrame, roots: dict[str, str]) -> pd.DataFrame:
    """Return each party's stances per proposition in date order, marking where one changed.

    A party's stance over time is per proposition: a denial that troops fight is not a change
    from asserting that they were sent, and a dispute over one figure is a history of its own.

    Args:
        stances: Output of ``list_stances`` (with ``responds_to`` and ``proposition_id``).
        roots: Actor id to the party it speaks for (``find_root_actors``): the Kremlin's and
            Putin's stances are Russia's.

    Returns:
        One row per stance claim, by party, proposition then date: ``party_id``,
        ``proposition_id``, ``claimant_id``, ``claimant_name``, ``stance``, ``claimed_on``,
        ``claim_id``, ``responds_to`` and ``is_change`` (True when the party's previous stance
        on the same proposition was another one).

    >>> stances = pd.DataFrame({"claimant_id": ["k", "p", "p"], "claimant_name": ["K", "P", "P"],
    ...     "stance": ["denies", "not_denied", "denies"], "claimed_on": pd.to_datetime(
    ...     ["2024-10-10", "2024-10-24", "2024-10-25"]), "claim_id": ["c1", "c2", "c3"],
    ...     "proposition_id": ["sent", "sent", "fight"], "responds_to": [pd.NA, "c9", pd.NA]})
    >>> list_stance_changes(stances, {"k": "r", "p": "r"})["is_change"].tolist()
    [False, False, True]
    """
    out = stances.copy()
    out["party_id"] = [roots.get(a, a) for a in out["claimant_id"]]
    for column in ("responds_to", "proposition_id"):
        if column not in out:
            out[column] = pd.NA
    about = out["proposition_id"].astype("string").fillna("")
    out = out.assign(_about=about).sort_values(
        ["party_id", "_about", "claimed_on", "claim_id"], kind="stable"
    )
    previous = out.groupby(["party_id", "_about"])["stance"].shift()
    out["is_change"] = (previous.notna() & (previous != out["stance"])).astype(bool)
    columns = [
        "party_id",
        "proposition_id",
        "claimant_id",
        "claimant_name",
        "stance",
        "claimed_on",
        "claim_id",
        "responds_to",
        "is_change",
    ]
    return out[columns].reset_index(drop=True)


def summarise_stance_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """Collapse each party's stances on each proposition into runs, each dated by its claims.

    Returns:
        ``party_id``, ``proposition_id``, ``stance``, ``first_on``, ``days`` (each date of the
        run with the names of who took the stance that day, in date order, so no claim is
        shown under another claim's date), ``claimant_names``, ``claim_ids`` and
        ``responds_to`` (the claims it answered), one row per run.
    """
    rows: list[dict] = []
    changes = changes.assign(_about=changes["proposition_id"].astype("string").fillna(""))
    for (party, about), group in changes.groupby(["party_id", "_about"], sort=False):
        for claim in group.to_dict("records"):
            run = rows[-1] if rows and rows[-1]["_key"] == (party, about) else None
            if run is None or run["stance"] != claim["stance"]:
                run = {
                    "_key": (party, about),
                    "party_id": party,
                    "proposition_id": claim["proposition_id"],
                    "stance": claim["stance"],
                    "first_on": claim["claimed_on"],
                    "days": [],
                    "claimant_names": [],
                    "claim_ids": [],
                    "responds_to": [],
                }
                rows.append(run)
            day = claim["claimed_on"]
            if not run["days"] or run["days"][-1][0] != day:
                run["days"].append((day, []))
            if claim["claimant_name"] not in run["days"][-1][1]:
                run["days"][-1][1].append(claim["claimant_name"])
            run["claimant_names"] += [claim["claimant_name"]]
            run["claim_ids"] += [claim["claim_id"]]
            answered = text_of(claim["responds_to"]).split(";")
            run["responds_to"] += [c for c in answered if c and c not in run["responds_to"]]
    columns = ["party_id", "proposition_id", "stance", "first_on", "days"]
    columns += ["claimant_names", "claim_ids", "responds_to"]
    return pd.DataFrame(rows, columns=["_key", *columns])[columns]
