"""Every per-actor relations page is about its actor: a property over every swept actor and date.

The sweep of ``reports.yaml`` expands to one page per actor; each runs (in this process) at
every date of the data. Its key findings name the actor and cite only claims about its ties
(the ties' claims and their dated steps'), and say only what those claims say; its network
has the actor at the centre, drawn larger; its tables hold no tie that is not its own.
"""

from __future__ import annotations

import pytest
from inprocess import run_in_process
from test_truth_as_of import dataset, every_date, run_loaded
from test_truth_faithful import find_unfaithful, names_of

import claimscope as cs
from claimscope.analysis.timeline import known_as_of
from claimscope.build import read_config
from claimscope.build.sweeps import expand_sweeps
from claimscope.data.columns import split_list
from claimscope.data.paths import DATA_DIR, NOTEBOOKS_DIR
from claimscope.present.display import PLOTLY_MIMETYPE
from claimscope.present.statements import Statement, claim_ids_of

pytestmark = pytest.mark.integration

NOTEBOOK = NOTEBOOKS_DIR / "actor_relations.ipynb"
SWEPT = [s for s in expand_sweeps(read_config(), DATA_DIR) if s.parameters.get("focus_actor")]
TIE_CAPTION = "Every tie shown"


def _ties_of(known, actor: str) -> tuple[set[str], set[str]]:
    """The actor's relation ids as of the date, and the claims they and their steps rest on."""
    relations = known.relations
    mine = relations[(relations["source_id"] == actor) | (relations["target_id"] == actor)]
    ids = set(mine["relation_id"])
    claims = {c for value in mine["claim_ids"] for c in split_list(value)}
    steps = known.relation_steps[known.relation_steps["relation_id"].isin(ids)]
    claims |= {c for value in steps["claim_ids"] for c in split_list(value)}
    return ids, claims


def _tie_ids(bundles: list[dict]) -> list[str]:
    """The relation ids of the appendix's tie table (its first column)."""
    for bundle in bundles:
        if TIE_CAPTION in bundle.get("text/html", ""):
            return [line.split()[0] for line in bundle["text/plain"].splitlines()[1:]]
    return []


def _network(bundles: list[dict]) -> dict:
    for bundle in bundles:
        if 'data-chart="relation-network"' in bundle.get("text/html", ""):
            return bundle[PLOTLY_MIMETYPE]
    raise AssertionError("no relation network on the page")


def test_the_sweep_has_a_page_per_state_with_ties():
    assert len(SWEPT) >= 3
    assert all(s.parameters["depth"] == 1 for s in SWEPT)


@pytest.mark.parametrize("spec", SWEPT, ids=lambda s: s.name)
def test_each_actor_page_is_about_its_actor_at_every_date(spec):
    ds = dataset()
    actor = spec.parameters["focus_actor"]
    row = ds.actors.set_index("actor_id").loc[actor]
    spelled = {row["name"].lower(), str(row["display_name"]).lower().removeprefix("the ")}
    names = names_of(ds)
    tables_checked = 0
    for day in every_date():
        known = known_as_of(ds, day)
        figures = cs.normalise_figures(known)
        relation_ids, tie_claims = _ties_of(known, actor)
        said: list = []
        bundles = run_loaded(NOTEBOOK, {**spec.parameters, "as_of": day.isoformat()}, said)
        shown = _tie_ids(bundles)
        findings = [s for s in said if claim_ids_of(s)]
        assert findings or not shown, f"{spec.name} {day}: no finding cites a claim"
        for statement in [s for s in said if isinstance(s, Statement)]:  # generated findings
            assert any(n in statement.lower() for n in spelled), (spec.name, day, statement)
        for statement in findings:
            stray = set(claim_ids_of(statement)) - tie_claims
            assert not stray, f"{spec.name} {day}: cites {stray}, not about its ties: {statement}"
            problem = find_unfaithful(known, figures, names, statement)
            assert not problem, f"{spec.name} {day}: {problem}"

        network = _network(bundles)
        assert network["layout"]["meta"]["focus"] == actor
        nodes = [t for t in network["data"] if t.get("customdata")]
        (trace,) = [t for t in nodes if actor in t["customdata"]]
        at = trace["customdata"].index(actor)
        assert (trace["x"][at], trace["y"][at]) == (0, 0), (spec.name, day)
        sizes = [s for t in nodes for s in t["marker"]["size"]]
        assert trace["marker"]["size"][at] == max(sizes)
        assert sizes.count(max(sizes)) == 1, "only the focus actor is drawn larger"
        assert trace["marker"]["line"]["width"][at] > 2
        points = [p for t in nodes for p in zip(t["customdata"], t["x"], t["y"], strict=True)]
        assert all((x, y) != (0, 0) for n, x, y in points if n != actor)

        assert set(shown) <= relation_ids, f"{spec.name} {day}: ties not its own in its table"
        tables_checked += bool(shown)
        page = "\n".join(b.get("text/html", "") for b in bundles)
        assert 'data-chart="relation-matrix"' not in page  # about the whole web, not the actor
    assert tables_checked, f"{spec.name}: its tie table was never shown"


def test_the_whole_web_page_keeps_the_ties_each_actor_page_leaves_out():
    """The per-actor rule has something to leave out: the main page shows others' ties."""
    shown = set(_tie_ids(run_in_process(NOTEBOOK, {})))
    for spec in SWEPT:
        mine, _ = _ties_of(dataset(), spec.parameters["focus_actor"])
        assert shown - mine, spec.name
