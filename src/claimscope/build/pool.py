"""Warm report kernels: forked, one per report, from a parent with imports and dataset loaded.

A build starts one warm parent (:mod:`claimscope.build.forkserver`) while it validates the
data; the parent imports pandas, plotly, networkx, IPython and every module the notebooks
import, and loads the dataset. Each report's kernel is then a fork of it: a fresh process
that starts in a few hundredths of a second with all of that already done, runs one report
and exits, so no state passes between reports. Everything else about a kernel is as before:
the same connection file, watchdog, timeout, interrupt, kill and retry
(:mod:`claimscope.build.kernel`). When the parent is not ready in time, dies, or cannot fork,
the kernel starts the plain way instead.

``CLAIMSCOPE_WARM_KERNELS=0`` turns this off (every kernel starts the plain way). A cluster
worker keeps a warm parent of its own for its life (:func:`keep_warm`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

#: Seconds a kernel waits for the warm parent to be ready before starting the plain way.
READY_DEADLINE_S = 90
#: Seconds a ready parent has to answer one fork.
FORK_DEADLINE_S = 10
ENV_SWITCH = "CLAIMSCOPE_WARM_KERNELS"
_LAUNCHER = "ipykernel_launcher"


def enabled() -> bool:
    """Whether builds fork their kernels from a warm parent (``CLAIMSCOPE_WARM_KERNELS``)."""
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in {"0", "no", "false", "off"}


def _kernel_python() -> list[str]:
    """The interpreter and flags of the ``claimscope`` kernel, without ``-m ipykernel_launcher``."""
    from jupyter_client.kernelspec import KernelSpecManager

    from claimscope.data.paths import KERNEL_NAME

    argv = KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv
    return argv[: argv.index("-m")] if "-m" in argv else argv[:1]


class WarmParent:
    """A running fork server and the socket to it; see the module docstring."""

    def __init__(self, data_dir: Path, notebooks: list[Path]):
        self.data_dir = Path(data_dir)
        ours, theirs = socket.socketpair()
        command = [*_kernel_python(), "-m", "claimscope.build.forkserver", str(theirs.fileno())]
        command += [str(self.data_dir), *sorted({str(n) for n in notebooks})]
        try:
            self.process = subprocess.Popen(
                command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL
            )
        finally:
            theirs.close()
        self.channel = ours
        self.reader = ours.makefile("rb")
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.ready: dict | None = None
        self.broken = False
        self.forks = 0

    def _read(self, seconds: float) -> dict:
        self.channel.settimeout(max(0.1, seconds))
        line = self.reader.readline()
        if not line:
            raise OSError("the warm kernel parent exited")
        return json.loads(line)

    def wait_ready(self, seconds: float = READY_DEADLINE_S) -> bool:
        """Wait (up to ``seconds`` since the parent started) until it has warmed up."""
        with self.lock:
            return self._wait_ready(seconds)

    def _wait_ready(self, seconds: float) -> bool:
        if self.ready is None and not self.broken:
            try:
                self.ready = self._read(seconds - (time.monotonic() - self.started))
            except (OSError, ValueError):
                self._break()
        return not self.broken

    def fork(self, argv: list[str], env: dict, cwd: str) -> int | None:
        """Fork a kernel running ``ipykernel_launcher ARGV``; None when the parent cannot."""
        with self.lock:
            if not self._wait_ready(READY_DEADLINE_S):
                return None
            request = {"argv": argv, "env": dict(env), "cwd": str(cwd)}
            try:
                self.channel.settimeout(FORK_DEADLINE_S)
                self.channel.sendall(json.dumps(request).encode() + b"\n")
                pid = int(self._read(FORK_DEADLINE_S)["pid"])
            except (OSError, ValueError, KeyError, TypeError):
                self._break()
                return None
            self.forks += 1
            return pid

    def _break(self) -> None:
        self.broken = True
        with contextlib.suppress(OSError):
            self.process.kill()

    def close(self) -> None:
        """Stop the parent (kernels it forked notice and exit when they finish).

        A parent still warming up is killed: it has forked nothing, and a build that stops
        early (bad data) should not wait for its imports to finish.
        """
        if self.ready is None:
            with contextlib.suppress(OSError):
                self.process.kill()
        with contextlib.suppress(OSError):
            self.reader.close()
            self.channel.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ForkedProcess:
    """The few ``Popen`` methods jupyter_client uses, for a kernel forked by the warm parent.

    The warm parent, not the build, is the kernel's parent, and the system reaps it; so the
    kernel is alive while its pid can be signalled.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """Return the exit code, or None while the kernel runs."""
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -signal.SIGKILL
            except PermissionError:  # the pid went to someone else's process: ours is gone
                self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the kernel has exited (polling: it is not this process's child)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Signal the kernel, unless it is gone."""
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        """Kill the kernel."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Ask the kernel to stop."""
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Start the kernel as a fork of the warm parent; the plain way when that cannot be done."""

    warm_parent: WarmParent | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        """Fork the kernel from the warm parent; start it the plain way when that fails."""
        parent = self.warm_parent
        if parent is None or _LAUNCHER not in cmd:
            return await super().launch_kernel(cmd, **kwargs)
        argv = cmd[cmd.index(_LAUNCHER) + 1 :]
        cwd = str(kwargs.get("cwd") or Path.cwd())
        pid = parent.fork(argv, kwargs.get("env") or dict(os.environ), cwd)
        if pid is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid  # the child made itself a process group
        self.cwd = cwd
        return self.connection_info


_active: list[WarmParent] = []
_active_lock = threading.Lock()


def active_parent() -> WarmParent | None:
    """The warm parent new kernels fork from now, or None (they start the plain way)."""
    with _active_lock:
        parent = _active[-1] if _active else None
    return None if parent is None or parent.broken else parent


def attach(manager) -> bool:
    """Make ``manager`` (a kernel manager about to start) fork from the active warm parent."""
    parent = active_parent()
    if parent is None:
        return False
    import uuid

    manager.kernel_id = manager.kernel_id or str(uuid.uuid4())
    provisioner = ForkProvisioner(
        kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec, parent=manager
    )
    provisioner.warm_parent = parent
    manager.provisioner = provisioner
    return True


@contextlib.contextmanager
def warm_kernels(data_dir: Path, notebooks: list[Path]) -> Iterator[WarmParent | None]:
    """Keep a warm parent for ``notebooks`` on ``data_dir`` while the block runs (a build)."""
    if not enabled():
        yield None
        return
    with _active_lock:
        kept = _kept.get("parent")
    if kept is not None and not kept.broken:  # a preview's or a worker's long-lived parent
        yield kept
        return
    parent = WarmParent(data_dir, notebooks)
    try:
        with forking_from(parent):
            yield parent
    finally:
        _close(parent)


@contextlib.contextmanager
def forking_from(parent: WarmParent) -> Iterator[WarmParent]:
    """New kernels fork from ``parent`` while the block runs; stopping it is the caller's."""
    with _active_lock:
        _active.append(parent)
    try:
        yield parent
    finally:
        with _active_lock:
            _active.remove(parent)


def _close(parent: WarmParent) -> None:
    """Stop ``parent`` and the spare kernels forked from it."""
    from claimscope.build import kernel

    parent.close()  # first: a spare still waiting for a fork is refused at once
    kernel.discard_spares(parent)


_kept: dict[str, Any] = {}


def keep_warm(data_dir: Path, notebooks: list[Path]) -> None:
    """Keep a warm parent for this process's life (a cluster worker), renewed on new data.

    The parent is replaced when the dataset's content hash changes, so its preloaded dataset
    is the one the next reports read.
    """
    if not enabled():
        return
    from claimscope.data.files import dataset_version

    version = dataset_version(Path(data_dir))
    with _active_lock:
        old = _kept.get("parent")
        if old is not None and _kept.get("version") == version and not old.broken:
            return
        parent = WarmParent(data_dir, notebooks)
        _kept.update(parent=parent, version=version)
        if old is not None and old in _active:
            _active.remove(old)
        _active.insert(0, parent)
    if old is not None:
        _close(old)
    from claimscope.build import kernel

    for folder in sorted({Path(n).parent for n in notebooks}):
        kernel.prestart(folder)  # the first report's kernel, up before it is asked for


def is_kept(parent: WarmParent | None) -> bool:
    """Whether ``parent`` is the one :func:`keep_warm` keeps for the process's life."""
    with _active_lock:
        return parent is not None and _kept.get("parent") is parent


def release_kept() -> None:
    """Stop the parent :func:`keep_warm` keeps, if any (a preview ends)."""
    with _active_lock:
        old = _kept.pop("parent", None)
        _kept.pop("version", None)
        if old is not None and old in _active:
            _active.remove(old)
    if old is not None:
        _close(old)
