"""Normalise claimed troop figures into troop intervals, and say what the sources say.

A troop figure is stated in some unit ("two brigades", "as many as 6,000") with a qualifier.
``normalise_figures`` turns each one into an interval of troops:

* the stated number times the smallest and the largest size of one unit (``unit_sizes.csv``,
  overridable per report, so an analyst can test the brigade assumption);
* ``exact`` and ``range`` keep the converted interval as it is;
* ``approximately`` widens it by ``tolerance`` on each side;
* ``up_to`` has an open lower bound (``troops_low`` is NA, ``is_low_open`` is True);
* ``at_least`` has an open upper bound (``troops_high`` is NA, ``is_high_open`` is True).

Stances: every claim about the deployment asserts, denies, cannot verify or confirms it (see
``STANCES``). Everything here is a pure function of DataFrames, so notebooks stay thin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from claimscope.dataset import split_list
from claimscope.display import TABLE_ROWS, cap_rows

FIGURE_TYPE = "troop_figure"

#: Claim type to stance. ``troop_figure`` and ``troop_deployment`` assert the deployment (with
#: and without a number). ``confirmation`` is kept apart from ``asserts`` because a third party
#: confirming someone else's claim weighs differently from the claim itself.
STANCES: dict[str, str] = {
    "troop_figure": "asserts",
    "troop_deployment": "asserts",
    "denial": "denies",
    "not_verified": "not_verified",
    "confirmation": "confirms",
}
STANCE_ORDER: tuple[str, ...] = ("asserts", "denies", "not_verified", "confirms")
STANCE_LABELS: dict[str, str] = {
    "asserts": "asserts",
    "denies": "denies",
    "not_verified": "cannot verify",
    "confirms": "confirms",
}

QUALIFIERS = ("exact", "approximately", "at_least", "up_to", "range")

#: Most figures "what the sources say" describes one by one; the rest are counted.
PROSE_FIGURES = 25

#: The Admiralty (NATO) grading scales the curator's grades use.
SOURCE_RELIABILITY: dict[str, str] = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}
INFO_CREDIBILITY: dict[int, str] = {
    1: "Confirmed by other sources",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}

_DESCRIBED = [
    "claim_id",
    "doc_id",
    "doc_title",
    "claimant_id",
    "claimant_name",
    "claim_type",
    "stance",
    "measure",
    "activity",
    "location",
    "claimed_on",
    "hedges",
    "grade",
    "quote",
]


def stance_of(claim_type: str) -> str | None:
    """Return the stance a claim type takes on the deployment, or None if it takes none.

    >>> stance_of("denial")
    'denies'
    >>> stance_of("assessment") is None
    True
    """
    return STANCES.get(claim_type)


def grade_of(source_reliability: object, info_credibility: object) -> str:
    """Return the Admiralty grade, e.g. ``"B3"``; an empty part stays empty.

    >>> grade_of("B", 3)
    'B3'
    >>> grade_of("", pd.NA)
    ''
    """
    letter = "" if _missing(source_reliability) else str(source_reliability)
    digit = "" if _missing(info_credibility) else str(int(info_credibility))
    return letter + digit


def resolve_unit_sizes(
    unit_sizes: pd.DataFrame, unit_overrides: Mapping[str, Sequence[int]] | None = None
) -> dict[str, tuple[int, int]]:
    """Return unit to (fewest, most) troops per unit, with overrides applied.

    Args:
        unit_sizes: The ``unit_sizes`` table.
        unit_overrides: Unit to a ``(low, high)`` pair replacing the dataset's sizes.

    Raises:
        ValueError: naming an override whose unit is unknown or whose sizes are not
            two whole numbers with ``1 <= low <= high``.

    >>> sizes = pd.DataFrame({"unit": ["brigades"], "troops_low": [3000], "troops_high": [5000]})
    >>> resolve_unit_sizes(sizes, {"brigades": [1500, 2500]})
    {'brigades': (1500, 2500)}
    """
    sizes = {
        unit: (int(low), int(high))
        for unit, low, high in zip(
            unit_sizes["unit"], unit_sizes["troops_low"], unit_sizes["troops_high"], strict=True
        )
    }
    for unit, pair in (unit_overrides or {}).items():
        if unit not in sizes:
            known = ", ".join(sorted(sizes))
            raise ValueError(f"unknown unit {unit!r} in unit_overrides; known units: {known}")
        try:
            low, high = (int(v) for v in pair)
            whole = all(float(v) == int(v) for v in pair)
        except (TypeError, ValueError):
            whole = False
        if not whole or not 1 <= low <= high:
            raise ValueError(
                f"unit_overrides[{unit!r}] must be two whole numbers [low, high] with "
                f"1 <= low <= high, not {pair!r}"
            )
        sizes[unit] = (low, high)
    return sizes


def resolve_claim_dates(claims: pd.DataFrame, documents: pd.DataFrame | None) -> pd.Series:
    """Return each claim's date: ``claimed_on``, or else its document's ``published_on``."""
    if documents is None:
        return claims["claimed_on"]
    published = dict(zip(documents["doc_id"], documents["published_on"], strict=True))
    return claims["claimed_on"].fillna(claims["doc_id"].map(published))


def describe_claims(
    claims: pd.DataFrame,
    *,
    actors: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the claims with what a reader needs: names, titles, dates, stance and grade.

    Args:
        claims: Rows of the ``claims`` table.
        actors: The ``actors`` table, for claimant names (ids are shown without it).
        documents: The ``documents`` table, for titles and for dates of undated claims.

    Returns:
        The claims' own columns plus ``doc_title``, ``claimant_name``, ``stance`` and
        ``grade``, with ``claimed_on`` resolved.
    """
    out = claims.copy()
    names = {} if actors is None else dict(zip(actors["actor_id"], actors["name"], strict=True))
    titles = (
        {} if documents is None else dict(zip(documents["doc_id"], documents["title"], strict=True))
    )
    out["claimant_name"] = [names.get(a, a) for a in out["claimant_id"]]
    out["doc_title"] = [titles.get(d, d) for d in out["doc_id"]]
    out["claimed_on"] = resolve_claim_dates(out, documents)
    out["stance"] = [stance_of(t) for t in out["claim_type"]]
    out["grade"] = [
        grade_of(r, c)
        for r, c in zip(out["source_reliability"], out["info_credibility"], strict=True)
    ]
    return out


