"""Warm kernels: forked reports make the same pages as plain kernels and share no state."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from helpers import set_cell

from claimscope.build import build_reports, kernel, pool
from claimscope.build.forkserver import notebook_modules
from claimscope.data import dataset as dataset_module
from claimscope.data.paths import DATA_DIR, PROJECT_ROOT

# The pool's own tests: each build starts its own warm parent, as outside the tests.
pytestmark = [pytest.mark.integration, pytest.mark.own_warm_parent]

# What differs between two builds of the same inputs: the time each was built and took.
_BUILD_TIMES = [
    re.compile(rb"<code>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</code>"),
    re.compile(rb"<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</td>\s*<td>[\d.]+ s</td>"),
]


def _without_build_times(page: bytes) -> bytes:
    for pattern in _BUILD_TIMES:
        page = pattern.sub(b"<time/>", page)
    return page


def _notebook(path: Path, *sources: str) -> Path:
    cells = [nbformat.v4.new_code_cell(s) for s in sources]
    cells[0].metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "claimscope", "display_name": "c", "language": "python"}
    nbformat.write(nb, path)
    return path


def _config(path: Path, reports: list[dict]) -> Path:
    for report in reports:
        report.setdefault("title", report["name"].title())
    path.write_text(yaml.safe_dump({"reports": reports}), encoding="utf-8")
    return path


def test_pooled_and_plain_builds_write_the_same_pages(site, tmp_path, monkeypatch):
    monkeypatch.setenv(pool.ENV_SWITCH, "0")
    plain = tmp_path / "plain"
    result = build_reports(output_dir=plain, quiet=True)
    assert result.exit_code == 0, [r.error for r in result.results if r.error]
    pages = sorted(p.name for p in plain.glob("*.html"))
    assert len(pages) >= 8 and "index.html" in pages
    assert pages == sorted(p.name for p in site.glob("*.html"))
    for name in pages:
        pooled, alone = (site / name).read_bytes(), (plain / name).read_bytes()
        assert _without_build_times(pooled) == _without_build_times(alone), name
        if name != "index.html":  # each page's one difference is its build time
            assert pooled != _without_build_times(pooled), name


def test_each_report_gets_a_fresh_kernel_forked_from_the_warm_parent(tmp_path):
    notebook = _notebook(
        tmp_path / "leak.ipynb",
        "marker: str = ''",
        "import os, claimscope, pandas as pd\n"
        "seen = getattr(claimscope, '_leaked', None)\n"
        "width = pd.get_option('display.max_rows')\n"
        "claimscope._leaked = marker\n"
        "pd.set_option('display.max_rows', 3)\n"
        "print('pid', os.getpid(), 'seen', seen, 'rows', width)",
    )
    with pool.warm_kernels(DATA_DIR, [notebook]) as parent:
        assert parent.wait_ready(), "the warm parent did not start"
        assert parent.ready["dataset"] and "not loaded" not in parent.ready["dataset"]
        printed = []
        for marker in ("first", "second"):
            executed = tmp_path / f"{marker}.ipynb"
            kernel.execute_notebook(notebook, executed, {"marker": marker}, 60)
            printed.append(nbformat.read(executed, as_version=4).cells[-1].outputs[0]["text"])
        assert parent.forks == 2
    pids = [line.split()[1] for line in printed]
    assert pids[0] != pids[1]
    for line in printed:  # nothing the first report set reached the second
        assert "seen None rows 60" in line, line


def test_a_dying_kernel_is_retried_once_and_fails_as_with_plain_kernels(tmp_path, monkeypatch):
    notebook = _notebook(
        tmp_path / "dies.ipynb", "x: int = 1", "import os\nos.kill(os.getpid(), 9)"
    )
    config = _config(tmp_path / "reports.yaml", [{"name": "dies", "notebook": str(notebook)}])
    errors = {}
    for mode in ("1", "0"):
        monkeypatch.setenv(pool.ENV_SWITCH, mode)
        result = build_reports(output_dir=tmp_path / mode, config=config, quiet=True)
        assert result.exit_code == 1
        errors[mode] = result.results[0].error
    assert "(after one retry)" in errors["1"], errors["1"]
    assert "code cell 2" in errors["1"]
    assert errors["1"] == errors["0"]


def test_a_broken_warm_parent_falls_back_to_plain_kernels(tmp_path, monkeypatch):
    forks = []

    def cannot_fork(self, argv, env, cwd):
        forks.append(argv)
        return None

    monkeypatch.setattr(pool.WarmParent, "fork", cannot_fork)
    out = tmp_path / "out"
    result = build_reports(output_dir=out, only=["troop-figures"], quiet=True)
    assert result.exit_code == 0, result.results[0].error
    assert forks, "the build never asked the warm parent"
    assert (out / "troop-figures.html").stat().st_size > 100_000


def test_the_preloaded_dataset_is_used_only_for_the_same_bytes(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    monkeypatch.setattr(dataset_module, "_preloaded", [])
    loaded = dataset_module.preload(data)
    again = dataset_module.load_dataset(data)
    assert again.tables is loaded.tables  # not read again
    set_cell(data / "documents.csv", 2, "title", "A title edited since the preload")
    changed = dataset_module.load_dataset(data)
    assert changed.tables is not loaded.tables
    assert "A title edited since the preload" in set(changed.documents["title"])
    assert "A title edited since the preload" not in set(loaded.documents["title"])


def test_the_warm_parent_imports_what_the_notebooks_import():
    modules = notebook_modules(PROJECT_ROOT / "notebooks" / "troop_figures.ipynb")
    assert "claimscope.data.parameters" in modules
    assert "claimscope.present.charts.troops" in modules  # `from x import troops` imports x.troops
    assert "claimscope.present.charts" in modules


def test_the_switch_turns_warm_kernels_off(monkeypatch):
    monkeypatch.setenv(pool.ENV_SWITCH, "0")
    with pool.warm_kernels(DATA_DIR, []) as parent:
        assert parent is None
    monkeypatch.setenv(pool.ENV_SWITCH, "1")
    assert pool.enabled()


def test_a_forked_kernel_is_killed_by_its_pid(tmp_path):
    import os
    import signal
    import time

    process = pool.ForkedProcess(os.getpid())
    assert process.poll() is None  # this process is alive
    child = os.fork()
    if child == 0:
        time.sleep(30)
        os._exit(0)
    forked = pool.ForkedProcess(child)
    forked.kill()
    os.waitpid(child, 0)  # this test is its parent: reap it as the warm parent's system would
    assert forked.wait(timeout=5) == -signal.SIGKILL
