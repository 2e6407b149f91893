"""A chart title that states a finding states only what the figures it cites say.

Two properties: over generated figures (hypothesis), every number, date and name in a title
belongs to a figure it cites, and its direction ("rose", "fell") follows from them; over the
real data at every date, each titled chart of the figures report passes the same check as
every generated statement (``test_truth_faithful.find_unfaithful``).
"""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_truth_as_of import dataset, replays
from test_truth_faithful import _numbers, find_unfaithful, names_of

import claimscope as cs
from claimscope.analysis.timeline import dates_named, known_as_of
from claimscope.data.paths import NOTEBOOKS_DIR
from claimscope.data.vocab import load_vocabularies
from claimscope.present import chart_titles
from claimscope.present.display import PLOTLY_MIMETYPE
from claimscope.present.statements import Statement

VOCAB = load_vocabularies()
NAMES = ["Alpha Office", "Beta Ministry", "Gamma Desk"]


@st.composite
def figure_frames(draw):
    count = draw(st.integers(1, 6))
    rows = []
    for i in range(count):
        low = draw(st.integers(1, 50_000))
        rows.append(
            {
                "claim_id": f"c{i:03d}",
                "claimant_name": draw(st.sampled_from(NAMES)),
                "claimant_display": "",
                "measure": draw(st.sampled_from(["present", "sent"])),
                "claimed_on": pd.Timestamp("2024-10-01")
                + pd.Timedelta(days=draw(st.integers(0, 40))),
                "troops_low": low,
                "troops_high": low + draw(st.integers(0, 5_000)),
                "is_low_open": draw(st.booleans()),
                "is_high_open": False,
            }
        )
    return pd.DataFrame(rows)


def _check(title: Statement, frame: pd.DataFrame) -> None:
    cited = frame[frame["claim_id"].isin(title.claim_ids)]
    assert len(cited) == len(title.claim_ids)
    allowed = {int(v) for c in ("troops_low", "troops_high") for v in cited[c]}
    allowed |= {d.day for d in cited["claimed_on"]} | {d.year for d in cited["claimed_on"]}
    assert _numbers(title) <= allowed, title
    assert dates_named(title) <= {d.date() for d in cited["claimed_on"]}, title
    named = {n for n in NAMES if n in title}
    assert named <= set(cited["claimant_name"]), title
    assert not cited["is_low_open"].any(), "an open bound is no end of a range or trend"


@settings(max_examples=150, deadline=None)
@given(figure_frames())
def test_a_trend_title_states_only_its_cited_figures_and_their_direction(frame):
    title = chart_titles.state_trend(frame, VOCAB)
    closed = frame[~frame["is_low_open"]]
    assert bool(title) == (not closed.empty)
    if not title:
        return
    _check(title, frame)
    if " rose from " in title or " fell from " in title:
        first, last = (frame.set_index("claim_id").loc[c] for c in title.claim_ids[:2])
        assert first["claimed_on"] < last["claimed_on"]
        middle = {k: r["troops_low"] + r["troops_high"] for k, r in (("a", first), ("b", last))}
        up = middle["b"] > middle["a"]
        assert (" rose from " in title) == up


@settings(max_examples=150, deadline=None)
@given(figure_frames(), st.data())
def test_a_range_title_names_the_lowest_and_highest_undisputed_figure(frame, data):
    disputed_id = data.draw(st.sampled_from([None, *frame["claim_id"]]))
    disputed = {disputed_id: ["c999"]} if disputed_id else {}
    title = chart_titles.state_range(frame, VOCAB, disputed)
    if not title:
        return
    _check(Statement(title, [c for c in title.claim_ids if c != "c999"]), frame)
    kept = frame[~frame["is_low_open"] & ~frame["claim_id"].isin(list(disputed))]
    ends = title.claim_ids[:1] * 2 if " all lie within " in title else title.claim_ids[:2]
    assert disputed_id not in ends
    low, high = (frame.set_index("claim_id").loc[c] for c in ends)
    same = kept[kept["measure"] == low["measure"]]
    assert low["troops_low"] == same["troops_low"].min()
    assert high["troops_high"] == same["troops_high"].max()


def _titles(bundles: list[dict]) -> list[Statement]:
    out = []
    for bundle in bundles:
        layout = bundle.get(PLOTLY_MIMETYPE, {}).get("layout", {})
        ids = layout.get("meta", {}).get("title_claims")
        if ids:
            # The subtitle (a span) says what is plotted; the finding is the text before it.
            text = re.sub(r"<span.*", "", layout["title"]["text"]).replace("<br>", " ")
            out.append(Statement(text.strip(), ids))
    return out


def test_every_figures_chart_title_follows_from_its_claims_at_every_date(replay_store):
    ds = dataset()
    names = names_of(ds)
    notebook = NOTEBOOKS_DIR / "troop_figures.ipynb"
    checked = 0
    for day, (bundles, _) in replays(notebook, replay_store):
        known = known_as_of(ds, day)
        figures = cs.normalise_figures(known)
        for title in _titles(bundles):
            problem = find_unfaithful(known, figures, names, title)
            assert not problem, f"{day}: {problem}"
            checked += 1
    assert checked
