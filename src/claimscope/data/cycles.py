"""Find the cycles of a graph given as id -> ids, each once, located by the rows of its ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Mapping


@dataclass(frozen=True)
class Cycle:
    """One cycle: its ids from the one on the earliest row, and the row of each."""

    ids: tuple
    rows: tuple

    @property
    def row(self) -> int:
        """The row a problem about this cycle is reported on: its earliest one."""
        return self.rows[0]

    def path(self) -> str:
        """Name the cycle as it goes round, back to where it starts.

        >>> Cycle(("a", "b"), (1, 2)).path()
        'a → b → a'
        """
        return " → ".join(map(str, (*self.ids, self.ids[0])))


def find_cycles(
    successors: Mapping[Hashable, Iterable[Hashable]], rows: Mapping[Hashable, int]
) -> list[Cycle]:
    """Find the cycles of ``successors``, each once, in the order of their earliest rows.

    Each id of ``successors`` needs its row in ``rows``; an id pointed to but not a key
    leads nowhere. Where each id points to one id at most, every cycle is found; where
    they branch, each back edge of a depth-first walk in row order gives one cycle, so a
    graph with a cycle always has one reported. The walk is iterative: a long chain is fine.

    >>> graph = {"a": ["b"], "b": ["a"], "c": ["a"]}
    >>> [cycle.path() for cycle in find_cycles(graph, {"a": 3, "b": 2, "c": 1})]
    ['b → a → b']
    """
    on_path: dict[Hashable, int] = {}  # id -> its place in the path being walked
    finished: set[Hashable] = set()
    found: dict[tuple, Cycle] = {}
    for start in sorted(successors, key=rows.__getitem__):
        if start in finished:
            continue
        path = [start]
        pending = [iter(successors[start])]
        on_path[start] = 0
        while pending:
            following = next(pending[-1], None)
            if following is None:
                done = path.pop()
                del on_path[done]
                finished.add(done)
                pending.pop()
                continue
            if following in on_path:
                cycle = _from_earliest(path[on_path[following] :], rows)
                found.setdefault(cycle.ids, cycle)
            elif following in successors and following not in finished:
                on_path[following] = len(path)
                path.append(following)
                pending.append(iter(successors[following]))
    return sorted(found.values(), key=lambda cycle: cycle.row)


def _from_earliest(ids: list, rows: Mapping[Hashable, int]) -> Cycle:
    at = min(range(len(ids)), key=lambda i: rows[ids[i]])
    turned = (*ids[at:], *ids[:at])
    return Cycle(turned, tuple(rows[i] for i in turned))
