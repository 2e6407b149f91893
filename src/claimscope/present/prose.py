"""Write the reports' generated paragraphs from analysis results: plain text, escaped on display."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from claimscope.analysis.evolution import flow_label
from claimscope.analysis.hedges import choose_verb
from claimscope.analysis.relations import list_actor_ties, node_for, vocabularies_of
from claimscope.analysis.troops import FIGURE_TYPE, convert_figure, normalisation_of
from claimscope.data.dataset import split_list
from claimscope.data.vocab import Vocabularies, load_vocabularies
from claimscope.present.formatting import (
    describe_measure,
    format_day,
    format_interval,
    format_row_interval,
    format_troops,
    is_missing,
    isolate,
    join_names,
    text_of,
)
from claimscope.present.statements import Statement

#: Most figures "what the sources say" describes one by one; the rest are counted.
PROSE_FIGURES = 25
#: Most actors the relations summary describes one by one (in node order); a sentence counts
#: the rest.
DESCRIBED_ACTORS = 30
#: How each stance is told in the past tense: the verb when the source is unhedged, when it
#: is hedged, and the sentence when nobody in the selection takes it. ``{that}`` is what the
#: stance is about (:func:`_proposition_words`).
_STANCE_VERBS = {
    "asserts": ("said {that}, without giving a number", "suggested {that}"),
    "denies": ("denied {that}", "appeared to deny {that}"),
    "not_denied": ("did not deny {that}", "did not deny {that}"),  # the hedge is the answer
    "not_verified": ("said it could not verify {that}", "suggested it could not verify {that}"),
    "confirms": ("confirmed {that}", "appeared to confirm {that}"),
}
_NO_STANCE = {
    "denies": "No source in this selection denies what the others assert.",
    "not_verified": "No source in this selection says it cannot verify it.",
    "confirms": "No source in this selection confirms it.",
}
#: Characters that mark a quote as the speaker's own words, not the document's account.
_QUOTE_MARKS = ("“", "”", '"')


def capitalise(text: str) -> str:
    """Capitalise a sentence's first letter only: ``the United States`` → ``The United States``.

    >>> capitalise("the U.S. and NATO")
    'The U.S. and NATO'
    """
    return text[:1].upper() + text[1:]


def is_quoted(quote: object) -> bool:
    """Return True when the quote holds the speaker's own words (it has quotation marks).

    >>> is_quoted("Peskov called the reports “fake news”"), is_quoted("Peskov denied it")
    (True, False)
    """
    return any(mark in text_of(quote) for mark in _QUOTE_MARKS)


def _on(day: object, previous: object) -> str:
    """Open with the date: ``On 10 October 2024``; the year is left out when it repeats."""
    same_year = not is_missing(previous) and pd.Timestamp(previous).year == pd.Timestamp(day).year
    return f"On {format_day(day, year=not same_year)}"


def _attributed(claim: dict, previous_day: object, says: str) -> str:
    """Open a sentence with the date and the speaker, saying whether the document quotes it."""
    who = isolate(text_of(claim.get("claimant_display")) or claim["claimant_name"])
    opening = _on(claim["claimed_on"], previous_day)
    if is_quoted(claim.get("quote")) or is_missing(claim.get("doc_published_on")):
        return f"{opening} {who} {says}"
    document = f"the document of {format_day(claim['doc_published_on'])}"
    return f"{opening}, {document} reports, {who} {says}"


def _proposition_words(claim: dict, vocab: Vocabularies) -> str:
    """What a stance is about, for a sentence: "that North Korean troops were sent to Russia".

    A stance on a figure is about "the figure it answered"; a claim without a proposition (a
    package that predates them, all about troops) is about "that troops were sent"; in a
    package of another subject, about "it".
    """
    proposition = claim.get("proposition_id")
    if is_missing(proposition) or proposition not in vocab.propositions.index:
        return "that troops were sent" if vocab.subject.noun == "troops" else "it"
    if vocab.is_figure(proposition):
        return "the figure it answered"
    return "that " + str(vocab.propositions.at[proposition, "statement"]).rstrip(".")


def _is_hedged(claim: dict) -> bool:
    return bool(split_list(text_of(claim.get("hedges"))))


def summarise_figures(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    limit: int | None = PROSE_FIGURES,
    vocab: Vocabularies | None = None,
) -> list[str]:
    """Write "what the sources say" as plain past-tense sentences with dates, from the data.

    Args:
        figures: Output of ``normalise_figures``; its unit sizes and tolerance are the ones
            described.
        stances: Output of ``list_stances``.
        limit: Most figures (and stance statements) described one by one; a sentence counts
            the rest. None describes every one.
        vocab: The dataset's vocabularies (the project's by default), for measure labels.

    Returns:
        Paragraphs: the span of each measure's figures (open bounds kept open) with the
        highest and lowest source; each figure in date order with its hedges and grade; each
        statement that asserts without a number, denies, cannot verify or confirms, in date
        order, one per claimant and day (a hedged one "suggested"; words the document reports
        rather than quotes are told as its report); how the unit sizes move the figures.
    """
    vocab = vocab or load_vocabularies()
    paragraphs: list[str] = []
    if figures.empty:
        paragraphs.append(f"No source in this selection gives a {vocab.subject.noun_one} figure.")
    order = {m: i for i, m in enumerate(vocab.measures.index)}
    series = figures.assign(
        _order=figures["measure"].map(order),
        _period=figures["period"].astype("string").fillna("") if "period" in figures else "",
    )
    for (_, _, period), group in series.groupby(["_order", "measure", "_period"], sort=True):
        label = vocab.label("measures", group["measure"].iloc[0])
        what = describe_measure(group["measure"].iloc[0], period or pd.NA, vocab)
        text = _summarise_measure(what, group, vocab.subject.noun)
        paragraphs.append(Statement(text, group["claim_id"]))
    previous: object = pd.NaT
    noun = vocab.subject.noun
    for f in _head(figures, limit).to_dict("records"):
        where = ", ".join(isolate(x) for x in (f["activity"], f["location"]) if text_of(x))
        hedges = split_list(text_of(f["hedges"]))
        stated = isolate(f["stated_figure"])
        period = text_of(f.get("period"))
        # A flow counts what moved within its period, never a total: its words say so.
        label = describe_measure(f["measure"], period or pd.NA, vocab)
        verb = choose_verb(hedges)  # the hedge decides the verb: suggests, reports or says
        says = {
            "suggests": f"suggested the {noun} {label} were “{stated}”",
            "reports": f"reported the {noun} {label} at “{stated}”",
        }.get(verb, f"put the {noun} {label} at “{stated}”")
        detail = f"{format_row_interval(f)} {noun}" + (f" {flow_label(period)}" if period else "")
        if where:
            detail += f"; {where}"
        sounds = (
            "hedged with " + join_names([f"“{isolate(h)}”" for h in hedges])
            if hedges
            else "unhedged"
        )
        paragraphs.append(
            Statement(
                f"{_attributed(f, previous, says)} ({detail}); {sounds}; "
                f"graded {f['grade'] or 'ungraded'}.",
                [f["claim_id"]],
            )
        )
        previous = f["claimed_on"]
    paragraphs += _left_out(len(figures), limit, "figures", "the table lists them")
    paragraphs += _summarise_stances(stances, limit, vocab)
    paragraphs += _summarise_units(figures, limit, noun)
    return paragraphs


def _summarise_stances(stances: pd.DataFrame, limit: int | None, vocab: Vocabularies) -> list[str]:
    """One sentence per claimant, day, proposition and stance, in date order.

    No sentence merges two claimants or two propositions: what each stance is about is said.
    """
    bare = stances[(stances["stance"] != "asserts") | (stances["claim_type"] != FIGURE_TYPE)]
    bare = bare[bare["stance"].isin(list(_STANCE_VERBS))]
    bare = bare.sort_values(["claimed_on", "claim_id"], kind="stable")
    statements: list[list[dict]] = []
    for claim in bare.to_dict("records"):
        last = statements[-1][0] if statements else None
        same = last is not None and all(
            _same(last.get(k), claim.get(k))
            for k in ("claimant_id", "claimed_on", "stance", "proposition_id")
        )
        if same and _is_hedged(last) == _is_hedged(claim):
            statements[-1].append(claim)
        else:
            statements.append([claim])
    sentences: list[str] = []
    previous: object = pd.NaT
    for group in _head_list(statements, limit):
        first = group[0]
        plain, hedged = _STANCE_VERBS[first["stance"]]
        says = (hedged if _is_hedged(first) else plain).format(
            that=_proposition_words(first, vocab)
        )
        answered = list(dict.fromkeys(c for g in group for c in split_list(g["responds_to"])))
        places = sorted({text_of(g["location"]) for g in group} - {""})
        extra = [f"answering {', '.join(answered)}"] if answered else []
        extra += [f"where stated: {', '.join(places)}"] if places else []
        grades = sorted({g["grade"] for g in group} - {""})
        extra += [f"graded {', '.join(grades)}"] if grades else []
        tail = f" ({'; '.join(extra)})" if extra else ""
        sentence = capitalise(_attributed(first, previous, says)) + tail + "."
        sentences.append(Statement(sentence, [g["claim_id"] for g in group]))
        previous = first["claimed_on"]
    sentences += _left_out(len(statements), limit, "statements", "the table lists them")
    taken = set(bare["stance"])
    sentences += [none for stance, none in _NO_STANCE.items() if stance not in taken]
    return sentences


def _same(a: object, b: object) -> bool:
    return (is_missing(a) and is_missing(b)) or (not is_missing(a) and a == b)


def _head_list(items: list, limit: int | None) -> list:
    return items if limit is None else items[:limit]


def _head(frame: pd.DataFrame, limit: int | None) -> pd.DataFrame:
    return frame if limit is None else frame.iloc[:limit]


def _left_out(total: int, limit: int | None, noun: str, where: str) -> list[str]:
    """A sentence counting what a capped list left out, or nothing when nothing was."""
    if limit is None or total <= limit:
        return []
    return [f"… and {total - limit:,} more {noun} ({total:,} in all; {where})."]


def describe_span(low: object, high: object, noun: str = "troops") -> str:
    """Say how far several figures of ``noun`` reach; ``None`` is an end one leaves open.

    >>> describe_span(1500, 10000), describe_span(None, 6000, "deaths")
    ('span 1,500 to 10,000 troops', 'reach up to 6,000 deaths, with no stated floor')
    """
    if low is None and high is None:
        return (
            "have neither a stated floor nor a stated ceiling "
            "(some give only a ceiling, others only a floor)"
        )
    if low is None:
        return f"reach up to {format_troops(high)} {noun}, with no stated floor"
    if high is None:
        return f"start at {format_troops(low)} {noun}, with no stated ceiling"
    if int(low) == int(high):
        return f"are all {format_troops(low)} {noun}"
    return f"span {format_troops(low)} to {format_troops(high)} {noun}"


def _summarise_measure(label: str, group: pd.DataFrame, noun: str) -> str:
    """The span of one measure's figures over the ends they state, the open ones counted apart.

    The floor is the lowest stated floor and the ceiling the highest stated ceiling; a figure
    that leaves an end open ("up to", "at least") is counted and shown on its own, so the
    sentence never says the figures lack an end most of them state.
    """
    label = label or "unspecified"
    n = len(group)
    top = group.loc[group["troops_stated"].idxmax()]
    bottom = group.loc[group["troops_stated"].idxmin()]
    first, last = group["claimed_on"].min(), group["claimed_on"].max()
    who = isolate(text_of(top.get("claimant_display")) or top["claimant_name"])
    if n == 1:
        return (
            f"One figure for {noun} {label}: on {format_day(first)} {who} gave "
            f"“{isolate(top['stated_figure'])}” ({format_row_interval(top)} {noun})."
        )
    closed = group[~group["is_low_open"] & ~group["is_high_open"]]
    when = (
        f"on {format_day(first)}"
        if first == last
        else f"from {format_day(first)} to {format_day(last)}"
    )
    if closed.empty:
        span = "state no figure with both ends"
    else:
        span = describe_span(closed["troops_low"].min(), closed["troops_high"].max(), noun)
        if len(closed) < n:
            span += f" where both ends are stated ({len(closed)} of {n})"
    open_ones = [
        format_row_interval(r)
        for r in group.to_dict("records")
        if r["is_low_open"] or r["is_high_open"]
    ]
    tail = f"; open-ended: {', '.join(open_ones)}" if open_ones else ""
    bottom_who = isolate(text_of(bottom.get("claimant_display")) or bottom["claimant_name"])
    return (
        f"{n} figures for {noun} {label}, given {when}, {span}{tail}. "
        f"Highest: {who} (“{isolate(top['stated_figure'])}”); "
        f"lowest: {bottom_who} (“{isolate(bottom['stated_figure'])}”)."
    )


def _summarise_units(
    figures: pd.DataFrame, limit: int | None = None, noun: str = "troops"
) -> list[str]:
    """How each figure stated in units became a number; a unit of one (the noun) is not told."""
    used = normalisation_of(figures)
    dataset_sizes = used.dataset_unit_sizes
    out = []
    in_units = figures[~_is_unit_of_one(figures)]
    for f in _head(in_units, limit).to_dict("records"):
        unit = f["unit"]
        sizes = (int(f["unit_low"]), int(f["unit_high"]))
        text = (
            f"{isolate(f['claimant_name'])}’s “{isolate(f['stated_figure'])}” becomes "
            f"{format_row_interval(f)} {noun} at "
            f"{sizes[0]:,}–{sizes[1]:,} {noun} per {unit.rstrip('s')}"
        )
        if f.get("is_size_stated"):
            text += " (the size the source states)."
        elif sizes != dataset_sizes.get(unit):
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
        out.append(Statement(text, [f["claim_id"]]))
    out += _left_out(len(in_units), limit, "figures stated in units", "converted the same way")
    if (figures["qualifier"] == "approximately").any():
        out.append(
            f"Figures stated as approximate are widened by {used.tolerance:.0%} on each side."
        )
    return out


def _is_unit_of_one(figures: pd.DataFrame) -> pd.Series:
    """Figures stated in a unit of one (the counted noun itself, people): nothing to convert."""
    if figures.empty:
        return pd.Series(True, index=figures.index, dtype=bool)
    return (figures["unit_low"] == 1).fillna(False) & (figures["unit_high"] == 1).fillna(False)


def describe_method(
    figures: pd.DataFrame,
    stances: pd.DataFrame,
    *,
    version: str,
    vocab: Vocabularies | None = None,
) -> list[str]:
    """Write the method notes that depend on the data: what was read and how it was normalised.

    Args:
        figures: Output of ``normalise_figures`` (its tolerance is the one described).
        stances: Output of ``list_stances``.
        version: The dataset's version hash.
        vocab: The dataset's vocabularies (the project's by default), for the subject's words.
    """
    subject = (vocab or load_vocabularies()).subject
    tolerance = normalisation_of(figures).tolerance
    documents = sorted(set(figures["doc_id"]) | set(stances["doc_id"]))
    qualifiers = figures["qualifier"].value_counts().sort_index()
    used = ", ".join(f"{q.replace('_', ' ')} ({n})" for q, n in qualifiers.items()) or "none"
    return [
        f"Dataset version {version}: {len(figures)} {subject.noun_one} figure(s) and "
        f"{len(stances)} claim(s) taking a stance, from {len(documents)} document(s) in this "
        "selection.",
        f"Qualifiers as stated: {used}. "
        + (
            ""
            if _is_unit_of_one(figures).all()
            else f"Each figure is multiplied by the fewest and the most {subject.noun} one unit "
            "holds (table below). "
        )
        + "“Approximately” widens the interval by "
        f"{tolerance:.0%} on each side; “up to” leaves the lower bound open and “at least” the "
        "upper bound, drawn as dashed lines running to the axis edge.",
        "The diamond marks the stated number, converted at the middle unit size for figures "
        "stated in units. A claim without a date of its own takes its document's publication "
        "date.",
        "Grades are the curator's, on the Admiralty scale: a letter for the source's reliability "
        "and a digit for the information's credibility (table below).",
    ]


def describe_actor(graph: nx.MultiDiGraph, actor_id: str) -> Statement:
    """Write one sentence listing an actor's ties with their status, citing their claims.

    Names are the actors' ``display_name`` where the graph has one ("the United States").
    Ties that read the same (two ties of one type with one actor, in opposite directions for
    a relation whose two phrases agree) are told once, with how many they are.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", name="A"); g.add_node("b", name="B")
    >>> _ = g.add_edge("a", "b", key="r1", relation="sanctions", status="established")
    >>> describe_actor(g, "b")
    'B: sanctioned by A (established).'
    """
    phrases = vocabularies_of(graph).relation_types
    ties = list_actor_ties(graph, actor_id)
    name = capitalise(_display(graph, actor_id))
    if not ties:
        return Statement(f"{name}: no ties in this selection.")
    parts: dict[str, int] = {}
    for tie in ties:
        column = "phrase_from_source" if tie["direction"] == "out" else "phrase_from_target"
        phrase = phrases.at[tie["relation"], column]
        text = f"{phrase.format(other=_display(graph, tie['other']))} ({tie['status']}"
        parts[text] = parts.get(text, 0) + 1
    told = [text + (f", {n} ties)" if n > 1 else ")") for text, n in parts.items()]
    cited = [c for tie in ties for c in tie["claim_ids"]]
    return Statement(f"{name}: " + "; ".join(told) + ".", cited)


def _display(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    return isolate(text_of(data.get("display_name")) or data["name"])


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
        return [describe_actor(graph, node_for(graph, focus_actor))]
    tied = [node for node in graph if graph.degree(node) > 0]
    if not tied:
        return [
            "No tie between actors is known in this selection (nothing known yet, or "
            "nothing that passes its filters)."
        ]
    shown = tied if limit is None else tied[:limit]
    paragraphs = [describe_actor(graph, node) for node in shown]
    if len(shown) < len(tied):
        paragraphs.append(
            f"… and {len(tied) - len(shown):,} more actors with ties ({len(tied):,} in all), "
            "not described one by one here."
        )
    return paragraphs
