"""Reports as of a date: the replay filter, relations over time, and the built pages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import claimscope as cs
from claimscope import prose, tables
from claimscope.analysis.relations import build_relation_graph, score_actor_pairs
from claimscope.analysis.timeline import known_as_of, relations_at
from claimscope.build import build_reports
from claimscope.paths import NOTEBOOKS_DIR


@pytest.fixture(scope="module")
def ds():
    return cs.load()


def test_as_of_keeps_only_what_was_published_and_claimed_by_then(ds):
    early = known_as_of(ds, "2024-10-22")
    assert early.as_of == dt.date(2024, 10, 22)
    assert (early.documents["published_on"] <= "2024-10-22").all()
    assert set(early.claims["doc_id"]) <= set(early.documents["doc_id"])
    assert set(early.texts) == set(early.documents["doc_id"])
    assert set(early.corrections["doc_id"]) <= set(early.documents["doc_id"])
    assert len(early.claims) < len(ds.claims)
    assert (early.relation_steps["status_on"] <= "2024-10-22").all()
    # The deployment was alleged on 22 October, established from 23 October.
    status = early.relations.set_index("relation_id")["status"]
    assert status["r02"] == "alleged"
    assert (
        known_as_of(ds, dt.date(2024, 10, 23))
        .relations.set_index("relation_id")
        .at["r02", "status"]
        == "established"
    )


def test_an_empty_as_of_is_the_latest_date_and_keeps_everything(ds):
    latest = known_as_of(ds, "")
    assert latest.as_of == dt.date(2024, 11, 4)
    assert latest.counts() == ds.counts()
    assert known_as_of(ds, None).as_of == latest.as_of


@pytest.mark.parametrize("value", ["22/10/2024", "2024-13-01", "yesterday", 20241022])
def test_a_malformed_as_of_names_the_parameter_and_value(ds, value):
    with pytest.raises(ValueError, match=rf"as_of must be an ISO date .*{re.escape(repr(value))}"):
        known_as_of(ds, value)


def _two_step_relation():
    relations = pd.DataFrame(
        {
            "relation_id": ["r1", "r2"],
            "source_id": ["a", "a"],
            "target_id": ["b", "c"],
            "relation": ["troop_deployment", "adversary"],
            "note": ["", ""],
        }
    )
    steps = pd.DataFrame(
        {
            "relation_id": ["r1", "r1", "r2"],
            "status": ["alleged", "established", "reported"],
            "status_on": pd.to_datetime(["2024-10-21", "2024-10-28", "2024-10-21"]),
            "claim_ids": ["k1", "k2", "k1"],
        }
    )
    actors = pd.DataFrame(
        {
            "actor_id": ["a", "b", "c"],
            "name": ["A", "B", "C"],
            "kind": ["state"] * 3,
            "country": ["", "", ""],
            "parent_id": [pd.NA] * 3,
            "note": ["", "", ""],
        }
    )
    claims = pd.DataFrame(
        {
            "claim_id": ["k1", "k2"],
            "doc_id": ["d", "d"],
            "quote": ["q1", "q2"],
            "claimant_id": ["a", "a"],
            "subject_id": ["b", "b"],
            "claim_type": ["statement", "statement"],
        }
    )
    return relations_at(relations, steps), actors, claims


def test_a_relation_with_two_steps_appears_once_at_its_latest_status():
    relations, actors, claims = _two_step_relation()
    graph = build_relation_graph(actors, relations, claims)
    assert graph.number_of_edges() == 2
    summary = prose.describe_relations(graph, focus_actor="a")
    assert summary == ["A: troop deployment to B (established); adversary of C (reported)."]
    pairs = score_actor_pairs(graph)
    assert pairs[(pairs["actor_a"] == "a") & (pairs["actor_b"] == "b")]["ties"].tolist() == [1]
    ties = tables.build_tie_table(graph).set_index("Tie")
    assert ties.at["r1", "Status"] == "alleged (21 Oct 2024) → established (28 Oct 2024)"
    assert ties.at["r2", "Status"] == "reported (21 Oct 2024)"


def _page_text(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


@pytest.mark.integration
def test_the_troop_report_built_at_three_dates_shows_what_was_known(tmp_path):
    dates = {"early": "2024-10-22", "article": "2024-10-23", "latest": ""}
    config = tmp_path / "reports.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "reports": [
                    {
                        "name": name,
                        "title": "Troop figures",
                        "notebook": str(NOTEBOOKS_DIR / "troop_figures.ipynb"),
                        "parameters": {"as_of": as_of} if as_of else {},
                    }
                    for name, as_of in dates.items()
                ]
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build_reports(config=config, output_dir=out, quiet=True, jobs=1)
    early, article, latest = (_page_text(out / f"{name}.html") for name in dates)
    assert "as of 22 October 2024" in early
    assert "as of 23 October 2024" in article
    assert "as of 4 November 2024" in latest
    # The Kremlin's denial of 10 October is known at every date; later documents are not.
    assert all("Dmitry Peskov" in page for page in (early, article, latest))
    seed_title = "Kim Jong Un Inspects Strategic Missile Base"
    assert seed_title not in early and seed_title in article
    for name in ("Pat Ryder", "Mark Rutte", "2024-11-04"):
        assert name not in early, name
        assert name in latest, name
    assert "2024-11-04" not in article
    # The article's date corrected by the later note is known once the article is.
    assert "Mark Rutte" in article
    assert "Corrections to the sources" in latest
    assert "Jens Stoltenberg" in article and "Jens Stoltenberg" not in early
