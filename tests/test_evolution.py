"""How estimates and stances evolved, and the past-tense prose, on tiny inline frames."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from helpers import UNIT_SIZES
from hypothesis import given, settings
from hypothesis import strategies as st

from claimscope.analysis import stances as stance_lists
from claimscope.analysis import troops
from claimscope.analysis.evolution import (
    drop_restatements,
    list_latest_figures,
    list_stance_changes,
    split_by_group,
    summarise_stance_changes,
)
from claimscope.analysis.relations import find_root_actors
from claimscope.data.vocab import load_vocabularies
from claimscope.present import prose, tables
from claimscope.present.charts.timeline import plot_figures_timeline

VOCAB = load_vocabularies()
ACTORS = pd.DataFrame(
    {
        "actor_id": ["us", "austin", "ru", "kremlin", "putin", "nis"],
        "name": ["United States", "Lloyd Austin", "Russia", "Kremlin", "Vladimir Putin", "NIS"],
        "display_name": ["the United States", pd.NA, pd.NA, "the Kremlin", pd.NA, "the NIS"],
        "kind": ["state", "person", "state", "government_body", "person", "intelligence_agency"],
        "country": ["USA", "USA", "RUS", "RUS", "RUS", "KOR"],
        "parent_id": [pd.NA, "us", pd.NA, "ru", "ru", pd.NA],
        "note": [""] * 6,
    }
)
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["note", "article"],
        "title": ["Note", "Article"],
        "published_on": pd.to_datetime(["2024-10-21", "2024-10-23"]),
    }
)


def claim(claim_id: str, **fields) -> dict:
    base = {
        "claim_id": claim_id,
        "doc_id": "note",
        "quote": "said so",
        "claimant_id": "nis",
        "subject_id": "ru",
        "claim_type": "figure",
        "responds_to": pd.NA,
        "restates": pd.NA,
        "measure": "present",
        "value_low": 1500,
        "value_high": 1500,
        "unit": "troops",
        "qualifier": "exact",
        "stated_figure": "1,500",
        "period": pd.NA,
        "activity": pd.NA,
        "location": pd.NA,
        "claimed_on": pd.Timestamp("2024-10-18"),
        "hedges": pd.NA,
        "source_reliability": "B",
        "info_credibility": 2,
    }
    return {**base, **fields}


def stance(claim_id: str, claimant: str, kind: str, on: str, **fields) -> dict:
    no_figure = {k: pd.NA for k in ("measure", "value_low", "value_high", "unit", "qualifier")}
    return claim(
        claim_id,
        claimant_id=claimant,
        claim_type=kind,
        claimed_on=pd.Timestamp(on),
        stated_figure=pd.NA,
        **no_figure,
        **fields,
    )


def normalise(*rows: dict) -> pd.DataFrame:
    claims = pd.DataFrame(list(rows))
    return troops.normalise_figures(
        claims, UNIT_SIZES, actors=ACTORS, documents=DOCUMENTS, vocab=VOCAB
    )


def stances_of(*rows: dict) -> pd.DataFrame:
    claims = pd.DataFrame(list(rows))
    return stance_lists.list_stances(claims, actors=ACTORS, documents=DOCUMENTS, vocab=VOCAB)


def test_a_restated_claim_is_counted_once_in_every_count():
    claims = pd.DataFrame(
        [claim("c1"), claim("c2", doc_id="article", restates="c1"), claim("c3", value_low=9)]
    )
    kept = troops.select_claims(claims, documents=DOCUMENTS, actors=ACTORS, vocab=VOCAB)
    assert kept["claim_id"].tolist() == ["c1", "c3"]
    # Without its original in the selection, a restatement is the one copy and stays.
    only = troops.select_claims(
        claims, documents=DOCUMENTS, actors=ACTORS, doc_ids=["article"], vocab=VOCAB
    )
    assert only["claim_id"].tolist() == ["c2"]
    assert drop_restatements(claims.drop(columns="restates")).shape[0] == 3


def test_strength_and_losses_are_split_never_one_axis():
    figures = normalise(claim("c1"), claim("c2", measure="killed"), claim("c3", measure="sent"))
    groups = split_by_group(figures, VOCAB.measures.reset_index(drop=True))
    assert list(groups) == ["strength", "losses"]
    assert groups["strength"]["measure"].tolist() == ["present", "sent"]
    assert groups["losses"]["measure"].tolist() == ["killed"]


def test_a_flow_never_shares_an_axis_with_a_total():
    figures = normalise(
        claim("c1", measure="killed"),
        claim("c2", measure="killed", period="P1M"),
        claim("c3", measure="sent_more"),
    )
    groups = split_by_group(figures, VOCAB.measures.reset_index(drop=True))
    assert list(groups) == ["strength per period", "losses", "losses per period"]
    assert groups["losses"]["claim_id"].tolist() == ["c1"]
    assert groups["losses per period"]["claim_id"].tolist() == ["c2"]
    assert groups["strength per period"]["claim_id"].tolist() == ["c3"]


def test_the_timeline_joins_a_claimants_figures_and_marks_flows():
    figures = normalise(
        claim("c1"),
        claim("c2", value_low=3000, value_high=3000, claimed_on=pd.Timestamp("2024-10-23")),
        claim("c3", measure="sent", period="P7D"),
    )
    fig = plot_figures_timeline(figures, colours={}, vocab=VOCAB)
    lines = [t for t in fig.data if (t.meta or {}).get("role") == "evolution"]
    assert [t.meta["claim_ids"] for t in lines] == [["c1", "c2"]]
    assert list(lines[0].y) == [1500.0, 3000.0]
    flow = [t for t in fig.data if (t.meta or {}).get("claim_id") == "c3"][-1]
    assert "in seven days" in flow.name and "in seven days" in flow.text[0]
    assert flow.marker.symbol.endswith("-open")


def test_latest_figure_per_claimant_with_the_change():
    figures = normalise(
        claim("c1"),
        claim("c2", value_low=3000, value_high=3000, claimed_on=pd.Timestamp("2024-10-23")),
        claim("c3", claimant_id="us", value_low=10000, value_high=10000),
    )
    latest = list_latest_figures(figures)
    table = tables.tabulate_latest_figures(latest, VOCAB)
    table.index = [claims.split("; ")[0] for claims in table["Claims"]]
    assert table.at["c2", "Change"] == "+1,500 since 18 Oct 2024 (1,500)"
    assert table.at["c2", "Claims"] == "c2; c1"
    assert table.at["c3", "Change"] == "first figure"
    assert table.at["c2", "Date"] == "23 Oct 2024"


def test_a_change_is_computed_only_between_like_figures():
    """Another place starts its own line; a bound or a range is compared in words only."""
    later = pd.Timestamp("2024-10-23")
    figures = normalise(
        claim("c1", location="Russia"),
        claim("c2", value_low=3000, value_high=3000, claimed_on=later, location="Kursk region"),
        claim("u1", claimant_id="us", value_low=3000, value_high=3000, qualifier="at_least"),
        claim("u2", claimant_id="us", value_low=9000, value_high=11000, claimed_on=later),
    )
    latest = list_latest_figures(figures).set_index("claim_id")
    assert latest.at["c2", "comparison"] == "first"  # Kursk is not Russia as a whole
    assert latest.at["u2", "comparison"] == "bound" and pd.isna(latest.at["u2", "change"])
    text = tables.describe_change(latest.loc["u2"].to_dict())
    assert text.startswith("previously ≥ 3,000") and "no difference" in text


def test_a_revision_is_compared_with_the_figure_it_revises_whoever_gave_it():
    figures = normalise(
        claim("p1", claimant_id="kremlin", value_low=359, value_high=359),
        claim(
            "h1",
            claimant_id="us",
            value_low=253,
            value_high=253,
            revises="p1",
            claimed_on=pd.Timestamp("2024-10-23"),
        ),
    )
    latest = list_latest_figures(figures).set_index("claim_id")
    assert latest.at["h1", "comparison"] == "revision"
    assert latest.at["h1", "previous_id"] == "p1" and latest.at["h1", "change"] == -106
    assert tables.describe_change(latest.loc["h1"].to_dict()).startswith("revises 359")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b"]),
            st.sampled_from(["present", "sent"]),
            st.sampled_from(["Russia", "Kursk region", None]),
            st.integers(1, 20),
            st.integers(1, 20),
            st.sampled_from(["", "at_least", "up_to"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_every_change_compares_like_figures_and_numbers_only_points(rows):
    claims = []
    for i, (who, measure, place, low, width, qualifier) in enumerate(rows):
        extra = {"qualifier": qualifier} if qualifier else {}
        claims.append(
            claim(
                f"c{i}",
                claimant_id=who,
                measure=measure,
                location=place if place else pd.NA,
                value_low=low * 100,
                value_high=low * 100 if qualifier else (low + width % 3) * 100,
                claimed_on=pd.Timestamp("2024-10-01") + pd.Timedelta(days=i),
                **extra,
            )
        )
    figures = normalise(*claims).set_index("claim_id")
    for row in list_latest_figures(figures.reset_index()).to_dict("records"):
        if row["previous"] is None:
            continue
        last, before = figures.loc[row["claim_id"]], figures.loc[row["previous_id"]]
        for column in ("claimant_id", "measure", "location"):
            assert str(last[column]) == str(before[column]), column
        if not pd.isna(row["change"]):
            assert not (last["is_low_open"] or last["is_high_open"])
            assert last["troops_low"] == last["troops_high"]
            assert before["troops_low"] == before["troops_high"]


def test_a_changed_stance_is_shown_as_a_change_per_party():
    stances = stances_of(
        stance("s1", "kremlin", "denial", "2024-10-10"),
        stance("s2", "putin", "confirmation", "2024-10-24", responds_to="c1"),
        stance("s3", "austin", "not_verified", "2024-10-19"),
    )
    changes = list_stance_changes(stances, find_root_actors(ACTORS))
    assert changes.loc[changes["claim_id"] == "s2", "is_change"].item()
    table = tables.tabulate_stance_changes(summarise_stance_changes(changes), ACTORS, VOCAB)
    row = table.set_index("Party").loc["Russia"]
    assert row["Stances over time"] == (
        "denies (10 Oct 2024: Kremlin) → confirms (24 Oct 2024: Vladimir Putin)"
    )
    assert row["Changed"] == "yes" and row["Answering"] == "c1"
    assert table.set_index("Party").at["United States", "Changed"] == "no"


def test_a_unit_size_the_source_states_is_used_instead_of_the_table():
    figures = normalise(
        claim(
            "c1",
            value_low=2,
            value_high=2,
            unit="brigades",
            stated_figure="two brigades of 6,000 each",
            unit_size_low=6000,
            unit_size_high=6000,
        ),
        claim("c2", value_low=2, value_high=2, unit="brigades", stated_figure="two brigades"),
    )
    rows = figures.set_index("claim_id")
    assert (int(rows.at["c1", "troops_low"]), int(rows.at["c1", "troops_high"])) == (12000, 12000)
    assert (int(rows.at["c2", "troops_low"]), int(rows.at["c2", "troops_high"])) == (6000, 10000)
    text = " ".join(prose.summarise_figures(figures, stances_of(claim("x")), vocab=VOCAB))
    assert "12,000 troops at 6,000–6,000 troops per brigade (the size the source states)." in text


# --- prose ---------------------------------------------------------------------------------


def summary(*rows: dict) -> list[str]:
    figures = normalise(*(r for r in rows if r["claim_type"] == "figure"))
    return prose.summarise_figures(figures, stances_of(*rows), vocab=VOCAB)


def test_statements_are_dated_in_the_past_tense_and_the_year_not_repeated():
    text = summary(
        claim("c1"),
        stance("s1", "kremlin", "denial", "2024-10-10", quote="called it “fake news”"),
        stance("s2", "putin", "confirmation", "2024-10-24", quote="“it is our business”"),
    )
    assert "On 10 October 2024 the Kremlin denied that troops were sent (graded B2)." in text
    assert "On 24 October Vladimir Putin confirmed that troops were sent (graded B2)." in text


def test_a_span_runs_over_the_stated_ends_and_counts_the_open_ones_apart():
    text = summary(
        claim("c1"),
        claim("c2", value_low=10000, value_high=10000, claimant_id="us"),
        claim("c3", qualifier="up_to", value_low=6000, value_high=6000, claimant_id="austin"),
    )
    assert text[0].startswith("3 figures for troops present, given on 18 October 2024, span ")
    assert "span 1,500 to 10,000 troops where both ends are stated (2 of 3)" in text[0]
    assert "open-ended: ≤ 6,000" in text[0]
    closed = summary(claim("c1"), claim("c2", value_low=10000, value_high=10000))
    assert "span 1,500 to 10,000 troops. " in closed[0]


@pytest.mark.parametrize(
    ("qualifiers", "expected"),
    [
        (("exact", "exact"), "given on 18 October 2024, are all 1,500 troops. "),
        (("exact", "approximately"), "given on 18 October 2024, span 1,350 to 1,650 troops. "),
        (
            ("up_to", "exact"),
            "are all 1,500 troops where both ends are stated (1 of 2); open-ended: ≤ 1,500. ",
        ),
        (
            ("at_least", "exact"),
            "are all 1,500 troops where both ends are stated (1 of 2); open-ended: ≥ 1,500. ",
        ),
        (("up_to", "at_least"), "state no figure with both ends; open-ended: ≤ 1,500, ≥ 1,500. "),
    ],
)
def test_every_span_of_open_and_closed_ends_reads_as_prose(qualifiers, expected):
    first, second = qualifiers
    text = summary(claim("c1", qualifier=first), claim("c2", qualifier=second, claimant_id="us"))
    assert expected in text[0]
    assert "no stated floor to" not in text[0] and "to no stated ceiling" not in text[0]
    assert set(text[0].claim_ids) == {"c1", "c2"}


def test_the_verb_follows_the_hedge():
    text = " ".join(
        summary(
            stance("s1", "nis", "troop_deployment", "2024-10-18", hedges="suggesting"),
            stance("s2", "us", "troop_deployment", "2024-10-19"),
            claim("c1", hedges="believed"),
        )
    )
    assert "the NIS suggested that troops were sent" in text
    assert "the United States said that troops were sent, without giving a number" in text
    assert "suggested the troops present were “1,500”" in text


def test_names_take_their_article_from_the_data_and_capitals_start_a_sentence():
    text = summary(claim("c1"), stance("s1", "us", "not_verified", "2024-10-19"))
    assert any(
        p.startswith(
            "On 19 October 2024, the document of 21 October 2024 reports, the United States said"
        )
        for p in text
    )
    assert prose.capitalise("the United States said") == "The United States said"


def test_different_claimants_are_different_sentences_and_reported_words_are_reports():
    text = summary(
        claim("c1"),
        stance("s1", "us", "not_verified", "2024-10-23", doc_id="article"),
        stance(
            "s2",
            "austin",
            "not_verified",
            "2024-10-23",
            doc_id="article",
            quote="Austin: “we cannot verify”",
        ),
    )
    unverified = [p for p in text if "could not verify" in p]
    assert len(unverified) == 2
    assert unverified[0].startswith(
        "On 23 October 2024, the document of 23 October 2024 reports, the United States said"
    )
    assert unverified[1].startswith("On 23 October Lloyd Austin said")  # quoted: his words
    assert not any(" say " in p or " says " in p for p in text)


def test_the_relations_summary_tells_two_ties_that_read_the_same_once():
    graph = nx.MultiDiGraph()
    graph.add_node("ru", name="Russia")
    graph.add_node("ua", name="Ukraine")
    graph.add_node("us", name="United States", display_name="the United States")
    for key, (source, target) in {"r1": ("ru", "ua"), "r2": ("ua", "ru")}.items():
        graph.add_edge(source, target, key=key, relation="armed_conflict", status="established")
    graph.add_edge("us", "ru", key="r3", relation="adversary", status="reported")
    text = prose.describe_actor(graph, "ru")
    assert text == (
        "Russia: armed conflict with Ukraine (established, 2 ties); "
        "seen as an adversary by the United States (reported)."
    )
    assert prose.describe_actor(graph, "us").startswith("The United States: adversary of Russia")
