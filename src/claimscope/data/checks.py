"""Checks across rows and tables: foreign keys, and the rules a Table Schema cannot state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimscope.data.cycles import find_cycles
from claimscope.data.problems import Problem, with_article
from claimscope.data.schema import foreign_keys, resource_schema
from claimscope.data.subject import FIGURE_TYPE

if TYPE_CHECKING:
    import pandas as pd

#: The largest troop count the reports compute exactly: charts and JSON hold numbers as
#: 64-bit floats, which represent every integer up to 2**53 and not all above it.
MAX_TROOPS = 2**53 - 1


def check_foreign_keys(
    package: dict, tables: dict[str, pd.DataFrame], problems: list[Problem]
) -> None:
    """Report each value of a foreign key that its referenced table does not hold."""
    for name, frame in tables.items():
        resource = resource_schema(package, name)
        for columns, ref_name, ref_columns in foreign_keys(resource):
            if ref_name not in tables:
                continue  # the referenced table already failed to load, and said so
            reference = tables[ref_name]
            known = set(zip(*(reference[c].tolist() for c in ref_columns), strict=True))
            ref_file = resource_schema(package, ref_name)["path"]
            what = with_article("+".join(ref_columns))
            keys = frame[columns]
            given = (keys.notna() & (keys.astype(str) != "")).all(axis=1).tolist()
            values = zip(*(frame[c].tolist() for c in columns), strict=True)
            rows = frame.index.tolist()
            for row, value, has in zip(rows, values, given, strict=True):
                if not has or value in known:
                    continue  # an empty part: the key is not given
                shown = ", ".join(map(repr, value))
                problems.append(
                    Problem(
                        resource["path"],
                        row,
                        "+".join(columns),
                        f"{shown} is not {what} in {ref_file}",
                    )
                )


def check_claims(
    claims: pd.DataFrame, documents: pd.DataFrame | None, problems: list[Problem]
) -> None:
    """Check what makes a claim coherent: its figure's values, qualifier and date."""
    import pandas as pd

    low, high = claims["value_low"], claims["value_high"]
    for row in claims.index[(low > high).fillna(False)]:
        problems.append(
            Problem(
                "claims.csv",
                row,
                "value_low",
                f"value_low {low[row]} is above value_high {high[row]}",
            )
        )
    figures = claims[claims["claim_type"] == FIGURE_TYPE]
    for column in ("value_low", "value_high", "unit", "qualifier", "measure"):
        empty = figures[column].isna()
        if pd.api.types.is_string_dtype(figures[column]):
            empty |= figures[column] == ""
        for row in figures.index[empty]:
            problems.append(
                Problem("claims.csv", row, column, f"a {FIGURE_TYPE} claim needs a {column}")
            )
    both = figures["value_low"].notna() & figures["value_high"].notna()
    range_ = figures["qualifier"] == "range"
    equal = (figures["value_low"] == figures["value_high"]).fillna(False)
    for row in figures.index[both & range_ & equal]:
        problems.append(
            Problem("claims.csv", row, "qualifier", "a range needs value_low below value_high")
        )
    single = both & ~range_ & (figures["qualifier"] != "") & ~equal
    for row in figures.index[single]:
        problems.append(
            Problem(
                "claims.csv",
                row,
                "qualifier",
                f"qualifier {figures['qualifier'][row]!r} takes one value: "
                "value_low must equal value_high (use 'range' for two)",
            )
        )
    if documents is None:
        return
    published = dict(zip(documents["doc_id"], documents["published_on"], strict=True))
    # Dates are compared as dates: a column left wholly empty may load untyped.
    doc_dates = pd.to_datetime(claims["doc_id"].map(published), errors="coerce")
    claimed = pd.to_datetime(claims["claimed_on"], errors="coerce")
    late = (claimed > doc_dates).fillna(False).astype(bool)
    for row in claims.index[late]:
        problems.append(
            Problem(
                "claims.csv",
                row,
                "claimed_on",
                f"{claims['claimed_on'][row]:%Y-%m-%d} is after the document's published_on "
                f"{doc_dates[row]:%Y-%m-%d}",
            )
        )


def check_troop_counts(
    claims: pd.DataFrame, unit_sizes: pd.DataFrame | None, problems: list[Problem]
) -> None:
    """Refuse a figure whose troop count (value × troops per unit) the reports cannot hold.

    The claim's own ``unit_size_high`` counts where the table has that column and the cell is
    given; otherwise the unit's ``troops_high`` from ``unit_sizes.csv``.
    """
    import numpy as np
    import pandas as pd

    sizes: dict[str, int] = {}
    if unit_sizes is not None:
        for unit, high in zip(unit_sizes["unit"], unit_sizes["troops_high"], strict=True):
            if given(high):
                sizes[unit] = int(high)
    own = claims["unit_size_high"] if "unit_size_high" in claims else None
    size = claims["unit"].map(sizes).astype("float64")
    if own is not None:
        own_size = pd.to_numeric(own, errors="coerce").astype("float64")
        size = own_size.where(own_size.notna(), size)
    for column in ("value_low", "value_high"):
        values = claims[column]
        # Floats find the few candidates fast; Python ints then decide exactly.
        approx = values.to_numpy(dtype="float64", na_value=np.nan) * size.to_numpy()
        with np.errstate(invalid="ignore"):
            candidates = approx > MAX_TROOPS / 2
        for row in claims.index[candidates]:
            has_own = own is not None and given(own[row])
            per_unit = int(own[row]) if has_own else sizes[claims.at[row, "unit"]]
            troops = int(values[row]) * per_unit
            if troops > MAX_TROOPS:
                problems.append(
                    Problem(
                        "claims.csv",
                        row,
                        column,
                        f"{column} {int(values[row])} × {per_unit} troops per "
                        f"{claims.at[row, 'unit'] or 'unit'} is {troops} troops, more than "
                        f"the reports compute exactly ({MAX_TROOPS})",
                    )
                )


def given(value: object) -> bool:
    """True when a cell holds a value: not NA and not the empty string."""
    import pandas as pd

    return not pd.isna(value) and value != ""


def check_hierarchy(actors: pd.DataFrame, problems: list[Problem]) -> None:
    """Report each cycle of ``parent_id`` once, naming it (a → b → a), on its first row."""
    check_cycles(actors, "actors.csv", "actor_id", "parent_id", problems)


def check_cycles(
    frame: pd.DataFrame, file: str, id_column: str, column: str, problems: list[Problem]
) -> None:
    """Report each cycle ``column`` makes among the ids of ``id_column`` once, on its first row."""
    pointing = {
        node: [to] for node, to in zip(frame[id_column], frame[column], strict=True) if given(to)
    }
    rows = dict(zip(frame[id_column], frame.index, strict=True))
    for cycle in find_cycles(pointing, rows):
        problems.append(
            Problem(file, cycle.row, column, f"{column} goes round in a cycle: {cycle.path()}")
        )


def check_unit_sizes(sizes: pd.DataFrame, problems: list[Problem]) -> None:
    """Report each unit whose low troop count is above its high one."""
    for row in sizes.index[(sizes["troops_low"] > sizes["troops_high"]).fillna(False)]:
        problems.append(
            Problem("unit_sizes.csv", row, "troops_low", "troops_low is above troops_high")
        )
