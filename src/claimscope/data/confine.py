"""Confine every file the loader reads to the data directory, symlinks resolved."""

from __future__ import annotations

from pathlib import Path, PurePosixPath


def resolve_inside(data_dir: Path, relative: str) -> Path | None:
    """Return ``data_dir / relative`` when it resolves inside ``data_dir``, else None.

    An absolute path, a ``..`` climbing out, or a symlink (anywhere along the way) pointing
    out of the folder all resolve outside it; so does a name the file system refuses.

    >>> resolve_inside(Path("data"), "../etc/passwd") is None
    True
    """
    if not relative or "\0" in relative or Path(relative).is_absolute():
        return None
    if PurePosixPath(relative).is_absolute() or relative.startswith("\\"):
        return None
    try:
        root = data_dir.resolve()
        target = (root / relative).resolve()
        target.relative_to(root)
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop
        return None
    return target


def is_inside(data_dir: Path, relative: str) -> bool:
    """Whether ``relative`` names a path inside ``data_dir`` (see :func:`resolve_inside`)."""
    return resolve_inside(data_dir, relative) is not None
