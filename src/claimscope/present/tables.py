"""Build the reports' reader-facing tables from analysis results: display strings, capped rows."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from claimscope.analysis.relations import vocabularies_of
from claimscope.analysis.troops import resolve_unit_sizes
from claimscope.data.dataset import split_list
from claimscope.data.vocab import Vocabularies, load_vocabularies
from claimscope.present.formatting import (
    describe_hedges,
    format_date,
    format_day,
    format_row_interval,
    format_size_range,
    is_missing,
    text_of,
)

#: Most rows a report's table shows; a last row says how many were left out. A browser gets
#: sluggish long before 100,000 rows, and nobody reads them on a page.
TABLE_ROWS = 200

_CLAIM_COLUMNS = [
    "Claimant",
    "Stance",
    "On",
    "Stated figure",
    "{Noun} (normalised)",
    "Measure",
    "Activity",
    "Location",
    "Hedges",
    "Grade",
    "Date",
    "Quote",
    "Claim",
]


def cap_rows(
    frame: pd.DataFrame, limit: int | None, noun: str = "rows", *, total: int | None = None
) -> pd.DataFrame:
    """Keep the first ``limit`` rows; when some are left out, a last row says how many.

    The note goes in the first column, the other cells stay empty, so the table itself tells
    the reader it is not complete. ``total`` is the number of rows before any were dropped,
    when the caller built only the first ``limit`` (default: ``len(frame)``).

    >>> cap_rows(pd.DataFrame({"a": ["x", "y", "z"], "b": [1, 2, 3]}), 2, "claims")["a"].tolist()
    ['x', 'y', '… 1 more claims not shown (the first 2 of 3 are)']
    """
    total = len(frame) if total is None else total
    if limit is None or total <= limit:
        return frame
    note = {column: "" for column in frame.columns}
    note[frame.columns[0]] = (
        f"… {total - limit:,} more {noun} not shown (the first {limit:,} of {total:,} are)"
    )
    shown = frame.iloc[:limit].astype(object)
    return pd.concat([shown, pd.DataFrame([note], columns=frame.columns)], ignore_index=True)


def tabulate_claims(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    limit: int | None = TABLE_ROWS,
    vocab: Vocabularies | None = None,
) -> pd.DataFrame:
    """Build the figures report's summary table: every figure, then every other stance.

    Args:
        figures: Output of ``normalise_figures``.
        stances: Output of ``list_stances`` (its figure claims are taken from ``figures``).
        limit: Most claims shown; a last row counts the rest. None shows every claim.
        vocab: The dataset's vocabularies (the project's by default), for labels.

    Returns:
        A table of display strings with reader-facing column names.
    """
    vocab = vocab or load_vocabularies()
    others = stances[~stances["claim_id"].isin(figures["claim_id"])]
    total = len(figures) + len(others)
    if limit is not None and total > limit:
        figures, others = figures.iloc[:limit], others.iloc[: max(0, limit - len(figures))]
    rows = [
        _claim_row(f, text_of(f["stated_figure"]), format_row_interval(f), vocab)
        for f in figures.to_dict("records")
    ]
    rows += [_claim_row(s, "", "", vocab) for s in others.to_dict("records")]
    noun = capitalise_first(vocab.subject.noun)
    table = pd.DataFrame(rows, columns=[c.format(Noun=noun) for c in _CLAIM_COLUMNS])
    return cap_rows(table, limit, "claims", total=total)


def _claim_row(claim: dict, stated: str, interval: str, vocab: Vocabularies) -> list[str]:
    return [
        claim["claimant_name"],
        vocab.label("stances", claim["stance"]),
        _on_what(claim, vocab),
        stated,
        interval,
        vocab.label("measures", claim["measure"]),
        text_of(claim["activity"]),
        text_of(claim["location"]),
        ", ".join(split_list(text_of(claim["hedges"]))),
        claim["grade"],
        format_date(claim["claimed_on"]),
        text_of(claim["quote"]),
        claim["claim_id"],
    ]


def _on_what(claim: dict, vocab: Vocabularies) -> str:
    """What a claim's stance is about, as a reader reads it; a stance on a figure names it."""
    label = text_of(claim.get("proposition_label"))
    answered = split_list(text_of(claim.get("responds_to")))
    if label and vocab.is_figure(claim.get("proposition_id")) and answered:
        return f"{label} ({', '.join(answered)})"
    return label


