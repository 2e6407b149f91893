"""Source texts and quotes: read each text, check its sha256, and find each quote at its offsets."""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.data.confine import resolve_inside
from claimscope.data.problems import Problem

if TYPE_CHECKING:
    import pandas as pd


def load_texts(data_dir: Path, documents: pd.DataFrame, problems: list[Problem]) -> dict[str, str]:
    """Read and decode each document's text, checking its recorded sha256."""
    texts: dict[str, str] = {}
    for row, doc in documents.iterrows():
        if not doc["path"] or not doc["doc_id"]:
            continue
        path = resolve_inside(data_dir, doc["path"])
        if path is None:
            # Never read (or hash into a message) a file outside the data package.
            problems.append(
                Problem("documents.csv", row, "path", f"{doc['path']!r} is outside data/sources")
            )
            continue
        try:
            raw = path.read_bytes() if path.is_file() else None
        except OSError as exc:  # a name too long, a permission denied: a located problem too
            problems.append(
                Problem("documents.csv", row, "path", f"cannot read {doc['path']}: {exc.strerror}")
            )
            continue
        if raw is None:
            problems.append(Problem("documents.csv", row, "path", f"file not found: {doc['path']}"))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if doc["sha256"] and digest != doc["sha256"]:
            problems.append(
                Problem(
                    "documents.csv",
                    row,
                    "sha256",
                    f"{doc['path']} has sha256 {digest}, not the recorded {doc['sha256']}: "
                    "sources are never edited",
                )
            )
        try:
            texts[doc["doc_id"]] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(
                Problem(
                    "documents.csv",
                    row,
                    "path",
                    f"{doc['path']} is not valid UTF-8: byte 0x{raw[exc.start]:02x} "
                    f"at byte offset {exc.start}",
                )
            )
    return texts


def _excerpt(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _form(text: str) -> str:
    for form in ("NFC", "NFD"):
        if unicodedata.is_normalized(form, text):
            return form
    return "neither NFC nor NFD"


@functools.lru_cache(maxsize=4)
def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _normalisation_hint(quote: str, text: str) -> str:
    """Say so when ``quote`` is in ``text`` once both are NFC-normalised; else ``""``."""
    if _nfc(quote) not in _nfc(text):
        return ""
    return (
        f"; the quote matches the text except for Unicode normalisation (the quote is "
        f"{_form(quote)}, the text {_form(text)}): copy the quote from the source text"
    )


def check_quotes(
    claims: pd.DataFrame,
    texts: dict[str, str],
    problems: list[Problem],
    *,
    file: str = "claims.csv",
    id_column: str = "claim_id",
) -> list[str]:
    """Check each quote against its offsets; fill empty offsets in place. Return located ids.

    Any table with ``doc_id``, ``quote``, ``start`` and ``end`` is checked the same way
    (``corrections.csv`` too); ``file`` and ``id_column`` say which it is.
    """
    import pandas as pd

    located: list[str] = []
    starts = claims["start"].astype(object).tolist()
    ends = claims["end"].astype(object).tolist()
    # Plain lists, not iterrows: building a Series per row costs seconds on 100,000 claims.
    rows = zip(
        claims.index.tolist(),
        claims["doc_id"].tolist(),
        claims[id_column].tolist(),
        claims["quote"].tolist(),
        strict=True,
    )
    for i, (row, doc_id, claim_id, quote) in enumerate(rows):
        text = texts.get(doc_id)
        if text is None or not quote:
            continue
        start, end = starts[i], ends[i]
        has_start, has_end = start is not pd.NA, end is not pd.NA
        if has_start != has_end:
            column = "end" if has_start else "start"
            problems.append(
                Problem(file, row, column, "give both start and end, or leave both empty")
            )
            continue
        if not has_start:
            first = text.find(quote)
            if first < 0:
                problems.append(
                    Problem(
                        file,
                        row,
                        "quote",
                        f"quote {_excerpt(quote)} not found in document {doc_id}"
                        + _normalisation_hint(quote, text),
                    )
                )
            elif text.find(quote, first + 1) >= 0:
                count = text.count(quote)
                problems.append(
                    Problem(
                        file,
                        row,
                        "quote",
                        f"quote {_excerpt(quote)} occurs {count} times in document "
                        f"{doc_id}; lengthen it or give start and end",
                    )
                )
            else:
                starts[i], ends[i] = first, first + len(quote)
                located.append(claim_id)
            continue
        if not (0 <= start < end <= len(text)):
            problems.append(
                Problem(
                    file,
                    row,
                    "start",
                    f"offsets {start}:{end} are outside document {doc_id} (0:{len(text)}) or empty",
                )
            )
            continue
        if text[start:end] != quote:
            where = text.find(quote)
            if where >= 0:
                hint = f"; the quote is at {where}:{where + len(quote)}"
            else:
                hint = _normalisation_hint(quote, text)
            problems.append(
                Problem(
                    file,
                    row,
                    "quote",
                    f"quote is not at offsets {start}:{end}: the text there reads "
                    f"{_excerpt(text[start:end])}{hint}",
                )
            )
    claims["start"] = pd.array(starts, dtype="Int64")
    claims["end"] = pd.array(ends, dtype="Int64")
    return located
