"""Each report notebook loads its dataset once: the parameter check hands it on."""

from __future__ import annotations

import nbformat
import pytest

import claimscope.data.dataset
import claimscope.data.vocab
from claimscope.data.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_loads_the_dataset_once(path, monkeypatch, capsys):
    loads = []
    real = claimscope.data.dataset.load_dataset

    def counting(*args, **kwargs):
        loads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(claimscope.data.dataset, "load_dataset", counting)
    # The project's vocabularies are cached per process: start cold, so a cell that falls
    # back to them (and so reads the project's data, not the notebook's) is counted.
    claimscope.data.vocab._load.cache_clear()
    namespace: dict = {"__name__": "__main__"}
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    # Run the notebook's own code in this process (display calls print reprs), so the count
    # sees every call its cells make.
    for cell in cells:
        exec(compile(cell.source, f"{path.name} cell", "exec"), namespace)
    capsys.readouterr()
    assert len(loads) == 1
    assert len(cells) > 2
