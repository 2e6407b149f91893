"""Shape the validated tables for analysts: a plain 0-based index and one kind of missing value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Column holding each row's line in its CSV file (the header is line 1), for error messages.
LINE_COLUMN = "line"


def shape_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Return the tables with a 0-based index, the CSV line as a column, and ``pd.NA`` for gaps.

    Text columns become pandas' nullable ``string`` dtype, so an empty cell reads ``<NA>`` and
    ``isna()`` is true for it, as for an empty integer (``Int64``) or number (``Float64``);
    an empty date is ``NaT``, pandas' missing datetime, which ``isna()`` also finds.

    >>> import pandas as pd
    >>> raw = pd.DataFrame({"name": ["a", ""], "n": pd.array([1, None], dtype="Int64")},
    ...                    index=pd.Index([2, 3], name="row"))
    >>> shaped = shape_tables({"t": raw})["t"]
    >>> shaped.index.tolist(), shaped["line"].tolist(), shaped.isna().sum().tolist()
    ([0, 1], [2, 3], [0, 1, 1])
    """
    return {name: _shape(frame) for name, frame in tables.items()}


def _shape(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    out = frame.reset_index(drop=True)
    for column in out.columns:
        values = out[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            out[column] = values.astype("string").replace("", pd.NA)
        elif values.dtype == "float64":
            out[column] = values.astype("Float64")
    out.insert(0, LINE_COLUMN, pd.array(frame.index, dtype="Int64"))
    return out
