"""A cluster build never waits for ever: every wait has a deadline, and a stop is prompt.

The deadlines are set small through their environment variables, so each test ends by the
rule under test (a deadline, a signal), never by how fast the machine is.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cluster import LocalCluster
from helpers import snapshot
from test_build import FIXTURES, write_config

from claimscope.build import BuildInputError, build_reports
from claimscope.build.cluster_wait import ClusterDeadlines
from claimscope.build.outputs import LOCK_NAME
from claimscope.cli import main
from claimscope.data.paths import PROJECT_ROOT

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "value", ["0", "-5", "soon", "nan", "inf"], ids=["zero", "negative", "word", "nan", "inf"]
)
def test_a_deadline_that_is_not_a_positive_number_of_seconds_is_one_line(value):
    with pytest.raises(BuildInputError) as caught:
        ClusterDeadlines.from_environment({"CLAIMSCOPE_DASK_MARGIN_S": value})
    (problem,) = caught.value.problems
    assert problem.startswith("CLAIMSCOPE_DASK_MARGIN_S=") and "positive number" in problem


def test_a_bad_deadline_is_refused_before_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMSCOPE_DASK_NO_WORKER_S", "-1")
    config = write_config(tmp_path / "r.yaml", [{"name": "a", "notebook": "ok.ipynb"}])
    with pytest.raises(BuildInputError, match="CLAIMSCOPE_DASK_NO_WORKER_S"):
        build_reports(config=config, output_dir=tmp_path / "out", scheduler="tcp://127.0.0.1:1")
    assert not (tmp_path / "out").exists()


class _Silent:
    """A TCP port that accepts every connection and never sends a byte."""

    def __init__(self, answer: bytes = b""):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.answer = answer
        self.held: list[socket.socket] = []
        self.address = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.held.append(connection)
            if self.answer:
                connection.sendall(self.answer)

    def close(self) -> None:
        self.server.close()
        for connection in self.held:
            connection.close()


@pytest.mark.parametrize(
    "answer",
    [b"", b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", b"\x00" * 64],
    ids=["never-answers", "http", "garbage"],
)
@pytest.mark.parametrize("before", ["no-folder", "earlier-reports"])
def test_a_port_that_is_not_a_dask_scheduler_writes_nothing(
    tmp_path, monkeypatch, capsys, answer, before
):
    monkeypatch.setenv("CLAIMSCOPE_DASK_CONNECT_S", "1")
    config = write_config(tmp_path / "r.yaml", [{"name": "a", "notebook": "ok.ipynb"}])
    out = tmp_path / "out"
    if before == "earlier-reports":
        out.mkdir()
        (out / "a.html").write_text("<p>the last good page</p>")
        (out / "index.html").write_text("<p>the last good index</p>")
    kept = snapshot(out) if out.exists() else None
    port = _Silent(answer)
    try:
        status = main(
            ["build", "--config", str(config), "--output", str(out), "--scheduler", port.address]
        )
    finally:
        port.close()
    err = capsys.readouterr().err.splitlines()
    assert status == 2
    assert err[0].startswith(f"cannot reach the Dask scheduler at {port.address}: "), err
    assert len(err) == 2 and err[1].startswith("nothing built"), err
    if kept is None:
        assert not out.exists()
    else:
        assert snapshot(out) == kept  # no lock file either


def _lock_is_free(out: Path) -> bool:
    with open(out / LOCK_NAME, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def test_the_only_worker_dying_mid_report_fails_it_and_the_index_says_so(tmp_path, monkeypatch):
    # No nanny: the killed worker is not restarted, so the retry never finds a worker.
    monkeypatch.setenv("CLAIMSCOPE_DASK_NO_WORKER_S", "2")
    out = tmp_path / "out"
    marker = tmp_path / "marker"
    marker.touch()  # the first, local build survives
    entry = {"name": "dies", "notebook": "kills_worker.ipynb"}
    config = write_config(tmp_path / "r.yaml", [{**entry, "parameters": {"marker": str(marker)}}])
    assert build_reports(config=config, output_dir=out, quiet=True).exit_code == 0
    good = (out / "dies.html").read_bytes()
    write_config(config, [{**entry, "parameters": {"marker": str(marker), "always": True}}])
    with LocalCluster(tmp_path / "cluster", workers=1, nanny=False) as cluster:
        result = build_reports(config=config, output_dir=out, quiet=True, scheduler=cluster.address)
    (failed,) = result.results
    assert failed.status == "failed"
    assert "the cluster had no running Dask worker for 2 s" in failed.error
    assert result.exit_code == 1
    assert (out / "dies.html").read_bytes() == good
    assert "STALE: last build failed" in (out / "index.html").read_text(encoding="utf-8")
    assert _lock_is_free(out)


@pytest.mark.parametrize("busy", [False, True], ids=["stuck-report", "busy-worker"])
def test_a_report_past_its_deadline_on_the_cluster_fails_alone(tmp_path, monkeypatch, busy):
    """Stuck: it started and outlives its own limit. Busy: no worker ever starts it."""
    from distributed import Client

    from claimscope.build import kernel

    # The client's limits only: with no grace, a cell's second is a report's second per cell,
    # well before the worker's own watchdog (15 s more per cell) ends the report.
    monkeypatch.setattr(kernel, "TIMEOUT_GRACE_S", 0)
    monkeypatch.setenv("CLAIMSCOPE_DASK_MARGIN_S", "1")
    notebook = "ok.ipynb" if busy else "ignores_interrupt.ipynb"
    config = write_config(tmp_path / "r.yaml", [{"name": "a", "notebook": notebook}])
    with LocalCluster(tmp_path / "cluster", workers=1) as cluster:
        with Client(cluster.address, set_as_default=False) as other:
            held = other.submit(time.sleep, 3600, pure=False) if busy else None
            result = build_reports(
                config=config,
                output_dir=tmp_path / "out",
                quiet=True,
                timeout=1,
                scheduler=cluster.address,
            )
            del held
    (failed,) = result.results
    assert failed.status == "failed"
    limit = kernel.time_limit(FIXTURES / notebook, 1)
    if busy:
        assert f"no worker started it, nor any other report, for {limit + 1:g} s" in failed.error
    else:
        assert f"no result within {limit + 1:g} s of starting on a worker" in failed.error
    assert "FAILED: never built" in (tmp_path / "out" / "index.html").read_text()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_a_build_whose_cluster_runs_nothing(tmp_path, built_copy, signum):
    from distributed import Client

    config = write_config(tmp_path / "r.yaml", [{"name": "a", "notebook": "ok.ipynb"}])
    out = built_copy(config)
    pages = {name: (out / name).read_bytes() for name in ("a.html", "a.ipynb")}
    # Every deadline far away: only the signal can end this build soon.
    far = {name: "3600" for name in ("CLAIMSCOPE_DASK_NO_WORKER_S", "CLAIMSCOPE_DASK_MARGIN_S")}
    with LocalCluster(tmp_path / "cluster", workers=1) as cluster:
        with Client(cluster.address, set_as_default=False) as other:
            busy = other.submit(time.sleep, 3600, pure=False)  # the worker's only thread
            build = subprocess.Popen(
                [sys.executable, "-m", "claimscope.cli", "build", "--force"]
                + ["--config", str(config), "--output", str(out), "--scheduler", cluster.address],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=PROJECT_ROOT,
                env={**os.environ, **far},
            )
            try:
                for line in build.stdout:  # the build waits on the cluster from here
                    if "a: sent to" in line:
                        break
                build.send_signal(signum)
                stdout, stderr = build.communicate(timeout=120)
            finally:
                build.kill()
            busy.release()
    name = signal.Signals(signum).name
    assert build.returncode == 1, stderr
    assert f"report 'a' failed on the cluster: the build received {name}" in stderr
    assert "Traceback" not in stderr
    assert {name: (out / name).read_bytes() for name in pages} == pages
    assert "STALE: last build failed" in (out / "index.html").read_text(encoding="utf-8")
    assert _lock_is_free(out)


def test_the_readme_gives_each_deadline_its_default():
    from dataclasses import fields

    from claimscope.build.cluster_wait import _ENVIRONMENT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    defaults = ClusterDeadlines()
    for field in fields(ClusterDeadlines):
        row = f"| `{_ENVIRONMENT[field.name]}` | {getattr(defaults, field.name):g} |"
        assert row in readme, row