def describe_units(
    unit_sizes: pd.DataFrame, figures: pd.DataFrame, vocab: Vocabularies | None = None
) -> pd.DataFrame:
    """Tabulate the unit sizes ``figures`` were normalised with, their sources, any override.

    A unit of one (the counted noun itself, people) converts nothing and is left out.
    """
    from claimscope.analysis.troops import normalisation_of

    noun = capitalise_first((vocab or load_vocabularies()).subject.noun)
    used = normalisation_of(figures).unit_sizes
    dataset = resolve_unit_sizes(unit_sizes)
    rows = [
        {
            "Unit": u["unit"],
            f"{noun} per unit (used)": format_size_range(*used[u["unit"]]),
            "Dataset value": format_size_range(*dataset[u["unit"]]),
            "Overridden": "yes" if used[u["unit"]] != dataset[u["unit"]] else "no",
            "Source": text_of(u["source"]),
            "Note": text_of(u.get("note")),
        }
        for u in unit_sizes.to_dict("records")
        if used[u["unit"]] != (1, 1)
    ]
    return pd.DataFrame(rows)


def capitalise_first(text: str) -> str:
    """Capitalise a header's first letter only: ``deaths`` → ``Deaths``.

    >>> capitalise_first("people killed")
    'People killed'
    """
    return text[:1].upper() + text[1:]


def tabulate_corrections(
    corrections: pd.DataFrame, documents: pd.DataFrame, doc_ids: list[str] | tuple = ()
) -> pd.DataFrame:
    """Tabulate the corrections to the documents a report uses (all documents when empty).

    Returns:
        One row per correction, in table order: ``Document`` (its title), ``Quote``, ``Kind``,
        ``Correction`` and ``Basis``, as plain text for ``show_table`` to escape.

    >>> docs = pd.DataFrame({"doc_id": ["d"], "title": ["T"]})
    >>> fixes = pd.DataFrame({"doc_id": ["d"], "quote": ["Q"], "kind": ["factual_error"],
    ...     "correction": ["C"], "basis": ["B"]})
    >>> tabulate_corrections(fixes, docs).iloc[0].tolist()
    ['T', 'Q', 'factual error', 'C', 'B']
    """
    titles = dict(zip(documents["doc_id"], documents["title"], strict=True))
    used = corrections[corrections["doc_id"].isin(list(doc_ids) or list(titles))]
    return pd.DataFrame(
        {
            "Document": [titles.get(d, d) for d in used["doc_id"]],
            "Quote": [text_of(q) for q in used["quote"]],
            "Kind": [text_of(k).replace("_", " ") for k in used["kind"]],
            "Correction": [text_of(c) for c in used["correction"]],
            "Basis": [text_of(b) for b in used["basis"]],
        },
        columns=["Document", "Quote", "Kind", "Correction", "Basis"],
    )


def describe_change(row: dict) -> str:
    """Say how a latest figure compares with the one before it, in words a reader checks.

    A difference is written only between two single numbers; a bound or a range is compared in
    words, and a revision says so.

    >>> point = {"troops_low": 1500, "troops_high": 1500, "is_low_open": False,
    ...          "is_high_open": False, "claim_id": "c1", "claimed_on": pd.Timestamp("2024-10-18")}
    >>> bound = dict(point, troops_high=pd.NA, is_high_open=True, troops_low=3000)
    >>> describe_change({"previous": point, "previous_on": point["claimed_on"],
    ...     "comparison": "points", "change": 1500})
    '+1,500 since 18 Oct 2024 (1,500)'
    >>> describe_change({"previous": bound, "previous_on": point["claimed_on"],
    ...     "comparison": "bound", "change": pd.NA})
    'previously ≥ 3,000 (18 Oct 2024); a bound, so no difference is computed'
    """
    previous = row["previous"]
    if previous is None or row["comparison"] == "first":
        return "first figure"
    since = format_day(row["previous_on"], short=True)
    was = format_row_interval(previous)
    if row["comparison"] == "revision":
        text = f"revises {was} ({since}, {previous['claim_id']})"
        return text if is_missing(row["change"]) else f"{text}: {int(row['change']):+,}"
    if row["comparison"] == "bound":
        return f"previously {was} ({since}); a bound, so no difference is computed"
    if row["comparison"] == "range":
        return f"previously {was} ({since}); a range, so no difference is computed"
    if int(row["change"]) == 0:
        return f"unchanged since {since} ({was})"
    return f"{int(row['change']):+,} since {since} ({was})"


