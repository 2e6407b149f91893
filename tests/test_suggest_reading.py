"""The reading rules of `claimscope suggest` on newswire, each on sentences written for the test."""

from __future__ import annotations

import datetime as dt

import pytest

from claimscope.curate.actors import Actor, ActorMatcher
from claimscope.curate.attribution import Attributor, Discourse, head_nouns
from claimscope.curate.dates import find_date
from claimscope.curate.stances import find_stances
from claimscope.curate.text import split_sentences
from claimscope.curate.troop_figures import find_figures
from claimscope.data.phrases import default_vocabulary

ACTORS = [
    Actor("north_korea", "North Korea", "Pyongyang; DPRK", "state", "PRK"),
    Actor("south_korea", "South Korea", "", "state", "KOR"),
    Actor(
        "nis",
        "National Intelligence Service (NIS)",
        "South Korea's spy agency",
        "intelligence_agency",
        "KOR",
    ),  # noqa: E501
    Actor("russia", "Russia", "", "state", "RUS"),
    Actor("ukraine", "Ukraine", "", "state", "UKR"),
    Actor("united_states", "United States", "U.S.; US", "state", "USA"),
    Actor("pentagon", "Pentagon", "", "government_body", "USA"),
    Actor("defence_ministry", "Estonian defence ministry", "", "government_body", "EST"),
    Actor("maria_lind", "Maria Lind", "", "person", "SWE"),
    Actor("tomas_berg", "Tomas Berg", "", "person", "SWE"),
    Actor("anna_berg", "Anna Berg", "", "person", "SWE"),
    Actor("park_ji_hoon", "Park Ji-hoon", "", "person", "KOR"),
    Actor("erik_lindqvist", "Erik Lindquist", "", "person", "SWE"),
    Actor("wire", "Northern Wire Service", "", "media", ""),
]
KINDS = {a.actor_id: a.kind for a in ACTORS}


def _claimants(sentences: list[str], outlet: str = "wire", stance: bool = False) -> list[str]:
    """The first claimant of the first figure (or stance) of the last sentence, in context."""
    vocabulary = default_vocabulary()
    matcher = ActorMatcher(ACTORS, vocabulary)
    heads = {a.actor_id: head_nouns(a.name, a.aliases.split("; ")) for a in ACTORS}
    discourse = Discourse(KINDS, heads, outlet)
    attributor = Attributor(vocabulary, KINDS)
    found: list[str] = []
    for sentence in sentences:
        mentions = matcher.mentions(sentence, discourse.recent)
        if stance:
            spans = [(a, b) for _, a, b in find_stances(sentence)]
        else:
            spans = [f.span for f in find_figures(sentence)]
        found = [
            attributor.claimants(sentence, mentions, a, b, discourse, stance) for a, b in spans
        ]
        speakers = [c[0] for c in found if c] or attributor.speakers(sentence, mentions, discourse)
        discourse.note(mentions, speakers)
    return found[0] if found else []


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        # The speaker after the claim, not the sentence's subject.
        (
            ["Russia moved about 4,000 marines to the border, the Pentagon said on Friday."],
            "pentagon",
        ),
        (["Pyongyang has trained 2,500 recruits, said Maria Lind, an analyst."], "maria_lind"),
        (["Some 900 sappers are in the region, according to the Pentagon."], "pentagon"),
        (["Maria Lind said on Tuesday that 700 conscripts had arrived."], "maria_lind"),
        # A surname alone, and a surname shared by two people: the one named last.
        (
            ["Maria Lind spoke first.", "About 300 paratroopers were there, Lind said."],
            "maria_lind",
        ),
        (
            ["Anna Berg arrived.", "The region holds 1,200 reservists, Berg told reporters."],
            "anna_berg",
        ),
        # A Korean name is written family name first.
        (["Park Ji-hoon briefed MPs.", "At least 80 soldiers died, Park said."], "park_ji_hoon"),
        # A surname spelled another way; a person before an appositive.
        (["Some 700 soldiers were wounded, Lindqvist said."], "erik_lindqvist"),
        (["Maria Lind, an adviser to the Pentagon, said 2,000 recruits had come."], "maria_lind"),
        # A passive reporting verb has no speaker before it: the active one does.
        (["The Pentagon said the count in Russia was revised to 2,600."], "pentagon"),
        # A capital for its government; an alias with the capital for the state's name.
        (["Seoul believes 6,000 troops are ready."], "south_korea"),
        (["Seoul's spy agency said 1,100 soldiers had been wounded."], "nis"),
        (["Kyiv says 2,000 mercenaries have arrived."], "ukraine"),
        # A demonym before an official noun is that state, each of two joined.
        (["Ukrainian officials put the number of recruits at 5,000."], "ukraine"),
        (["The toll reached 90, South Korean lawmakers said."], "south_korea"),
        # Pronouns and "the ministry" point back.
        (["Maria Lind was asked.", "\u201cWe counted 450 dead,\u201d she said."], "maria_lind"),
        (
            [
                "The Estonian defence ministry spoke.",
                "Some 30 fighters were held, the ministry said.",
            ],
            "defence_ministry",
        ),
        # A verb that shares the subject of the one before it.
        (
            ["Maria Lind said the unit was new, adding that 640 soldiers had joined it."],
            "maria_lind",
        ),
        # A headline's closing name.
        (["Over 500 North Korean soldiers killed in a week: Pentagon"], "pentagon"),
        # Nobody quoted: the outlet.
        (["More than 3,000 troops crossed the river overnight."], "wire"),
        # A quotation continuing the speaker before it.
        (["Maria Lind said the front had moved.", "\u201cWe saw 200 troops.\u201d"], "maria_lind"),
    ],
)
def test_figure_claimants(sentences, expected):
    assert _claimants(sentences)[:1] == [expected]


