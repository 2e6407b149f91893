"""Run a build's reports on a Dask distributed cluster: one task per report, no shared files.

``claimscope build --scheduler ADDRESS`` uses this instead of local kernels. Workers need
claimscope and its ``claimscope`` kernel installed, nothing else: each task carries its
notebook and parameters, the data package travels as a compressed tar (sent to the cluster
once, copied between workers as their tasks need it), and the task executes into a temporary
folder on the worker, handing the notebook its unpacked copy through the ``data_dir``
parameter. The executed notebook and the
HTML page come back to the client, which prints the page to PDF when the report asks for one
(workers need no browser), writes them atomically, records the manifest and renders the index
exactly as a local build does.

A worker that dies mid-report (its process killed, its machine gone) makes the scheduler run
that report once more on another worker; if that one dies too the report fails alone. For that
the client sets the scheduler's ``allowed-failures`` to 1 when it connects.

Every wait has a deadline (:mod:`~claimscope.build.cluster_wait`): connecting, a report's
result, a cluster with no worker left; a report given up on fails alone.

Only this module and :mod:`~claimscope.build.cluster_wait` import ``distributed``, and only
when ``--scheduler`` is given.
"""

from __future__ import annotations

import contextlib
import io
import tarfile
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.build import ReportResult, kernel
from claimscope.build.cluster_wait import ClusterDeadlines
from claimscope.build.config import DATA_DIR_PARAMETER, BuildInputError

if TYPE_CHECKING:
    from claimscope.build import ReportPlan
    from claimscope.data.dataset import Dataset

_SCHEMES = ("tcp://",)
# The scheduler reruns a task whose worker died this many times before giving up on it.
ALLOWED_WORKER_DEATHS = 1


def check_plans(plans: list[ReportPlan]) -> None:
    """Refuse, before anything runs, a report whose notebook cannot be handed the shipped data.

    Raises:
        BuildInputError: naming each report whose notebook declares no ``data_dir`` parameter.
    """
    problems = [
        f"report {plan.name!r}: {plan.spec.notebook.name} declares no `{DATA_DIR_PARAMETER}` "
        "parameter, so a cluster worker cannot hand it the data package (--scheduler)"
        for plan in plans
        if DATA_DIR_PARAMETER not in plan.declared
    ]
    if problems:
        raise BuildInputError(problems)


def pack_folder(folder: Path) -> bytes:
    """A folder's non-hidden files as gzip-compressed tar bytes, the same for the same content.

    >>> import tempfile; root = Path(tempfile.mkdtemp())
    >>> _ = (root / "a.csv").write_text("x"); (root / ".hidden").touch()
    >>> sorted(tarfile.open(fileobj=io.BytesIO(pack_folder(root))).getnames())
    ['a.csv']
    """
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as tar:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not any(p.startswith(".") for p in relative.parts):
                info = tarfile.TarInfo(relative.as_posix())
                info.size, info.mode, info.mtime = path.stat().st_size, 0o644, 0
                with open(path, "rb") as handle:
                    tar.addfile(info, handle)
    # The gzip header holds a timestamp; zero it so equal folders give equal bytes.
    packed = bytearray(buffer.getvalue())
    packed[4:8] = b"\0\0\0\0"
    return bytes(packed)


def run_report_task(
    plan: ReportPlan,
    notebook: bytes,
    data: bytes,
    timeout: int,
    provenance: list,
    as_of: str = "",
    started: str = "",
) -> tuple[ReportResult, bytes, str]:
    """On a worker: run one report in a temporary folder; return result, notebook and page.

    With ``started`` (a topic), the worker first tells the client this task has begun, which
    starts the clock of the report's deadline (:mod:`~claimscope.build.cluster_wait`).
    """
    from claimscope.build import pool, produce_report

    if started:
        from distributed import get_worker

        worker = get_worker()
        worker.log_event(started, worker.get_current_task())

    with tempfile.TemporaryDirectory(prefix="claimscope-task-") as tmp:
        root = Path(tmp)
        data_dir = root / "data"
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            tar.extractall(data_dir, filter="data")
        source = root / plan.spec.notebook.name
        source.write_bytes(notebook)
        executed = root / "executed" / source.name
        executed.parent.mkdir()
        parameters = {**plan.notebook_parameters, DATA_DIR_PARAMETER: str(data_dir)}
        pool.keep_warm(data_dir, [source])  # this worker's warm parent, as a local build's
        result, page = produce_report(
            plan, source, parameters, executed, timeout, provenance, as_of
        )
        return result, executed.read_bytes() if result.status == "built" else b"", page


