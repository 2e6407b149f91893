"""As of any date, a report shows nothing that was unknown then: a property over every date.

Every report notebook runs (in this process) at every date the data names and every day
between its first and last, and the page is read for what it cites: claim and correction ids,
dates, and the ties' steps. Each must have been known on that date.

test_truth_faithful and test_chart_titles read the same runs: :func:`replays` runs each notebook
once per date in the whole run and keeps the result in the run's folder (``replay_store``), so
a worker that reaches a date another worker has replayed reads it instead of running it again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import pickle
import re
from collections.abc import Iterator
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


def by_notebook(notebook: Path):
    """A notebook as a test parameter, named by its stem."""
    return pytest.param(notebook, id=notebook.stem)


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


_replayed: dict[tuple[Path, dt.date], tuple[tuple, tuple]] = {}


def _replay_once(notebook: Path, day: dt.date, store: Path, *, wait: bool) -> bool:
    """Make sure ``notebook`` as of ``day`` is in :data:`_replayed`; False if another has it.

    The first worker to lock a date runs it and keeps the result in ``store``; any other reads
    it from there. Without ``wait``, a date another worker is running now is left for later.
    """
    key = (notebook, day)
    if key in _replayed:
        return True
    kept = store / f"{notebook.stem}-{day.isoformat()}.pickle"
    with open(kept.with_suffix(".lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        if kept.is_file():
            _replayed[key] = pickle.loads(kept.read_bytes())
        else:
            paragraphs: list = []
            bundles = run_loaded(notebook, {"as_of": day.isoformat()}, paragraphs)
            _replayed[key] = (tuple(bundles), tuple(paragraphs))
            part = kept.with_suffix(".part")
            part.write_bytes(pickle.dumps(_replayed[key]))
            part.replace(kept)
    return True


def replays(notebook: Path, store: Path) -> Iterator[tuple[dt.date, tuple[tuple, tuple]]]:
    """Each date of :func:`every_date` with ``notebook`` run as of it: (bundles, paragraphs).

    Each run happens once in the whole test run, whichever test or worker asks first (see
    :func:`_replay_once`). Dates another worker is running are taken last, so two workers
    replaying the same notebook split the dates between them instead of one waiting.
    """
    later = []
    for day in every_date():
        if _replay_once(notebook, day, store, wait=False):
            yield day, _replayed[notebook, day]
        else:
            later.append(day)
    for day in later:
        _replay_once(notebook, day, store, wait=True)
        yield day, _replayed[notebook, day]


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


@pytest.mark.parametrize("notebook", [by_notebook(n) for n in NOTEBOOKS])
def test_no_page_shows_what_was_unknown_on_its_date(notebook, replay_store):
    ds = dataset()
    checked = 0
    for day, (bundles, _) in replays(notebook, replay_store):
        known = known_as_of(ds, day)
        text = page_text(bundles)
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
