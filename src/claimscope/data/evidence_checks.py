"""Check the evidence-over-time rules: answers, restatements, periods, stated unit sizes, steps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimscope.data.checks import check_cycles, given
from claimscope.data.columns import split_list
from claimscope.data.problems import Problem, with_article

if TYPE_CHECKING:
    import pandas as pd

#: Stances a claim takes on another claim: it answers it, counts nothing and lasts no period.
ANSWERING_STANCES = ("denies", "not_denied", "not_verified", "confirms")
#: Columns a claim that answers another never fills: it counts no troops.
_FIGURE_COLUMNS = ("measure", "value_low", "value_high", "period")


def _day(value: object) -> str:
    return f"{value:%Y-%m-%d}"


def claim_dates(claims: pd.DataFrame, documents: pd.DataFrame | None) -> dict[str, object]:
    """Map each claim id to its date: ``claimed_on``, else its document's ``published_on``."""
    published = {}
    if documents is not None:
        published = dict(zip(documents["doc_id"], documents["published_on"], strict=True))
    return {
        claim_id: on if given(on) else published.get(doc_id)
        for claim_id, doc_id, on in zip(
            claims["claim_id"], claims["doc_id"], claims["claimed_on"], strict=True
        )
    }


def answering_types(claim_types: pd.DataFrame | None) -> set[str]:
    """Return the claim types that answer another claim (deny, cannot verify, confirm it)."""
    if claim_types is None:
        return {"denial", "not_denied", "not_verified", "confirmation"}
    return {
        kind
        for kind, stance in zip(claim_types["claim_type"], claim_types["stance"], strict=True)
        if stance in ANSWERING_STANCES
    }


def check_claim_links(
    claims: pd.DataFrame,
    documents: pd.DataFrame | None,
    claim_types: pd.DataFrame | None,
    problems: list[Problem],
) -> None:
    """Check ``responds_to``, ``restates``, and what a claim that answers another may carry.

    A stance answers claims made on or before it; a restatement repeats a claim of another
    document made on or before it, and restatements never go round in a cycle; a claim that
    denies, cannot verify or confirms counts nothing, so it has no measure, value or period.
    """
    dates = claim_dates(claims, documents)
    doc_of = dict(zip(claims["claim_id"], claims["doc_id"], strict=True))
    answering = answering_types(claim_types)
    columns = [c for c in ("responds_to", "restates") if c in claims]
    for row, claim in zip(claims.index, claims.to_dict("records"), strict=True):
        claim_id, on = claim["claim_id"], dates.get(claim["claim_id"])
        if "responds_to" in columns:
            for cited in split_list(claim["responds_to"] if given(claim["responds_to"]) else ""):
                _check_cited(cited, claim_id, on, dates, row, "responds_to", problems)
        if "restates" in columns and given(claim["restates"]):
            cited = claim["restates"]
            if cited in doc_of and doc_of[cited] == claim["doc_id"] and cited != claim_id:
                problems.append(
                    Problem(
                        "claims.csv",
                        row,
                        "restates",
                        f"{cited!r} is a claim of the same document {claim['doc_id']}: a "
                        "restatement repeats a claim from another document",
                    )
                )
            else:
                _check_cited(cited, claim_id, on, dates, row, "restates", problems)
        if claim["claim_type"] in answering:
            for column in _FIGURE_COLUMNS:
                if column in claim and given(claim[column]):
                    problems.append(
                        Problem(
                            "claims.csv",
                            row,
                            column,
                            f"a {claim['claim_type']} claim answers another claim and counts "
                            f"nothing: leave {column} empty",
                        )
                    )
    if "restates" in columns:
        check_cycles(claims, "claims.csv", "claim_id", "restates", problems)


def _check_cited(
    cited: str,
    claim_id: str,
    on: object,
    dates: dict[str, object],
    row: int,
    column: str,
    problems: list[Problem],
) -> None:
    if cited not in dates:
        if column != "restates":  # the foreign key on restates already says so
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    column,
                    f"{cited!r} is not {with_article('claim_id')} in claims.csv",
                )
            )
        return
    if cited == claim_id:
        if column == "responds_to":
            problems.append(
                Problem("claims.csv", row, column, f"{cited!r} is this claim: it cannot answer it")
            )
        return  # a claim restating itself is a cycle, reported as one
    then = dates[cited]
    if given(then) and given(on) and then > on:
        problems.append(
            Problem(
                "claims.csv",
                row,
                column,
                f"{cited!r} was made on {_day(then)}, after this claim ({_day(on)}): a claim "
                "can only answer or repeat an earlier one",
            )
        )


