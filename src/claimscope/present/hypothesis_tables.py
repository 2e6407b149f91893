"""Reader-facing tables and sentences of the competing-hypotheses report, from analysis results."""

from __future__ import annotations

import pandas as pd

from claimscope.analysis.ach import leader_changing_claims
from claimscope.data.columns import split_list
from claimscope.present.formatting import join_names, text_of


def tabulate_scores(scores: pd.DataFrame, hypotheses: pd.DataFrame) -> pd.DataFrame:
    """Return each hypothesis with its statement, inconsistency score and rank."""
    statements = dict(zip(hypotheses["hypothesis_id"], hypotheses["statement"], strict=True))
    return pd.DataFrame(
        {
            "Hypothesis": scores["hypothesis_id"],
            "Statement": [statements.get(h, "") for h in scores["hypothesis_id"]],
            "Inconsistency": [f"{v:g}" for v in scores["inconsistency"]],
            "Rank": scores["rank"],
            "Leading": ["yes" if lead else "" for lead in scores["is_leading"]],
        }
    )


def tabulate_sensitivity(sensitivity: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Return the removals a reader needs: every claimant, and each claim that moves the lead."""
    shown = sensitivity[(sensitivity["removed"] == "claimant") | sensitivity["changes_leader"]]
    return pd.DataFrame(
        {
            "Removed": [
                f"all {n} claim(s) of {names.get(i, i)}" if kind == "claimant" else f"claim {i}"
                for kind, i, n in zip(
                    shown["removed"], shown["removed_id"], shown["claims_removed"], strict=True
                )
            ],
            "Ranking (least inconsistent first)": shown["ranking"],
            "Leading": shown["leading"],
            "Changes the lead": ["yes" if c else "" for c in shown["changes_leader"]],
        }
    )


def summarise_sensitivity(
    sensitivity: pd.DataFrame, baseline: tuple[str, ...], names: dict[str, str] | None = None
) -> list[str]:
    """Say which single claims, and which claimants, change the leading hypothesis if removed."""
    if not baseline:
        return ["No rated claim is selected, so no hypothesis leads."]
    lead = join_names(list(baseline))
    claims = leader_changing_claims(sensitivity)
    claimants = sensitivity[(sensitivity["removed"] == "claimant") & sensitivity["changes_leader"]]
    out = [
        f"Removing {join_names(claims)} alone would change the lead from {lead}."
        if claims
        else f"No single claim's removal changes the lead: {lead} leads without any one of them."
    ]
    who = [(names or {}).get(i, i) for i in claimants["removed_id"]]
    out.append(
        f"Removing everything from {join_names(who)} would change the lead."
        if who
        else f"No claimant's removal changes the lead: {lead} leads without any one source."
    )
    return out


def tabulate_milestones(hypotheses: pd.DataFrame) -> pd.DataFrame:
    """Return what an analyst would watch next for each hypothesis, one milestone a row."""
    rows = [
        {"Hypothesis": h, "Statement": s, "Watch for": m}
        for h, s, ms in zip(
            hypotheses["hypothesis_id"],
            hypotheses["statement"],
            hypotheses["milestones"],
            strict=True,
        )
        for m in (split_list(text_of(ms)) or [""])
    ]
    return pd.DataFrame(rows, columns=["Hypothesis", "Statement", "Watch for"])


def tabulate_likelihoods(likelihoods: pd.DataFrame) -> pd.DataFrame:
    """Return ICD 203's expressions of likelihood with their bands, as a reader reads them."""
    last = len(likelihoods) - 1
    return pd.DataFrame(
        {
            "Expression": likelihoods["expression"],
            "Or": likelihoods["synonym"],
            "Probability": [
                f"{lo}–{hi} % ({'both included' if i == last else f'{hi} % excluded'})"
                for i, (lo, hi) in enumerate(
                    zip(likelihoods["low_percent"], likelihoods["high_percent"], strict=True)
                )
            ],
        }
    )


def tabulate_weights(reliability: pd.DataFrame, credibility: pd.DataFrame) -> pd.DataFrame:
    """Return the weight of each Admiralty grade in weighted scores, with its source."""
    rows = [
        {"Scale": scale, "Grade": str(g), "Meaning": label, "Weight": f"{w:g}", "Source": src}
        for scale, table, key in (
            ("Source reliability", reliability, "source_reliability"),
            ("Information credibility", credibility, "info_credibility"),
        )
        for g, label, w, src in zip(
            table[key], table["label"], table["weight"], table["source"], strict=True
        )
    ]
    return pd.DataFrame(rows)


def paraphrase(quote: object, limit: int = 90) -> str:
    """A short paraphrase from the data: the quote cut at a word before ``limit`` characters.

    >>> paraphrase("a b c", 10), paraphrase("one two three four", 12)
    ('a b c', 'one two…')
    """
    text = " ".join(text_of(quote).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def tabulate_matrix(
    diagnosticity: pd.DataFrame,
    cells: pd.DataFrame,
    scores: pd.DataFrame,
    hypotheses: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ACH matrix as PARC lays it out: hypotheses as columns, their scores as the first row.

    Each evidence row is described in words (claimant, date, a short paraphrase of its quote)
    and rows come most diagnostic first; rows that rate every hypothesis alike cannot tell
    them apart and are returned apart, for a folded appendix.

    Returns:
        ``(diagnostic, non_diagnostic)``: each with ``Evidence``, ``Claim`` and one column per
        hypothesis headed by its statement; the first row of ``diagnostic`` is the scores.
    """
    statements = dict(zip(hypotheses["hypothesis_id"], hypotheses["statement"], strict=True))
    order = list(scores["hypothesis_id"])
    headers = {h: f"{h}: {statements.get(h, '')}" for h in order}
    about = cells.drop_duplicates("claim_id").set_index("claim_id")

    def describe(claim_id: str) -> str:
        row = about.loc[claim_id]
        day = row["claimed_on"]
        when = "" if pd.isna(day) else f"{day.day} {day:%b %Y}"
        who = text_of(row.get("claimant_name")) or text_of(row.get("claimant_id"))
        return f"{who}, {when}: {paraphrase(row.get('quote'))}"

    rows = []
    for record in diagnosticity.to_dict("records"):
        row = {"Evidence": describe(record["claim_id"]), "Claim": record["claim_id"]}
        row.update({headers[h]: text_of(record.get(h)) for h in order})
        row["_diagnostic"] = record["diagnosticity"] > 0
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["Evidence", "Claim", *headers.values(), "_diagnostic"])
    is_diagnostic = frame["_diagnostic"].astype(bool)
    totals = dict(zip(scores["hypothesis_id"], scores["inconsistency"], strict=True))
    top = {"Evidence": "Inconsistency score (lower is more likely)", "Claim": ""}
    top.update({headers[h]: f"{totals[h]:g}" for h in order})
    diagnostic = pd.concat(
        [pd.DataFrame([top]), frame[is_diagnostic].drop(columns="_diagnostic")],
        ignore_index=True,
    )
    rest = frame[~is_diagnostic].drop(columns="_diagnostic").reset_index(drop=True)
    return diagnostic, rest
