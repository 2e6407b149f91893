"""Reports as of a date: the replay filter, relations over time, and the built pages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import claimscope as cs
from claimscope.analysis.relations import build_relation_graph, score_actor_pairs
from claimscope.analysis.timeline import WITHHELD_NOTE, known_as_of, notes_as_of
from claimscope.build import build_reports
from claimscope.data.columns import split_list
from claimscope.data.paths import NOTEBOOKS_DIR
from claimscope.data.relation_steps import relations_at
from claimscope.present import prose, tables


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
    # The deployment was alleged on 22 October. Claims made on 23 October established it, but
    # they were published on 4 November: until then it reads alleged.
    status = early.relations.set_index("relation_id")["status"]
    assert status["r02"] == "alleged"
    for day, expected in (("2024-10-25", "alleged"), ("2024-11-04", "established")):
        relations = known_as_of(ds, day).relations.set_index("relation_id")
        assert relations.at["r02", "status"] == expected, day
    assert known_as_of(ds, "2024-11-04").relations.set_index("relation_id").at["r02", "history"][
        -1
    ] == ("established", dt.date(2024, 10, 23))
    # The deployment was alleged on 22 October; on 25 October its status still rests only on
    # claims published by then, not on the U.S. and NATO statements published on 4 November.
    later = known_as_of(ds, dt.date(2024, 10, 25))
    published = later.documents.set_index("doc_id")["published_on"]
    cited = split_list(later.relations.set_index("relation_id").at["r02", "claim_ids"])
    claims = later.claims.set_index("claim_id")
    assert cited and all(
        published[claims.at[c, "doc_id"]] <= pd.Timestamp("2024-10-25") for c in cited
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


def test_as_of_a_date_before_a_later_document_no_note_cites_it(ds):
    later_doc = ds.documents.sort_values("published_on")["doc_id"].iloc[-1]
    published = ds.documents.set_index("doc_id").at[later_doc, "published_on"]
    before = known_as_of(ds, (published - pd.Timedelta(days=1)).date())
    later = {later_doc, *ds.claims.loc[ds.claims["doc_id"] == later_doc, "claim_id"]}
    notes = before.relations["note"].dropna()
    cited = [n for n in notes if set(re.findall(r"[\w-]+", n)) & later]
    assert cited == []
    # The whole dataset still shows every curator's note as written.
    assert (ds.relations["note"] == known_as_of(ds, "").relations["note"]).all()


def test_a_relation_note_written_with_later_steps_gives_way_to_its_latest_known_step(ds):
    early = known_as_of(ds, "2024-10-23").relations.set_index("relation_id")
    steps = ds.relation_steps
    r01_steps = steps[steps["relation_id"] == "r01"].sort_values("status_on")
    # r01 became established only on evidence published later: as of 23 October it is
    # reported, with the note of that step, not the note that tells of the later one.
    assert early.at["r01", "status"] == "reported"
    assert early.at["r01", "note"] == r01_steps["note"].iloc[0]
    assert early.at["r01", "note"] != ds.relations.set_index("relation_id").at["r01", "note"]


def test_a_step_whose_claims_are_all_unpublished_is_not_known_yet(ds):
    # r01's established step is dated 24 October, but its one claim comes from a document
    # published 4 November: until then the tie stays reported, with its evidence.
    between = known_as_of(ds, "2024-10-25").relations.set_index("relation_id")
    assert between.at["r01", "status"] == "reported"
    assert between.at["r01", "claim_ids"] == "c002;c024;c034"


def _noted_relations(notes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "relation_id": [f"r{i}" for i in range(len(notes))],
            "status": ["reported"] * len(notes),
            "note": notes,
        }
    )


def test_notes_as_of_without_steps_withholds_only_a_note_citing_later_evidence():
    relations = _noted_relations(["Cites k1.", "Cites k9 (later).", "", "Doc d-2 says so."])
    out = notes_as_of(relations, None, None, later={"k9", "d-2"})
    assert out["note"].tolist() == ["Cites k1.", WITHHELD_NOTE, "", WITHHELD_NOTE]


def test_notes_as_of_uses_the_latest_known_step_note_when_a_step_is_not_known_yet():
    relations = _noted_relations(["Alleged, then established (k2)."])
    all_steps = pd.DataFrame(
        {
            "relation_id": ["r0", "r0", "r0"],
            "status_on": pd.to_datetime(["2024-10-01", "2024-10-05", "2024-10-09"]),
            "note": ["First report (k1).", "Repeated (k1).", "Confirmed (k2)."],
        }
    )
    kept = all_steps.iloc[:2]
    assert notes_as_of(relations, all_steps, kept, {"k2"})["note"].tolist() == ["Repeated (k1)."]
    # A stand-in that itself cites later evidence is withheld too.
    assert notes_as_of(relations, all_steps, kept, {"k1", "k2"})["note"].tolist() == [WITHHELD_NOTE]
    # Every step known and nothing later cited: the curator's note stands.
    assert notes_as_of(relations, all_steps, all_steps, set())["note"].tolist() == [
        "Alleged, then established (k2)."
    ]


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
    # The correction naming Mark Rutte rests on the note of 4 November: unknown on 23 October.
    assert "Mark Rutte" not in article
    assert "Corrections to the sources" in latest
    assert "Jens Stoltenberg" in latest and "Jens Stoltenberg" not in early
