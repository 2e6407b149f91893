"""Re-execute the report notebooks in place so their committed outputs are current.

``make notebooks`` runs this. Outputs must be deterministic because strict nbval compares them
with a fresh run in CI, so volatile metadata (execution times) is dropped after execution.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from claimscope.data.files import write_atomic
from claimscope.data.paths import KERNEL_NAME, NOTEBOOKS_DIR

REPORT_NOTEBOOKS = ("troop_figures.ipynb", "actor_relations.ipynb", "competing_hypotheses.ipynb")
CELL_TIMEOUT_S = 300


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop metadata that changes on every run (timings, papermill bookkeeping)."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("collapsed", None)
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("execution", None)
    return nb


def refresh_notebook(path: Path, kernel_name: str = KERNEL_NAME) -> None:
    """Execute ``path`` with its default parameters and write it back with its outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nb.metadata["kernelspec"] = {
        "name": kernel_name,
        "display_name": "Python (claimscope)",
        "language": "python",
    }
    write_atomic(path, (nbformat.writes(strip_volatile(nb)) + "\n").encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    """Refresh the notebooks named in ``argv``, or every report notebook."""
    names = argv if argv else [n for n in REPORT_NOTEBOOKS if (NOTEBOOKS_DIR / n).exists()]
    for name in names:
        path = Path(name) if Path(name).exists() else NOTEBOOKS_DIR / name
        print(f"executing {path} ...", flush=True)
        refresh_notebook(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
