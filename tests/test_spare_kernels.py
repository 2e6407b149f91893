"""Spare kernels: the next report's kernel is up before it is asked for, serves one report, and
goes when its build, its warm parent or its environment does (:mod:`claimscope.build.kernel`)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from claimscope.build import build_reports, kernel, pool
from claimscope.data.paths import DATA_DIR, PROJECT_ROOT

# The pool's own tests: each build starts its own warm parent, as outside the tests.
pytestmark = [pytest.mark.integration, pytest.mark.own_warm_parent]

NOTEBOOK = PROJECT_ROOT / "notebooks" / "troop_figures.ipynb"
ONE = "troop-figures"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _taken(monkeypatch) -> list:
    """Record what each report got from the spares: a kernel's pid, or None."""
    taken = []
    original = kernel._take_spare

    def take(folder: Path):
        found = original(folder)
        taken.append(None if found is None else found.provisioner.pid)
        return found

    monkeypatch.setattr(kernel, "_take_spare", take)
    return taken


def _wait_for_spare() -> kernel._Spare:
    with kernel._spares_lock:
        spares = list(kernel._spares.values())
    assert len(spares) == 1
    assert spares[0].ready.wait(60) and spares[0].kernel is not None
    return spares[0]


def _connection_files() -> list[Path]:
    from jupyter_core.paths import jupyter_runtime_dir

    return sorted(Path(jupyter_runtime_dir()).glob(f"claimscope-{os.getpid()}-*"))


def test_each_report_gets_a_kernel_started_before_it_and_used_by_it_alone(tmp_path, monkeypatch):
    taken = _taken(monkeypatch)
    pool.keep_warm(DATA_DIR, [NOTEBOOK])  # as a preview does: a spare starts at once
    try:
        _wait_for_spare()
        for _ in range(3):
            result = build_reports(only=[ONE], output_dir=tmp_path, quiet=True, force=True)
            assert result.exit_code == 0, [r.error for r in result.results]
            _wait_for_spare()  # the next report's, started while this one ran
        assert None not in taken and len(set(taken)) == 3  # a new kernel for every report
        assert all(_gone(pid) for pid in taken)  # each stopped with its report
    finally:
        pool.release_kept()
    assert not kernel._spares
    assert _connection_files() == []


def test_a_spare_started_under_another_environment_is_not_used(tmp_path, monkeypatch):
    taken = _taken(monkeypatch)
    pool.keep_warm(DATA_DIR, [NOTEBOOK])
    try:
        old = _wait_for_spare().kernel.provisioner.pid
        monkeypatch.setenv("CLAIMSCOPE_TEST_SPARE_MARK", "changed")
        result = build_reports(only=[ONE], output_dir=tmp_path, quiet=True, force=True)
        assert result.exit_code == 0
        assert taken == [None]  # the report started its own kernel, with the new variable
        assert _gone(old)  # and the spare of the old environment was stopped
    finally:
        pool.release_kept()


def test_no_spare_outlives_the_build_that_started_it(tmp_path, monkeypatch):
    taken = _taken(monkeypatch)
    forked = []
    original = pool.ForkedProcess.__init__

    def record(self, pid: int):
        forked.append(pid)
        original(self, pid)

    monkeypatch.setattr(pool.ForkedProcess, "__init__", record)
    reports = [ONE, "actor-relations"]
    result = build_reports(only=reports, output_dir=tmp_path, quiet=True, jobs=1)
    assert result.exit_code == 0
    assert taken[0] is None and taken[1] is not None  # the second ran in a spare
    assert len(forked) == 2  # no spare after the last report: nothing was queued
    assert not kernel._spares
    assert all(_gone(pid) for pid in forked)
    assert _connection_files() == []
