"""Shared fixtures and the run's order.

Fixtures: a private copy of the dataset that a test may break, a browser, builds made once per
run (the default reports; a private copy of any config's first build). The order: this run's
stage (fast or rest), the longest tests first. Plain helper functions live in ``helpers.py``;
tests import them from there.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import math
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

#: ``make test`` is one pytest-xdist run (``--dist loadfile``, whole files or a group of files to
#: a worker, :func:`pytest_xdist_make_scheduler`): the fast tests first (every test in
#: tests/ that starts no kernel and no browser), so a broken install fails in the first minute and a
#: failing fast test stops the run; then the rest (integration and browser tests, doctests,
#: notebooks), longest first. CLAIMSCOPE_TEST_STAGE=fast or rest keeps one of the two parts only.
_SLOW_MARKERS = {"integration", "browser"}


#: Where the last runs' seconds per test are kept (pytest's cache), to start the longest first.
_DURATIONS_KEY = "claimscope/durations"


#: Each test file's seconds in a whole run, committed, for a clone whose cache is empty (CI).
#: ``CLAIMSCOPE_WRITE_DURATIONS=1 make test`` writes it again from that run.
_COMMITTED = Path(__file__).parent / "durations.json"


def _committed_durations() -> dict[str, float]:
    """The committed seconds per test file (:data:`_COMMITTED`)."""
    try:
        return {name: float(s) for name, s in json.loads(_COMMITTED.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _last_durations(config) -> dict[str, float]:
    """Each test's seconds in the runs before this one (the committed ones on a fresh clone).

    Under pytest-xdist every worker must collect the same order, so the workers take the
    figures the controller read once (``pytest_configure_node``), never the file itself.
    """
    if hasattr(config, "workerinput"):
        return config.workerinput.get(_DURATIONS_KEY, {})
    cache = getattr(config, "cache", None)
    return (cache.get(_DURATIONS_KEY, {}) if cache else {}) or _committed_durations()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """Hand each pytest-xdist worker the last durations and the mode (a worker's own is "no")."""
    node.workerinput[_DURATIONS_KEY] = _last_durations(node.config)
    node.workerinput["claimscope_dist"] = node.config.getoption("dist")


def _is_fast(item) -> bool:
    """A test in tests/ that starts no kernel and no browser (no ``_SLOW_MARKERS`` mark)."""
    inside = Path(str(item.fspath)).resolve().is_relative_to(Path(__file__).parent)
    return inside and not any(item.get_closest_marker(m) for m in _SLOW_MARKERS)


def _seconds(items, seconds: dict[str, float]) -> dict[str, float]:
    """Each item's expected seconds: its own last figure, else its file's split evenly.

    The committed figures are per file; a test never seen counts as the longest, so a new test
    runs early rather than last.
    """
    per_file: dict[str, int] = {}
    for item in items:
        name = item.nodeid.split("::")[0]
        per_file[name] = per_file.get(name, 0) + 1
    expected = {}
    for item in items:
        name = item.nodeid.split("::")[0]
        if item.nodeid in seconds:
            expected[item.nodeid] = seconds[item.nodeid]
        elif name in seconds:
            expected[item.nodeid] = seconds[name] / per_file[name]
        else:
            expected[item.nodeid] = math.inf
    return expected


#: The files whose tests read the worker's open report pages (the ``opened`` fixture) form one
#: group that one worker runs: each worker would otherwise open and draw every page again
#: (about 2 core-seconds a page and size), and which files met on which worker changed with the
#: order, so the run's CPU did too.
SHARED_PAGES_GROUP = "shared-pages"


def files_taking(folder: Path, rootdir: Path, fixture: str) -> frozenset[str]:
    """The ``test_*.py`` files of ``folder`` (as in node ids) with a function taking ``fixture``.

    Read from the files' source, so that pytest-xdist's controller, which collects no tests,
    groups them as the workers do. A test or a fixture of the file counts.
    """

    def takes(node: ast.AST) -> bool:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
        return any(a.arg == fixture for a in node.args.args + node.args.kwonlyargs)

    return frozenset(
        path.relative_to(rootdir).as_posix()
        for path in sorted(folder.glob("test_*.py"))
        if any(map(takes, ast.walk(ast.parse(path.read_text(encoding="utf-8")))))
    )


@functools.cache
def _files_sharing_pages(rootdir: Path) -> frozenset[str]:
    """This folder's test files that take ``opened``: :data:`SHARED_PAGES_GROUP`."""
    return files_taking(Path(__file__).parent, rootdir, "opened")


def scope_of(rootdir: Path, nodeid: str) -> str:
    """What pytest-xdist hands to one worker: the test's file, or :data:`SHARED_PAGES_GROUP`."""
    name = nodeid.split("::", 1)[0]
    return SHARED_PAGES_GROUP if name in _files_sharing_pages(rootdir) else name


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under ``--dist loadfile``: each file whole to one worker, the shared-pages group too."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileOrGroupScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(config.rootpath, nodeid)

    return FileOrGroupScheduling(config, log)


def _order(config, items) -> None:
    """Order the scopes pytest-xdist hands out (files, or a group): fast first, longest first.

    With ``--no-loadscope-reorder`` pytest-xdist keeps this order (by default it sorts scopes by
    their number of tests), so the slow part starts with its longest scopes and ends with short
    ones. A file stays whole on one worker: its module fixtures are made once, a notebook's
    cells run in order. One process runs everything anyway; it keeps the collected order.
    """
    workerinput = getattr(config, "workerinput", {})
    dist = workerinput.get("claimscope_dist", config.getoption("dist", "no"))
    if dist == "no":
        return
    scope = {item.nodeid: scope_of(config.rootpath, item.nodeid) for item in items}
    expected = _seconds(items, _last_durations(config))
    totals: dict[str, float] = {}
    fast: dict[str, bool] = {}
    for item in items:
        name = scope[item.nodeid]
        totals[name] = totals.get(name, 0.0) + expected[item.nodeid]
        fast[name] = fast.get(name, True) and _is_fast(item)

    def key(item) -> tuple[bool, float, str]:
        name = scope[item.nodeid]
        return (not fast[name], -totals[name], name)

    items.sort(key=key)  # stable: a file keeps its own order


def pytest_addoption(parser):
    """``--stop-on-fast-failure``: a failing fast test stops the run (``make test``)."""
    parser.addoption(
        "--stop-on-fast-failure",
        action="store_true",
        help="stop the whole run when a test that starts no kernel and no browser fails",
    )


def pytest_runtest_logreport(report):
    """Add up each test's seconds for the next run's order; stop on a fast failure if asked.

    Under pytest-xdist this runs in the controller too, which stops every worker.
    """
    _seconds_this_run[report.nodeid] = _seconds_this_run.get(report.nodeid, 0.0) + report.duration
    session = _running.get("session")
    config = session.config if session is not None else None
    if not report.failed or config is None or not config.getoption("stop_on_fast_failure"):
        return
    fast = report.nodeid.startswith("tests/") and not _SLOW_MARKERS & set(report.keywords)
    if not fast:
        return
    reason = f"a fast test failed: {report.nodeid}"
    dsession = config.pluginmanager.getplugin("dsession")  # pytest-xdist's controller
    if dsession is not None:
        dsession.shouldstop = dsession.shouldstop or reason
    elif not hasattr(config, "workerinput"):
        session.shouldstop = reason


#: This process's session, for the hooks that do not get it.
_running: dict = {}


def pytest_sessionstart(session):
    """Remember the session (:data:`_running`)."""
    _running["session"] = session


_seconds_this_run: dict[str, float] = {}


def pytest_sessionfinish(session):
    """Keep this run's seconds per test beside the earlier runs' (by the controller only)."""
    cache = getattr(session.config, "cache", None)
    if cache is None or hasattr(session.config, "workerinput") or not _seconds_this_run:
        return
    cache.set(_DURATIONS_KEY, {**cache.get(_DURATIONS_KEY, {}), **_seconds_this_run})
    if os.environ.get("CLAIMSCOPE_WRITE_DURATIONS") == "1":
        files = dict(_committed_durations())
        this_run: dict[str, float] = {}
        for nodeid, seconds in _seconds_this_run.items():
            name = nodeid.split("::")[0]
            this_run[name] = this_run.get(name, 0.0) + seconds
        files.update({name: round(seconds, 1) for name, seconds in this_run.items()})
        _COMMITTED.write_text(json.dumps(dict(sorted(files.items())), indent=1) + "\n")


def pytest_collection_modifyitems(config, items):
    """Keep the items of this run's part, when one is set (``_SLOW_MARKERS``); fast first."""
    stage = os.environ.get("CLAIMSCOPE_TEST_STAGE", "")
    if stage in {"fast", "rest"}:
        keep = [item for item in items if _is_fast(item) == (stage == "fast")]
        dropped = [item for item in items if _is_fast(item) != (stage == "fast")]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep
    _order(config, items)


def _run_folder(tmp_path_factory) -> Path:
    """The temporary folder of this whole run (under pytest-xdist, the one around the workers')."""
    shared = tmp_path_factory.getbasetemp()
    return shared.parent if os.environ.get("PYTEST_XDIST_WORKER") else shared


def _build_once(shared: Path, name: str, **options) -> Path:
    """Build reports into ``shared/name`` once per run, whichever worker asks first.

    The first to ask builds under a lock, the others wait and reuse the folder. Tests only read
    it, or copy it (``built_copy``) before they change anything.
    """
    import fcntl

    from claimscope.build import build_reports

    out, done = shared / name, shared / f"{name}.built"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.is_file():
            result = build_reports(output_dir=out, quiet=True, **options)
            assert result.exit_code == 0, [r.error for r in result.results if r.error]
            done.touch()
    return out


@pytest.fixture(scope="session")
def replay_store(tmp_path_factory) -> Path:
    """The folder where this run keeps each notebook's replay at each date, for every worker."""
    folder = _run_folder(tmp_path_factory) / "replays"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The default reports and their index, built once per run (browser and page tests)."""
    return _build_once(_run_folder(tmp_path_factory), "shared-site")


@pytest.fixture(scope="session")
def opened(chromium, site):
    """``opened(name, screen)``: page ``name`` of the built site open at ``page_checks.SCREENS``.

    One visit per page and size for this worker's whole run (each visit draws every chart
    again, a second or two a page), shared by every check that only reads what a reader first
    sees: charts, labels, contrast, findings, links, errors. A check that clicks, scrolls,
    resizes or prints opens the page for itself.
    """
    from browser import pages_kept_open
    from page_checks import SCREENS

    with pages_kept_open(chromium) as open_at:
        yield lambda name, screen="desktop": open_at(site / f"{name}.html", SCREENS[screen])


@pytest.fixture
def two_reports(tmp_path) -> Path:
    """A reports.yaml of two reports of the quick fixture notebook, with other parameters."""
    from helpers import write_config

    return write_config(
        tmp_path / "reports.yaml",
        [
            {"name": "alpha", "notebook": "ok.ipynb", "parameters": {"bars": 2}},
            {"name": "beta", "notebook": "ok.ipynb", "parameters": {"bars": 5, "label": "b"}},
        ],
    )


@pytest.fixture
def built_copy(tmp_path_factory, tmp_path):
    """Give a test ``tmp_path/out``: its own copy of a build of a reports.yaml, made once per run.

    For tests about what a later build does to earlier output: the first build is the same for
    every test with the same config and options, so the run makes it once. The config file's
    text (its notebooks and parameters) and the options name the build; the copy keeps hidden
    files (manifest, lock file), so the next build finds what the first left.
    """
    import hashlib

    shared = _run_folder(tmp_path_factory)

    def copy(config: Path, **options) -> Path:
        recipe = config.read_text(encoding="utf-8") + repr(sorted(options.items()))
        name = f"shared-build-{hashlib.sha256(recipe.encode()).hexdigest()[:16]}"
        built = _build_once(shared, name, config=config, **options)
        return Path(shutil.copytree(built, tmp_path / "out", symlinks=True))

    return copy


_worker_parent: dict = {}


@contextlib.contextmanager
def _worker_warm_kernels(original, data_dir, notebooks):
    """``pool.warm_kernels`` in tests: a build forks its kernels from one warm parent per test
    worker, instead of starting one per build.

    A build's kernels are forked exactly as from a parent of its own, and its spare kernels
    still go when it ends; only the parent's start (about a second of imports and loading,
    some ninety times a run) is shared. The parent preloaded ``data/`` as it was at its start;
    a kernel uses that only for the same bytes (``load_dataset`` compares the content hash), so
    a build on other data loads its own, as a plain kernel does. Builds with warm kernels off,
    a preview's or a cluster worker's kept parent, and the tests about the pool itself
    (``own_warm_parent`` mark) take the product's path unchanged.
    """
    from claimscope.build import kernel, pool
    from claimscope.data.paths import NOTEBOOKS_DIR

    if not pool.enabled() or pool._kept.get("parent") is not None:
        with original(data_dir, notebooks) as parent:
            yield parent
        return
    parent = _worker_parent.get("parent")
    if parent is None or parent.broken or parent.process.poll() is not None:
        if parent is not None:
            parent.close()
        parent = pool.WarmParent(DATA_DIR, sorted(NOTEBOOKS_DIR.glob("*.ipynb")))
        _worker_parent["parent"] = parent
    try:
        with pool.forking_from(parent):
            yield parent
    finally:
        kernel.discard_spares(parent)  # as the build's end would; the parent stays


@pytest.fixture(autouse=True)
def _one_warm_parent_per_worker(request, monkeypatch):
    """Builds share this worker's warm parent (:func:`_worker_warm_kernels`)."""
    marked = request.node.get_closest_marker
    if not any(marked(m) for m in _SLOW_MARKERS) or marked("own_warm_parent"):  # fast: no build
        yield
        return
    from claimscope.build import pool

    original = pool.warm_kernels
    monkeypatch.setattr(
        pool,
        "warm_kernels",
        lambda data_dir, notebooks: _worker_warm_kernels(original, data_dir, notebooks),
    )
    yield


@pytest.fixture(scope="session", autouse=True)
def _close_the_worker_parent():
    yield
    parent = _worker_parent.pop("parent", None)
    if parent is not None:
        parent.close()


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
