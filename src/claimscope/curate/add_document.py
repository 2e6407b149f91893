"""Add a source text to the data package: copy it byte for byte and record it in documents.csv."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from claimscope.curate.tables import appended_bytes, field_spec, table_path, write_validated
from claimscope.data.dataset import DatasetError, Problem, load_dataset, read_schema
from claimscope.data.frames import LINE_COLUMN
from claimscope.data.paths import DATA_DIR
from claimscope.data.transaction import dataset_lock

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The longest file name most file systems allow, in bytes (ext4, APFS, NTFS in UTF-16 units).
_NAME_MAX_BYTES = 255


def slugify(name: str) -> str:
    """Turn a file name into a document id.

    >>> slugify("2024-10-21 First Transfer Reports.txt")
    '2024-10-21-first-transfer-reports'
    """
    stem = Path(name).name.rsplit(".", 1)[0] if "." in Path(name).name else Path(name).name
    slug = re.sub(r"[^a-z0-9_]+", "-", stem.lower())
    return re.sub(r"-{2,}", "-", slug).strip("-_")


def _decode_source(raw: bytes, file: str) -> list[Problem]:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return [
            Problem(
                file,
                line,
                "-",
                f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start}; "
                "save the text as UTF-8",
            )
        ]
    if not raw.strip():
        return [Problem(file, "-", "-", "the text is empty")]
    return []


def _check_date(value: str) -> list[Problem]:
    try:
        if _ISO_DATE.fullmatch(value):
            dt.date.fromisoformat(value)
            return []
    except ValueError:
        pass
    return [Problem("--published-on", "-", "published_on", f"{value!r} is not a date YYYY-MM-DD")]


def add_document(
    file: Path | str,
    *,
    title: str,
    published_on: str,
    doc_id: str | None = None,
    publisher: str = "",
    url: str = "",
    data_dir: Path | str | None = None,
) -> str:
    """Copy ``file`` into ``data/sources/`` and append its row to ``documents.csv``.

    The dataset must be valid before and is validated with the new document before anything
    is written; nothing is ever overwritten, and on any failure both files stay as they were.

    Returns:
        The new document's id.

    Raises:
        DatasetError: every reason the document cannot be added, located.
    """
    data_dir = Path(data_dir or DATA_DIR)
    file = Path(file)
    with dataset_lock(data_dir):
        return _add_locked(file, title, published_on, doc_id, publisher, url, data_dir)


def _read_source(file: Path) -> bytes:
    try:
        if file.is_file():
            return file.read_bytes()
        message = "is a folder, not a text file" if file.is_dir() else "file not found"
    except OSError as exc:
        message = f"cannot read: {exc.strerror}"
    raise DatasetError([Problem(str(file), "-", "-", message)])


def _add_locked(
    file: Path,
    title: str,
    published_on: str,
    doc_id: str | None,
    publisher: str,
    url: str,
    data_dir: Path,
) -> str:
    package = read_schema(data_dir)
    dataset = load_dataset(data_dir)
    raw = _read_source(file)
    doc_id = doc_id if doc_id is not None else slugify(file.name)
    problems = _decode_source(raw, str(file)) + _check_date(published_on)
    if not title.strip():
        problems.append(Problem("--title", "-", "title", "the title is empty"))
    pattern = field_spec(package, "documents", "doc_id").get("constraints", {}).get("pattern")
    if pattern and not re.fullmatch(pattern, doc_id):
        problems.append(
            Problem(
                "--doc-id", "-", "doc_id", f"{doc_id!r} does not match {pattern}; pass --doc-id"
            )
        )
    documents = dataset.documents
    documents_file = table_path(data_dir, package, "documents").relative_to(data_dir).as_posix()
    digest = hashlib.sha256(raw).hexdigest()
    for line, other, sha in zip(
        documents[LINE_COLUMN], documents["doc_id"], documents["sha256"], strict=True
    ):
        if other == doc_id:
            problems.append(Problem(documents_file, line, "doc_id", f"{doc_id!r} is already there"))
        if sha == digest:
            problems.append(
                Problem(documents_file, line, "sha256", f"the same text is already {other!r}")
            )
    relative = f"sources/{doc_id}.txt"
    if len(f"{doc_id}.txt".encode()) > _NAME_MAX_BYTES:
        problems.append(
            Problem(
                "--doc-id",
                "-",
                "doc_id",
                f"{len(doc_id)} characters is too long for a file name; "
                f"pass a --doc-id of at most {_NAME_MAX_BYTES - 4} bytes",
            )
        )
    elif (data_dir / relative).exists():
        problems.append(Problem(relative, "-", "-", "a file is already there; not overwritten"))
    if problems:
        raise DatasetError(problems)
    row = {
        "doc_id": doc_id,
        "title": title.strip(),
        "publisher": publisher,
        "published_on": published_on,
        "url": url,
        "path": relative,
        "sha256": digest,
    }
    documents_path = data_dir / documents_file
    write_validated(
        data_dir, {relative: raw, documents_file: appended_bytes(documents_path, [row])}
    )
    return doc_id
