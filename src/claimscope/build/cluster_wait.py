"""Wait for a cluster build's reports, every wait with a deadline.

Dask never gives up on a task by itself: with no worker left it keeps the task waiting for one
to join, and a worker that hangs keeps its task. So the client gives up on a report when

- it started on a worker and no result came within its own limit (every code cell's timeout
  and grace, as a local kernel's watchdog allows) plus :attr:`ClusterDeadlines.margin_s` for
  shipping the data, converting and sending the page back;
- it has not started and none of the build's reports started or ended for the longest
  report's limit plus the margin (the workers are busy with someone else's work);
- the cluster had no running worker, or its scheduler did not answer, for
  :attr:`ClusterDeadlines.no_worker_s` (every report still waiting fails);
- the build was stopped (SIGTERM, SIGINT; :func:`claimscope.build.kernel.stop_kernels`): every
  report still waiting fails at once, with the stop's reason.

Connecting has its own, short deadline, :attr:`ClusterDeadlines.connect_s`. The three are
read from ``CLAIMSCOPE_DASK_CONNECT_S``, ``CLAIMSCOPE_DASK_NO_WORKER_S`` and
``CLAIMSCOPE_DASK_MARGIN_S``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields

from claimscope.build import kernel
from claimscope.build.config import BuildInputError
from claimscope.data.locks import read_seconds

# How often the client looks at the cluster and at a stop request while it waits.
POLL_S = 1.0
_ENVIRONMENT = {
    "connect_s": "CLAIMSCOPE_DASK_CONNECT_S",
    "no_worker_s": "CLAIMSCOPE_DASK_NO_WORKER_S",
    "margin_s": "CLAIMSCOPE_DASK_MARGIN_S",
}


@dataclass(frozen=True)
class ClusterDeadlines:
    """Seconds a cluster build waits; see the module docstring.

    >>> ClusterDeadlines.from_environment({"CLAIMSCOPE_DASK_NO_WORKER_S": "5"}).no_worker_s
    5.0
    """

    connect_s: float = 10.0  # to connect and hear the scheduler answer
    no_worker_s: float = 60.0  # with no running worker, or no answer from the scheduler
    margin_s: float = 120.0  # added to each report's own limit

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> ClusterDeadlines:
        """The deadlines, each from its environment variable when set.

        Raises:
            BuildInputError: naming each variable that is not a positive number of seconds.
        """
        values, problems = {}, []
        for field in fields(cls):
            try:
                value = read_seconds(_ENVIRONMENT[field.name], environ)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            if value is not None:
                values[field.name] = value
        if problems:
            raise BuildInputError(problems)
        return cls(**values)


def wait_for_reports(
    client, limits: dict, deadlines: ClusterDeadlines, started: dict
) -> Iterator[tuple[object, str]]:
    """Yield each future of ``limits`` as it ends: ``(future, "")``, or ``(future, why)``.

    Args:
        client: The connected ``distributed.Client``.
        limits: Each report's future and its own limit in seconds (without the margin).
        deadlines: How long to wait for what.
        started: Filled in, as workers report it, with each future's key and the
            ``time.monotonic()`` when a worker started it (again on a retry).

    A future given up on is released, so the scheduler forgets it once nobody else wants it.
    """
    ended = threading.Event()
    for future in limits:
        future.add_done_callback(lambda _: ended.set())
    pending = dict(limits)
    longest = max(limits.values(), default=0.0) + deadlines.margin_s
    progress = healthy = looked = time.monotonic()
    problem = ""
    while pending:
        reason = kernel.stop_reason()
        if reason:
            yield from _give_up(dict.fromkeys(pending, reason))
            return
        ended.wait(POLL_S)
        ended.clear()  # before looking, so a future ending meanwhile wakes the next wait
        done = [future for future in pending if future.done()]
        now = time.monotonic()
        for future in done:
            pending.pop(future)
            progress = now
            yield future, ""
        if now - looked >= POLL_S:
            looked, problem = now, _cluster_problem(client, deadlines)
            healthy = now if not problem else healthy
        if problem and now - healthy > deadlines.no_worker_s:
            why = f"{problem} for {deadlines.no_worker_s:g} s"
            yield from _give_up(dict.fromkeys(pending, why))
            return
        progress = max([progress, *started.values()])
        late = {}
        for future, limit in pending.items():
            since = started.get(future.key)
            if since is not None and now - since > limit + deadlines.margin_s:
                late[future] = (
                    f"no result within {limit + deadlines.margin_s:g} s of starting on a "
                    f"worker (its cells' limits, plus {deadlines.margin_s:g} s)"
                )
            elif since is None and now - progress > longest:
                late[future] = f"no worker started it, nor any other report, for {longest:g} s"
        for future in late:
            pending.pop(future)
        yield from _give_up(late)


def _give_up(why: dict) -> Iterator[tuple[object, str]]:
    """Release each future of ``why`` and yield it with why it was given up on."""
    for future, reason in why.items():
        future.release()
        yield future, reason


def _cluster_problem(client, deadlines: ClusterDeadlines) -> str:
    """What keeps the cluster from running a report now, or ``""``."""
    try:
        running = client.sync(client.scheduler.ncores_running, callback_timeout=deadlines.connect_s)
    except Exception as exc:  # noqa: BLE001 - a lost or hung scheduler, in whatever form
        return f"the Dask scheduler did not answer ({type(exc).__name__})"
    return "" if running else "the cluster had no running Dask worker"
