"""Every generated statement says only what the claims it cites say: a property over all pages.

Each report notebook runs at every date of the data; every paragraph it generates that
carries claim ids is read for its numbers, dates and names, and each must come from (or be
computed from) the claims it cites. A paragraph that names an actor must cite claims.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_truth_as_of import by_notebook, dataset, every_date, replays

import claimscope as cs
from claimscope.analysis.timeline import dates_named, known_as_of
from claimscope.data.paths import NOTEBOOKS_DIR
from claimscope.present.statements import claim_ids_of

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
# A number as a reader sees it, not part of a word (a grade "B2", an id "c014").
_NUMBER = re.compile(r"(?<![A-Za-z0-9_])\d[\d,]*(?:\.\d+)?(?![A-Za-z0-9_])")
_WRITTEN_DATE = re.compile(
    r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*(?: \d{4})?\b"
)


def _numbers(text: str) -> set[int]:
    found = set()
    for raw in _NUMBER.findall(_WRITTEN_DATE.sub(" ", text)):
        value = float(raw.replace(",", ""))
        if value.is_integer():
            found.add(int(value))
    return found


def _allowed_numbers(ds, ids: tuple[str, ...], figures: pd.DataFrame) -> set[int]:
    """Numbers a statement may state about ``ids``: theirs, computed from them, or a count."""
    claims = ds.claims.set_index("claim_id").loc[list(ids)]
    allowed = set(range(len(ids) + 1))
    for column in ("value_low", "value_high", "unit_size_low", "unit_size_high"):
        allowed |= {int(v) for v in claims[column].dropna()}
    for column in ("stated_figure", "quote", "period"):
        for text in claims[column].dropna():
            allowed |= _numbers(str(text))
    cited = figures[figures["claim_id"].isin(ids)]
    for column in ("troops_low", "troops_high", "troops_stated", "unit_low", "unit_high"):
        if column in cited:
            allowed |= {int(v) for v in cited[column].dropna()}
    for low, high in zip(ds.unit_sizes["troops_low"], ds.unit_sizes["troops_high"], strict=True):
        allowed |= {int(low), int(high)}
    for day in pd.concat([claims["claimed_on"], figures["claimed_on"]]).dropna():
        allowed |= {day.day, day.year}
    allowed.add(round(figures.attrs.get("tolerance", 0.1) * 100) if len(figures) else 10)
    return allowed


def _allowed_dates(ds, ids: tuple[str, ...]) -> set:
    claims = ds.claims.set_index("claim_id").loc[list(ids)]
    published = ds.documents.set_index("doc_id")["published_on"]
    days = set(claims["claimed_on"].dropna().dt.date)
    days |= {published[d].date() for d in claims["doc_id"] if not pd.isna(published[d])}
    return days


def names_of(ds) -> dict[str, str]:
    """Each actor's name, as prose writes it, to its id (names of three letters or more)."""
    names = {}
    for column in ("name", "display_name"):
        for actor_id, name in zip(ds.actors["actor_id"], ds.actors[column], strict=True):
            if isinstance(name, str) and len(name) >= 3:
                names[name.removeprefix("the ").removeprefix("The ")] = actor_id
    return names


def _related(ds, ids: tuple[str, ...]) -> set[str]:
    """The actors a statement about ``ids`` may name: claimants, subjects and their parents."""
    claims = ds.claims.set_index("claim_id").loc[list(ids)]
    parents = dict(zip(ds.actors["actor_id"], ds.actors["parent_id"], strict=True))
    related = set(claims["claimant_id"].dropna()) | set(claims["subject_id"].dropna())
    for actor in list(related):
        while isinstance(parents.get(actor), str):
            actor = parents[actor]
            related.add(actor)
    return related


@pytest.mark.parametrize("notebook", [by_notebook(n) for n in NOTEBOOKS])
def test_every_statement_states_only_what_its_claims_say(notebook, replay_store):
    ds = dataset()
    names = names_of(ds)
    checked = 0
    for day, (_, paragraphs) in replays(notebook, replay_store):
        known = known_as_of(ds, day)
        figures = cs.normalise_figures(known)
        for text in paragraphs:
            if not claim_ids_of(text):
                continue
            problem = find_unfaithful(known, figures, names, text)
            assert not problem, f"{notebook.stem} {day}: {problem}"
            checked += 1
    assert checked or notebook.stem != "troop_figures"


def find_unfaithful(known, figures: pd.DataFrame, names: dict[str, str], text: str) -> str:
    """What ``text`` states that the claims it cites do not: numbers, dates, names ("" if none)."""
    ids = claim_ids_of(text)
    if not set(ids) <= set(known.claims["claim_id"]):
        return f"cites unknown claims: {text}"
    stray = _numbers(text) - _allowed_numbers(known, ids, figures)
    if stray:
        return f"{sorted(stray)} not in {ids}: {text}"
    dates = dates_named(text) - _allowed_dates(known, ids)
    if dates:
        return f"{sorted(dates)} not in {ids}: {text}"
    named = {a for n, a in names.items() if re.search(rf"\b{re.escape(n)}\b", text)}
    cited = known.claims[known.claims["claim_id"].isin(ids)]
    words = " ".join(str(v) for c in ("quote", "location", "activity") for v in cited[c].dropna())
    others = {
        a
        for a in named - _related(known, ids)
        if not any(n in words for n, i in names.items() if i == a)
    }
    return f"names {others} not in {ids}: {text}" if others else ""


def test_a_hedged_figure_keeps_its_hedge_wherever_it_is_stated():
    """Every statement or latest-figure row stating a hedged figure says how it was hedged."""
    from claimscope.analysis import evolution
    from claimscope.analysis import stances as stances_module
    from claimscope.analysis.relations import find_root_actors
    from claimscope.present import findings, prose, tables

    ds = dataset()
    figures_only = ds.claims[ds.claims["claim_type"] == "figure"]
    hedged = {
        c: [w.strip() for w in h.split(";")]
        for c, h in zip(figures_only["claim_id"], figures_only["hedges"], strict=True)
        if isinstance(h, str) and h.strip()
    }
    assert hedged
    checked = 0
    for day in every_date():
        known = known_as_of(ds, day)
        vocab = cs.vocabularies(known)
        figures = cs.normalise_figures(known)
        stances = stances_module.list_stances(
            known.claims, actors=known.actors, documents=known.documents, vocab=vocab
        )
        said = findings.find_troop_findings(
            figures, stances, actors=known.actors, roots=find_root_actors(known.actors), vocab=vocab
        ) + prose.summarise_figures(figures, stances, vocab=vocab, limit=None)
        for statement in said:
            ids = claim_ids_of(statement)
            if len(ids) == 1 and ids[0] in hedged:
                assert any(w in statement for w in hedged[ids[0]]), statement
                checked += 1
        latest = evolution.list_latest_figures(figures)
        table = tables.tabulate_latest_figures(latest, vocab)
        for claim_id, cell in zip(latest["claim_id"], table["Latest figure"], strict=True):
            if claim_id in hedged:
                assert any(w in cell for w in hedged[claim_id]), (claim_id, cell)
                checked += 1
    assert checked
