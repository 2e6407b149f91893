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
