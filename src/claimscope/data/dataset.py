"""Load and validate the curated dataset described by ``data/datapackage.json``.

The data package is the one description of every table: the loader reads the field types,
constraints and keys from it rather than repeating them, and loads every resource it lists
(the five core tables are required). On top of the schema it checks what a schema cannot
say: each source's sha256 and encoding, that every quote stands at its offsets, that numbers
and dates are coherent. Every problem is collected and reported together, each as
``file:row:column: message`` (row 1 is the header; a row is the line a record starts on).

The steps live in their own modules of :mod:`claimscope.data`: ``schema`` (the package's
structure), ``table_files`` and ``columns`` (one table, typed), ``checks`` (keys and
cross-table rules), ``quotes`` (source texts and quotes) and ``locate`` (writing located
offsets back).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.data import checks, evidence_checks, stance_checks
from claimscope.data.columns import LIST_SEPARATOR, split_list
from claimscope.data.files import dataset_version
from claimscope.data.frames import shape_tables
from claimscope.data.judgement_checks import check_judgements
from claimscope.data.locate import write_located_offsets
from claimscope.data.paths import DATA_DIR
from claimscope.data.problems import DatasetError, Problem
from claimscope.data.quotes import check_quotes, load_texts
from claimscope.data.rating_checks import check_ratings_on_restatements
from claimscope.data.schema import TABLES, read_schema, resource_names, resource_schema
from claimscope.data.subject import LEGACY_CLAIM_TYPES
from claimscope.data.table_files import load_table
from claimscope.data.transaction import dataset_lock, settle

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LIST_SEPARATOR",
    "TABLES",
    "Dataset",
    "DatasetError",
    "Problem",
    "load_dataset",
    "locate_offsets",
    "read_schema",
    "resource_schema",
    "split_list",
]


@dataclass
class Dataset:
    """The validated tables, typed, with the decoded source texts.

    Attributes:
        data_dir: Folder the package was loaded from.
        schema: The parsed ``datapackage.json``.
        tables: Table name to DataFrame, one per resource; also reachable as attributes
            (``ds.claims``).
        texts: ``doc_id`` to the decoded source text.
        version: Short content hash of every file the package consists of.
        located: Ids of the claims whose empty offsets were found from their quotes.
        as_of: The date the tables were replayed to (see
            :func:`claimscope.analysis.timeline.known_as_of`); None for the data as loaded.
    """

    data_dir: Path
    schema: dict
    tables: dict[str, pd.DataFrame]
    texts: dict[str, str]
    version: str
    located: list[str] = field(default_factory=list)
    as_of: dt.date | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def counts(self) -> dict[str, int]:
        """Return the number of rows of each table.

        >>> load_dataset().counts()["documents"] >= 1
        True
        """
        return {name: len(df) for name, df in self.tables.items()}


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Load every table, validate it all, and return typed DataFrames.

    Args:
        data_dir: Folder holding ``datapackage.json``; the project's ``data/`` by default.

    A package whose bytes this process has loaded and checked before (the same content hash
    of every file, :func:`~claimscope.data.files.dataset_version`, in any folder) is not read
    or checked again: the caller gets its own copy of the tables kept then. Only a package that
    passed every check, and that no write changed while it was read, is kept; the last
    :data:`LOADED_KEPT` are.

    Returns:
        The validated dataset, with empty claim offsets located from their quotes.

    Raises:
        DatasetError: listing every problem found, each as ``file:row:column: message``.
    """
    data_dir = Path(data_dir or DATA_DIR)
    settle(data_dir)  # a write killed after its commit point is finished first
    try:
        version = dataset_version(data_dir)
    except DatasetError:
        version = None  # the load below reports what cannot be read, with everything else
    if _preloaded and _preloaded[0].version == version:
        return replace(_preloaded[0], data_dir=data_dir)  # the same bytes: the same dataset
    if version in _loaded:
        _loaded.move_to_end(version)
        return _copy_of(_loaded[version], data_dir)
    dataset = _load_and_check(data_dir)
    if dataset.version == version:  # no file changed while it was read
        _loaded[version] = _copy_of(dataset, data_dir)
        while len(_loaded) > LOADED_KEPT:
            _loaded.popitem(last=False)
    return dataset


#: How many validated datasets a process keeps, by content hash, for :func:`load_dataset`.
LOADED_KEPT = 4
#: Those datasets, the most recently loaded last.
_loaded: OrderedDict[str, Dataset] = OrderedDict()


def _copy_of(dataset: Dataset, data_dir: Path) -> Dataset:
    """A copy of ``dataset`` as loaded from ``data_dir``: no caller's change reaches another."""
    return replace(
        dataset,
        data_dir=data_dir,
        schema=copy.deepcopy(dataset.schema),
        tables={name: frame.copy() for name, frame in dataset.tables.items()},
        texts=dict(dataset.texts),
        located=list(dataset.located),
    )


