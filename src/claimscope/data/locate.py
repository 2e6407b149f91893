"""Write the offsets the loader located for quotes back into ``claims.csv``."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from claimscope.data.problems import DatasetError
from claimscope.data.schema import resource_schema
from claimscope.data.table_files import read_rows
from claimscope.data.transaction import commit

if TYPE_CHECKING:
    from claimscope.data.dataset import Dataset


def write_located_offsets(dataset: Dataset) -> list[str]:
    """Rewrite ``claims.csv`` atomically with the dataset's located offsets filled in.

    Only ``start`` and ``end`` change; every other cell is written back as it was read.

    Returns:
        The ids of the claims whose offsets were filled in (nothing is written when none).
    """
    if not dataset.located:
        return []
    claims = dataset.claims
    file = resource_schema(dataset.schema, "claims")["path"]
    problems: list = []
    table = read_rows(dataset.data_dir, file, problems)
    if table is None or table.columns is None:  # changed on disk since it was loaded
        raise DatasetError(problems)
    columns = dict(zip(table.header, table.columns, strict=True))
    columns["start"] = list(map(str, claims["start"]))
    columns["end"] = list(map(str, claims["end"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows(zip(*(columns[name] for name in table.header), strict=True))
    commit(dataset.data_dir, {file: buffer.getvalue().encode("utf-8")})
    return dataset.located