def schema_measures(schema: dict) -> list[str]:
    """Return the measures ``datapackage.json`` allows for troop figures.

    >>> schema = {"resources": [{"name": "claims", "schema": {"fields": [
    ...     {"name": "measure", "constraints": {"enum": ["present", "killed"]}}]}}]}
    >>> schema_measures(schema)
    ['present', 'killed']
    """
    claims = next(r for r in schema["resources"] if r["name"] == "claims")
    field = next(f for f in claims["schema"]["fields"] if f["name"] == "measure")
    return list(field.get("constraints", {}).get("enum", []))


def select_claims(
    claims: pd.DataFrame,
    *,
    documents: pd.DataFrame,
    actors: pd.DataFrame,
    doc_ids: Iterable[str] | None = None,
    claimant_ids: Iterable[str] | None = None,
    measures: Iterable[str] | None = None,
    known_measures: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Keep the claims of some documents, claimants and measures; empty or None keeps all.

    The measure filter applies to claims that carry a measure (troop figures): denials and
    other stances, which count nothing, stay, so a report on one measure still shows them.

    Args:
        claims: The ``claims`` table.
        documents: The full ``documents`` table (the ids a report may name).
        actors: The full ``actors`` table.
        doc_ids: Documents to keep.
        claimant_ids: Claimants to keep.
        measures: Measures to keep.
        known_measures: Valid measures; by default those used in ``claims``.

    Raises:
        ValueError: naming every id that is not in the dataset.
    """
    doc_ids, claimant_ids = list(doc_ids or []), list(claimant_ids or [])
    measures = list(measures or [])
    known = set(known_measures) if known_measures is not None else set(claims["measure"]) - {""}
    _check_known("document", doc_ids, set(documents["doc_id"]))
    _check_known("claimant", claimant_ids, set(actors["actor_id"]))
    _check_known("measure", measures, known)
    keep = pd.Series(True, index=claims.index)
    if doc_ids:
        keep &= claims["doc_id"].isin(doc_ids)
    if claimant_ids:
        keep &= claims["claimant_id"].isin(claimant_ids)
    if measures:
        keep &= (claims["measure"] == "") | claims["measure"].isin(measures)
    return claims[keep]


def _check_known(kind: str, wanted: list[str], known: set[str]) -> None:
    unknown = [w for w in wanted if w not in known]
    if unknown:
        names = ", ".join(repr(u) for u in unknown)
        raise ValueError(f"unknown {kind} id(s): {names}; known: {', '.join(sorted(known))}")


def normalise_figures(
    claims: pd.DataFrame,
    unit_sizes: pd.DataFrame,
    *,
    unit_overrides: Mapping[str, Sequence[int]] | None = None,
    tolerance: float = 0.1,
    actors: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Turn every ``troop_figure`` claim into an interval of troops.

    Args:
        claims: Rows of the ``claims`` table; claims of other types are ignored.
        unit_sizes: The ``unit_sizes`` table.
        unit_overrides: Unit to ``(low, high)`` troops per unit, replacing the dataset's.
        tolerance: Fraction by which ``approximately`` widens a figure on each side.
        actors: The ``actors`` table, for claimant names.
        documents: The ``documents`` table, for titles and the dates of undated claims.

    Returns:
        One row per figure: the columns of ``describe_claims`` plus ``stated_figure``,
        ``value_low``, ``value_high``, ``unit``, ``qualifier``, ``unit_low`` and ``unit_high``
        (troops per unit used), ``troops_low`` and ``troops_high`` (Int64, NA when open),
        ``is_low_open``, ``is_high_open`` and ``troops_stated`` (the stated number at the
        middle unit size, where the chart marks it), sorted by date, then claim id.

    Raises:
        ValueError: for a bad tolerance or override, an unknown unit or qualifier.

    >>> claims = pd.DataFrame({"claim_id": ["c1"], "doc_id": ["d"], "claimant_id": ["z"],
    ...     "claim_type": ["troop_figure"], "value_low": [2], "value_high": [2],
    ...     "unit": ["brigades"], "qualifier": ["exact"], "claimed_on": [pd.NaT],
    ...     "source_reliability": ["C"], "info_credibility": [3]})
    >>> sizes = pd.DataFrame({"unit": ["brigades"], "troops_low": [3000], "troops_high": [5000]})
    >>> row = normalise_figures(claims, sizes).iloc[0]
    >>> int(row.troops_low), int(row.troops_high)
    (6000, 10000)
    """
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be at least 0 and below 1, not {tolerance!r}")
    sizes = resolve_unit_sizes(unit_sizes, unit_overrides)
    figures = claims[claims["claim_type"] == FIGURE_TYPE]
    out = describe_claims(figures, actors=actors, documents=documents)
    for column in ("measure", "stated_figure", "activity", "location", "hedges", "quote"):
        if column not in out:
            out[column] = ""
    rows = [
        _normalise_one(claim_id, low, high, unit, qualifier, sizes, tolerance)
        for claim_id, low, high, unit, qualifier in zip(
            out["claim_id"],
            out["value_low"],
            out["value_high"],
            out["unit"],
            out["qualifier"],
            strict=True,
        )
    ]
    columns = [
        "unit_low",
        "unit_high",
        "troops_low",
        "troops_high",
        "is_low_open",
        "is_high_open",
        "troops_stated",
    ]
    numbers = pd.DataFrame(rows, columns=columns, index=out.index)
    for column in columns:
        out[column] = numbers[column]
    for column in ("unit_low", "unit_high", "troops_low", "troops_high", "troops_stated"):
        out[column] = out[column].astype("Int64")
    out["is_low_open"] = out["is_low_open"].astype(bool)
    out["is_high_open"] = out["is_high_open"].astype(bool)
    keep = [
        *_DESCRIBED,
        "stated_figure",
        "value_low",
        "value_high",
        "unit",
        "qualifier",
        *columns,
    ]
    return out[keep].sort_values(["claimed_on", "claim_id"], kind="stable")


def _normalise_one(
    claim_id: str,
    value_low: object,
    value_high: object,
    unit: str,
    qualifier: str,
    sizes: dict[str, tuple[int, int]],
    tolerance: float,
) -> tuple:
    if unit not in sizes:
        raise ValueError(f"claim {claim_id}: unknown unit {unit!r}; known: {', '.join(sizes)}")
    if qualifier not in QUALIFIERS:
        raise ValueError(f"claim {claim_id}: unknown qualifier {qualifier!r}")
    if _missing(value_low) or _missing(value_high):
        raise ValueError(f"claim {claim_id}: a troop figure needs value_low and value_high")
    unit_low, unit_high = sizes[unit]
    low, high = int(value_low) * unit_low, int(value_high) * unit_high
    stated = round((int(value_low) + int(value_high)) * (unit_low + unit_high) / 4)
    low_open = high_open = False
    if qualifier == "approximately":
        low, high = round(low * (1 - tolerance)), round(high * (1 + tolerance))
    elif qualifier == "up_to":
        low, low_open = pd.NA, True
        stated = high
    elif qualifier == "at_least":
        high, high_open = pd.NA, True
        stated = low
    return unit_low, unit_high, low, high, low_open, high_open, stated


def list_stances(
    claims: pd.DataFrame,
    *,
    actors: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return every claim that takes a stance on the deployment, described, in stance order."""
    taking = claims[claims["claim_type"].isin(list(STANCES))]
    out = describe_claims(taking, actors=actors, documents=documents)
    for column in ("measure", "activity", "location", "hedges", "quote"):
        if column not in out:
            out[column] = ""
    rank = {stance: i for i, stance in enumerate(STANCE_ORDER)}
    out["_rank"] = out["stance"].map(rank)
    out = out.sort_values(["_rank", "claimed_on", "claim_id"], kind="stable")
    return out[_DESCRIBED]


def count_stances(stances: pd.DataFrame, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """Count each claimant's claims per stance.

    Args:
        stances: Output of ``list_stances``.
        actors: The ``actors`` table; claimants follow its row order among equal totals.

    Returns:
        One row per claimant with ``claimant_id``, ``claimant_name``, one count column per
        stance of ``STANCE_ORDER`` and ``total``, most claims first.
    """
    order = {} if actors is None else {a: i for i, a in enumerate(actors["actor_id"])}
    columns = ["claimant_id", "claimant_name", *STANCE_ORDER, "total"]
    if stances.empty:
        return pd.DataFrame(columns=columns)
    # One groupby, not a Python loop per claimant: thousands of claimants take seconds otherwise.
    by_claimant = stances.groupby("claimant_id", sort=True)
    counts = stances.groupby(["claimant_id", "stance"]).size().unstack(fill_value=0)
    frame = counts.reindex(columns=list(STANCE_ORDER), fill_value=0).astype("int64")
    frame.insert(0, "claimant_name", by_claimant["claimant_name"].first())
    frame["total"] = by_claimant.size().astype("int64")
    frame = frame.reset_index()
    frame.columns.name = None
    frame["_order"] = [order.get(c, len(order)) for c in frame["claimant_id"]]
    frame = frame.sort_values(["total", "_order", "claimant_id"], ascending=[False, True, True])
    return frame[columns].reset_index(drop=True)


def format_troops(value: object) -> str:
    """Format a number of troops with thousands separators; NA is empty.

    >>> format_troops(6000)
    '6,000'
    """
    return "" if _missing(value) else f"{int(value):,}"


def format_interval(low: object, high: object, is_low_open: bool, is_high_open: bool) -> str:
    """Format a troop interval for people: ``6,000–10,000``, ``≤ 6,000``, ``≥ 3,000``, ``1,500``.

    >>> format_interval(pd.NA, 6000, True, False)
    '≤ 6,000'
    >>> format_interval(6000, 10000, False, False)
    '6,000–10,000'
    """
    if is_low_open and is_high_open:
        return "any number"
    if is_low_open:
        return f"≤ {format_troops(high)}"
    if is_high_open:
        return f"≥ {format_troops(low)}"
    if int(low) == int(high):
        return format_troops(low)
    return f"{format_troops(low)}–{format_troops(high)}"


def tabulate_claims(
    figures: pd.DataFrame, stances: pd.DataFrame, *, limit: int | None = TABLE_ROWS
) -> pd.DataFrame:
    """Build the report's summary table: every figure, then every other stance, one row each.

    Args:
        figures: Output of ``normalise_figures``.
        stances: Output of ``list_stances`` (its figure claims are taken from ``figures``).
        limit: Most claims shown; a last row counts the rest. None shows every claim.

    Returns:
        A table of display strings with reader-facing column names.
    """
    others = stances[~stances["claim_id"].isin(figures["claim_id"])]
    total = len(figures) + len(others)
    if limit is not None and total > limit:
        figures, others = figures.iloc[:limit], others.iloc[: max(0, limit - len(figures))]
    rows = []
    for f in figures.to_dict("records"):
        interval = format_interval(
            f["troops_low"], f["troops_high"], f["is_low_open"], f["is_high_open"]
        )
        rows.append(_table_row(f, f["stated_figure"], interval))
    for s in others.to_dict("records"):
        rows.append(_table_row(s, "", ""))
    columns = [
        "Claimant",
        "Stance",
        "Stated figure",
        "Troops (normalised)",
        "Measure",
        "Activity",
        "Location",
        "Hedges",
        "Grade",
        "Date",
        "Quote",
        "Claim",
    ]
    table = pd.DataFrame(rows, columns=columns)
    return cap_rows(table, limit, "claims", total=total)


def _table_row(claim: dict, stated: str, interval: str) -> list[str]:
    return [
        claim["claimant_name"],
        STANCE_LABELS.get(claim["stance"], ""),
        stated,
        interval,
        claim["measure"].replace("_", " "),
        claim["activity"],
        claim["location"],
        ", ".join(split_list(claim["hedges"])),
        claim["grade"],
        _format_date(claim["claimed_on"]),
        claim["quote"],
        claim["claim_id"],
    ]


def _format_date(value: object) -> str:
    return "" if _missing(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def _missing(value: object) -> bool:
    if isinstance(value, str):
        return value == ""
    return value is None or bool(pd.isna(value))


def _join_names(names: list[str], limit: int | None = None) -> str:
    """Join names as prose; beyond ``limit`` names, count the rest instead of listing them.

    >>> _join_names(["A", "B", "C"])
    'A, B and C'
    >>> _join_names(["A", "B", "C", "D"], limit=2)
    'A, B and 2 others'
    """
    names = list(dict.fromkeys(names))
    if limit is not None and len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit:,} others"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def summarise_figures(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    unit_sizes: pd.DataFrame,
    *,
    unit_overrides: Mapping[str, Sequence[int]] | None = None,
    tolerance: float = 0.1,
    limit: int | None = PROSE_FIGURES,
) -> list[str]:
    """Write "what the sources say" as plain sentences, from the data alone.

    Args:
        figures: Output of ``normalise_figures`` (with the same overrides and tolerance).
        stances: Output of ``list_stances``.
        unit_sizes: The ``unit_sizes`` table (the dataset's sizes, before overrides).
        unit_overrides: The overrides the figures were normalised with.
        tolerance: The tolerance the figures were normalised with.
        limit: Most figures described one by one (and most unit conversions); a sentence
            counts the rest. None describes every figure.

    Returns:
        Paragraphs: the range per measure with the highest and lowest source, each figure with
        its hedges and grade, who denies, who cannot verify, who confirms, and how the unit
        sizes move the figures stated in units.
    """
    paragraphs: list[str] = []
    if figures.empty:
        paragraphs.append("No source in this selection gives a troop figure.")
    for measure, group in figures.groupby("measure", sort=True):
        paragraphs.append(_summarise_measure(measure, group))
    for f in _head(figures, limit).to_dict("records"):
        interval = format_interval(
            f["troops_low"], f["troops_high"], f["is_low_open"], f["is_high_open"]
        )
        where = ", ".join(x for x in (f["activity"], f["location"]) if x)
        hedges = split_list(f["hedges"])
        sounds = "hedged with " + _join_names([f"“{h}”" for h in hedges]) if hedges else "unhedged"
        paragraphs.append(
            f"{f['claimant_name']} ({_format_date(f['claimed_on'])}): “{f['stated_figure']}”, "
            f"normalised to {interval} troops"
            + (f" ({where})" if where else "")
            + f"; {sounds}; graded {f['grade'] or 'ungraded'}."
        )
    paragraphs += _left_out(len(figures), limit, "figures", "the table lists them")
    bare = stances[(stances["stance"] == "asserts") & (stances["claim_type"] != FIGURE_TYPE)]
    if not bare.empty:
        names = list(dict.fromkeys(bare["claimant_name"]))
        verb = "asserts" if len(names) == 1 else "assert"
        paragraphs.append(f"{_join_names(names, limit)} {verb} the deployment without a number.")
    for stance, verb_one, verb_many, none in (
        (
            "denies",
            "denies the deployment",
            "deny the deployment",
            "No source in this selection denies it.",
        ),
        (
            "not_verified",
            "says the deployment is not verified",
            "say the deployment is not verified",
            "No source in this selection says it is not verified.",
        ),
        (
            "confirms",
            "confirms the deployment",
            "confirm the deployment",
            "No source in this selection confirms it.",
        ),
    ):
        rows = stances[stances["stance"] == stance]
        if rows.empty:
            paragraphs.append(none)
            continue
        names = list(dict.fromkeys(rows["claimant_name"]))
        places = sorted({x for x in rows["location"] if x})
        if limit is not None and len(places) > limit:
            places = [*places[:limit], f"{len(places) - limit:,} other places"]
        where = f" (where stated: {', '.join(places)})" if places else ""
        verb = verb_one if len(names) == 1 else verb_many
        grades = ", ".join(sorted(set(rows["grade"]) - {""}))
        paragraphs.append(
            f"{_join_names(names, limit)} {verb}{where}"
            + (f"; graded {grades}." if grades else ".")
        )
    paragraphs += _summarise_units(figures, unit_sizes, unit_overrides, tolerance, limit)
    return paragraphs


def _head(frame: pd.DataFrame, limit: int | None) -> pd.DataFrame:
    return frame if limit is None else frame.iloc[:limit]


def _left_out(total: int, limit: int | None, noun: str, where: str) -> list[str]:
    """A sentence counting what a capped list left out, or nothing when nothing was."""
    if limit is None or total <= limit:
        return []
    return [f"… and {total - limit:,} more {noun} ({total:,} in all; {where})."]


def _summarise_measure(measure: str, group: pd.DataFrame) -> str:
    label = measure.replace("_", " ") or "unspecified"
    n = len(group)
    top = group.loc[group["troops_stated"].idxmax()]
    bottom = group.loc[group["troops_stated"].idxmin()]
    lows = group.loc[~group["is_low_open"], "troops_low"]
    highs = group.loc[~group["is_high_open"], "troops_high"]
    low_text = "no stated floor" if group["is_low_open"].all() else format_troops(lows.min())
    high_text = "no stated ceiling" if group["is_high_open"].any() else format_troops(highs.max())
    if n == 1:
        return (
            f"One figure for troops {label}: {top['claimant_name']} says "
            f"“{top['stated_figure']}” ({low_text} to {high_text} troops)."
        )
    return (
        f"{n} figures for troops {label} span {low_text} to {high_text} troops. "
        f"Highest: {top['claimant_name']} (“{top['stated_figure']}”); "
        f"lowest: {bottom['claimant_name']} (“{bottom['stated_figure']}”)."
    )


def _summarise_units(
    figures: pd.DataFrame,
    unit_sizes: pd.DataFrame,
    unit_overrides: Mapping[str, Sequence[int]] | None,
    tolerance: float,
    limit: int | None = None,
) -> list[str]:
    dataset_sizes = resolve_unit_sizes(unit_sizes)
    out = []
    in_units = figures[figures["unit"] != "troops"]
    for f in _head(in_units, limit).to_dict("records"):
        unit = f["unit"]
        used = (int(f["unit_low"]), int(f["unit_high"]))
        interval = format_interval(
            f["troops_low"], f["troops_high"], f["is_low_open"], f["is_high_open"]
        )
        text = (
            f"{f['claimant_name']}’s “{f['stated_figure']}” becomes {interval} troops at "
            f"{used[0]:,}–{used[1]:,} troops per {unit.rstrip('s')}"
        )
        if used != dataset_sizes.get(unit):
            base_low, base_high = dataset_sizes[unit]
            base = _normalise_one(
                f["claim_id"],
                f["value_low"],
                f["value_high"],
                unit,
                f["qualifier"],
                dataset_sizes,
                tolerance,
            )
            text += (
                f" (this report’s assumption); at the dataset’s {base_low:,}–{base_high:,} it "
                f"would be {format_interval(base[2], base[3], base[4], base[5])}."
            )
        else:
            text += " (the dataset’s assumption; a report can override it)."
        out.append(text)
    out += _left_out(len(in_units), limit, "figures stated in units", "converted the same way")
    if (figures["qualifier"] == "approximately").any():
        out.append(f"Figures stated as approximate are widened by {tolerance:.0%} on each side.")
    return out


def describe_units(
    unit_sizes: pd.DataFrame, unit_overrides: Mapping[str, Sequence[int]] | None = None
) -> pd.DataFrame:
    """Tabulate the unit sizes a report uses, with their sources and whether it overrides them."""
    used = resolve_unit_sizes(unit_sizes, unit_overrides)
    rows = []
    for _, u in unit_sizes.iterrows():
        low, high = used[u["unit"]]
        dataset = (int(u["troops_low"]), int(u["troops_high"]))
        rows.append(
            {
                "Unit": u["unit"],
                "Troops per unit (used)": f"{low:,}–{high:,}" if low != high else f"{low:,}",
                "Dataset value": f"{dataset[0]:,}–{dataset[1]:,}"
                if dataset[0] != dataset[1]
                else f"{dataset[0]:,}",
                "Overridden": "yes" if (low, high) != dataset else "no",
                "Source": u["source"],
                "Note": u.get("note", ""),
            }
        )
    return pd.DataFrame(rows)


def describe_grades() -> pd.DataFrame:
    """Tabulate the Admiralty grading scales: letter for the source, digit for the information."""
    rows = [
        {"Scale": "Source reliability", "Grade": k, "Meaning": v}
        for k, v in SOURCE_RELIABILITY.items()
    ]
    rows += [
        {"Scale": "Information credibility", "Grade": str(k), "Meaning": v}
        for k, v in INFO_CREDIBILITY.items()
    ]
    return pd.DataFrame(rows)


def describe_method(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    tolerance: float,
    version: str,
) -> list[str]:
    """Write the method notes that depend on the data: what was read and how it was normalised.

    Args:
        figures: Output of ``normalise_figures``.
        stances: Output of ``list_stances``.
        tolerance: The tolerance the figures were normalised with.
        version: The dataset's version hash.
    """
    documents = sorted(set(figures["doc_id"]) | set(stances["doc_id"]))
    qualifiers = figures["qualifier"].value_counts().sort_index()
    used = ", ".join(f"{q.replace('_', ' ')} ({n})" for q, n in qualifiers.items()) or "none"
    return [
        f"Dataset version {version}: {len(figures)} troop figure(s) and {len(stances)} claim(s) "
        f"taking a stance, from {len(documents)} document(s) in this selection.",
        f"Qualifiers as stated: {used}. Each figure is multiplied by the fewest and the most "
        "troops one unit holds (table below). “Approximately” widens the interval by "
        f"{tolerance:.0%} on each side; “up to” leaves the lower bound open and “at least” the "
        "upper bound, drawn as dashed lines running to the axis edge.",
        "The diamond marks the stated number, converted at the middle unit size for figures "
        "stated in units. A claim without a date of its own takes its document's publication "
        "date.",
        "Grades are the curator's, on the Admiralty scale: a letter for the source's reliability "
        "and a digit for the information's credibility (table below).",
    ]
