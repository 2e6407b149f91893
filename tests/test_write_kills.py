"""Properties of the writing commands under kills and races: the package is before or after.

A run is killed at every step of its write (an injected exit between any two renames or
syncs) and by SIGKILL at random times; several runs go at once. After each, the package is
valid and byte-identical to the package before the run or after a complete one, and a retry
finishes the job.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from curate_package import NOTE, curate_package, review_propositions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_write_safety import _package_files

from claimscope.curate.accept import accept_claims
from claimscope.curate.add_document import add_document
from claimscope.curate.suggest import format_rows, suggest_claims
from claimscope.data import transaction
from claimscope.data.dataset import DatasetError, load_dataset, locate_offsets

OTHER = (
    "Update\n\nOn 8 November 2024 Ukraine said that 12,000 North Korean soldiers were in Russia.\n"
)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """The curation commands' tiny package (see curate_package)."""
    return curate_package(tmp_path)


@pytest.fixture
def template(package: Path, tmp_path: Path) -> Path:
    """A package with one added document, its reviewed rows, a second text and a claim to locate."""
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    add_document(note, title="Note", published_on="2024-11-06", data_dir=package)
    rows = review_propositions(suggest_claims("note", package))
    (tmp_path / "reviewed.csv").write_text(format_rows(rows, list(rows[0])), encoding="utf-8")
    (tmp_path / "other.txt").write_text(OTHER, encoding="utf-8")
    claims = package / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace(",0,20,", ",,,", 1), encoding="utf-8")  # offsets to locate
    assert ",,," in claims.read_text(encoding="utf-8")
    return package


def _command(name: str, data: Path):
    inputs = data.parent
    return {
        "add-document": lambda: add_document(
            inputs / "other.txt", title="Other", published_on="2024-11-08", data_dir=data
        ),
        "accept": lambda: accept_claims(inputs / "reviewed.csv", data),
        "locate": lambda: locate_offsets(data),
    }[name]


def _copy(template: Path, where: Path) -> Path:
    where.mkdir(exist_ok=True)
    for name in ("reviewed.csv", "other.txt"):
        shutil.copyfile(template.parent / name, where / name)
    shutil.copytree(template, where / "data")
    return where / "data"


_AFTER: dict[tuple[Path, str], dict[str, bytes]] = {}


def _after(template: Path, name: str, tmp_path_factory) -> dict[str, bytes]:
    """The package after a complete run of ``name`` on a copy of ``template``.

    The commands write no clock time, so one run per template and command serves every example.
    """
    if (template, name) not in _AFTER:
        done = _copy(template, tmp_path_factory.mktemp("done"))
        _command(name, done)()
        _AFTER[template, name] = _package_files(done)
    return _AFTER[template, name]


class _KillingOs:
    """``os`` for the transaction module, exiting the process at its ``kill_at``-th step."""

    def __init__(self, kill_at: int):
        self.left = kill_at

    def _step(self) -> None:
        if self.left == 0:
            os._exit(9)
        self.left -= 1

    def replace(self, *args):
        self._step()
        os.replace(*args)
        self._step()

    def fsync(self, fd):
        self._step()
        os.fsync(fd)

    def __getattr__(self, name):
        return getattr(os, name)


def _run_killed(name: str, data: Path, kill_at: int) -> int:
    """Run command ``name`` in a child process that dies at step ``kill_at``; its exit status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            transaction.os = _KillingOs(kill_at)
            _command(name, data)()
        except BaseException:  # noqa: BLE001
            code = 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(["add-document", "accept", "locate"]),
    kill_at=st.integers(min_value=0, max_value=14),
)
def test_a_run_killed_at_any_step_leaves_before_or_after(template, tmp_path_factory, name, kill_at):
    before = _package_files(template)
    after = _after(template, name, tmp_path_factory)
    assert after != before

    data = _copy(template, tmp_path_factory.mktemp("killed"))
    code = _run_killed(name, data, kill_at)
    assert code in (0, 9), code
    load_dataset(data)  # valid, and finishes a write killed after its commit point
    assert _package_files(data) in (before, after)
    try:  # a retry finishes the job, whatever the kill left
        _command(name, data)()
    except DatasetError as error:  # the first run had finished: the retry says so
        assert _package_files(data) == after, error.problems
    assert _package_files(data) == after
    assert not [p for p in data.rglob(".*") if p.is_file()]


def _cli(data: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "claimscope.cli", *args, "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _add_other(data: Path) -> subprocess.Popen:
    return _cli(
        data, "add-document", str(data.parent / "other.txt"), "--title", "Other",
        "--published-on", "2024-11-08",
    )  # fmt: skip


_RUN_SECONDS: dict[Path, float] = {}


def _run_seconds(template: Path, tmp_path_factory) -> float:
    """How long a complete ``add-document`` command takes here, start to exit (once a run)."""
    if template not in _RUN_SECONDS:
        data = _copy(template, tmp_path_factory.mktemp("timed"))
        started = time.monotonic()
        run = _add_other(data)
        _, err = run.communicate()
        _RUN_SECONDS[template] = time.monotonic() - started
        assert run.returncode == 0, err
    return _RUN_SECONDS[template]


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fraction=st.floats(min_value=0.0, max_value=1.0))
def test_add_document_killed_by_sigkill_at_a_random_time(template, tmp_path_factory, fraction):
    """Killed at a random point of a run as long as a complete one took here (not after it)."""
    before = _package_files(template)
    after = _after(template, "add-document", tmp_path_factory)
    delay = fraction * _run_seconds(template, tmp_path_factory)
    data = _copy(template, tmp_path_factory.mktemp("killed"))
    run = _add_other(data)
    time.sleep(delay)
    run.send_signal(signal.SIGKILL)
    run.communicate()
    load_dataset(data)
    assert _package_files(data) in (before, after)


def test_runs_at_once_take_turns_and_each_keeps_its_rows(template, tmp_path):
    data = template
    texts = []
    for i in range(3):
        text = tmp_path / f"extra{i}.txt"
        text.write_text(f"Extra {i}: Russia denied the reports on 7 November 2024.\n")
        texts.append(text)
    runs = [_cli(data, "suggest", "--accept", str(tmp_path / "reviewed.csv"))]
    runs += [
        _cli(data, "add-document", str(t), "--title", t.stem, "--published-on", "2024-11-08")
        for t in texts
    ]
    runs.append(_cli(data, "suggest", "--accept", str(tmp_path / "reviewed.csv")))
    results = [(run.wait(timeout=300), run.communicate()) for run in runs]
    codes = [code for code, _ in results]
    # Every document is kept; the reviewed file is accepted once and refused the second time.
    assert codes[1:4] == [0, 0, 0], results
    assert sorted(codes[::4]) == [0, 2], results
    dataset = load_dataset(data)
    assert {t.stem for t in texts} <= set(dataset.documents["doc_id"])
    assert (dataset.claims["doc_id"] == "note").sum() == 4
    orphans = {p.name for p in (data / "sources").iterdir()} - {
        Path(p).name for p in dataset.documents["path"]
    }
    assert not orphans
