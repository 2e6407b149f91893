"""Write each report's key findings: a few dated, attributed statements, each citing its claims."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import pandas as pd

from claimscope.analysis.relations import list_actor_ties, node_for
from claimscope.data.columns import split_list
from claimscope.data.vocab import Vocabularies
from claimscope.present.chart_titles import state_lead
from claimscope.present.formatting import (
    describe_hedges,
    describe_measure,
    format_day,
    format_row_interval,
    join_names,
    text_of,
)
from claimscope.present.prose import capitalise
from claimscope.present.statements import Statement

#: Parties whose latest figure the figures report states one by one, most recent first.
FINDING_PARTIES = 2
#: Established ties the relations report names as its firmest.
FIRMEST_TIES = 3
#: Stances that, as a party's latest word, are findings of their own ("still denies").
_DOUBTING = ("denies", "not_verified", "not_denied")


def _party_name(actors: pd.DataFrame, roots: Mapping[str, str], actor_id: str) -> str:
    party = roots.get(actor_id, actor_id)
    row = actors[actors["actor_id"] == party]
    if row.empty:
        return party
    return text_of(row["display_name"].iloc[0]) or text_of(row["name"].iloc[0])


def _where(row: Mapping) -> str:
    place = text_of(row.get("location"))
    return f" in {place}" if place else ""


def _figure_phrase(row: Mapping, vocab: Vocabularies) -> str:
    measure = describe_measure(row["measure"], row.get("period"), vocab)
    hedged = describe_hedges(row.get("hedges"))
    return f"{format_row_interval(row)} {vocab.subject.noun} {measure}{_where(row)}{hedged}"


def disputed_figures(stances: pd.DataFrame, vocab: Vocabularies) -> dict[str, list[str]]:
    """Figure claims a known stance denies, mapped to the denying claims' ids.

    A stance on a figure proposition (``is_figure``) that denies answers the figures in its
    ``responds_to``: those figures are disputed, whoever gave them.
    """
    if stances.empty or "proposition_id" not in stances or vocab.propositions.empty:
        return {}
    denying = stances[
        stances["proposition_id"].isin(vocab.figure_propositions) & (stances["stance"] == "denies")
    ]
    out: dict[str, list[str]] = {}
    for claim_id, answered in zip(denying["claim_id"], denying["responds_to"], strict=True):
        for figure in split_list(text_of(answered)):
            out.setdefault(figure, []).append(claim_id)
    return out


def find_troop_findings(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    actors: pd.DataFrame,
    roots: Mapping[str, str],
    vocab: Vocabularies,
) -> list[Statement]:
    """The figures report's key findings: the latest figures, their range, who still doubts.

    Args:
        figures: Output of ``normalise_figures`` (already cut to the report's date).
        stances: Output of ``list_stances``.
        actors: The ``actors`` table, for party names.
        roots: Actor id to the party it speaks for (``find_root_actors``).
        vocab: The dataset's vocabularies, for measure and stance labels.

    Returns:
        At most five statements, each dated, attributed and citing the claims it rests on:
        the latest figures of the two most recent parties, the range of each party's latest
        undisputed figure, and the parties whose latest stance still denies or doubts.
    """
    if figures.empty:
        return [Statement("No source in this selection gives a figure yet.")]
    disputed = disputed_figures(stances, vocab)
    found: list[Statement] = []
    figures = figures.assign(_party=[roots.get(a, a) for a in figures["claimant_id"]])
    undisputed = figures[~figures["claim_id"].isin(list(disputed))]
    latest_day = undisputed.groupby("_party")["claimed_on"].max().sort_values(ascending=False)
    for party in list(latest_day.index)[:FINDING_PARTIES]:
        day = latest_day[party]
        rows = undisputed[(undisputed["_party"] == party) & (undisputed["claimed_on"] == day)]
        rows = rows.sort_values("claim_id").to_dict("records")
        speakers = join_names(list(dict.fromkeys(r["claimant_name"] for r in rows)))
        name = _party_name(actors, roots, party)
        same = speakers.lower().removeprefix("the ") == name.lower().removeprefix("the ")
        who = name if same else f"{name} ({speakers})"
        said = join_names([_figure_phrase(r, vocab) for r in rows])
        found.append(
            Statement(
                f"On {format_day(day)}, {who} put the figure at {said}.",
                [r["claim_id"] for r in rows],
            )
        )
    found += _range_of_latest(figures, disputed, vocab)
    found += _doubting_now(stances, actors, roots, vocab)
    return found[:5]


def _range_of_latest(
    figures: pd.DataFrame, disputed: Mapping[str, list[str]], vocab: Vocabularies
) -> list[Statement]:
    """The span of each party's latest closed, undisputed figure of the commonest measure."""
    closed = figures[~figures["is_low_open"] & ~figures["is_high_open"]]
    left_out = closed[closed["claim_id"].isin(list(disputed))]
    closed = closed[~closed["claim_id"].isin(list(disputed))]
    if closed.empty:
        return []
    measure = closed["measure"].value_counts().index[0]
    same = closed[closed["measure"] == measure].sort_values(["claimed_on", "claim_id"])
    current = same.groupby("_party").tail(1)
    if len(current) < 2:
        return []
    low = current.loc[current["troops_low"].idxmin()]
    high = current.loc[current["troops_high"].idxmax()]
    label = vocab.label("measures", measure)
    text = (
        f"Each party’s latest stated figure for {vocab.subject.noun} {label} lies between "
        f"{format_row_interval(low)} ({low['claimant_name']}, {format_day(low['claimed_on'])}) "
        f"and {format_row_interval(high)} ({high['claimant_name']}, "
        f"{format_day(high['claimed_on'])})."
    )
    cited = list(current["claim_id"])
    dropped = left_out[left_out["measure"] == measure].to_dict("records")
    if dropped:
        named = join_names([f"{format_row_interval(r)} ({r['claimant_name']})" for r in dropped])
        text += f" Left out as disputed: {named}."
        for row in dropped:
            cited += [row["claim_id"], *disputed[row["claim_id"]]]
    return [Statement(text, cited)]


def _doubting_now(
    stances: pd.DataFrame, actors: pd.DataFrame, roots: Mapping[str, str], vocab: Vocabularies
) -> list[Statement]:
    """One sentence per doubting stance: the parties whose latest word on a proposition it is."""
    if stances.empty:
        return []
    frame = stances.assign(_party=[roots.get(a, a) for a in stances["claimant_id"]])
    has_propositions = "proposition_id" in frame
    if has_propositions and not vocab.propositions.empty:
        # A figure disputed is told with the figures (left out of their range), not here.
        frame = frame[~frame["proposition_id"].isin(vocab.figure_propositions)]
    if has_propositions:
        frame["proposition_id"] = frame["proposition_id"].astype("string").fillna("")
    keys = ["_party", "proposition_id"] if has_propositions else ["_party"]
    latest = frame.sort_values(["claimed_on", "claim_id"]).groupby(keys).tail(1)
    out = []
    for stance in _DOUBTING:
        rows = latest[latest["stance"] == stance].sort_values(["claimed_on", "claim_id"])
        if rows.empty:
            continue
        parts = []
        for row in rows.to_dict("records"):
            about = ""
            if has_propositions and row["proposition_id"] in vocab.propositions.index:
                about = f" on “{vocab.label('propositions', row['proposition_id'])}”"
            parts.append(
                f"{_party_name(actors, roots, row['_party'])}{about} "
                f"({row['claimant_name']}, {format_day(row['claimed_on'])})"
            )
        label = vocab.label("stances", stance)
        out.append(Statement(f"Latest word “{label}”: {join_names(parts)}.", rows["claim_id"]))
    return out


def find_ach_findings(
    scores: pd.DataFrame,
    sensitivity: pd.DataFrame,
    hypotheses: pd.DataFrame,
    cells: pd.DataFrame,
) -> list[Statement]:
    """The ACH report's key findings: the ranking, its margin, and what could change the lead.

    Args:
        scores: Output of ``score_hypotheses``.
        sensitivity: Output of ``assess_sensitivity``.
        hypotheses: The ``hypotheses`` table, for each hypothesis's statement.
        cells: The evidence scored, whose claim ids every statement cites.
    """
    if cells.empty:
        return [Statement("No rated claim is known yet, so no hypothesis leads.")]
    ids = list(dict.fromkeys(cells["claim_id"]))
    text = dict(zip(hypotheses["hypothesis_id"], hypotheses["statement"], strict=True))
    out = []
    lead = state_lead(scores, ids, text)
    if lead:
        out.append(lead)
    changing = sensitivity[sensitivity["changes_leader"]]
    by_claim = changing[changing["removed"] == "claim"]["removed_id"].tolist()
    by_claimant = changing[changing["removed"] == "claimant"]["removed_id"].tolist()
    if by_claim or by_claimant:
        parts = []
        if by_claim:
            parts.append("removing claim " + join_names(by_claim))
        if by_claimant:
            parts.append("removing everything from " + join_names(by_claimant))
        out.append(Statement(f"The lead is fragile: {' or '.join(parts)} changes it.", ids))
    else:
        out.append(
            Statement(
                "No single claim or claimant changes the lead when removed.",
                ids,
            )
        )
    return out


def describe_judgement(row: Mapping, likelihoods: pd.DataFrame) -> str:
    """One key judgement in ICD 203 words: "It is likely (55–80 %) that … (moderate confidence)".

    >>> scale = pd.DataFrame({"expression": ["likely"], "low_percent": [55],
    ...     "high_percent": [80]})
    >>> print(describe_judgement({"statement": "troops are in Russia", "expression": "likely",
    ...     "confidence": "moderate", "made_on": pd.Timestamp("2024-11-04")}, scale))
    It is likely (55–80 %) that troops are in Russia (moderate confidence; judged on 4 November \
2024).
    """
    odds = likelihoods.set_index("expression")
    expression = row["expression"]
    low, high = int(odds.at[expression, "low_percent"]), int(odds.at[expression, "high_percent"])
    return (
        f"It is {expression} ({low}–{high} %) that {text_of(row['statement'])} "
        f"({row['confidence']} confidence; judged on {format_day(row['made_on'])})."
    )


def judgements_bundle(
    judgements: pd.DataFrame, likelihoods: pd.DataFrame, hypothesis_ids: list[str] | None = None
) -> dict[str, str]:
    """The analyst's key judgements as a display bundle, latest first, each linking its claims.

    Args:
        judgements: The ``judgements`` table, already cut to the report's date.
        likelihoods: The ``likelihoods`` table (ICD 203 expressions and their odds).
        hypothesis_ids: Keep only judgements answering these hypotheses (the ACH report).
    """
    from claimscope.present.display import claim_anchor, escape_text

    rows = judgements
    if hypothesis_ids is not None:
        rows = rows[rows["hypothesis_id"].isin(hypothesis_ids)]
    rows = rows.sort_values(["made_on", "judgement_id"], ascending=[False, True])
    items = []
    for row in rows.to_dict("records"):
        links = ", ".join(
            f'<a href="#{claim_anchor(c)}">{escape_text(c)}</a>'
            for c in split_list(row["claim_ids"])
        )
        items.append(
            f"<li>{escape_text(describe_judgement(row, likelihoods))} "
            f'<span class="claimscope-cites">[{links}]</span></li>'
        )
    if not items:
        return {"text/html": "", "text/plain": ""}
    html = (
        '<section class="claimscope-judgements"><h3>The analyst’s key judgements</h3><ul>'
        + "".join(items)
        + "</ul></section>"
    )
    plain = "\n\n".join(describe_judgement(r, likelihoods) for r in rows.to_dict("records"))
    return {"text/html": html, "text/plain": plain}


def find_relation_findings(
    relations: pd.DataFrame,
    steps: pd.DataFrame | None,
    *,
    actors: pd.DataFrame,
    vocab: Vocabularies,
    limit: int = 4,
) -> list[Statement]:
    """The relations report's key findings: the ties whose status changed, then the firmest.

    Args:
        relations: The ``relations`` table as of the report's date (status and history).
        steps: The ``relation_steps`` known then, for the claims of each change.
        actors: The ``actors`` table, for names.
        vocab: The dataset's vocabularies, for relation phrases and status labels.
        limit: Most findings.

    Returns:
        Statements citing the claims of the steps they tell, latest change first.
    """
    if relations.empty:
        return [Statement("No tie between actors is known yet.")]
    names = {
        a: text_of(d) or text_of(n)
        for a, n, d in zip(actors["actor_id"], actors["name"], actors["display_name"], strict=True)
    }
    phrases = vocab.relation_types["phrase_from_source"]
    found: list[tuple[object, Statement]] = []
    for row in relations.to_dict("records"):
        history = list(row.get("history") or ())
        tie = phrases.get(row["relation"], "{other}").format(other=names.get(row["target_id"]))
        subject = names.get(row["source_id"], row["source_id"])
        if len(history) < 2:
            continue
        (before, before_on), (now, now_on) = history[-2], history[-1]
        cited = _step_claims(steps, row["relation_id"], [before_on, now_on])
        found.append(
            (
                now_on,
                Statement(
                    f"{subject}: {tie} went from {str(before).replace('_', ' ')} "
                    f"({format_day(before_on)}) to {str(now).replace('_', ' ')} "
                    f"({format_day(now_on)}).",
                    cited,
                ),
            )
        )
    found.sort(key=lambda pair: pair[0], reverse=True)
    out = [statement for _, statement in found][: limit - 1]
    firm = relations[relations["status"] == "established"]
    if not firm.empty:
        # The firmest: established on the most claims; the rest are counted, not listed.
        support = firm["claim_ids"].map(lambda ids: len(split_list(ids)))
        firm = firm.assign(_n=support).sort_values(["_n", "relation_id"], ascending=[False, True])
        shown = firm.head(FIRMEST_TIES)
        ties = [
            f"{names.get(r['source_id'], r['source_id'])}: "
            + phrases.get(r["relation"], "{other}").format(other=names.get(r["target_id"]))
            for r in shown.to_dict("records")
        ]
        rest = len(firm) - len(shown)
        more = f" ({rest} more established)" if rest else ""
        cited = [c for ids in shown["claim_ids"] for c in split_list(ids)]
        out.append(Statement(f"Established on the most claims: {'; '.join(ties)}{more}.", cited))
    return out or [Statement("No tie has changed status yet, and none is established.")]


def _step_claims(steps: pd.DataFrame | None, relation_id: str, days: list) -> list[str]:
    """The claims of a relation's steps on the given days."""
    if steps is None or steps.empty:
        return []
    mine = steps[(steps["relation_id"] == relation_id) & steps["status_on"].dt.date.isin(days)]
    return [c for ids in mine["claim_ids"] for c in split_list(ids)]


def show_judgements(
    judgements: pd.DataFrame, likelihoods: pd.DataFrame, hypothesis_ids: list[str] | None = None
) -> None:
    """Display the analyst's key judgements (nothing when none was made by the report's date)."""
    from IPython.display import display

    bundle = judgements_bundle(judgements, likelihoods, hypothesis_ids)
    if bundle["text/html"]:
        display(bundle, raw=True)


def find_focus_findings(
    graph: nx.MultiDiGraph,
    relations: pd.DataFrame,
    steps: pd.DataFrame | None,
    *,
    focus_actor: str,
    actors: pd.DataFrame,
    vocab: Vocabularies,
) -> list[Statement]:
    """A per-actor page's key findings: whom the actor is tied to, how firmly, what changed.

    Args:
        graph: The page's graph, cut to the focus actor's ties (``filter_relation_graph``).
        relations: The ``relations`` rows drawn in ``graph`` (status and history).
        steps: The ``relation_steps`` known on the report's date.
        focus_actor: The actor the page is about (or, rolled up, the state standing for it).
        actors: The ``actors`` table, for names.
        vocab: The dataset's vocabularies.

    Returns:
        Its ties whose status changed (dated, latest first), then the actors it is tied to,
        grouped by the status of their firmest tie with it, then its firmest ties, as
        :func:`find_relation_findings` tells them. Every statement cites its ties' claims.
    """
    focus_actor = node_for(graph, focus_actor)
    name = capitalise(text_of(graph.nodes[focus_actor].get("display_name")))
    ties = list_actor_ties(graph, focus_actor)
    if not ties:
        return [Statement(f"{name} has no tie in this selection yet.")]
    firmest: dict[str, str] = {}
    for tie in ties:  # strongest status first: each other actor once, at its firmest tie
        firmest.setdefault(tie["other"], tie["status"])
    groups: dict[str, list[str]] = {}
    for other, status in firmest.items():
        groups.setdefault(status, []).append(text_of(graph.nodes[other].get("display_name")))
    said = "; ".join(f"{status} with {join_names(o)}" for status, o in groups.items())
    cited = [c for tie in ties for c in tie["claim_ids"]]
    # Dated by its ties' latest step, whose claims it cites too.
    stepped = [(h[-1][1], t["relation_id"]) for t in ties if (h := t["history"])]
    when = ""
    if stepped:
        latest = max(day for day, _ in stepped)
        when = f" (a status last set on {format_day(latest)})"
        for day, relation_id in stepped:
            if day == latest:
                cited += _step_claims(steps, relation_id, [latest])
    lead = Statement(f"{name}’s firmest tie with each actor{when}: {said}.", cited)
    rest = [s for s in find_relation_findings(relations, steps, actors=actors, vocab=vocab)]
    # Dated changes lead (a page opens on what moved and when); the firmest ties close.
    changed = [s for s in rest if " went from " in s]
    return [*changed, lead, *[s for s in rest if s.claim_ids and s not in changed]][:5]
