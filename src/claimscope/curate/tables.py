"""Append rows to a dataset CSV without touching its existing bytes, and read its columns."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from claimscope.data.dataset import DatasetError, Problem, resource_schema
from claimscope.data.transaction import commit


def table_path(data_dir: Path, package: dict, name: str) -> Path:
    """Return the path of the table ``name`` that ``datapackage.json`` lists."""
    return Path(data_dir) / resource_schema(package, name)["path"]


def table_columns(package: dict, name: str) -> list[str]:
    """Return the column names of table ``name``, in schema order.

    >>> from claimscope.data.dataset import read_schema
    >>> "quote" in table_columns(read_schema(), "claims")
    True
    """
    return [f["name"] for f in resource_schema(package, name)["schema"]["fields"]]


def field_spec(package: dict, table: str, column: str) -> dict:
    """Return the schema field ``column`` of ``table`` (an empty dict when it is not declared)."""
    fields = resource_schema(package, table)["schema"]["fields"]
    return next((f for f in fields if f["name"] == column), {})


def appended_bytes(path: Path, rows: list[dict[str, str]]) -> bytes:
    """Return the bytes of ``path`` with ``rows`` appended in its own header order.

    The existing bytes are kept as they are; the new lines use the file's line ending, and
    fields are quoted where CSV needs it. Columns the file lacks are an error.
    """
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    ending = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    header = next(csv.reader([text.splitlines()[0]])) if text else []
    header = [name.strip() for name in header]
    for row in rows:
        unknown = sorted(k for k in set(row) - set(header) if not k.startswith("_"))
        if unknown:
            raise ValueError(f"{path.name} has no column(s) {', '.join(unknown)}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=ending)
    writer.writerows([[row.get(name, "") for name in header] for row in rows])
    separator = b"" if not raw or raw.endswith(b"\n") else ending.encode()
    return raw + separator + buffer.getvalue().encode("utf-8")


def write_validated(data_dir: Path, changes: dict[str, bytes]) -> None:
    """Write ``changes`` (path relative to ``data_dir`` → bytes) only if the result validates.

    The changed package is first assembled and loaded in a temporary copy, so a failure leaves
    every file of ``data_dir`` byte-identical; then the files are written together
    (:func:`claimscope.data.transaction.commit`). The caller holds the package's lock.

    Raises:
        DatasetError: the problems the changed package would have.
    """
    from claimscope.data.dataset import load_dataset

    data_dir = Path(data_dir)
    with tempfile.TemporaryDirectory(prefix="claimscope-") as tmp:
        trial = Path(tmp) / "data"
        shutil.copytree(data_dir, trial, ignore=shutil.ignore_patterns(".claimscope*"))
        for relative, data in changes.items():
            try:
                (trial / relative).parent.mkdir(parents=True, exist_ok=True)
                (trial / relative).write_bytes(data)
            except OSError as exc:  # a full disk, a name too long for the file system
                problem = Problem(relative, "-", "-", f"cannot write: {exc.strerror or exc}")
                raise DatasetError([problem]) from exc
        load_dataset(trial)
    commit(data_dir, changes)
