"""Every lock wait has a deadline and a way out: the build's output lock and the dataset lock.

A run that finds another holding the lock says once whom it waits for, gives up at the deadline
(``CLAIMSCOPE_LOCK_WAIT_S``, exit 2) and stops on SIGTERM or SIGINT (exit 1); either way it
writes nothing and the holder goes on. Deadlines here are small; no test measures time.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from curate_package import curate_package
from helpers import snapshot
from test_build import write_config

from claimscope.build import build_reports, kernel, outputs, preview
from claimscope.cli import main
from claimscope.data import locks, transaction
from claimscope.data.paths import DATA_DIR, PROJECT_ROOT

pytestmark = pytest.mark.integration


@pytest.fixture
def built(tmp_path, built_copy) -> tuple[Path, Path]:
    """A config of one report and the output folder of its first, good build (a copy)."""
    config = write_config(tmp_path / "r.yaml", [{"name": "alpha", "notebook": "ok.ipynb"}])
    return config, built_copy(config)


def _held(lock_file: Path):
    """Hold ``lock_file`` as a run of claimscope does (its pid written in it)."""
    handle = open(lock_file, "a+")  # noqa: SIM115 - closed by the caller's ``with``
    return handle, locks.hold_lock(handle, "the test")


def _is_free(lock_file: Path) -> bool:
    with open(lock_file, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _start(*argv: str, wait_s: str = "600") -> tuple[subprocess.Popen, list[str]]:
    """Start ``claimscope ARGV``; return it and the list its stderr lines fill."""
    process = subprocess.Popen(
        [sys.executable, "-m", "claimscope.cli", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, locks.LOCK_WAIT_VARIABLE: wait_s},
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True).start()
    return process, lines


def _stop_while_waiting(process: subprocess.Popen, lines: list[str], signum: int) -> str:
    """Send ``signum`` once ``process`` says it waits; return its stderr after it ends."""
    seen = threading.Event()
    while not any("waiting for" in line for line in lines) and process.poll() is None:
        seen.wait(0.1)
    assert process.poll() is None, lines
    process.send_signal(signum)
    try:
        assert process.wait(timeout=60) == 1, lines
    finally:
        process.kill()
    seen.wait(0.3)  # the reader thread takes the last lines
    return "".join(lines)


# --- the build's output lock ---------------------------------------------------------------


def test_a_second_build_gives_up_at_the_deadline_and_writes_nothing(built, capsys, monkeypatch):
    config, out = built
    monkeypatch.setenv(locks.LOCK_WAIT_VARIABLE, "0.3")
    handle, holding = _held(out / outputs.LOCK_NAME)
    with handle, holding:
        before = snapshot(out)
        status = main(["build", "--config", str(config), "--output", str(out), "--force"])
        assert snapshot(out) == before
    err = capsys.readouterr().err.splitlines()
    assert status == 2
    lock = out / outputs.LOCK_NAME
    holder = f"another build of {out} (pid {os.getpid()}), which holds {lock}"
    assert err == [
        f"waiting for {holder} (at most 0.3 s)",
        f"gave up after 0.3 s waiting for {holder}; nothing was written: run again once it "
        f"has finished, or set {locks.LOCK_WAIT_VARIABLE} to wait longer",
    ]
    assert (out / outputs.LOCK_NAME).read_text() == ""  # a lock at rest names nobody


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_a_build_waiting_for_the_lock(built, signum):
    config, out = built
    lock = out / outputs.LOCK_NAME
    handle, holding = _held(lock)
    with handle, holding:
        (out / "alpha.html").write_text("the holder's new page")  # its work in progress
        before = snapshot(out)
        process, lines = _start("build", "--config", str(config), "--output", str(out), "--force")
        err = _stop_while_waiting(process, lines, signum)
        assert snapshot(out) == before
        assert not _is_free(lock)  # the holder still holds it
    name = signal.Signals(signum).name
    assert f"waiting for another build of {out} (pid {os.getpid()})" in err
    assert f"received {name}; nothing was written" in err
    assert "Traceback" not in err
    assert (out / "alpha.html").read_text() == "the holder's new page"


def test_a_build_in_another_thread_stops_when_the_build_is_stopped(built, capsys):
    """A preview's rebuild runs off the main thread: the stop it gets is the kernels' stop."""
    config, out = built
    failures: list[BaseException] = []

    def build() -> None:
        try:
            build_reports(config=config, output_dir=out, quiet=True, force=True)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            failures.append(exc)

    handle, holding = _held(out / outputs.LOCK_NAME)
    with handle, holding:
        before = snapshot(out)
        worker = threading.Thread(target=build)
        worker.start()
        said = ""
        while worker.is_alive() and "waiting for" not in said:  # the build's start allows
            said += capsys.readouterr().err  # kernels again: stop it once it waits
            worker.join(0.1)
        kernel.stop_kernels("the preview stopped")
        worker.join(timeout=120)
        kernel.allow_kernels()
        assert snapshot(out) == before
    (failure,) = failures
    assert isinstance(failure, locks.LockWaitStopped)
    assert "the preview stopped; nothing was written" in str(failure)


def test_a_preview_shows_the_lock_it_gave_up_on_as_its_problem(built, monkeypatch):
    config, out = built
    monkeypatch.setenv(locks.LOCK_WAIT_VARIABLE, "0.3")
    shown = preview.Preview(out, config, DATA_DIR, say=lambda _: None)
    handle, holding = _held(out / outputs.LOCK_NAME)
    with handle, holding:
        before = snapshot(out)
        shown.rebuild()
        assert snapshot(out) == before
    problems, is_shown = shown.status("alpha")
    assert is_shown and len(problems) == 1
    assert problems[0].startswith(f"gave up after 0.3 s waiting for another build of {out}")
    assert not shown.stop.is_set()


def test_a_wrong_deadline_is_refused_before_the_output_folder_is_made(built, capsys, monkeypatch):
    config, out = built
    monkeypatch.setenv(locks.LOCK_WAIT_VARIABLE, "-1")
    fresh = out.parent / "fresh"
    assert main(["build", "--config", str(config), "--output", str(fresh), "--force"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{locks.LOCK_WAIT_VARIABLE}='-1': give a positive number of seconds"
    ]
    assert not fresh.exists()


# --- the dataset lock of the writing commands ------------------------------------------------


@pytest.fixture
def package(tmp_path) -> Path:
    package = curate_package(tmp_path)
    (tmp_path / "other.txt").write_text("Russia denied the reports on 7 November 2024.\n")
    return package


def _add_document(package: Path) -> list[str]:
    other = str(package.parent / "other.txt")
    return ["add-document", other, "--title", "Other", "--published-on", "2024-11-08",
            "--data-dir", str(package)]  # fmt: skip


def test_a_writing_command_gives_up_at_the_deadline_and_writes_nothing(package):
    before = snapshot(package)
    with transaction.dataset_lock(package):
        process, lines = _start(*_add_document(package), wait_s="0.3")
        assert process.wait(timeout=120) == 2
    threading.Event().wait(0.3)  # the reader thread takes the last lines
    lock = transaction.lock_path(package)
    holder = f"another claimscope command writing to {package} (pid {os.getpid()})"
    assert lines == [
        f"waiting for {holder}, which holds {lock} (at most 0.3 s)\n",
        f"gave up after 0.3 s waiting for {holder}, which holds {lock}; nothing was written: "
        f"run again once it has finished, or set {locks.LOCK_WAIT_VARIABLE} to wait longer\n",
    ]
    assert snapshot(package) == before


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_a_writing_command_waiting_for_the_lock(package, signum):
    before = snapshot(package)
    with transaction.dataset_lock(package):
        transaction.commit(package, {"notes.txt": b"the holder's write"})
        after = snapshot(package)
        process, lines = _start(*_add_document(package))
        err = _stop_while_waiting(process, lines, signum)
        assert snapshot(package) == after
        assert not _is_free(transaction.lock_path(package))
    assert after != before and snapshot(package) == after
    assert f"received {signal.Signals(signum).name}; nothing was written" in err
    assert "Traceback" not in err