def check_stated_unit_sizes(claims: pd.DataFrame, problems: list[Problem]) -> None:
    """Check a claim's own unit size: both ends given, low not above high, and a unit."""
    if "unit_size_low" not in claims or "unit_size_high" not in claims:
        return
    for row, claim in zip(claims.index, claims.to_dict("records"), strict=True):
        low, high = claim["unit_size_low"], claim["unit_size_high"]
        if given(low) != given(high):
            column = "unit_size_high" if given(low) else "unit_size_low"
            problems.append(
                Problem("claims.csv", row, column, "give unit_size_low and unit_size_high together")
            )
        elif given(low) and low > high:
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    "unit_size_low",
                    f"unit_size_low {low} is above unit_size_high {high}",
                )
            )
        if (given(low) or given(high)) and not given(claim["unit"]):
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    "unit",
                    "a stated unit size needs the unit it sizes (unit is empty)",
                )
            )


def check_cited_claims(
    frame: pd.DataFrame,
    file: str,
    claims: pd.DataFrame,
    problems: list[Problem],
    column: str = "claim_ids",
) -> None:
    """Report each id in a table's ``column`` (``claim_ids``) that ``claims.csv`` does not hold."""
    known = set(claims["claim_id"].tolist())
    for row, value in frame[column].items():
        for claim_id in split_list(value if given(value) else ""):
            if claim_id not in known:
                problems.append(
                    Problem(
                        file,
                        row,
                        column,
                        f"{claim_id!r} is not {with_article('claim_id')} in claims.csv",
                    )
                )


def check_relation_steps(
    steps: pd.DataFrame,
    relations: pd.DataFrame | None,
    claims: pd.DataFrame | None,
    documents: pd.DataFrame | None,
    problems: list[Problem],
) -> None:
    """Check each tie's history: steps in date order, citing known claims made by their date.

    Every relation needs at least one step: its status comes from its latest step.
    """
    last: dict[str, object] = {}
    for row, relation_id, on in zip(
        steps.index, steps["relation_id"], steps["status_on"], strict=True
    ):
        before = last.get(relation_id)
        if given(before) and given(on) and on < before:
            problems.append(
                Problem(
                    "relation_steps.csv",
                    row,
                    "status_on",
                    f"{_day(on)} comes before the previous step of {relation_id} "
                    f"({_day(before)}): list a tie's steps in date order",
                )
            )
        if given(on):
            last[relation_id] = on
    if relations is not None:
        for row, relation_id in relations["relation_id"].items():
            if relation_id not in last:
                problems.append(
                    Problem(
                        "relations.csv",
                        row,
                        "relation_id",
                        f"{relation_id} has no step in relation_steps.csv: its status comes "
                        "from its latest step",
                    )
                )
    if claims is None:
        return
    check_cited_claims(steps, "relation_steps.csv", claims, problems)
    dates = claim_dates(claims, documents)
    for row, ids, on in zip(steps.index, steps["claim_ids"], steps["status_on"], strict=True):
        cited = split_list(ids if given(ids) else "")
        _check_one_date(row, cited, dates, problems)
        for claim_id in cited:
            then = dates.get(claim_id)
            if given(then) and given(on) and then > on:
                problems.append(
                    Problem(
                        "relation_steps.csv",
                        row,
                        "claim_ids",
                        f"{claim_id!r} was made on {_day(then)}, after the step's status_on "
                        f"{_day(on)}",
                    )
                )


def _check_one_date(
    row: int, cited: list[str], dates: dict[str, object], problems: list[Problem]
) -> None:
    """Refuse a step whose claims were made on different dates: it splits into one per date.

    A report as of a date counts a step only once every claim it cites is known, so a step that
    mixed dates would show a status with evidence that was not all there yet.
    """
    by_day: dict[str, list[str]] = {}
    for claim_id in cited:
        then = dates.get(claim_id)
        if given(then):
            by_day.setdefault(_day(then), []).append(claim_id)
    if len(by_day) > 1:
        days = "; ".join(f"{day}: {', '.join(ids)}" for day, ids in sorted(by_day.items()))
        problems.append(
            Problem(
                "relation_steps.csv",
                row,
                "claim_ids",
                f"the step cites claims of {len(by_day)} dates ({days}): split it into one step "
                "per date, each dated by its claims",
            )
        )


def check_correction_basis(
    corrections: pd.DataFrame, claims: pd.DataFrame | None, problems: list[Problem]
) -> None:
    """Report each ``basis_claim_ids`` id of ``corrections.csv`` that claims.csv does not hold."""
    if claims is None or "basis_claim_ids" not in corrections:
        return
    check_cited_claims(corrections, "corrections.csv", claims, problems, "basis_claim_ids")
