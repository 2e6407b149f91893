"""As of any date, a report shows nothing that was unknown then: a property over every date.

Every report notebook runs (in this process) at every date the data names and every day
between its first and last, and the page is read for what it cites: claim and correction ids,
dates, and the ties' steps. Each must have been known on that date.

test_truth_faithful and test_chart_titles read the same runs: :func:`replay` runs each notebook
once per date and keeps what they need, and their tests of a notebook share an xdist group
(``make test`` runs with ``--dist loadgroup``), so one worker replays it once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from functools import cache
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from inprocess import page_text, run_in_process

from claimscope.analysis.timeline import dates_named, known_as_of
from claimscope.data import dataset as dataset_module
from claimscope.data.columns import split_list
from claimscope.data.dataset import load_dataset
from claimscope.data.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
_CLAIM_ID = re.compile(r"\bc\d{3}\b")


@cache
def dataset():
    return load_dataset()


def truth_group(notebook: Path):
    """The xdist group of a notebook's replays: its tests here and in test_truth_faithful."""
    return pytest.param(notebook, id=notebook.stem, marks=pytest.mark.xdist_group(notebook.stem))


def run_loaded(notebook: Path, parameters: dict, paragraphs: list | None = None) -> list[dict]:
    """Run ``notebook`` in this process, its own load of the data handed a copy of :func:`dataset`.

    As a forked report kernel is handed its parent's dataset, a replay repeats only the
    report's own work, not the loading and checking of every file.
    """
    ds = dataset()
    fresh = dataclasses.replace(
        ds,
        tables={name: frame.copy() for name, frame in ds.tables.items()},
        texts=dict(ds.texts),
    )
    with mock.patch.object(dataset_module, "_preloaded", [fresh]):
        return run_in_process(notebook, parameters, paragraphs)


@cache
def replay(notebook: Path, day: dt.date) -> tuple[tuple, tuple]:
    """Run ``notebook`` as of ``day`` once: the bundles it displayed and paragraphs it made."""
    paragraphs: list = []
    bundles = run_loaded(notebook, {"as_of": day.isoformat()}, paragraphs)
    return tuple(bundles), tuple(paragraphs)


def every_date() -> list[dt.date]:
    """Every date the data names, and every day between the first and the last."""
    ds = dataset()
    named = [ds.documents["published_on"], ds.claims["claimed_on"], ds.relation_steps["status_on"]]
    if "basis_published_on" in ds.corrections:
        named.append(ds.corrections["basis_published_on"])
    days = pd.concat([pd.to_datetime(d) for d in named]).dropna()
    span = pd.date_range(days.min().normalize(), days.max().normalize(), freq="D")
    return sorted({d.date() for d in span} | {d.date() for d in days})


def known_text(known) -> str:
    """The source text a reader could have read on the date: quotes may name later dates."""
    return "\n".join(known.texts.values())


@pytest.mark.parametrize("notebook", [truth_group(n) for n in NOTEBOOKS])
def test_no_page_shows_what_was_unknown_on_its_date(notebook):
    ds = dataset()
    checked = 0
    for day in every_date():
        known = known_as_of(ds, day)
        text = page_text(replay(notebook, day)[0])
        shown_ids = set(_CLAIM_ID.findall(text))
        unknown = shown_ids - set(known.claims["claim_id"])
        assert not unknown, f"{notebook.stem} as of {day}: cites claims not yet known {unknown}"
        sources = known_text(known)
        later = {d for d in dates_named(text) if d > day}
        later = {d for d in later if not _written_in(d, sources)}
        assert not later, f"{notebook.stem} as of {day}: shows later dates {sorted(later)}"
        hidden = ds.corrections[
            ~ds.corrections["correction_id"].isin(known.corrections["correction_id"])
        ]
        for correction in hidden["correction"]:
            assert correction not in text, f"{notebook.stem} as of {day}: shows a later correction"
        checked += 1
    assert checked >= 20


def _written_in(day: dt.date, sources: str) -> bool:
    """Whether a date appears in the known source texts (a quote may name a date to come)."""
    spellings = {f"{day.day} {day:%B}", f"{day:%B} {day.day}", f"{day.day} {day:%b}"}
    return any(s in sources for s in spellings)


def test_every_kept_step_and_correction_rests_on_known_claims_at_every_date():
    ds = dataset()
    for day in every_date():
        known = known_as_of(ds, day)
        ids = set(known.claims["claim_id"])
        for cited in known.relation_steps["claim_ids"]:
            assert set(split_list(cited)) <= ids, (day, cited)
        for cited in known.relations["claim_ids"]:
            assert set(split_list(cited)) <= ids, (day, cited)
        assert (known.relations["status_on"] <= pd.Timestamp(day)).all(), day
        if "basis_claim_ids" in known.corrections:
            for cited in known.corrections["basis_claim_ids"]:
                assert set(split_list(cited)) <= ids, (day, cited)


def test_a_step_waits_for_its_last_claim():
    """A step citing a claim not yet known is not known: the tie keeps its earlier step."""
    ds = dataset()
    steps = ds.relation_steps
    claim_day = dict(zip(ds.claims["claim_id"], _claim_days(ds), strict=True))
    for _, step in steps.iterrows():
        cited = split_list(step["claim_ids"])
        if not cited:
            continue
        last = max(claim_day[c] for c in cited)
        before = last - dt.timedelta(days=1)
        known = known_as_of(ds, before)
        kept = known.relation_steps
        same = kept[
            (kept["relation_id"] == step["relation_id"])
            & (kept["status_on"] == step["status_on"])
            & (kept["claim_ids"] == step["claim_ids"])
        ]
        assert same.empty, (step["relation_id"], str(step["status_on"]), before)


def _claim_days(ds) -> list[dt.date]:
    published = ds.documents.set_index("doc_id")["published_on"]
    days = ds.claims["claimed_on"].fillna(ds.claims["doc_id"].map(published))
    doc_days = ds.claims["doc_id"].map(published)
    # A claim is known once it is made and its document is out: the later of the two.
    return [max(a, b).date() for a, b in zip(days, doc_days, strict=True)]