def tabulate_latest_figures(latest: pd.DataFrame, vocab: Vocabularies) -> pd.DataFrame:
    """Tabulate each claimant's latest figure per measure and place with the change before it.

    Args:
        latest: Output of ``claimscope.analysis.evolution.list_latest_figures``.
        vocab: The dataset's vocabularies, for measure labels.

    Returns:
        One row per series; its ``Claims`` column names the latest claim and the one compared.
    """
    from claimscope.analysis.evolution import flow_label

    rows = [
        {
            "Claimant": r["claimant_name"],
            "Measure": vocab.label("measures", r["measure"]),
            "Where": text_of(r.get("location", pd.NA)),
            "Latest figure": " ".join(
                filter(None, (format_row_interval(r["row"]), flow_label(r["period"])))
            )
            + describe_hedges(r["row"].get("hedges")),
            "Date": format_day(r["claimed_on"], short=True),
            "Change": describe_change(r),
            "Claims": "; ".join(
                filter(None, (r["claim_id"], text_of(r.get("previous_id", pd.NA))))
            ),
        }
        for r in latest.to_dict("records")
    ]
    columns = ["Claimant", "Measure", "Where", "Latest figure", "Date", "Change", "Claims"]
    return pd.DataFrame(rows, columns=columns)


def tabulate_stance_changes(
    runs: pd.DataFrame, actors: pd.DataFrame, vocab: Vocabularies
) -> pd.DataFrame:
    """Tabulate each party's stances over time, per proposition, a change shown as an arrow.

    Args:
        runs: Output of ``claimscope.analysis.evolution.summarise_stance_changes``.
        actors: The ``actors`` table, for the parties' names.
        vocab: The dataset's vocabularies, for stance and proposition labels.

    Returns:
        One row per party and proposition: ``Party``, ``On`` (the proposition), ``Stances over
        time`` ("cannot verify (19 Oct 2024: Lloyd Austin) → confirms (23 Oct 2024: Lloyd
        Austin; 28 Oct 2024: …)", each name under the date of its own claim), ``Changed`` and
        ``Answering`` (the claims its stances answer).
    """
    names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    rows = []
    keys = runs.assign(_about=runs["proposition_id"].astype("string").fillna(""))
    for (party, _), group in keys.groupby(["party_id", "_about"], sort=False):
        steps = [
            f"{vocab.label('stances', r['stance'])} ("
            + "; ".join(
                f"{format_day(day, short=True)}: {', '.join(who)}" for day, who in r["days"]
            )
            + ")"
            for r in group.to_dict("records")
        ]
        answered = list(dict.fromkeys(c for ids in group["responds_to"] for c in ids))
        rows.append(
            {
                "Party": names.get(party, party),
                "On": vocab.label("propositions", group["proposition_id"].iloc[0]),
                "Stances over time": " → ".join(steps),
                "Changed": "yes" if group["stance"].nunique() > 1 else "no",
                "Answering": ", ".join(answered),
            }
        )
    columns = ["Party", "On", "Stances over time", "Changed", "Answering"]
    return pd.DataFrame(rows, columns=columns)


def describe_grades(vocab: Vocabularies | None = None) -> pd.DataFrame:
    """Tabulate the Admiralty grading scales: letter for the source, digit for the information.

    The scales are the dataset's ``source_reliability`` and ``info_credibility`` tables (the
    project's by default).
    """
    vocab = vocab or load_vocabularies()
    rows = [
        {"Scale": scale, "Grade": str(grade), "Meaning": label}
        for scale, table, key in (
            ("Source reliability", vocab.source_reliability, "source_reliability"),
            ("Information credibility", vocab.info_credibility, "info_credibility"),
        )
        for grade, label in zip(table[key], table["label"], strict=True)
    ]
    return pd.DataFrame(rows)


