"""The subject's words (what is counted, the question in dispute), from ``subject.csv``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: The claim type of a figure: a number of what the subject counts.
FIGURE_TYPE = "figure"
#: Claim types of older packages, read as today's (``troop_figure`` was the figure type).
LEGACY_CLAIM_TYPES = {"troop_figure": FIGURE_TYPE}
#: The table's columns, as ``datapackage.json`` describes them.
COLUMNS = ("noun", "noun_one", "qualifier", "topic", "question")


@dataclass(frozen=True)
class Subject:
    """How the reports name what the claims are about.

    A package without ``subject.csv`` predates it and was about troops: it reads as one
    whose counted noun is "troops", with no qualifier, topic or question.

    Attributes:
        noun: What the figures count, plural: "troops", "deaths".
        noun_one: The same noun in the singular, also used before "figures": "troop figures".
        qualifier: Words before the noun in titles and intros ("North Korean"), or empty.
        topic: The story in a few words, for titles: "North Korean troops in Russia".
        question: The question in dispute, as a sentence.
    """

    noun: str = "troops"
    noun_one: str = "troop"
    qualifier: str = ""
    topic: str = ""
    question: str = ""

    @property
    def counted(self) -> str:
        """What is counted, qualified: "North Korean troops".

        >>> Subject(qualifier="North Korean").counted, Subject(noun="deaths").counted
        ('North Korean troops', 'deaths')
        """
        return " ".join(w for w in (self.qualifier, self.noun) if w)

    @property
    def figures(self) -> str:
        """The figures a report charts: "North Korean troop figures", "death figures".

        >>> Subject(qualifier="North Korean").figures
        'North Korean troop figures'
        """
        return " ".join(w for w in (self.qualifier, self.noun_one, "figures") if w)

    @property
    def about(self) -> str:
        """The story for a title, the topic or else the counted noun: "deaths".

        >>> Subject(topic="North Korean troops in Russia").about, Subject(noun="deaths").about
        ('North Korean troops in Russia', 'deaths')
        """
        return self.topic or self.counted

    @classmethod
    def from_table(cls, frame: pd.DataFrame | None) -> Subject:
        """Read the first row of ``subject.csv``; empty cells keep the default words.

        >>> import pandas as pd
        >>> Subject.from_table(pd.DataFrame({"noun": ["deaths"], "noun_one": ["death"]})).noun
        'deaths'
        >>> Subject.from_table(None).noun
        'troops'
        """
        from claimscope.data.values import is_missing  # pandas: only once there is a table

        if frame is None or frame.empty:
            return cls()
        row = frame.iloc[0]
        words = {
            c: str(row[c]).strip()
            for c in COLUMNS
            if c in frame.columns and not is_missing(row[c]) and str(row[c]).strip()
        }
        return cls(**words)


def singular(noun: str) -> str:
    """A plural noun's singular, for the common English endings; anything else unchanged.

    >>> [singular(n) for n in ("deaths", "casualties", "people", "troops", "fighters")]
    ['death', 'casualty', 'person', 'troop', 'fighter']
    """
    irregular = {"people": "person", "men": "man", "women": "woman", "children": "child"}
    if noun in irregular:
        return irregular[noun]
    if noun.endswith("ies") and len(noun) > 3:
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun
