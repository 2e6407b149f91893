"""Normalise claimed troop figures into troop intervals, and sort claims by their stance.

A troop figure is stated in some unit ("two brigades", "as many as 6,000") with a qualifier.
``normalise_figures`` turns each one into an interval of troops:

* the stated number times the smallest and the largest size of one unit (``unit_sizes.csv``,
  overridable per report, so an analyst can test the brigade assumption);
* ``exact`` and ``range`` keep the converted interval as it is;
* ``approximately`` widens it by ``tolerance`` on each side; ``nearly`` ("nearly 3,000")
  runs from ``tolerance`` below the number up to it;
* a claim that states its own unit size (``unit_size_low``/``unit_size_high``, "two brigades
  of 6,000 each") is converted at that size, not at ``unit_sizes.csv``'s;
* ``up_to`` has an open lower bound (``troops_low`` is NA, ``is_low_open`` is True);
* ``at_least`` has an open upper bound (``troops_high`` is NA, ``is_high_open`` is True).

The frame it returns carries the unit sizes and tolerance it was made with in ``attrs`` (read
them with :func:`normalisation_of`), so nothing downstream can describe it with other ones.
Stances come from ``claim_types.csv`` and are about a proposition (``claims.proposition_id``,
``propositions.csv``): a claim asserts, denies, does not deny, cannot verify or confirms that
troops were sent, that they fight, that a figure is right…, or takes no stance. Stances are
listed and counted per proposition, so disputing a figure never reads as denying the deployment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from claimscope.analysis import check_known
from claimscope.analysis.evolution import drop_restatements
from claimscope.data.subject import FIGURE_TYPE
from claimscope.data.values import is_missing
from claimscope.data.vocab import Vocabularies, load_vocabularies

QUALIFIERS = ("exact", "approximately", "nearly", "at_least", "up_to", "range")
_TEXT = (
    "measure",
    "stated_figure",
    "activity",
    "location",
    "hedges",
    "quote",
    "period",
    "responds_to",
    "revises",
    "proposition_id",
)
#: The columns a described claim (list_stances, normalise_figures) carries.
DESCRIBED = [
    "claim_id",
    "doc_id",
    "doc_title",
    "claimant_id",
    "claimant_name",
    "claimant_display",
    "doc_published_on",
    "claim_type",
    "stance",
    "proposition_id",
    "proposition_label",
    "measure",
    "period",
    "activity",
    "location",
    "claimed_on",
    "hedges",
    "grade",
    "quote",
    "responds_to",
    "revises",
]
_NUMBERS = [
    "unit_low",
    "unit_high",
    "troops_low",
    "troops_high",
    "is_low_open",
    "is_high_open",
    "troops_stated",
]
_NORMALISATION = "normalisation"


@dataclass(frozen=True)
class Normalisation:
    """What a frame of troop figures was normalised with.

    Attributes:
        unit_sizes: Unit to (fewest, most) troops per unit, overrides applied.
        dataset_unit_sizes: The same from ``unit_sizes.csv``, before overrides.
        tolerance: Fraction by which ``approximately`` widened a figure on each side.
    """

    unit_sizes: dict[str, tuple[int, int]]
    dataset_unit_sizes: dict[str, tuple[int, int]]
    tolerance: float

    def __deepcopy__(self, memo: dict) -> Normalisation:
        """An independent copy, made directly rather than by the generic deep copy.

        pandas deep-copies a frame's ``attrs`` on every operation, and the generic deep copy of
        two small dicts of int pairs cost about 85 µs each time (7 % of the troop report's
        cells). Keys are strings and values pairs of ints, so copying the dicts copies
        everything that could change.

        >>> import copy
        >>> n = Normalisation({"brigade": (3000, 5000)}, {"brigade": (3000, 5000)}, 0.1)
        >>> c = copy.deepcopy(n)
        >>> c == n and c.unit_sizes is not n.unit_sizes
        True
        """
        return Normalisation(dict(self.unit_sizes), dict(self.dataset_unit_sizes), self.tolerance)


def normalisation_of(figures: pd.DataFrame) -> Normalisation:
    """Return the unit sizes and tolerance ``figures`` (from :func:`normalise_figures`) used.

    Raises:
        ValueError: when the frame did not come from :func:`normalise_figures`.
    """
    found = figures.attrs.get(_NORMALISATION)
    if not isinstance(found, Normalisation):
        raise ValueError("these troop figures carry no normalisation: use normalise_figures")
    return found


def grade_of(source_reliability: object, info_credibility: object) -> str:
    """Return the Admiralty grade, e.g. ``"B3"``; an empty part stays empty.

    >>> grade_of("B", 3)
    'B3'
    >>> grade_of(pd.NA, pd.NA)
    ''
    """
    letter = "" if is_missing(source_reliability) else str(source_reliability)
    digit = "" if is_missing(info_credibility) else str(int(info_credibility))
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
        check_known("unit", [unit], sizes, where="unit_overrides")
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


def display_names(actors: pd.DataFrame) -> dict[str, str]:
    """Map each actor to the name a sentence uses: ``display_name``, else ``name``.

    >>> display_names(pd.DataFrame({"actor_id": ["us", "ru"], "name": ["United States", "Russia"],
    ...     "display_name": ["the United States", pd.NA]}))
    {'us': 'the United States', 'ru': 'Russia'}
    """
    shown = actors["display_name"] if "display_name" in actors else actors["name"]
    return {
        a: str(n if not is_missing(n) else name)
        for a, n, name in zip(actors["actor_id"], shown, actors["name"], strict=True)
    }


def describe_claims(
    claims: pd.DataFrame,
    *,
    actors: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
    vocab: Vocabularies | None = None,
) -> pd.DataFrame:
    """Return the claims with what a reader needs: names, titles, dates, stance and grade.

    Args:
        claims: Rows of the ``claims`` table.
        actors: The ``actors`` table, for claimant names (ids are shown without it).
        documents: The ``documents`` table, for titles and for dates of undated claims.
        vocab: The dataset's vocabularies (the project's by default), for stances.

    Returns:
        The claims' own columns plus ``doc_title``, ``doc_published_on``, ``claimant_name``,
        ``claimant_display`` (the name as a sentence uses it), ``stance``,
        ``proposition_label`` (what the stance is about, as a reader reads it) and ``grade``,
        with ``claimed_on`` resolved; ``proposition_id`` is NA where the claims lack it.
    """
    vocab = vocab or load_vocabularies()
    stances = vocab.stance_of()
    out = claims.copy()
    names = {} if actors is None else dict(zip(actors["actor_id"], actors["name"], strict=True))
    titles = (
        {} if documents is None else dict(zip(documents["doc_id"], documents["title"], strict=True))
    )
    out["claimant_name"] = [names.get(a, a) for a in out["claimant_id"]]
    shown = {} if actors is None else display_names(actors)
    out["claimant_display"] = [
        shown.get(a, n) for a, n in zip(out["claimant_id"], out["claimant_name"], strict=True)
    ]
    published = (
        {}
        if documents is None
        else dict(zip(documents["doc_id"], documents["published_on"], strict=True))
    )
    out["doc_published_on"] = pd.to_datetime(out["doc_id"].map(published))
    out["doc_title"] = [titles.get(d, d) for d in out["doc_id"]]
    out["claimed_on"] = resolve_claim_dates(out, documents)
    out["stance"] = [stances.get(t) for t in out["claim_type"]]
    out["grade"] = [
        grade_of(r, c)
        for r, c in zip(out["source_reliability"], out["info_credibility"], strict=True)
    ]
    for column in _TEXT:
        if column not in out:
            out[column] = pd.NA
    out["proposition_label"] = [vocab.label("propositions", p) for p in out["proposition_id"]]
    return out


def select_claims(
    claims: pd.DataFrame,
    *,
    documents: pd.DataFrame,
    actors: pd.DataFrame,
    doc_ids: Iterable[str] | None = None,
    claimant_ids: Iterable[str] | None = None,
    measures: Iterable[str] | None = None,
    vocab: Vocabularies | None = None,
) -> pd.DataFrame:
    """Keep the claims of some documents, claimants and measures; empty or None keeps all.

    A claim restating another selected claim is dropped, so it counts once everywhere.

    The measure filter applies to claims that carry a measure (troop figures): denials and
    other stances, which count nothing, stay, so a report on one measure still shows them.

    Args:
        claims: The ``claims`` table.
        documents: The full ``documents`` table (the ids a report may name).
        actors: The full ``actors`` table.
        doc_ids: Documents to keep.
        claimant_ids: Claimants to keep.
        measures: Measures to keep.
        vocab: The dataset's vocabularies (the project's by default): the valid measures.

    Raises:
        ValueError: naming every id that is not in the dataset.
    """
    doc_ids, claimant_ids = list(doc_ids or []), list(claimant_ids or [])
    measures = list(measures or [])
    check_known("document id(s):", doc_ids, documents["doc_id"])
    check_known("claimant id(s):", claimant_ids, actors["actor_id"])
    check_known("measure id(s):", measures, (vocab or load_vocabularies()).measures.index)
    keep = pd.Series(True, index=claims.index)
    if doc_ids:
        keep &= claims["doc_id"].isin(doc_ids)
    if claimant_ids:
        keep &= claims["claimant_id"].isin(claimant_ids)
    if measures:
        keep &= claims["measure"].map(is_missing).astype(bool) | claims["measure"].isin(measures)
    return drop_restatements(claims[keep.astype(bool)])


def normalise_figures(
    claims: pd.DataFrame,
    unit_sizes: pd.DataFrame,
    *,
    unit_overrides: Mapping[str, Sequence[int]] | None = None,
    tolerance: float = 0.1,
    actors: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
    vocab: Vocabularies | None = None,
) -> pd.DataFrame:
    """Turn every ``figure`` claim into an interval of the counted noun (troops in the corpus).

    Args:
        claims: Rows of the ``claims`` table; claims of other types are ignored.
        unit_sizes: The ``unit_sizes`` table.
        unit_overrides: Unit to ``(low, high)`` troops per unit, replacing the dataset's.
        tolerance: Fraction by which ``approximately`` widens a figure on each side.
        actors: The ``actors`` table, for claimant names.
        documents: The ``documents`` table, for titles and the dates of undated claims.
        vocab: The dataset's vocabularies (the project's by default).

    Returns:
        One row per figure: the columns of ``describe_claims`` plus ``stated_figure``,
        ``value_low``, ``value_high``, ``unit``, ``qualifier``, ``unit_low`` and ``unit_high``
        (troops per unit used), ``troops_low`` and ``troops_high`` (Int64, NA when open),
        ``is_low_open``, ``is_high_open``, ``troops_stated`` (the stated number at the
        middle unit size, where the chart marks it) and ``is_size_stated`` (the source gave
        its own unit size), sorted by date, then claim id. Its
        ``attrs`` hold the :class:`Normalisation` used.

    Raises:
        ValueError: for a bad tolerance or override, an unknown unit or qualifier.

    >>> claims = pd.DataFrame({"claim_id": ["c1"], "doc_id": ["d"], "claimant_id": ["z"],
    ...     "claim_type": ["figure"], "value_low": [2], "value_high": [2],
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
    out = describe_claims(figures, actors=actors, documents=documents, vocab=vocab)
    own = [
        (int(lo), int(hi)) if not (is_missing(lo) or is_missing(hi)) else None
        for lo, hi in zip(
            out.get("unit_size_low", pd.Series(pd.NA, index=out.index)),
            out.get("unit_size_high", pd.Series(pd.NA, index=out.index)),
            strict=True,
        )
    ]
    rows = [
        convert_figure(
            claim_id, low, high, unit, qualifier, {unit: size} if size else sizes, tolerance
        )
        for claim_id, low, high, unit, qualifier, size in zip(
            out["claim_id"],
            out["value_low"],
            out["value_high"],
            out["unit"],
            out["qualifier"],
            own,
            strict=True,
        )
    ]
    numbers = pd.DataFrame(rows, columns=_NUMBERS, index=out.index)
    for column in _NUMBERS:
        out[column] = numbers[column]
    for column in ("unit_low", "unit_high", "troops_low", "troops_high", "troops_stated"):
        out[column] = out[column].astype("Int64")
    out["is_low_open"] = out["is_low_open"].astype(bool)
    out["is_high_open"] = out["is_high_open"].astype(bool)
    out["is_size_stated"] = [size is not None for size in own]
    keep = [*DESCRIBED, "stated_figure", "value_low", "value_high", "unit", "qualifier"]
    result = out[[*keep, *_NUMBERS, "is_size_stated"]].sort_values(
        ["claimed_on", "claim_id"], kind="stable"
    )
    result.attrs[_NORMALISATION] = Normalisation(
        unit_sizes=sizes, dataset_unit_sizes=resolve_unit_sizes(unit_sizes), tolerance=tolerance
    )
    return result


def convert_figure(
    claim_id: str,
    value_low: object,
    value_high: object,
    unit: str,
    qualifier: str,
    sizes: Mapping[str, tuple[int, int]],
    tolerance: float,
) -> tuple:
    """Convert one stated figure into troops at the given unit sizes.

    Returns:
        ``(unit_low, unit_high, troops_low, troops_high, is_low_open, is_high_open,
        troops_stated)``; an open bound is NA.

    >>> convert_figure("c1", 6000, 6000, "troops", "up_to", {"troops": (1, 1)}, 0.1)[2:6]
    (<NA>, 6000, True, False)
    """
    check_known("unit", [unit], sizes, where=f"claim {claim_id}")
    if qualifier not in QUALIFIERS:
        raise ValueError(f"claim {claim_id}: unknown qualifier {qualifier!r}")
    if is_missing(value_low) or is_missing(value_high):
        raise ValueError(f"claim {claim_id}: a troop figure needs value_low and value_high")
    unit_low, unit_high = sizes[unit]
    low, high = int(value_low) * unit_low, int(value_high) * unit_high
    stated = round((int(value_low) + int(value_high)) * (unit_low + unit_high) / 4)
    low_open = high_open = False
    if qualifier == "approximately":
        low, high = round(low * (1 - tolerance)), round(high * (1 + tolerance))
    elif qualifier == "nearly":
        low = round(low * (1 - tolerance))
    elif qualifier == "up_to":
        low, low_open = pd.NA, True
        stated = high
    elif qualifier == "at_least":
        high, high_open = pd.NA, True
        stated = low
    return unit_low, unit_high, low, high, low_open, high_open, stated
