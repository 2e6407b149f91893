"""Run one notebook in a fresh kernel under a watchdog, and describe how it failed."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import threading
import uuid
from pathlib import Path

from claimscope.data.paths import KERNEL_NAME

INJECTED_TAG = "injected-parameters"
# Seconds a cell past its time limit gets to answer the interrupt before its report fails, and
# the time allowed for the kernel to report it stopped (nbclient waits up to 4 s for output).
TIMEOUT_GRACE_S = 15
# Connection and socket files are named after the build's process, so a later build can tell
# which ones a dead build left behind.
_CONNECTION = re.compile(r"claimscope-(\d+)-[0-9a-f]{12}")
_running: set = set()
_running_lock = threading.Lock()
_stop_reason: list[str] = []


class StoppedError(Exception):
    """The build stopped a report's kernel on purpose (a cell past its limit, or a SIGTERM).

    Not an infrastructure fault: the report fails once and is not retried.
    """


def stop_kernels(reason: str) -> None:
    """Stop every running report kernel, and start no more, until :func:`allow_kernels`."""
    with _running_lock:
        _stop_reason[:] = [reason]
        kernels = list(_running)
    for kernel in kernels:
        _kill(kernel)
    discard_spares(wait=False)


def allow_kernels() -> None:
    """Let kernels start again (a new build begins)."""
    with _running_lock:
        _stop_reason.clear()


def stop_reason() -> str:
    """Why :func:`stop_kernels` stopped the build, or ``""`` while it runs on.

    Waits that are not on a local kernel (a cluster's reports) check this to stop too.
    """
    with _running_lock:
        return _stop_reason[0] if _stop_reason else ""


def time_limit(notebook: Path, timeout: int) -> float:
    """The most seconds one run of ``notebook`` may take: each code cell's limit, plus one.

    Every cell gets ``timeout`` and the grace after it; the extra share covers a kernel stuck
    outside any cell (starting, or not answering at all).
    """
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    return (timeout + TIMEOUT_GRACE_S) * (sum(c.get("cell_type") == "code" for c in cells) + 1)


def remove_stale_connection_files(runtime: Path | None = None) -> list[Path]:
    """Delete the kernel connection and socket files of builds whose process is gone."""
    if runtime is None:
        from jupyter_core.paths import jupyter_runtime_dir

        runtime = Path(jupyter_runtime_dir())
    removed = []
    for path in runtime.glob("claimscope-*"):
        match = _CONNECTION.match(path.name)
        if match and not _is_alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def import_papermill():
    """Import papermill without the optional grammar compilation it does not need."""
    # jsonschema (papermill -> nbformat -> jsonschema) imports the optional rfc3987_syntax
    # when installed, which compiles dozens of grammars (about 1.5 s here) only to check
    # "iri" formats that notebook validation never uses. Marking it absent skips that.
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill

    return papermill


def _kill(kernel) -> None:
    process = getattr(getattr(kernel, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()


def execute_notebook(notebook: Path, executed: Path, parameters: dict, timeout: int):
    """Execute ``notebook`` with ``parameters`` into ``executed``; ``timeout`` is per cell.

    Returns the executed notebook (as written to ``executed``).

    The kernel starts in the notebook's folder. A cell past ``timeout`` is interrupted and its
    report fails within :data:`TIMEOUT_GRACE_S` more seconds, even when the cell ignores the
    interrupt (the kernel is then killed), so a scheduled build never hangs.

    Raises:
        StoppedError: a cell ran past ``timeout``, or :func:`stop_kernels` was called.
    """
    papermill = import_papermill()
    from claimscope.build import engine

    kernel = _take_spare(notebook.parent) or _new_manager()
    timed_out = _flag_interrupts(kernel)
    # The backstop for a kernel stuck outside any cell (starting, or not answering at all).
    watchdog = threading.Timer(time_limit(notebook, timeout), _kill, args=(kernel,))
    watchdog.daemon = True
    with _running_lock:
        if _stop_reason:
            raise StoppedError(_stop_reason[0])
        _running.add(kernel)
    try:
        watchdog.start()
        return papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            # Not papermill's `cwd`: it changes the whole process's directory, which parallel
            # builds in threads would leave wrong. The kernel alone starts in the notebook's folder.
            resources={"metadata": {"path": str(notebook.parent)}},
            execution_timeout=timeout,
            progress_bar=False,
            engine_name=engine.ENGINE_NAME,  # writes the notebook at its start and end only
            log_output=False,
            report_mode=False,
            km=kernel,
            # On a timeout, interrupt the cell and fail it at once rather than wait for it to
            # answer: a cell that ignores the interrupt would otherwise be waited on forever.
            interrupt_on_timeout=True,
            error_on_timeout={"ename": "TimeoutError", "evalue": "", "traceback": []},
            # Once this kernel answers, the next report's kernel starts (while this one runs,
            # so that it is up when asked for; not sooner, to leave this one's start alone).
            on_notebook_start=lambda **_: prestart(notebook.parent),
        )
    except Exception as exc:
        if _stop_reason:
            raise StoppedError(_stop_reason[0]) from exc
        if timed_out.is_set() or not watchdog.is_alive():
            raise StoppedError(
                f"TimeoutError: the cell ran longer than the {timeout} s limit and was stopped"
            ) from exc
        raise
    finally:
        watchdog.cancel()
        with _running_lock:
            _running.discard(kernel)
        # nbclient leaves a kernel manager it was handed running; stop it and its socket files.
        _discard(kernel)


def _new_manager():
    """A kernel manager for one report: IPC sockets, forked from the warm parent when there is one.

    IPC sockets are files named after a unique connection file, so parallel kernels cannot
    race for TCP ports (the connection file must be set before the socket paths derive).
    The manager must be the async one: nbclient polls its channels concurrently, and a
    blocking client would wait on output forever and never notice a cell's timeout.
    """
    from jupyter_core.paths import jupyter_runtime_dir

    from claimscope.build import pool
    from claimscope.build.report_kernel import ReportKernelManager

    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    kernel = ReportKernelManager(
        kernel_name=KERNEL_NAME,
        transport="ipc",
        connection_file=str(runtime / f"claimscope-{os.getpid()}-{uuid.uuid4().hex[:12]}.json"),
    )
    pool.attach(kernel)  # forked from the build's warm parent, when it has one
    return kernel


def _discard(kernel) -> None:
    """Stop ``kernel`` if it runs, and delete its connection and socket files."""
    from jupyter_core.utils import run_sync

    try:
        if kernel.has_kernel:
            run_sync(kernel.shutdown_kernel)(now=True)
        run_sync(kernel.cleanup_resources)()
    finally:
        connection = Path(kernel.connection_file)
        for leftover in connection.parent.glob(connection.stem + "*"):
            leftover.unlink(missing_ok=True)


# Spare kernels: one started ahead per notebook folder, forked from the warm parent, so the next
# report (the next report of a build, or a preview's next rebuild) finds its kernel up and
# answering. A spare runs no code before its report, serves one report, and is thrown away
# when the environment or the warm parent it came from is no longer the one in use.
#: Seconds a spare kernel has to start and answer before it is given up.
SPARE_START_S = 15
_spares: dict[str, _Spare] = {}
_spares_lock = threading.Lock()
_starting: list[threading.Thread] = []  # spares being started
_queued = [0]  # reports of the running build whose kernel has not been asked for yet


def expect_reports(count: int) -> None:
    """Say that ``count`` more reports will ask for a kernel (a build's queue)."""
    with _spares_lock:
        _queued[0] = max(0, count)


def _spare_key(folder: Path) -> str:
    return json.dumps([str(folder), sorted(os.environ.items())])


class _Spare:
    """A spare kernel: being started until ``ready`` is set, then ``kernel`` (None if failed)."""

    def __init__(self, parent, folder: Path):
        self.parent = parent
        self.folder = folder
        self.kernel = None
        self.ready = threading.Event()
        self.wanted = True  # False once discarded


def prestart(folder: Path) -> None:
    """Start a spare kernel for ``folder`` in the background, when a warm parent is in use."""
    from claimscope.build import pool

    parent = pool.active_parent()
    key = _spare_key(folder)
    with _spares_lock:
        wanted = _queued[0] > 0 or pool.is_kept(parent)  # a next report is coming
        if parent is None or not wanted or key in _spares or _stop_reason:
            return
        spare = _spares[key] = _Spare(parent, folder)

    def start() -> None:
        from jupyter_core.utils import run_sync

        kernel = _new_manager()
        try:
            run_sync(kernel.start_kernel)(cwd=str(folder))
            client = kernel.client()
            client.start_channels()
            try:
                run_sync(client.wait_for_ready)(timeout=SPARE_START_S)
            finally:
                client.stop_channels()
        except Exception:  # noqa: BLE001 - no spare then; the report starts its own kernel
            with contextlib.suppress(Exception):
                _discard(kernel)
        else:
            with _spares_lock:
                wanted = spare.wanted
                spare.kernel = kernel if wanted else None
            if not wanted:  # discarded while it started
                _discard(kernel)
        finally:
            spare.ready.set()

    thread = threading.Thread(target=start, daemon=True)
    with _spares_lock:
        _starting.append(thread)
    thread.start()


def _take_spare(folder: Path):
    """The spare kernel for ``folder``, started and answering, or None.

    A spare still starting is waited for: it is further along than a kernel started now.
    """
    from claimscope.build import pool

    key = _spare_key(folder)
    with _spares_lock:
        _queued[0] = max(0, _queued[0] - 1)
        spare = _spares.pop(key, None)
        # A spare for this folder started under another environment serves nobody now.
        stale = [k for k, other in _spares.items() if other.folder == folder]
        stale = [_spares.pop(k) for k in stale]
    for other in stale:
        _drop(other)
    if spare is None or not spare.ready.wait(SPARE_START_S) or spare.kernel is None:
        return None
    kernel = spare.kernel
    alive = kernel.provisioner is not None and kernel.provisioner.process.poll() is None
    if alive and spare.parent is pool.active_parent() and not spare.parent.broken:
        return kernel
    _discard(kernel)
    return None


def discard_spares(parent=None, *, wait: bool = True) -> None:
    """Stop the spare kernels forked from ``parent`` (all with None): it or the build ends.

    A spare still starting stops itself once up; with ``wait`` this waits for that, so no
    kernel or connection file outlives the call. A stopped build does not wait.
    """
    with _spares_lock:
        ours = [k for k, spare in _spares.items() if parent is None or spare.parent is parent]
        spares = [_spares.pop(k) for k in ours]
        _starting[:] = [t for t in _starting if t.is_alive()]
        starting = list(_starting) if wait else []
    for spare in spares:
        _drop(spare)
    for thread in starting:
        thread.join(timeout=SPARE_START_S)


def _drop(spare: _Spare) -> None:
    """Stop ``spare``'s kernel, now or (when it is still starting) as soon as it is up."""
    with _spares_lock:
        spare.wanted = False
        kernel = spare.kernel
    if kernel is not None:
        with contextlib.suppress(Exception):
            _discard(kernel)


def _flag_interrupts(kernel) -> threading.Event:
    """Return an event set when the kernel is interrupted: the build does so only on a timeout."""
    interrupted = threading.Event()
    interrupt = kernel.interrupt_kernel

    async def flagged_interrupt():
        interrupted.set()
        return await interrupt()

    kernel.interrupt_kernel = flagged_interrupt
    return interrupted


def failed_cell(executed: Path) -> str:
    """Name the cell that failed, from papermill's bookkeeping in the executed notebook."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return "an unknown cell"
    # Number cells as in the report's own notebook: papermill's injected cell is not one of them.
    code_cells = [
        c
        for c in nb.cells
        if c.cell_type == "code" and INJECTED_TAG not in c.metadata.get("tags", [])
    ]
    numbered = list(enumerate(code_cells, start=1))
    failed = [
        (n, c)
        for n, c in numbered
        if c.metadata.get("papermill", {}).get("exception")
        or c.metadata.get("papermill", {}).get("status") == "running"
    ]
    # A cell stopped past its time limit is marked neither: it is the last one that started.
    started = [(n, c) for n, c in numbered if c.metadata.get("papermill", {}).get("start_time")]
    for number, cell in (failed or started[-1:])[:1]:
        first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
        return f"code cell {number} (`{first[:60]}`)"
    return "an unknown cell"


def describe_error(exc: BaseException, timeout: int, seconds: float) -> str:
    """Say what went wrong in one line: the exception's name and message, or the timeout."""
    if isinstance(exc, StoppedError):
        return str(exc)
    ename = getattr(exc, "ename", None) or type(exc).__name__
    timed_out = "CellTimeoutError" in type(exc).__name__ or (
        # The build interrupts a cell only when it runs past the limit; an interrupt before
        # the limit came from elsewhere and is reported as it is.
        ename == "KeyboardInterrupt" and seconds >= timeout
    )
    if timed_out:
        return f"TimeoutError: the cell ran longer than the {timeout} s limit and was interrupted"
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        lines = str(exc).strip().splitlines()
        evalue = lines[-1] if lines else ""
    return f"{ename}: {evalue}"


def is_infrastructure_error(exc: BaseException) -> bool:
    """Errors of the kernel machinery (port races, a kernel dying at start), worth one retry."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError | StoppedError) or "timed out" in str(exc).lower():
        return False
    names = {type(e).__name__ for e in (exc, exc.__cause__, exc.__context__) if e is not None}
    return (
        bool(names & {"DeadKernelError", "ZMQError", "RuntimeError", "TimeoutError", "OSError"})
        or "kernel" in str(exc).lower()
    )