def check_scheduler_address(scheduler: str) -> None:
    """Refuse, in one line and before anything is written, an address the build cannot use.

    Only ``tcp://HOST:PORT`` is supported (a ``tls://`` scheduler needs certificates the build
    cannot pass). Whether a Dask scheduler answers there is :func:`connect`'s to find out.

    Raises:
        BuildInputError: naming the address and what is wrong with it.
    """
    from urllib.parse import urlsplit

    where = f"--scheduler {scheduler!r}"
    if not scheduler.startswith(_SCHEMES):
        scheme = scheduler.split("://", 1)[0] + "://" if "://" in scheduler else "no scheme"
        raise BuildInputError(
            [f"{where}: {scheme} is not supported; give tcp://HOST:PORT (TLS is not supported)"]
        )
    try:
        parts = urlsplit(scheduler)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise BuildInputError([f"{where}: not an address HOST:PORT ({exc})"]) from exc
    if not host or port is None:
        raise BuildInputError([f"{where}: give the port too, e.g. tcp://{host or 'HOST'}:8786"])


def _set_allowed_failures(dask_scheduler) -> None:
    dask_scheduler.allowed_failures = ALLOWED_WORKER_DEATHS


@contextlib.contextmanager
def connect(scheduler: str, deadlines: ClusterDeadlines) -> Iterator:
    """A client of the scheduler at ``scheduler``, which has answered; closed on leaving.

    The whole of connecting happens here, within ``deadlines.connect_s``: the TCP connection,
    Dask's handshake and a first request the scheduler must answer. A build calls this before
    it creates the output folder or its lock, so a port that refuses, accepts and never
    answers, or speaks another protocol (HTTP) leaves nothing behind.

    Raises:
        BuildInputError: distributed is not installed, nothing answers as a Dask scheduler
            within the deadline, or the build was stopped meanwhile.
    """
    client = _connect(scheduler, deadlines.connect_s)
    try:
        yield client
    finally:
        close(client, deadlines.connect_s)


def _connect(scheduler: str, seconds: float):
    import socket
    from urllib.parse import urlsplit

    try:
        from distributed import Client
    except ImportError as exc:
        raise BuildInputError(
            ["--scheduler needs Dask's distributed package: pip install 'claimscope[dask]'"]
        ) from exc
    parts = urlsplit(scheduler)
    cannot = f"cannot reach the Dask scheduler at {scheduler}"
    try:  # a refused port fails at once here, where distributed would retry until its timeout
        socket.create_connection((parts.hostname, parts.port), timeout=seconds).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise BuildInputError([f"{cannot}: {reason}"]) from exc
    outcome: list = []

    def connect() -> None:
        try:
            client = Client(scheduler, timeout=seconds, set_as_default=False)
            outcome.append(client)
            client.run_on_scheduler(_set_allowed_failures, callback_timeout=seconds)
        except Exception as exc:  # noqa: BLE001 - an HTTP port, a dead scheduler: one line each
            outcome.append(exc)

    # Our own deadline: distributed's timeout does not cover its handshake, so a port that
    # accepts and never answers would hold it for ever; the stuck thread dies with the process.
    connecting = threading.Thread(target=connect, daemon=True)
    connecting.start()
    deadline = time.monotonic() + seconds
    while connecting.is_alive() and time.monotonic() < deadline and not kernel.stop_reason():
        connecting.join(0.1)
    problem = ""
    if kernel.stop_reason():
        problem = kernel.stop_reason()
    elif connecting.is_alive():
        problem = f"{cannot}: no Dask answer within {seconds:g} s (is it a Dask scheduler's port?)"
    elif isinstance(outcome[-1], Exception):
        reason = " ".join(str(outcome[-1]).split())[:200] or type(outcome[-1]).__name__
        problem = f"{cannot}: {reason} (is it a Dask scheduler?)"
    if problem:
        if outcome and not isinstance(outcome[0], Exception):
            threading.Thread(target=close, args=(outcome[0], seconds), daemon=True).start()
        raise BuildInputError([problem])
    return outcome[0]


