"""Check what a stance is about and what a figure revises: propositions, answers, revisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimscope.data.checks import check_cycles, given
from claimscope.data.columns import split_list
from claimscope.data.problems import Problem
from claimscope.data.subject import FIGURE_TYPE

if TYPE_CHECKING:
    import pandas as pd

#: The claim type whose claims carry a number: a stance on a figure answers one of these.
#: Stances that never establish a tie, as a message tells them.
_NOT_ASSERTING = {
    "denies": "denies it",
    "not_verified": "says it cannot be verified",
    "not_denied": "declines to deny it",
}


def _day(value: object) -> str:
    return f"{value:%Y-%m-%d}"


def stances_of(claim_types: pd.DataFrame) -> dict[str, str]:
    """Map each claim type that takes a stance to that stance.

    >>> import pandas as pd
    >>> stances_of(pd.DataFrame({"claim_type": ["denial", "event"], "stance": ["denies", ""]}))
    {'denial': 'denies'}
    """
    return {
        kind: stance
        for kind, stance in zip(claim_types["claim_type"], claim_types["stance"], strict=True)
        if given(stance)
    }


def figure_propositions(propositions: pd.DataFrame) -> set[str]:
    """Return the propositions that a figure is right (``is_figure`` is ``true``)."""
    return {
        p
        for p, is_figure in zip(
            propositions["proposition_id"], propositions["is_figure"], strict=True
        )
        if str(is_figure).strip().lower() == "true"
    }


def check_propositions(
    claims: pd.DataFrame,
    claim_types: pd.DataFrame | None,
    propositions: pd.DataFrame | None,
    problems: list[Problem],
) -> None:
    """Check each claim's ``proposition_id`` against the stance its claim type takes.

    A claim whose type takes a stance names the proposition it takes a side on; a claim whose
    type takes none names no proposition. A stance on a figure names, in ``responds_to``, the
    troop figure(s) it disputes or confirms. Unknown propositions are the foreign key's to report.
    """
    if "proposition_id" not in claims or claim_types is None:
        return
    taking = stances_of(claim_types)
    known_types = set(claim_types["claim_type"])
    figures = set() if propositions is None else figure_propositions(propositions)
    type_of = dict(zip(claims["claim_id"], claims["claim_type"], strict=True))
    about = dict(zip(claims["claim_id"], claims["proposition_id"], strict=True))
    for row, claim in zip(claims.index, claims.to_dict("records"), strict=True):
        kind, proposition = claim["claim_type"], claim["proposition_id"]
        if kind not in known_types:
            continue  # the foreign key on claim_type says so
        _check_restated_proposition(row, claim, about, problems)
        if kind in taking and not given(proposition):
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    "proposition_id",
                    f"a {kind} claim takes a stance ({taking[kind]}): name the proposition it "
                    "takes a side on (a proposition_id of propositions.csv)",
                )
            )
        elif kind not in taking and given(proposition):
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    "proposition_id",
                    f"a {kind} claim takes no stance: leave proposition_id empty",
                )
            )
        if proposition not in figures:
            continue
        answered = split_list(claim["responds_to"] if given(claim.get("responds_to")) else "")
        if not answered:
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    "responds_to",
                    f"proposition {proposition!r} is a figure: name the figure claim(s) this "
                    "claim disputes or confirms in responds_to",
                )
            )
        for cited in answered:
            if cited in type_of and type_of[cited] != FIGURE_TYPE:
                problems.append(
                    Problem(
                        "claims.csv",
                        row,
                        "responds_to",
                        f"{cited!r} is a {type_of[cited]} claim: a stance on a figure answers "
                        f"a {FIGURE_TYPE} claim",
                    )
                )


def _check_restated_proposition(
    row: int, claim: dict, about: dict[str, object], problems: list[Problem]
) -> None:
    """A restatement repeats the same statement, so it takes the proposition it restates."""
    restated = claim.get("restates")
    if not given(restated) or restated not in about:
        return
    theirs, ours = about[restated], claim["proposition_id"]
    if given(theirs) and given(ours) and theirs != ours:
        problems.append(
            Problem(
                "claims.csv",
                row,
                "restates",
                f"{restated!r} is about {theirs!r}, this claim about {ours!r}: a restatement "
                "repeats the same statement on the same proposition",
            )
        )


def check_revisions(
    claims: pd.DataFrame, dates: dict[str, object], problems: list[Problem]
) -> None:
    """Check ``revises``: a figure replaces an earlier figure, never itself, never in a cycle.

    Args:
        claims: The ``claims`` table.
        dates: Claim id to its date (``claimed_on``, else its document's ``published_on``).
        problems: Where each problem found is added.
    """
    if "revises" not in claims:
        return
    type_of = dict(zip(claims["claim_id"], claims["claim_type"], strict=True))
    for row, claim in zip(claims.index, claims.to_dict("records"), strict=True):
        revised = claim["revises"]
        if not given(revised):
            continue
        if claim["claim_type"] != FIGURE_TYPE:
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    "revises",
                    f"a {claim['claim_type']} claim revises nothing: only a {FIGURE_TYPE} "
                    "replaces an earlier figure",
                )
            )
        if revised == claim["claim_id"] or revised not in type_of:
            continue  # a claim revising itself is a cycle; an unknown id is the foreign key's
        if type_of[revised] != FIGURE_TYPE:
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    "revises",
                    f"{revised!r} is a {type_of[revised]} claim: a figure revises a "
                    f"{FIGURE_TYPE} claim",
                )
            )
        then, on = dates.get(revised), dates.get(claim["claim_id"])
        if given(then) and given(on) and then > on:
            problems.append(
                Problem(
                    "claims.csv",
                    row,
                    "revises",
                    f"{revised!r} was made on {_day(then)}, after this claim ({_day(on)}): a "
                    "figure revises an earlier one",
                )
            )
    check_cycles(claims, "claims.csv", "claim_id", "revises", problems)


def check_step_stances(
    steps: pd.DataFrame,
    claims: pd.DataFrame,
    claim_types: pd.DataFrame | None,
    problems: list[Problem],
) -> None:
    """Refuse an established step that cites a claim denying, not verifying or not denying.

    A tie is established only on claims that assert it; which hedged claims cannot establish
    one is the curator's reading (README, "Curation rules").
    """
    if claim_types is None:
        return
    taking = stances_of(claim_types)
    stance_of = {
        c: taking.get(kind)
        for c, kind in zip(claims["claim_id"], claims["claim_type"], strict=True)
    }
    for row, status, ids in zip(steps.index, steps["status"], steps["claim_ids"], strict=True):
        if status != "established":
            continue
        for claim_id in split_list(ids if given(ids) else ""):
            stance = stance_of.get(claim_id)
            if stance in _NOT_ASSERTING:
                problems.append(
                    Problem(
                        "relation_steps.csv",
                        row,
                        "claim_ids",
                        f"{claim_id!r} {_NOT_ASSERTING[stance]}: an established step cites only "
                        "claims that assert the tie",
                    )
                )
