"""claimscope: curated contested claims with verbatim provenance, rendered as reports.

For analysts: ``import claimscope as cs; ds = cs.load()`` returns the validated dataset
(``ds.claims``, ``ds.actors``, ...), and ``cs.vocabularies(ds)`` its controlled vocabularies.
Both load pandas on first use only, so importing the package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from claimscope.dataset import Dataset
    from claimscope.vocab import Vocabularies

__version__ = "0.1.0"


def load(data_dir: Path | str | None = None) -> Dataset:
    """Load and validate the data package in ``data_dir`` (the project's ``data/`` by default).

    Tables have a plain 0-based index, the CSV line in a ``line`` column, and ``pd.NA`` (``NaT``
    for dates) wherever a cell is empty.

    Raises:
        claimscope.dataset.DatasetError: listing every problem, as ``file:row:column: message``.
    """
    from claimscope.dataset import load_dataset

    return load_dataset(data_dir)


def vocabularies(dataset: Dataset) -> Vocabularies:
    """Return the controlled vocabularies (relation types, statuses, stances, ...) of a dataset."""
    from claimscope.vocab import Vocabularies

    return Vocabularies.from_tables(dataset.tables)
