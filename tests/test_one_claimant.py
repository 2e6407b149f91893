"""One claimant selected: the stance legend lists the stances present, the prose one number."""

from __future__ import annotations

import pandas as pd

from claimscope.analysis import stances as stance_lists
from claimscope.analysis import troops
from claimscope.data.dataset import load_dataset
from claimscope.present import prose
from claimscope.present.charts import troops as troop_charts


def _one_claimant(claimant: str):
    ds = load_dataset()
    claims = troops.select_claims(
        ds.claims, documents=ds.documents, actors=ds.actors, claimant_ids=[claimant]
    )
    figures = troops.normalise_figures(
        claims, ds.unit_sizes, actors=ds.actors, documents=ds.documents
    )
    stances = stance_lists.list_stances(claims, actors=ds.actors, documents=ds.documents)
    return ds, figures, stances


def test_the_stance_legend_lists_only_the_stances_present_and_fits():
    counts = pd.DataFrame(
        {
            "claimant_id": ["x"],
            "claimant_name": ["X"],
            "asserts": [2],
            "denies": [0],
            "not_denied": [0],
            "not_verified": [1],
            "confirms": [0],
            "total": [3],
        }
    )
    fig = troop_charts.plot_stance_by_actor(counts, colours={"x": "#123456"})
    shown = [t.meta["stance"] for t in fig.data if t.showlegend is not False]
    assert shown == ["asserts", "not_verified"]
    assert fig.layout.height >= 140 + 22 * len(shown)


def test_one_exact_figure_is_said_as_one_number():
    ds = load_dataset()
    figures = troops.normalise_figures(
        ds.claims, ds.unit_sizes, actors=ds.actors, documents=ds.documents
    )
    exact = figures[figures["troops_low"] == figures["troops_high"]]
    assert len(exact) >= 1, "the test needs a claimant with one exact figure"
    ds, figures, stances = _one_claimant(exact["claimant_id"].iloc[0])
    exact = figures[figures["troops_low"] == figures["troops_high"]]
    text = "\n".join(prose.summarise_figures(exact, stances.iloc[0:0]))
    number = f"{int(exact['troops_low'].iloc[0]):,}"
    assert f"({number} troops)" in text or f"are all {number} troops" in text
    assert f"{number} to {number}" not in text
