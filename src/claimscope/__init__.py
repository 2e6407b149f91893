"""claimscope: curated contested claims with verbatim provenance, rendered as reports.

The verbs an analyst calls in a notebook (each loads pandas on first use only, so importing the
package stays cheap):

- ``load``: the validated data package, one DataFrame per table.
- ``known_as_of``: the dataset as it stood on a date.
- ``vocabularies``: the controlled vocabularies (labels, colours, scores).
- ``normalise_figures``: claimed figures as intervals of the counted unit.
- ``relation_graph``: the actors and their ties as a networkx graph.
- ``score_hypotheses``: the ACH inconsistency scores of the rated claims.

The sub-packages are the layers, each importing only from those below it: ``data`` (read,
check and write the package) → ``analysis`` (DataFrames in, DataFrames and graphs out) →
``present`` (tables, prose, charts for readers) → ``build`` and ``curate`` → ``cli``.
"""

from __future__ import annotations

from importlib.metadata import version as _version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    import networkx as nx
    import pandas as pd

    from claimscope.data.dataset import Dataset
    from claimscope.data.vocab import Vocabularies

__version__ = _version("claimscope")
__all__ = [
    "load",
    "known_as_of",
    "vocabularies",
    "normalise_figures",
    "relation_graph",
    "score_hypotheses",
]


def load(data_dir: Path | str | None = None) -> Dataset:
    """Load and validate the data package in ``data_dir`` (the project's ``data/`` by default).

    Tables have a plain 0-based index, the CSV line in a ``line`` column, and ``pd.NA`` (``NaT``
    for dates) wherever a cell is empty.

    Raises:
        claimscope.data.dataset.DatasetError: every problem, as ``file:row:column: message``.
    """
    from claimscope.data.dataset import load_dataset

    return load_dataset(data_dir)


def known_as_of(dataset: Dataset, as_of: dt.date | str | None = None) -> Dataset:
    """Return the dataset as it stood on ``as_of``: only what was published and known by then."""
    from claimscope.analysis.timeline import known_as_of as replay

    return replay(dataset, as_of)


def vocabularies(dataset: Dataset) -> Vocabularies:
    """Return the controlled vocabularies (relation types, statuses, stances, ...) of a dataset."""
    from claimscope.data.vocab import Vocabularies

    return Vocabularies.from_tables(dataset.tables)


def normalise_figures(dataset: Dataset, **options: Any) -> pd.DataFrame:
    """Return the dataset's figure claims as intervals of the counted unit (see analysis.troops)."""
    from claimscope.analysis.troops import normalise_figures as normalise

    options.setdefault("actors", dataset.actors)
    options.setdefault("documents", dataset.documents)
    options.setdefault("vocab", vocabularies(dataset))
    return normalise(dataset.claims, dataset.tables.get("unit_sizes"), **options)


def relation_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """Return the actors as nodes and their ties (status as of the dataset's date) as edges."""
    from claimscope.analysis.relations import build_relation_graph

    return build_relation_graph(
        dataset.actors, dataset.relations, dataset.claims, vocab=vocabularies(dataset)
    )


def score_hypotheses(dataset: Dataset, **options: Any) -> pd.DataFrame:
    """Return each hypothesis's ACH inconsistency score and rank over the dataset's ratings."""
    from claimscope.analysis.ach import gather_evidence
    from claimscope.analysis.ach import score_hypotheses as score

    cells = gather_evidence(dataset.tables, **options)
    return score(cells, dataset.consistency_ratings)
