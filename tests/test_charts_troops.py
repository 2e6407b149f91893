"""Unit tests for present.charts.troops: what each figure contains, on tiny inline frames."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import pytest
from helpers import UNIT_SIZES as SIZES

from claimscope.analysis import stances as stance_lists
from claimscope.analysis import troops as F
from claimscope.data.vocab import load_vocabularies
from claimscope.present.charts import timeline
from claimscope.present.charts import troops as T
from claimscope.present.charts.style import actor_colours

ACTORS = pd.DataFrame(
    {
        "actor_id": ["zel", "nis", "ukr", "ru", "usi", "spare"],
        "name": ["Zelenskyy", "NIS", "Ukrainian reports", "Russia", "U.S. intel", "Spare"],
    }
)
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["d1"],
        "title": ["Doc <one>"],
        "published_on": pd.to_datetime(["2024-10-23"]),
    }
)
COLOURS = actor_colours(ACTORS)
SCRIPT = "<script>alert(1)</script>"


def claim(claim_id: str, claimant_id: str, claim_type: str = "figure", **kw) -> dict:
    row = {
        "claim_id": claim_id,
        "doc_id": "d1",
        "quote": f"quote {claim_id}",
        "claimant_id": claimant_id,
        "claim_type": claim_type,
        "measure": "present" if claim_type == "figure" else "",
        "value_low": pd.NA,
        "value_high": pd.NA,
        "unit": "",
        "qualifier": "",
        "stated_figure": "",
        "activity": "training",
        "location": "Russia",
        "claimed_on": pd.NaT,
        "hedges": "",
        "source_reliability": "B",
        "info_credibility": 3,
    }
    row.update(kw)
    return row


def claims_frame() -> pd.DataFrame:
    rows = [
        claim(
            "c1",
            "nis",
            value_low=1500,
            value_high=1500,
            unit="troops",
            qualifier="exact",
            stated_figure="1,500 soldiers",
            quote=f"allegedly 1,500 {SCRIPT}",
        ),
        claim(
            "c2",
            "ukr",
            value_low=6000,
            value_high=6000,
            unit="troops",
            qualifier="up_to",
            stated_figure="as many as 6,000",
        ),
        claim(
            "c3",
            "zel",
            value_low=2,
            value_high=2,
            unit="brigades",
            qualifier="at_least",
            stated_figure="two brigades",
            claimed_on="2024-10-20",
            source_reliability="C",
        ),
        claim("c4", "ru", "denial"),
        claim("c5", "usi", "not_verified", source_reliability="B", info_credibility=2),
        claim("c6", "nis", "troop_deployment"),
    ]
    out = pd.DataFrame(rows)
    for column in ("value_low", "value_high", "info_credibility"):
        out[column] = out[column].astype("Int64")
    out["claimed_on"] = pd.to_datetime(out["claimed_on"])
    return out


@pytest.fixture
def frames():
    claims = claims_frame()
    figures = F.normalise_figures(claims, SIZES, actors=ACTORS, documents=DOCUMENTS)
    stances = stance_lists.list_stances(claims, actors=ACTORS, documents=DOCUMENTS)
    return figures, stances


def traces(fig, role: str, claim_id: str | None = None):
    return [
        t
        for t in fig.data
        if t.meta
        and t.meta.get("role") == role
        and (claim_id is None or t.meta["claim_id"] == claim_id)
    ]


def test_by_source_draws_closed_and_open_intervals(frames):
    figures, stances = frames
    fig = T.plot_figures_by_source(figures, stances, colours=COLOURS)
    assert fig.layout.xaxis.type == "log"
    high = 10 ** fig.layout.xaxis.range[1]
    reach = T.OPEN_REACH

    (closed,) = traces(fig, "interval", "c1")
    assert list(closed.x) == [1500, 1500]
    assert closed.line.dash == "solid"
    assert list(closed.marker.symbol) == ["line-ns", "line-ns"]

    # "up to 6,000": an arrow down from 6,000, never to 0
    (up_to,) = traces(fig, "interval", "c2")
    assert list(up_to.x) == [pytest.approx(6000 / reach), 6000]
    assert up_to.line.dash == "dot"
    assert list(up_to.marker.symbol) == ["triangle-left", "line-ns"]

    # "at least 6,000": an arrow up from 6,000 that stops short of the frame
    (at_least,) = traces(fig, "interval", "c3")
    assert list(at_least.x) == [6000, pytest.approx(6000 * reach)]
    assert at_least.x[1] < high
    assert at_least.line.dash == "dot"
    assert list(at_least.marker.symbol) == ["line-ns", "triangle-right"]
    assert "≥ 6,000" in fig.layout.meta["description"]


def test_by_source_marks_stated_value_and_labels_open_bounds(frames):
    figures, stances = frames
    fig = T.plot_figures_by_source(figures, stances, colours=COLOURS)
    (stated,) = traces(fig, "stated", "c2")
    assert list(stated.x) == [6000]
    assert stated.text[0] == "as many as 6,000 (≤ 6,000)"
    assert stated.mode == "markers"  # the label sits beside the row, not in the plot
    (at_least,) = traces(fig, "stated", "c3")
    assert "≥ 6,000" in at_least.text[0]
    ticks = list(fig.layout.yaxis.ticktext)
    assert any(t.endswith("<br>as many as 6,000 (≤ 6,000)") for t in ticks), ticks
    source = fig.layout.meta["source"]
    assert source.startswith("Source: claimscope curation of 6 claims in 1 document: Doc")
    assert [a.name for a in fig.layout.annotations] == ["source"]


def test_by_source_puts_denial_and_not_verified_in_the_stance_lane(frames):
    figures, stances = frames
    fig = T.plot_figures_by_source(figures, stances, colours=COLOURS)
    lane = {t.meta["claim_id"]: t.x[0] for t in traces(fig, "stance")}
    assert lane == {
        "c1": "asserts",
        "c2": "asserts",
        "c3": "asserts",
        "c4": "denies",
        "c5": "cannot verify",
        "c6": "asserts",
    }
    assert list(fig.layout.xaxis2.categoryarray) == [
        "asserts",
        "denies",
        "did not deny",
        "cannot verify",
        "confirms",
    ]
    # one row per claim, labelled by claimant (in its colour) and date
    assert len(fig.layout.yaxis.ticktext) == 6
    head = f'<span style="color:{COLOURS["zel"]}">Zelenskyy</span> · 2024-10-20<br>'
    assert fig.layout.yaxis.ticktext[0].startswith(head)  # figures by date first
    assert not traces(fig, "interval", "c4")


def test_by_source_colours_each_claimant_consistently(frames):
    figures, stances = frames
    fig = T.plot_figures_by_source(figures, stances, colours=COLOURS)
    by_claim = dict(zip(stances["claim_id"], stances["claimant_id"], strict=True))
    for t in fig.data:
        colour = t.marker.color if t.mode != "text" else t.textfont.color
        assert colour == COLOURS[by_claim[t.meta["claim_id"]]]
    # no legend: each row's label names its claimant in the claimant's colour
    assert fig.layout.showlegend is False
    assert sum(f'color:{COLOURS["nis"]}">NIS<' in t for t in fig.layout.yaxis.ticktext) == 2


def test_by_source_hover_has_quote_document_and_grade_escaped(frames):
    figures, stances = frames
    fig = T.plot_figures_by_source(figures, stances, colours=COLOURS)
    (stated,) = traces(fig, "stated", "c1")
    hover = stated.hovertext[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hover
    assert "<script>" not in hover
    assert "Doc &lt;one&gt; (d1)" in hover
    assert "<b>Grade</b>: B3" in hover
    (denial,) = traces(fig, "stance", "c4")
    assert "<b>Stance</b>: denies" in denial.hovertext[0]
    assert "<b>Grade</b>: B3" in denial.hovertext[0]


def test_timeline_spreads_same_day_claims_and_ends_on_the_last_day(frames):
    figures, _ = frames
    same_day = figures[figures["claim_id"] != "c3"]
    fig = timeline.plot_figures_timeline(same_day, colours=COLOURS)
    xs = [pd.Timestamp(t.x[0]) for t in traces(fig, "stated")]
    assert xs[0] != xs[1]
    assert all(abs(x - pd.Timestamp("2024-10-23")) < pd.Timedelta(days=1) for x in xs)
    low, high = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    # A week of room before the first figure; the axis never runs into a later day.
    assert low == pd.Timestamp("2024-10-16")
    assert max(xs) < high < pd.Timestamp("2024-10-24")


def test_timeline_draws_bounds_by_claimant_and_measure(frames):
    figures, _ = frames
    fig = timeline.plot_figures_timeline(figures, colours=COLOURS)
    (up_to,) = traces(fig, "interval", "c2")
    assert list(up_to.y) == [pytest.approx(6000 / T.OPEN_REACH), 6000]
    assert list(up_to.marker.symbol) == ["triangle-down", "line-ew"]
    (at_least,) = traces(fig, "interval", "c3")
    assert at_least.y[1] < 10 ** fig.layout.yaxis.range[1]
    assert list(at_least.marker.symbol) == ["line-ew", "triangle-up"]
    # one legend entry per claimant (colour) and per measure (shape)
    legend = [t.name for t in fig.data if (t.meta or {}).get("role") == "legend"]
    assert sorted(legend) == ["NIS", "Ukrainian reports", "Zelenskyy", "present"]
    (stated,) = traces(fig, "stated", "c3")
    assert stated.name == "Zelenskyy · present"
    assert stated.marker.symbol == load_vocabularies().lookup("measures", "symbol")["present"]
    assert stated.marker.color == COLOURS["zel"]
    assert pd.Timestamp(stated.x[0]) == pd.Timestamp("2024-10-20")
    assert "&lt;script&gt;" in traces(fig, "stated", "c1")[0].hovertext[0]


def test_stance_bars_stack_counts_per_actor(frames):
    _, stances = frames
    counts = stance_lists.count_stances(stances, ACTORS)
    fig = T.plot_stance_by_actor(counts, colours=COLOURS)
    assert fig.layout.barmode == "stack"
    bars = {t.meta["stance"]: t for t in fig.data}
    assert list(bars) == list(load_vocabularies().stance_order)
    names = list(counts["claimant_name"])
    assert names[0] == "NIS"
    assert list(bars["asserts"].x) == [
        2 if n == "NIS" else int(n in ("Ukrainian reports", "Zelenskyy")) for n in names
    ]
    assert list(bars["denies"].x) == [int(n == "Russia") for n in names]
    assert list(bars["not_verified"].x) == [int(n == "U.S. intel") for n in names]
    assert bars["not_verified"].name == "cannot verify"
    assert fig.layout.yaxis.ticktext[0] == f'<span style="color:{COLOURS["nis"]}">NIS</span>'


def test_stance_tick_labels_are_escaped():
    counts = pd.DataFrame(
        {
            "claimant_id": ["x"],
            "claimant_name": [SCRIPT],
            "asserts": [1],
            "denies": [0],
            "not_denied": [0],
            "not_verified": [0],
            "confirms": [0],
            "total": [1],
        }
    )
    fig = T.plot_stance_by_actor(counts, colours={"x": "#123456"})
    assert "<script>" not in fig.layout.yaxis.ticktext[0]
    assert "&lt;script&gt;" in fig.layout.yaxis.ticktext[0]
    assert "<script>" not in fig.data[0].hovertext[0]


def test_charts_are_deterministic_and_carry_no_uids(frames):
    figures, stances = frames
    counts = stance_lists.count_stances(stances, ACTORS)

    def build():
        return [
            T.plot_figures_by_source(figures, stances, colours=COLOURS),
            timeline.plot_figures_timeline(figures, colours=COLOURS),
            T.plot_stance_by_actor(counts, colours=COLOURS),
        ]

    first, second = build(), build()
    for a, b in zip(first, second, strict=True):
        assert all(t.uid is None for t in a.data)
        assert pio.to_json(a) == pio.to_json(b)


def test_a_revision_is_drawn_from_the_figure_it_revises(frames):
    figures, _ = frames
    revising = figures.iloc[-1]["claim_id"]
    revised = figures.iloc[0]["claim_id"]
    figures = figures.assign(
        revises=[revised if c == revising else pd.NA for c in figures["claim_id"]]
    )
    fig = timeline.plot_figures_timeline(figures, colours=COLOURS)
    lines = [t for t in fig.data if (t.meta or {}).get("role") == "revision"]
    assert len(lines) == 1 and lines[0].meta["claim_ids"] == [revised, revising]
    assert lines[0].line.dash == "dot" and lines[0].name == "revision"
