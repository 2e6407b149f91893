"""Cheap file helpers that import nothing heavy: content hashes, atomic writes, dataset summary.

The build's nothing-changed path uses only these, so it answers without importing pandas or
starting a kernel.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from claimscope.data.problems import DatasetError, Problem


def hash_files(root: Path, paths: list[Path]) -> str:
    """Hash the names (relative to ``root``) and bytes of ``paths``, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _tree_files(root: Path, suffixes: set[str] | None = None) -> list[Path]:
    return [
        p
        for p in root.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and "__pycache__" not in p.parts
        and (suffixes is None or p.suffix in suffixes)
    ]


def hash_tree(root: Path, suffixes: set[str] | None = None) -> str:
    """Hash every non-hidden file below ``root`` (optionally only those with ``suffixes``)."""
    return hash_files(root, _tree_files(root, suffixes))


def require_folder(data_dir: Path) -> None:
    """Raise a one-problem :class:`DatasetError` unless ``data_dir`` is a folder."""
    try:
        if data_dir.is_dir():
            return
        message = "is a file, not a data folder" if data_dir.exists() else "no such folder"
    except OSError as exc:
        message = f"cannot open: {exc.strerror}"
    raise DatasetError([Problem(str(data_dir), "-", "-", message)])


def check_output_file(path: Path, data_dir: Path) -> list[Problem]:
    """Say why ``path`` cannot take a file a command writes beside the data (empty: it can).

    It must not be a folder or below a file, and it must not be in the data folder or be one
    of its files under another name (a link): a command's output never replaces the dataset.
    """
    path, where = Path(path), str(path)
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing == path and path.is_dir():
        return [Problem(where, "-", "-", "is a folder; give a file name")]
    if existing is not None and existing != path and not existing.is_dir():
        return [Problem(where, "-", "-", f"cannot be created: {existing} is a file")]
    data_dir = Path(data_dir)
    inside = path.resolve().is_relative_to(data_dir.resolve())
    if not inside and existing == path:
        seen = os.stat(path)
        inside = any(os.path.samestat(seen, os.stat(p)) for p in data_dir.rglob("*") if p.is_file())
    if inside:
        return [
            Problem(
                where,
                "-",
                "-",
                f"is in the data folder {data_dir} (or is one of its files); write it outside, "
                "the dataset's own files are never replaced by an output",
            )
        ]
    return []


def dataset_version(data_dir: Path) -> str:
    """Short content hash of a data package: its schema, tables and source texts.

    Files that resolve outside the folder (links pointing out) are not read.

    Raises:
        DatasetError: ``data_dir`` is not a folder, or a file in it cannot be read.
    """
    root = Path(data_dir)
    require_folder(root)
    inside = root.resolve()
    try:
        files = [p for p in _tree_files(root) if p.resolve().is_relative_to(inside)]
        return hash_files(root, files)[:12]
    except OSError as exc:
        try:
            where = Path(exc.filename).relative_to(root).as_posix()
        except (TypeError, ValueError):
            where = str(root)
        problem = Problem(where, "-", "-", f"cannot read: {exc.strerror}")
        raise DatasetError([problem]) from exc


def describe_counts(counts: dict[str, int]) -> str:
    """Say how many rows each table of a dataset holds, as the CLI, pages and index show it.

    >>> describe_counts({"documents": 1, "claims": 42})
    '1 documents, 42 claims'
    """
    return ", ".join(f"{n} {name}" for name, n in counts.items())


_TEMP_SUFFIX = ".tmp"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    write_files_atomic({path: data})


def write_files_atomic(files: dict[Path, bytes]) -> None:
    """Write several files so that either all are replaced or none is.

    Every new content is written and synced to a temporary file first (where a full disk
    fails); only then are they renamed over the old files. A failure before the renames
    leaves every old file as it was.
    """
    staged: dict[Path, str] = {}
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX
            )
            staged[path] = tmp
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
            except OSError as exc:  # name the file the caller asked for, not the temporary
                raise OSError(exc.errno, exc.strerror, str(path)) from exc
            os.chmod(tmp, 0o644)
        for path, tmp in staged.items():
            os.replace(tmp, path)
    finally:
        for tmp in staged.values():
            Path(tmp).unlink(missing_ok=True)


def remove_stale_temporaries(folder: Path) -> None:
    """Delete the temporary files an interrupted :func:`write_files_atomic` left in ``folder``."""
    for tmp in folder.glob(f".*{_TEMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)
