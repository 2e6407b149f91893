"""The data package's controlled vocabularies as the lookups analysis and charts derive from."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from claimscope.data.subject import Subject
from claimscope.data.values import is_missing

#: Vocabulary table to the column holding its values, as the tables referring to it spell them.
KEYS = {
    "relation_types": "relation",
    "relation_statuses": "status",
    "stances": "stance",
    "claim_types": "claim_type",
    "propositions": "proposition_id",
    "measures": "measure",
    "actor_kinds": "kind",
    "source_reliability": "source_reliability",
    "info_credibility": "info_credibility",
    "consistency_ratings": "rating",
    "likelihoods": "expression",
}
#: Vocabularies whose rows have an order of their own (``rank``); the others keep table order.
_RANKED = ("relation_statuses", "stances")
#: Vocabularies a package may lack (it predates them), with the columns code reads.
_OPTIONAL = {"propositions": ["proposition_id", "label", "statement", "is_figure"]}


@dataclass(frozen=True)
class Vocabularies:
    """Each vocabulary table indexed by its value: ``vocab.relation_types.loc["alliance"]``.

    Attributes:
        relation_types: Label, phrases, colour, score of each relation type.
        relation_statuses: Rank, weight, dash, width, opacity of each status, firmest first.
        stances: Label, rank, colour, symbol of each stance, in rank order.
        claim_types: The stance each claim type takes (missing when it takes none).
        propositions: Label, statement and ``is_figure`` of what a stance is about, in table
            order (empty for a package without ``propositions.csv``).
        measures: Label, colour, symbol of each measure.
        actor_kinds: Label and node symbol of each actor kind.
        source_reliability: Label and weight of each Admiralty reliability grade, A to F.
        info_credibility: Label and weight of each Admiralty credibility grade, 1 to 6.
        consistency_ratings: Label, score and colour of each ACH rating, CC to NA.
        likelihoods: ICD 203's expressions of likelihood and their bands in percent.
        subject: The subject's words (``subject.csv``): what is counted, the question.
    """

    relation_types: pd.DataFrame
    relation_statuses: pd.DataFrame
    stances: pd.DataFrame
    claim_types: pd.DataFrame
    propositions: pd.DataFrame
    measures: pd.DataFrame
    actor_kinds: pd.DataFrame
    source_reliability: pd.DataFrame
    info_credibility: pd.DataFrame
    consistency_ratings: pd.DataFrame
    likelihoods: pd.DataFrame
    subject: Subject = Subject()

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> Vocabularies:
        """Build the lookups from a dataset's tables (``dataset.tables``)."""
        indexed = {}
        for name, key in KEYS.items():
            frame = tables.get(name)
            if frame is None and name in _OPTIONAL:
                frame = pd.DataFrame(columns=_OPTIONAL[name])
            if name in _RANKED:
                frame = frame.sort_values("rank", kind="stable")
            indexed[name] = frame.set_index(key, drop=False)
        return cls(**indexed, subject=Subject.from_table(tables.get("subject")))

    @property
    def statuses(self) -> tuple[str, ...]:
        """Statuses, firmest first."""
        return tuple(self.relation_statuses.index)

    @property
    def stance_order(self) -> tuple[str, ...]:
        """Stances in the order tables and charts list them."""
        return tuple(self.stances.index)

    @property
    def proposition_order(self) -> tuple[str, ...]:
        """Propositions in the order tables and charts list them (the table's)."""
        return tuple(self.propositions.index)

    def is_figure(self, proposition: object) -> bool:
        """Whether a proposition is that a figure is right (``propositions.is_figure``).

        >>> vocab = load_vocabularies()
        >>> vocab.is_figure("figure"), vocab.is_figure("sent_to_russia"), vocab.is_figure(None)
        (True, False, False)
        """
        if is_missing(proposition) or proposition not in self.propositions.index:
            return False
        return str(self.propositions.at[proposition, "is_figure"]).strip().lower() == "true"

    @property
    def figure_propositions(self) -> frozenset[str]:
        """The propositions that a figure is right, by :meth:`is_figure`.

        >>> sorted(load_vocabularies().figure_propositions)
        ['figure']
        """
        return frozenset(p for p in self.propositions.index if self.is_figure(p))

    def stance_of(self) -> dict[str, str]:
        """Map each claim type that takes a stance on its proposition to that stance."""
        return {
            claim_type: stance
            for claim_type, stance in self.claim_types["stance"].items()
            if not is_missing(stance)
        }

    def lookup(self, vocabulary: str, column: str) -> dict[str, object]:
        """Map each value of ``vocabulary`` to its ``column``: ``lookup("measures", "symbol")``."""
        return getattr(self, vocabulary)[column].to_dict()

    def label(self, vocabulary: str, value: object) -> str:
        """Return the reader's label of a value; an unknown value reads as itself, spaced.

        >>> load_vocabularies().label("stances", "not_verified")
        'cannot verify'
        """
        if is_missing(value):
            return ""
        labels = getattr(self, vocabulary)["label"]
        return str(labels[value]) if value in labels.index else str(value).replace("_", " ")


@functools.cache
def _load(data_dir: Path | None) -> Vocabularies:
    from claimscope.data.dataset import load_dataset

    return Vocabularies.from_tables(load_dataset(data_dir).tables)


def load_vocabularies(data_dir: Path | str | None = None) -> Vocabularies:
    """Load the vocabularies of the data package in ``data_dir`` (the project's by default).

    Functions that take a ``vocab`` argument fall back to the project's vocabularies; pass
    ``Vocabularies.from_tables(dataset.tables)`` for another dataset.
    """
    return _load(Path(data_dir).resolve() if data_dir else None)