def close(client, seconds: float) -> None:
    """Close ``client`` within ``seconds``; a scheduler that does not answer is left as it is."""
    with contextlib.suppress(Exception):
        client.close(timeout=seconds)


def run_on_cluster(
    client,
    data_dir: Path,
    todo: list[ReportPlan],
    dataset: Dataset,
    output_dir: Path,
    timeout: int,
    say: Callable[..., None],
    deadlines: ClusterDeadlines,
) -> None:
    """Run ``todo`` on the cluster of ``client``; write each report as its result arrives.

    Each report ends built or failed: failed when it fails on the worker, when its workers
    died twice, or when a deadline of :mod:`~claimscope.build.cluster_wait` passes.
    """
    from claimscope.build import announce, html, provenance_of
    from claimscope.build.cluster_wait import wait_for_reports

    commit = html.git_commit()
    data = _ship(client, pack_folder(Path(data_dir)))
    topic = _task_key("started")
    started: dict = {}
    client.subscribe_topic(topic, lambda event: started.update({event[1]: time.monotonic()}))
    notebooks, plans, limits = {}, {}, {}
    for plan in todo:
        source = plan.spec.notebook
        if source not in notebooks:
            notebooks[source] = _ship(client, source.read_bytes())
        say(f"{plan.name}: sent to {client.scheduler.address}")
        future = client.submit(
            run_report_task,
            plan,
            notebooks[source],
            data,
            timeout,
            provenance_of(plan, dataset, commit),
            html.describe_as_of(dataset, plan.notebook_parameters.get("as_of")),
            topic,
            key=_task_key(plan.name),
            pure=False,
        )
        plans[future] = plan
        limits[future] = kernel.time_limit(source, timeout)
    sent = time.monotonic()
    for future, given_up in wait_for_reports(client, limits, deadlines, started):
        plan = plans[future]
        if given_up:
            error = f"report {plan.name!r} failed on the cluster: {given_up}"
            waited = time.monotonic() - started.get(future.key, sent)
            plan.result = ReportResult(plan.name, "failed", waited, error)
        else:
            plan.result = _collect(future, plan, output_dir, deadlines.margin_s)
        announce(plan, say)


def _pass(value: bytes) -> bytes:
    return value


def _ship(client, payload: bytes):
    """Put ``payload`` on the cluster once, for every task to depend on.

    Not ``scatter``: scattered data dies with the workers holding it, whereas a task's result
    the scheduler can compute again from the task, so a report whose worker died still finds
    the data package when it is retried.
    """
    return client.submit(_pass, payload, key=_task_key("payload"), pure=False)


def _collect(future, plan: ReportPlan, output_dir: Path, seconds: float) -> ReportResult:
    from distributed import KilledWorker

    from claimscope.build import not_written, write_report
    from claimscope.build.pdf import PrintError

    try:
        result, notebook, page = future.result(timeout=seconds)
    except KilledWorker:
        return ReportResult(
            plan.name,
            "failed",
            error=f"report {plan.name!r} failed: the worker running it died, and so did the "
            "one it was retried on",
        )
    except Exception as exc:  # noqa: BLE001 - one report's failure never stops the others
        return ReportResult(
            plan.name,
            "failed",
            error=f"report {plan.name!r} failed on the cluster: {type(exc).__name__}: {exc}",
        )
    if result.status == "built":
        try:
            result.pdf = write_report(output_dir, plan, notebook, page)
        except (OSError, PrintError) as exc:
            return not_written(plan.name, output_dir, exc)
    return result


def _task_key(name: str) -> str:
    """A task key the dashboard shows by report name, unique per build."""
    return f"claimscope-{name}-{uuid.uuid4().hex[:8]}"
