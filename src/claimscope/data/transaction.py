"""One writer at a time per data package, and changes to several of its files that land together.

Every command that writes a data package (``locate``, ``add-document``, ``suggest --accept``)
holds the package's lock (:func:`lock_path`) from the moment it reads the package until its
changes are on disk, so two runs at once take turns: the second reads what the first wrote.

A change to several files is a small journal transaction. Each new content is written and
synced to a hidden temporary file beside its target; then the journal, naming every
temporary and its target, is written and renamed into place (the commit point); then each
temporary is renamed over its target and the journal is removed. A run killed before the
commit point leaves temporaries that the next run deletes (the package as before); one killed
after it leaves a journal that the next run, or the next load, finishes (the package as
after). Hidden files are not part of the package: its content hash skips them.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from claimscope.data.files import require_folder
from claimscope.data.locks import hold_lock
from claimscope.data.problems import DatasetError, Problem

JOURNAL_NAME = ".claimscope.journal"
_TEMP_SUFFIX = ".claimscope-tmp"


def _problem(data_dir: Path, exc: OSError, doing: str) -> DatasetError:
    where = exc.filename or data_dir
    return DatasetError([Problem(str(where), "-", "-", f"cannot {doing}: {exc.strerror or exc}")])


def lock_path(data_dir: Path) -> Path:
    """The lock file of the package in ``data_dir``: one per folder, however it is named.

    It lives in the temporary folder, keyed by the folder's device and inode, so taking it
    writes nothing into the package (a refused command leaves the folder byte-identical) and
    two spellings of one folder (a link, a relative path) share it.
    """
    seen = os.stat(data_dir)
    locks = Path(tempfile.gettempdir()) / f"claimscope-locks-{os.getuid()}"
    locks.mkdir(mode=0o700, exist_ok=True)
    return locks / f"{seen.st_dev:x}-{seen.st_ino:x}.lock"


@contextlib.contextmanager
def dataset_lock(data_dir: Path | str) -> Iterator[None]:
    """Hold ``data_dir``'s writer lock; finish or undo an interrupted write first.

    Waits while another command writes the same package, as
    :func:`claimscope.data.locks.hold_lock` says.

    Raises:
        DatasetError: the folder is missing or the lock file cannot be created.
        LockWaitError: the wait for the other command timed out or was stopped.
    """
    data_dir = Path(data_dir)
    require_folder(data_dir)
    try:
        handle = open(lock_path(data_dir), "a+")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise _problem(data_dir, exc, "lock the data folder for writing") from exc
    with handle, hold_lock(handle, f"another claimscope command writing to {data_dir}"):
        _recover(data_dir)
        yield


def settle(data_dir: Path | str) -> None:
    """Finish a write that was interrupted after its commit point, if there is one.

    Readers call this before reading, so they see the package as after that write, never
    between; it costs one file check when there is nothing to do.

    Raises:
        DatasetError: the journal cannot be applied (no write access to the folder).
    """
    data_dir = Path(data_dir)
    if (data_dir / JOURNAL_NAME).exists():
        with dataset_lock(data_dir):
            pass


def _recover(data_dir: Path) -> None:
    journal = data_dir / JOURNAL_NAME
    try:
        if journal.exists():
            for tmp, target in json.loads(journal.read_text(encoding="utf-8")):
                if (data_dir / tmp).exists():
                    os.replace(data_dir / tmp, data_dir / target)
            _sync_folder(data_dir)
            journal.unlink()
        for stale in data_dir.rglob(f".*{_TEMP_SUFFIX}"):
            stale.unlink(missing_ok=True)
    except OSError as exc:
        raise _problem(data_dir, exc, "finish an interrupted write") from exc
    except ValueError as exc:  # a journal that is not ours: say so, touch nothing
        problem = Problem(JOURNAL_NAME, "-", "-", f"cannot be read ({exc}); remove it by hand")
        raise DatasetError([problem]) from exc


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stage(path: Path, data: bytes) -> Path:
    """Write ``data`` to a synced hidden temporary beside ``path``; return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:  # name the file the caller asked for, not the temporary
        Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    return Path(tmp)


def commit(data_dir: Path | str, changes: dict[str, bytes]) -> None:
    """Write ``changes`` (path relative to ``data_dir`` → bytes) all together; hold the lock.

    Raises:
        DatasetError: a file cannot be written (a full disk, no permission); nothing changed.
    """
    data_dir = Path(data_dir)
    staged: list[tuple[str, str]] = []
    try:
        for relative, data in changes.items():
            tmp = _stage(data_dir / relative, data)
            staged.append((tmp.relative_to(data_dir).as_posix(), relative))
        journal = _stage(data_dir / JOURNAL_NAME, json.dumps(staged).encode("utf-8"))
        for tmp, _ in staged:  # the parent folders of new files hold their entries
            _sync_folder((data_dir / tmp).parent)
        os.replace(journal, data_dir / JOURNAL_NAME)  # the commit point
        _sync_folder(data_dir)
    except OSError as exc:
        for tmp, _ in staged:
            (data_dir / tmp).unlink(missing_ok=True)
        raise _problem(data_dir, exc, "write") from exc
    _recover(data_dir)
