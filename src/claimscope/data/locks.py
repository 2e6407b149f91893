"""Take a lock file the one way every claimscope lock is taken: with a deadline and a way out.

A run that finds the lock held by another run polls it (every :data:`POLL_S` seconds) instead of
blocking, says once on stderr that it waits (naming the lock file and the holder's pid, which
the holder writes into it), and ends the wait with :class:`LockWaitError`

- after ``CLAIMSCOPE_LOCK_WAIT_S`` seconds (default :data:`DEFAULT_LOCK_WAIT_S`):
  :class:`LockTimeout`, exit status 2;
- on SIGTERM or SIGINT, or when the caller's ``stopped`` says so: :class:`LockWaitStopped`,
  exit status 1.

Either way the waiting run has written nothing; the holder goes on undisturbed. ``flock``
locks die with their process, so a held lock always has a live holder.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import IO

LOCK_WAIT_VARIABLE = "CLAIMSCOPE_LOCK_WAIT_S"
DEFAULT_LOCK_WAIT_S = 600.0
# How often a waiting run tries the lock again and looks for a stop.
POLL_S = 0.1


class LockWaitError(Exception):
    """A run gave up waiting for a lock, or cannot tell how long to wait; it wrote nothing."""

    exit_code = 2


class LockTimeout(LockWaitError):
    """Another run held the lock past the deadline."""


class LockWaitStopped(LockWaitError):
    """The run was stopped (SIGTERM, SIGINT or its caller) while it waited."""

    exit_code = 1


def read_seconds(name: str, environ: Mapping[str, str] = os.environ) -> float | None:
    """The positive number of seconds in environment variable ``name``; ``None`` when unset.

    Raises:
        ValueError: naming the variable, when it holds anything else.

    >>> read_seconds("WAIT_S", {"WAIT_S": " 2.5 "}), read_seconds("WAIT_S", {})
    (2.5, None)
    """
    text = environ.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name}={text!r}: give a positive number of seconds")
    return value


def lock_wait_s(environ: Mapping[str, str] = os.environ) -> float:
    """How long a run waits for a lock another run holds.

    Raises:
        LockWaitError: ``CLAIMSCOPE_LOCK_WAIT_S`` is not a positive number of seconds.
    """
    try:
        value = read_seconds(LOCK_WAIT_VARIABLE, environ)
    except ValueError as exc:
        raise LockWaitError(str(exc)) from None
    return DEFAULT_LOCK_WAIT_S if value is None else value


@contextlib.contextmanager
def hold_lock(
    handle: IO[str], other: str, stopped: Callable[[], str] = lambda: ""
) -> Iterator[None]:
    """Hold the lock on ``handle`` (a lock file opened ``"a+"``), waiting as the module says.

    Args:
        handle: The open lock file; its name is shown.
        other: Who holds it when it is held, for the messages: ``"another build of out/"``.
        stopped: Why the run was asked to stop, or ``""``; looked at while waiting, for stops
            that are not a signal to this thread (a preview closing).

    Raises:
        LockTimeout: the deadline passed.
        LockWaitStopped: a stop came first.
        LockWaitError: the deadline's variable is wrong (before the lock is tried).
    """
    deadline_s = lock_wait_s()
    if not _try_lock(handle):
        _wait(handle, other, deadline_s, stopped)
    try:
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            handle.truncate(0)  # a lock at rest names nobody
        fcntl.flock(handle, fcntl.LOCK_UN)


def _try_lock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(handle: IO[str]) -> str:
    """`` (pid N)`` when the holder wrote its pid into the lock file, else ``""``."""
    try:
        handle.seek(0)
        text = handle.read(32).strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {text})" if text.isdigit() else ""


def _wait(handle: IO[str], other: str, deadline_s: float, stopped: Callable[[], str]) -> None:
    holder = f"{other}{_holder(handle)}, which holds {handle.name}"
    print(f"waiting for {holder} (at most {deadline_s:g} s)", file=sys.stderr, flush=True)
    signals: list[str] = []
    with _catching_signals(signals):
        end = time.monotonic() + deadline_s
        while not _try_lock(handle):
            reason = f"received {signals[0]}" if signals else stopped()
            if reason:
                raise LockWaitStopped(
                    f"stopped while waiting for {holder}: {reason}; nothing was written"
                )
            if time.monotonic() >= end:
                raise LockTimeout(
                    f"gave up after {deadline_s:g} s waiting for {holder}; nothing was written: "
                    f"run again once it has finished, or set {LOCK_WAIT_VARIABLE} to wait longer"
                )
            time.sleep(POLL_S)
        if signals:  # it came as the lock was taken: stop all the same
            fcntl.flock(handle, fcntl.LOCK_UN)
            raise LockWaitStopped(
                f"stopped while waiting for {holder}: received {signals[0]}; nothing was written"
            )


@contextlib.contextmanager
def _catching_signals(caught: list[str]) -> Iterator[None]:
    """Record SIGTERM and SIGINT in ``caught`` instead of their handlers, in the main thread.

    Elsewhere Python cannot take a signal; the caller's ``stopped`` covers those waits.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def catch(signum, frame) -> None:
        caught.append(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, catch) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():  # None: a handler set outside Python
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