def test_no_outlet_and_no_speaker_leaves_the_claimant_empty():
    assert _claimants(["More than 3,000 troops crossed the river overnight."], outlet="") == []


def test_a_possessive_makes_a_reporting_word_a_noun():
    sentence = "North Korea denied it, dismissing Seoul's claims as lies"
    assert _claimants([sentence], stance=True) == ["north_korea"]


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        (["Russia has not confirmed the transfer."], ["russia"]),
        (["Both Russia and North Korea rejected the report."], ["russia", "north_korea"]),
        (["Maria Lind met them.", "She declined to confirm the figure."], ["maria_lind"]),
        (["The Pentagon could not at this point verify the claims, Lind said."], ["maria_lind"]),
    ],
)
def test_stance_claimants(sentences, expected):
    assert _claimants(sentences, stance=True) == expected


@pytest.mark.parametrize(
    ("sentence", "types"),
    [
        ("The footage could not be independently verified.", ["not_verified"]),
        ("The agency declined to confirm the estimate.", ["not_verified"]),
        ("Officials cannot corroborate the account.", ["not_verified"]),
        ("The ministry has \u201cno information\u201d to corroborate it.", ["not_verified"]),
        ("He was not able to independently verify the video.", ["not_verified"]),
        ("Neither Russia nor Belarus, long allies, has publicly confirmed it.", ["not_verified"]),
        ("Lind called the information contradictory.", ["not_verified"]),
        ("Analysts questioned the count.", ["not_verified"]),
        ("He was questioned by reporters about the count.", []),
        ("The ministry retreated from its earlier figure.", ["denial"]),
        ("Some victims had been double-counted, officials explained.", ["denial"]),
        ("The putative agreement was not denied by anyone.", []),
        ("Putin did not deny that troops were there.", []),
        ("If confirmed, the move would matter.", []),
        ("The Pentagon corroborated the report.", ["confirmation"]),
        ("Moscow denied the reports; Kyiv could not verify them.", ["denial", "not_verified"]),
    ],
)
def test_stance_types(sentence, types):
    assert [t for t, _, _ in find_stances(sentence)] == types


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A count word after the number, or governing it in its clause.
        ("roughly 250 deaths and 1,900 injuries", [(250, 250, "killed"), (1900, 1900, "wounded")]),
        ("casualties among the units have now passed 4,500", [(4500, 4500, "casualties")]),
        ("the toll was later lowered to 61", [(61, 61, "killed")]),
        ("the injured are nearing 700", [(700, 700, "wounded")]),
        ("the figure rose to 2,400 from 2,100", [(2400, 2400, "present"), (2100, 2100, "present")]),
        # Every figure of the sentence.
        (
            "at least 40 soldiers were killed and 300 wounded",
            [(40, 40, "killed"), (300, 300, "wounded")],
        ),
        (
            "about 5,000 out of a total of 9,000 marines",
            [(5000, 5000, "present"), (9000, 9000, "present")],
        ),  # noqa: E501
        ("1,600 killed or wounded", [(1600, 1600, "casualties")]),
        # A quotation mark between number and noun.
        ("some 900 \u201cvolunteers\u201d", [(900, 900, "present")]),
        ('about 700 "special forces"', [(700, 700, "present")]),
        # "11 to 12,000" is 11,000 to 12,000.
        ("between 8 to 9,000 troops", [(8000, 9000, "present")]),
        # Percentages, rates of change, money, times and other nouns are no counts.
        ("75 per cent of the troops", []),
        ("a 40% rise in troops", []),
        ("the troops' losses fell 20 percent", []),
        ("$10,000 for each soldier", []),
        ("the toll at 11:30 was unclear", []),
        ("the toll rose in 12 regions", []),
        ("1 of 2 of 3 of 4 of 5 troops", [(4, 4, "present"), (5, 5, "present")]),
    ],
)
def test_find_figures_on_newswire(text, expected):
    found = [(f.value_low, f.value_high, f.measure) for f in find_figures(text)]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("about 1,000 recruits a month", "P1M"),
        ("some 200 fighters per week", "P1W"),
        ("3,800 soldiers killed or wounded in just two days", "P2D"),
        ("1,500 troops over the past 10 days", "P10D"),
        ("2,000 troops are there", ""),
    ],
)
def test_a_rate_or_span_gives_the_figure_a_period(text, period):
    assert [f.period for f in find_figures(text)] == [period]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S. Korea says so. It is sure.", ["S. Korea says so.", "It is sure."]),
        ("Lt. Col. Ana P. Reyes spoke. Then left.", ["Lt. Col. Ana P. Reyes spoke.", "Then left."]),
        (
            "The U.N. envoy left on Oct. 3. Talks ended.",
            ["The U.N. envoy left on Oct. 3.", "Talks ended."],
        ),  # noqa: E501
        ('"Go. Now," she said. Done.', ['"Go. Now," she said.', "Done."]),
        (
            "Key points\n- 300 troops\n* 40 dead\n2) talks",
            ["Key points", "- 300 troops", "* 40 dead", "2) talks"],
        ),  # noqa: E501
        (
            "a line that wraps\ninto the next one. Next.",
            ["a line that wraps\ninto the next one.", "Next."],
        ),  # noqa: E501
        ("Headline without stop\nBody sentence.", ["Headline without stop", "Body sentence."]),
    ],
)
def test_split_sentences(text, expected):
    assert [text[a:b] for a, b in split_sentences(text)] == expected


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("the ministry said on Thursday", dt.date(2024, 11, 1), dt.date(2024, 10, 31)),
        ("the ministry said Friday", dt.date(2024, 11, 1), dt.date(2024, 11, 1)),
        ("Last week, officials said", dt.date(2024, 11, 1), dt.date(2024, 10, 25)),
        ("as he said yesterday", dt.date(2024, 3, 1), dt.date(2024, 2, 29)),
        ("three days ago, Lind said", dt.date(2024, 1, 2), dt.date(2023, 12, 30)),
        ("Sunday’s figure was lower", dt.date(2024, 11, 6), dt.date(2024, 11, 3)),
        ("they will be ready by Monday", dt.date(2024, 11, 6), None),
        ("on 3 May, and again on Monday", dt.date(2024, 11, 6), dt.date(2024, 5, 3)),
        ("said on Monday", dt.date(1, 1, 1), dt.date(1, 1, 1)),
        ("said on Monday", dt.date(9999, 12, 31), None),
    ],
)
def test_find_date_resolves_relative_dates(sentence, published, expected):
    assert find_date(sentence, published) == expected