def _load_and_check(data_dir: Path) -> Dataset:
    """Read every file of the package at ``data_dir`` and check it all (no kept dataset)."""
    package = read_schema(data_dir)
    names = resource_names(package)
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    for name in names:
        frame = load_table(data_dir, package, name, problems)
        if frame is not None:
            tables[name] = frame
    for name in ("claims", "claim_types"):  # an older package's claim types, read as today's
        if name in tables and "claim_type" in tables[name]:
            tables[name]["claim_type"] = tables[name]["claim_type"].replace(LEGACY_CLAIM_TYPES)
    checks.check_foreign_keys(package, tables, problems)
    texts: dict[str, str] = {}
    located: list[str] = []
    if "documents" in tables:
        texts = load_texts(data_dir, tables["documents"], problems)
    if "actors" in tables:
        checks.check_hierarchy(tables["actors"], problems)
    if "claims" in tables:
        located = check_quotes(tables["claims"], texts, problems)
        checks.check_claims(tables["claims"], tables.get("documents"), problems)
        checks.check_troop_counts(tables["claims"], tables.get("unit_sizes"), problems)
        evidence_checks.check_claim_links(
            tables["claims"], tables.get("documents"), tables.get("claim_types"), problems
        )
        evidence_checks.check_stated_unit_sizes(tables["claims"], problems)
        stance_checks.check_propositions(
            tables["claims"], tables.get("claim_types"), tables.get("propositions"), problems
        )
        stance_checks.check_revisions(
            tables["claims"],
            evidence_checks.claim_dates(tables["claims"], tables.get("documents")),
            problems,
        )
        if "relations" in tables and "claim_ids" in tables["relations"]:
            evidence_checks.check_cited_claims(
                tables["relations"], "relations.csv", tables["claims"], problems
            )
    if "relation_steps" in tables:
        evidence_checks.check_relation_steps(
            tables["relation_steps"],
            tables.get("relations"),
            tables.get("claims"),
            tables.get("documents"),
            problems,
        )
        if "claims" in tables:
            stance_checks.check_step_stances(
                tables["relation_steps"], tables["claims"], tables.get("claim_types"), problems
            )
    if "ratings" in tables and "claims" in tables:
        file = resource_schema(package, "ratings")["path"]
        check_ratings_on_restatements(tables["ratings"], tables["claims"], problems, file)
    if "judgements" in tables:
        file = resource_schema(package, "judgements")["path"]
        check_judgements(
            tables["judgements"], tables.get("claims"), tables.get("documents"), problems, file
        )
    if "corrections" in tables:
        evidence_checks.check_correction_basis(
            tables["corrections"], tables.get("claims"), problems
        )
        file = resource_schema(package, "corrections")["path"]
        check_quotes(tables["corrections"], texts, problems, file=file, id_column="correction_id")
    if "unit_sizes" in tables:
        checks.check_unit_sizes(tables["unit_sizes"], problems)
    if problems:
        files = [resource_schema(package, name)["path"] for name in names]
        raise DatasetError(sorted(problems, key=lambda p: _problem_order(p, files)))
    from claimscope.data.relation_steps import relations_at  # pandas: loaded only now

    shaped = shape_tables({name: tables[name] for name in names})
    # A relation's status and evidence are its latest step's (relation_steps.csv).
    shaped["relations"] = relations_at(shaped["relations"], shaped.get("relation_steps"))
    return Dataset(
        data_dir=data_dir,
        schema=package,
        tables=shaped,
        texts=texts,
        version=dataset_version(data_dir),
        located=located,
    )


#: The dataset a warm kernel parent loaded before forking (claimscope.build.forkserver).
_preloaded: list[Dataset] = []


def preload(data_dir: Path | str | None = None) -> Dataset:
    """Load ``data_dir`` now, so that :func:`load_dataset` on the same bytes returns it at once.

    For a process that forks report kernels: each child gets the validated tables without
    reading or checking a file again, as long as the package's content hash is unchanged.
    """
    _preloaded[:] = [load_dataset(data_dir)]
    # load_dataset answers these bytes from the preload first: a kept copy would only double
    # the memory of the parent and of every kernel forked from it.
    _loaded.pop(_preloaded[0].version, None)
    return _preloaded[0]


def _problem_order(problem: Problem, files: list[str]) -> tuple:
    rank = files.index(problem.file) if problem.file in files else -1
    row = problem.row if isinstance(problem.row, int) else 0
    return (rank, row, problem.column, problem.message)


def locate_offsets(data_dir: Path | str | None = None) -> list[str]:
    """Write located offsets back into ``claims.csv`` for claims whose offsets are empty.

    The file is rewritten atomically and only when the whole dataset is valid, so a curator can
    paste a quote, leave ``start`` and ``end`` empty, and never count characters.

    Returns:
        The ids of the claims whose offsets were filled in.
    """
    data_dir = Path(data_dir or DATA_DIR)
    with dataset_lock(data_dir):
        return write_located_offsets(load_dataset(data_dir))