def build_actor_table(
    summary: pd.DataFrame, *, limit: int | None = TABLE_ROWS, vocab: Vocabularies | None = None
) -> pd.DataFrame:
    """Turn ``summarise_actors`` output into a table for ``show_table``.

    At most ``limit`` actors are listed; a last row counts the others.

    >>> row = {"name": "A", "kind": "state", "ties": 1, "ties_by_type": {"alliance": 1},
    ...        "ties_by_status": {"reported": 1}, "score": 5.55, "claims_made": ("c1",),
    ...        "claims_about": (), "denials": ("c1",)}
    >>> build_actor_table(pd.DataFrame([row])).iloc[0]["Ties by type"]
    'alliance 1'
    """
    vocab = vocab or load_vocabularies()

    def counts(value: dict, vocabulary: str) -> str:
        return ", ".join(f"{vocab.label(vocabulary, k)} {v}" for k, v in value.items())

    total = len(summary)
    summary = summary.iloc[:limit] if limit is not None else summary
    table = pd.DataFrame(
        {
            "Actor": summary["name"],
            "Kind": summary["kind"].map(lambda k: vocab.label("actor_kinds", k)),
            "Ties": summary["ties"].astype(int),
            "Ties by type": summary["ties_by_type"].map(lambda v: counts(v, "relation_types")),
            "Ties by status": summary["ties_by_status"].map(
                lambda v: ", ".join(f"{k} {n}" for k, n in v.items())
            ),
            "Score": summary["score"].astype(float).round(2),
            "Claims made": summary["claims_made"].map(len).astype(int),
            "Claims about": summary["claims_about"].map(len).astype(int),
            "Denials": summary["denials"].map(", ".join),
        }
    ).reset_index(drop=True)
    return cap_rows(table, limit, "actors", total=total)


def build_tie_table(graph: nx.MultiDiGraph, *, limit: int | None = TABLE_ROWS) -> pd.DataFrame:
    """List every tie of the graph with its status, score and evidence, firmest first.

    At most ``limit`` ties are listed; a last row counts the others.
    """
    vocab = vocabularies_of(graph)
    rank = {status: i for i, status in enumerate(vocab.statuses)}
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (rank[e[3]["status"]], e[2]))
    rows = [
        {
            "Tie": key,
            "From": graph.nodes[source]["name"],
            "To": graph.nodes[target]["name"],
            "Relation": vocab.label("relation_types", data["relation"]),
            "Status": format_history(data.get("history", ())) or data["status"],
            "Score": round(data["score"], 2),
            "Weighted": round(data["weighted_score"], 3),
            "Evidence": ", ".join(data["claim_ids"]),
        }
        for source, target, key, data in edges
    ]
    columns = ["Tie", "From", "To", "Relation", "Status", "Score", "Weighted", "Evidence"]
    return cap_rows(pd.DataFrame(rows, columns=columns), limit, "ties")


def format_history(history: tuple | list) -> str:
    """Write a tie's status changes in date order: ``alleged (21 Oct 2024) → established (…)``.

    >>> import datetime as dt
    >>> format_history([("alleged", dt.date(2024, 10, 21)), ("established", dt.date(2024, 10, 28))])
    'alleged (21 Oct 2024) → established (28 Oct 2024)'
    """
    return " → ".join(f"{status} ({format_day(on, short=True)})" for status, on in history)


def describe_relation_types(vocab: Vocabularies) -> pd.DataFrame:
    """Tabulate the cooperation-conflict scale: each relation type's score and its source."""
    types = vocab.relation_types
    return pd.DataFrame(
        {
            "Relation": types["label"].tolist(),
            "Score": types["score"].astype(float).tolist(),
            "Meaning": types["description"].tolist(),
            "Source": types["score_source"].tolist(),
        }
    )


def describe_statuses(vocab: Vocabularies) -> pd.DataFrame:
    """Tabulate the statuses, firmest first, with the weight each gives a tie's score."""
    statuses = vocab.relation_statuses
    return pd.DataFrame(
        {
            "Status": statuses["status"].tolist(),
            "Rank": statuses["rank"].astype(int).tolist(),
            "Weight": statuses["weight"].astype(float).tolist(),
            "Meaning": statuses["description"].tolist(),
            "Source": statuses["weight_source"].tolist(),
        }
    )