def test_surnames_and_places_in_mentions():
    matcher = ActorMatcher(ACTORS)
    text = "Berg and Lind met in Seoul; MOSCOW said nothing; Washington agreed"
    found = [(text[m.start : m.end], m.actor_id) for m in matcher.mentions(text, ["tomas_berg"])]
    assert found == [
        ("Berg", "tomas_berg"),
        ("Lind", "maria_lind"),
        ("Seoul", "south_korea"),
        ("Washington", "united_states"),
    ]
    # A shared surname with nobody of that name mentioned before is nobody.
    assert [m.actor_id for m in matcher.mentions("Berg spoke")] == []


LEAP_DAY = "On 29 February officials said 300 soldiers were sent"


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        # A day that exists only in leap years, told without a year.
        (
            "On 29 February officials said 300 soldiers were sent",
            dt.date(2024, 3, 5),
            dt.date(2024, 2, 29),
        ),
        ("On 29 February officials said 300 soldiers were sent", dt.date(2024, 1, 10), None),
        ("On 29 February officials said 300 soldiers were sent", dt.date(2025, 3, 1), None),
        # Dates at the calendar's ends give no date, never a crash.
        ("On 31 December officials said 300 soldiers were sent", dt.date(1, 1, 5), None),
        ("On 2 January 9999 officials said it", dt.date(9999, 12, 30), dt.date(9999, 1, 2)),
    ],
)
def test_dates_at_the_calendars_edges_never_crash(sentence, published, expected):
    assert find_date(sentence, published) == expected
