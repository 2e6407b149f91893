"""Shared fixtures: a private copy of the dataset that a test may break, and a browser.

Plain helper functions live in ``helpers.py``; tests import them from there.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from claimscope.data.paths import DATA_DIR


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the real data package in a temporary folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def chromium():
    """Headless Debian Chromium, one for the session; a missing browser fails, never skips."""
    from browser import BrowserMissing, launch_chromium

    try:
        with launch_chromium() as browser:
            yield browser
    except BrowserMissing as exc:
        pytest.fail(str(exc), pytrace=False)


collect_ignore_glob = ["fixtures/*"]

#: `make test` runs the suite in two stages (CLAIMSCOPE_TEST_STAGE): ``fast`` is every test in
#: tests/ that starts no kernel and no browser (a broken install fails there in the first
#: minute), ``rest`` is everything else: integration and browser tests, doctests, notebooks.
_SLOW_MARKERS = {"integration", "browser"}


def pytest_collection_modifyitems(config, items):
    """Keep the items of this run's stage, when one is set; see ``_SLOW_MARKERS``."""
    stage = os.environ.get("CLAIMSCOPE_TEST_STAGE", "")
    if stage not in {"fast", "rest"}:
        return
    tests = Path(__file__).parent

    def is_fast(item) -> bool:
        inside = Path(str(item.fspath)).resolve().is_relative_to(tests)
        return inside and not any(item.get_closest_marker(m) for m in _SLOW_MARKERS)

    keep = [item for item in items if is_fast(item) == (stage == "fast")]
    dropped = [item for item in items if is_fast(item) != (stage == "fast")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The default reports and their index, built once per run (browser and page tests).

    Tests only read it. Under pytest-xdist the workers share one build: the first to need it
    builds it under a lock in the run's shared temporary folder, the others wait and reuse it.
    """
    import fcntl

    from claimscope.build import build_reports

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder every worker's own folder sits in
    out, done = shared / "shared-site", shared / "shared-site.built"
    with open(shared / "shared-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.is_file():
            result = build_reports(output_dir=out, quiet=True)
            assert result.exit_code == 0, [r.error for r in result.results if r.error]
            done.touch()
    return out


@pytest.fixture(autouse=True)
def _no_build_state_outlives_its_test():
    """A test leaves no process-wide build state to the next one in its worker.

    A preview or a cluster worker keeps a warm parent for its process's life, and a stopped
    build stops kernels until the next build allows them: a test that made either, and did
    not end it the way the preview or the CLI does, would hand it to whichever test runs next.
    """
    yield
    pool = sys.modules.get("claimscope.build.pool")
    if pool is not None and pool._kept:
        pool.release_kept()
    kernel = sys.modules.get("claimscope.build.kernel")
    if kernel is not None and kernel.stop_reason():
        kernel.allow_kernels()
    if kernel is not None:
        kernel.discard_spares()  # a kept parent's spare kernel goes with it
