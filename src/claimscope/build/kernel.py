"""Run one notebook in a fresh kernel under a watchdog, and describe how it failed."""

from __future__ import annotations

import json
import sys
import threading
import uuid
from pathlib import Path

from claimscope.paths import KERNEL_NAME

INJECTED_TAG = "injected-parameters"


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


def execute_notebook(notebook: Path, executed: Path, parameters: dict, timeout: int) -> None:
    """Execute ``notebook`` with ``parameters`` into ``executed``; ``timeout`` is per cell.

    The kernel starts in the notebook's folder; a kernel that ignores the per-cell interrupt is
    killed by a watchdog, so a scheduled build never hangs.
    """
    papermill = import_papermill()
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir
    from jupyter_core.utils import run_sync

    # IPC sockets are files named after a unique connection file, so parallel kernels cannot
    # race for TCP ports (the connection file must be set before the socket paths derive).
    # The manager must be the async one: nbclient polls its channels concurrently, and a
    # blocking client would wait on output forever and never notice a cell's timeout.
    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    kernel = AsyncKernelManager(
        kernel_name=KERNEL_NAME,
        transport="ipc",
        connection_file=str(runtime / f"claimscope-{uuid.uuid4().hex}.json"),
    )
    # A kernel stuck in code that ignores the interrupt is killed: the report then fails as a
    # dead kernel instead of hanging the scheduled build.
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    limit = timeout * (sum(c.get("cell_type") == "code" for c in cells) + 1) + 60
    watchdog = threading.Timer(limit, _kill, args=(kernel,))
    watchdog.daemon = True
    try:
        watchdog.start()
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            # Not papermill's `cwd`: it changes the whole process's directory, which parallel
            # builds in threads would leave wrong. The kernel alone starts in the notebook's folder.
            resources={"metadata": {"path": str(notebook.parent)}},
            execution_timeout=timeout,
            progress_bar=False,
            log_output=False,
            report_mode=False,
            km=kernel,
            # On a timeout, interrupt the cell rather than wait for it to finish on its own.
            interrupt_on_timeout=True,
        )
    finally:
        watchdog.cancel()
        # nbclient leaves a kernel manager it was handed running; stop it and its socket files.
        if kernel.has_kernel:
            run_sync(kernel.shutdown_kernel)(now=True)
        run_sync(kernel.cleanup_resources)()
        for leftover in runtime.glob(Path(kernel.connection_file).stem + "*"):
            leftover.unlink(missing_ok=True)


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
    for number, cell in enumerate(code_cells, start=1):
        meta = cell.metadata.get("papermill", {})
        if meta.get("exception") or meta.get("status") == "running":
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            return f"code cell {number} (`{first[:60]}`)"
    return "an unknown cell"


def describe_error(exc: BaseException, timeout: int, seconds: float) -> str:
    """Say what went wrong in one line: the exception's name and message, or the timeout."""
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

    if isinstance(exc, PapermillExecutionError) or "timed out" in str(exc).lower():
        return False
    names = {type(e).__name__ for e in (exc, exc.__cause__, exc.__context__) if e is not None}
    return (
        bool(names & {"DeadKernelError", "ZMQError", "RuntimeError", "TimeoutError", "OSError"})
        or "kernel" in str(exc).lower()
    )
