"""Write the reports' generated paragraphs from analysis results: plain text, escaped on display."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from claimscope.analysis import check_known
from claimscope.analysis.relations import list_actor_ties, vocabularies_of
from claimscope.analysis.troops import FIGURE_TYPE, convert_figure, normalisation_of
from claimscope.dataset import split_list
from claimscope.formatting import (
    format_date,
    format_interval,
    format_row_interval,
    format_troops,
    join_names,
    text_of,
)
from claimscope.vocab import Vocabularies, load_vocabularies

#: Most figures "what the sources say" describes one by one; the rest are counted.
PROSE_FIGURES = 25
#: Most actors the relations summary describes one by one (in node order); a sentence counts
#: the rest.
DESCRIBED_ACTORS = 30
#: How each stance other than "asserts" is told: verb for one claimant, for several, and the
#: sentence when nobody takes it.
_STANCE_SENTENCES = (
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
)


def summarise_figures(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    limit: int | None = PROSE_FIGURES,
    vocab: Vocabularies | None = None,
) -> list[str]:
    """Write "what the sources say" as plain sentences, from the data alone.

    Args:
        figures: Output of ``normalise_figures``; its unit sizes and tolerance are the ones
            described.
        stances: Output of ``list_stances``.
        limit: Most figures described one by one (and most unit conversions); a sentence
            counts the rest. None describes every figure.
        vocab: The dataset's vocabularies (the project's by default), for measure labels.

    Returns:
        Paragraphs: the range per measure with the highest and lowest source, each figure with
        its hedges and grade, who denies, who cannot verify, who confirms, and how the unit
        sizes move the figures stated in units.
    """
    vocab = vocab or load_vocabularies()
    paragraphs: list[str] = []
    if figures.empty:
        paragraphs.append("No source in this selection gives a troop figure.")
    for measure, group in figures.groupby("measure", sort=True):
        paragraphs.append(_summarise_measure(vocab.label("measures", measure), group))
    for f in _head(figures, limit).to_dict("records"):
        where = ", ".join(x for x in (text_of(f["activity"]), text_of(f["location"])) if x)
        hedges = split_list(text_of(f["hedges"]))
        sounds = "hedged with " + join_names([f"“{h}”" for h in hedges]) if hedges else "unhedged"
        stated = text_of(f["stated_figure"])
        paragraphs.append(
            f"{f['claimant_name']} ({format_date(f['claimed_on'])}): “{stated}”, "
            f"normalised to {format_row_interval(f)} troops"
            + (f" ({where})" if where else "")
            + f"; {sounds}; graded {f['grade'] or 'ungraded'}."
        )
    paragraphs += _left_out(len(figures), limit, "figures", "the table lists them")
    bare = stances[(stances["stance"] == "asserts") & (stances["claim_type"] != FIGURE_TYPE)]
    if not bare.empty:
        names = list(dict.fromkeys(bare["claimant_name"]))
        verb = "asserts" if len(names) == 1 else "assert"
        paragraphs.append(f"{join_names(names, limit)} {verb} the deployment without a number.")
    for stance, verb_one, verb_many, none in _STANCE_SENTENCES:
        rows = stances[stances["stance"] == stance]
        if rows.empty:
            paragraphs.append(none)
            continue
        names = list(dict.fromkeys(rows["claimant_name"]))
        places = sorted({text_of(x) for x in rows["location"]} - {""})
        if limit is not None and len(places) > limit:
            places = [*places[:limit], f"{len(places) - limit:,} other places"]
        where = f" (where stated: {', '.join(places)})" if places else ""
        verb = verb_one if len(names) == 1 else verb_many
        grades = ", ".join(sorted(set(rows["grade"]) - {""}))
        paragraphs.append(
            f"{join_names(names, limit)} {verb}{where}" + (f"; graded {grades}." if grades else ".")
        )
    paragraphs += _summarise_units(figures, limit)
    return paragraphs


def _head(frame: pd.DataFrame, limit: int | None) -> pd.DataFrame:
    return frame if limit is None else frame.iloc[:limit]


def _left_out(total: int, limit: int | None, noun: str, where: str) -> list[str]:
    """A sentence counting what a capped list left out, or nothing when nothing was."""
    if limit is None or total <= limit:
        return []
    return [f"… and {total - limit:,} more {noun} ({total:,} in all; {where})."]


def _summarise_measure(label: str, group: pd.DataFrame) -> str:
    label = label or "unspecified"
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
            f"“{text_of(top['stated_figure'])}” ({format_row_interval(top)} troops)."
        )
    span = f"are all {low_text}" if low_text == high_text else f"span {low_text} to {high_text}"
    return (
        f"{n} figures for troops {label} {span} troops. "
        f"Highest: {top['claimant_name']} (“{text_of(top['stated_figure'])}”); "
        f"lowest: {bottom['claimant_name']} (“{text_of(bottom['stated_figure'])}”)."
    )


def _summarise_units(figures: pd.DataFrame, limit: int | None = None) -> list[str]:
    used = normalisation_of(figures)
    dataset_sizes = used.dataset_unit_sizes
    out = []
    in_units = figures[figures["unit"] != "troops"]
    for f in _head(in_units, limit).to_dict("records"):
        unit = f["unit"]
        sizes = (int(f["unit_low"]), int(f["unit_high"]))
        text = (
            f"{f['claimant_name']}’s “{text_of(f['stated_figure'])}” becomes "
            f"{format_row_interval(f)} troops at "
            f"{sizes[0]:,}–{sizes[1]:,} troops per {unit.rstrip('s')}"
        )
        if sizes != dataset_sizes.get(unit):
            base_low, base_high = dataset_sizes[unit]
            base = convert_figure(
                f["claim_id"],
                f["value_low"],
                f["value_high"],
                unit,
                f["qualifier"],
                dataset_sizes,
                used.tolerance,
            )
            text += (
                f" (this report’s assumption); at the dataset’s {base_low:,}–{base_high:,} it "
                f"would be {format_interval(*base[2:6])}."
            )
        else:
            text += " (the dataset’s assumption; a report can override it)."
        out.append(text)
    out += _left_out(len(in_units), limit, "figures stated in units", "converted the same way")
    if (figures["qualifier"] == "approximately").any():
        out.append(
            f"Figures stated as approximate are widened by {used.tolerance:.0%} on each side."
        )
    return out


def describe_method(figures: pd.DataFrame, stances: pd.DataFrame, *, version: str) -> list[str]:
    """Write the method notes that depend on the data: what was read and how it was normalised.

    Args:
        figures: Output of ``normalise_figures`` (its tolerance is the one described).
        stances: Output of ``list_stances``.
        version: The dataset's version hash.
    """
    tolerance = normalisation_of(figures).tolerance
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


def describe_actor(graph: nx.MultiDiGraph, actor_id: str) -> str:
    """Write one sentence listing an actor's ties with their status.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", name="A"); g.add_node("b", name="B")
    >>> _ = g.add_edge("a", "b", key="r1", relation="sanctions", status="established")
    >>> describe_actor(g, "b")
    'B: sanctioned by A (established).'
    """
    phrases = vocabularies_of(graph).relation_types
    ties = list_actor_ties(graph, actor_id)
    name = graph.nodes[actor_id]["name"]
    if not ties:
        return f"{name}: no ties in this selection."
    parts = []
    for tie in ties:
        column = "phrase_from_source" if tie["direction"] == "out" else "phrase_from_target"
        phrase = phrases.at[tie["relation"], column]
        other = graph.nodes[tie["other"]]["name"]
        parts.append(f"{phrase.format(other=other)} ({tie['status']})")
    return f"{name}: " + "; ".join(parts) + "."


def describe_relations(
    graph: nx.MultiDiGraph,
    *,
    focus_actor: str | None = None,
    limit: int | None = DESCRIBED_ACTORS,
) -> list[str]:
    """Write the summary paragraphs: the focus actor's, or one per actor with ties.

    With a focus actor that was rolled up, the paragraph is its root's. Without one, at most
    ``limit`` actors are described (in node order) and a last sentence counts the others.
    """
    if focus_actor:
        if focus_actor not in graph:
            roots = {m: n for n, members in graph.nodes(data="members") for m in members or ()}
            check_known("actor", [focus_actor], roots)
            focus_actor = roots[focus_actor]
        return [describe_actor(graph, focus_actor)]
    tied = [node for node in graph if graph.degree(node) > 0]
    shown = tied if limit is None else tied[:limit]
    paragraphs = [describe_actor(graph, node) for node in shown]
    if len(shown) < len(tied):
        paragraphs.append(
            f"… and {len(tied) - len(shown):,} more actors with ties ({len(tied):,} in all), "
            "not described one by one here."
        )
    return paragraphs
