"""Analysis: pure functions from the dataset's DataFrames to DataFrames and graphs, no display."""

from __future__ import annotations

from collections.abc import Iterable


def check_known(
    kind: str, wanted: Iterable[object], known: Iterable[object], where: str = ""
) -> None:
    """Raise one ValueError naming every wanted value that is not known, and the known ones.

    >>> check_known("measure", ["present"], ["present", "killed"])
    >>> check_known("measure", ["lost"], ["present", "killed"])
    Traceback (most recent call last):
    ...
    ValueError: unknown measure 'lost'; known: killed, present
    """
    known = set(known)
    unknown = [w for w in wanted if w not in known]
    if unknown:
        names = ", ".join(repr(u) for u in unknown)
        place = f"{where}: " if where else ""
        choices = ", ".join(sorted(map(str, known)))
        raise ValueError(f"{place}unknown {kind} {names}; known: {choices}")
