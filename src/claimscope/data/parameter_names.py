"""The names a notebook is run with: those papermill injects, against those it declares."""

from __future__ import annotations

import ast
import difflib

# The first line of the cell papermill injects with the values it is given.
_INJECTED_HEADER = "# Parameters"


def injected_names(history: object) -> list[str]:
    r"""The names papermill's injected cell sets, read from IPython's input history ``In``.

    papermill writes the values it is given as a cell starting ``# Parameters``; the last such
    cell run before the check is the one that counts.

    >>> injected_names(["", "depth: int = 1", "# Parameters\ndepth = 2\nclaimant = 'nis'\n", ""])
    ['depth', 'claimant']
    """
    if not isinstance(history, list):
        return []
    for source in reversed(history[:-1]):  # the last entry is the check's own cell
        if isinstance(source, str) and source.lstrip().startswith(_INJECTED_HEADER):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                return []
            return [
                target.id
                for node in tree.body
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            ]
    return []


def describe_unknown_parameter(name: str, declared: list[str]) -> str:
    """Say that ``name`` is not a parameter of the notebook, with the closest declared ones.

    >>> describe_unknown_parameter("claimant", ["claimant_ids", "doc_ids"])  # doctest: +ELLIPSIS
    "parameter 'claimant': the notebook has no such parameter; did you mean 'claimant_ids'? ..."
    """
    close = difflib.get_close_matches(name, declared, n=3, cutoff=0.5)
    close += [d for d in declared if name in d and d not in close]  # "claimant" in "claimant_ids"
    hint = f"; did you mean {' or '.join(map(repr, close[:3]))}?" if close else ""
    known = ", ".join(sorted(declared)) or "none"
    return f"parameter {name!r}: the notebook has no such parameter{hint} (it declares: {known})"
