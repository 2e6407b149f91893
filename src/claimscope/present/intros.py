"""Titles and intros of the reports, worded from the subject's table (``subject.csv``)."""

from __future__ import annotations

from claimscope.data.subject import Subject

#: Each report notebook's title, from the subject's words (``{s}`` is the Subject).
_TITLES = {
    "figures": "Claimed {s.figures} by source",
    "relations": "Actor relationships",
    "hypotheses": "Competing hypotheses: {s.about}",
}


def report_title(report: str, subject: Subject) -> str:
    """The default title of a report: ``figures``, ``relations`` or ``hypotheses``.

    >>> report_title("figures", Subject(noun="deaths", noun_one="death"))
    'Claimed death figures by source'
    >>> report_title("hypotheses", Subject(topic="North Korean troops in Russia"))
    'Competing hypotheses: North Korean troops in Russia'
    """
    return _TITLES[report].format(s=subject)


def describe_question(subject: Subject) -> list[str]:
    """The paragraph that opens each report: the question in dispute and what is counted.

    >>> describe_question(Subject(noun="deaths", noun_one="death", question="How many died?"))
    ['The question: How many died? The figures count deaths.']
    """
    parts = [f"The question: {subject.question}"] if subject.question else []
    parts.append(f"The figures count {subject.counted}.")
    return [" ".join(parts)]


def chart_title(subject: Subject, chart: str, group: str) -> str:
    """A figures chart's title for one group of measures: "Claimed troop figures over time: losses".

    >>> chart_title(Subject(noun="deaths", noun_one="death"), "by source", "losses")
    'Claimed death figures by source: losses'
    """
    return f"Claimed {subject.noun_one} figures {chart}: {group}"


#: What the cooperation–conflict matrix shows, said before it.
MATRIX_INTRO = (
    "Each cell sums a pair's ties, in both directions, on the cooperation (+) and conflict (−) "
    "scale, every tie weighted by its status. An empty cell means no tie; hover lists the ties."
)


def point_to_whole_web(main_title: str = _TITLES["relations"]) -> str:
    """Say, on a per-actor page, where the sections about the whole web are.

    >>> point_to_whole_web()
    'The cooperation–conflict matrix and the table of every actor are about the whole web, \
not one actor: they are in the report “Actor relationships”, linked at the top of this page.'
    """
    return (
        "The cooperation–conflict matrix and the table of every actor are about the whole web, "
        f"not one actor: they are in the report “{main_title}”, linked at the top of this page."
    )
