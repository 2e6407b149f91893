"""Run a report notebook's cells in this process and collect what it displays, without a kernel.

The property tests replay every notebook at every date of the data; a kernel per run would
take minutes, while the cells themselves take a fraction of a second. The cells run as the
kernel runs them: the parameters cell, then the given values, then every other code cell.
"""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import nbformat


def run_in_process(
    path: Path, parameters: dict | None = None, paragraphs: list | None = None
) -> list[dict]:
    """Execute the notebook at ``path`` with ``parameters``; return every displayed bundle.

    ``paragraphs``, when given, receives every generated paragraph as the code made it (a
    :class:`claimscope.present.statements.Statement` keeps its claim ids).
    """
    from claimscope.present import display as shown_by

    nb = nbformat.read(path, as_version=4)
    shown: list[dict] = []
    bundle_of = shown_by.paragraphs_bundle

    def record(texts, heading=None):
        if paragraphs is not None:
            paragraphs.extend(texts)
        return bundle_of(texts, heading)

    def display(bundle, raw=False, **_):
        shown.append(bundle if raw else {"text/plain": repr(bundle)})

    namespace: dict = {"__name__": "__main__"}
    with (
        mock.patch("IPython.display.display", display),
        mock.patch.object(shown_by, "paragraphs_bundle", record),
    ):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            exec(compile(cell.source, str(path), "exec"), namespace)
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(parameters or {})
    return shown


def page_text(bundles: list[dict]) -> str:
    """Everything a reader can see or hover in the bundles: HTML, text and chart JSON."""
    parts = []
    for bundle in bundles:
        for value in bundle.values():
            parts.append(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return "\n".join(parts)
