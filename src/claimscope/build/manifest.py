"""Cache keys and the build manifest: what was built from what, and whether it is fresh."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from claimscope.build.outputs import MANIFEST_NAME
from claimscope.data.files import hash_tree, write_atomic
from claimscope.data.paths import KERNEL_NAME

# The type each field of the manifest must have; a manifest that differs is damaged.
_ENTRY_TYPES = {
    "key": (str, type(None)),
    "status": (str,),
    "html": (str,),
    "html_sha256": (str, type(None)),
    "pdf": (str,),
    "pdf_sha256": (str, type(None)),
    "parameters": (dict,),
    "built_at": (str,),
    "seconds": (int, float),
    "error": (str,),
}


def code_version() -> str:
    """Hash claimscope's own code, package data and templates (what a report depends on)."""
    return hash_tree(Path(__file__).resolve().parents[1], {".py", ".csv", ".j2", ".json"})[:16]


def cache_key(notebook: Path, parameters: dict, page: dict, dataset_version: str, code: str) -> str:
    """The content hash that decides whether a report must be rebuilt.

    Args:
        notebook: The report's notebook (its bytes count).
        parameters: What the notebook runs with.
        page: What the outputs hold besides the notebook's output (title, description, and
            the formats written, so asking for a PDF rebuilds).
        dataset_version: The data package's content hash.
        code: claimscope's :func:`code_version`.
    """
    payload = {
        "notebook": hashlib.sha256(notebook.read_bytes()).hexdigest(),
        "parameters": parameters,
        **page,
        "dataset": dataset_version,
        "code": code,
        "kernel": KERNEL_NAME,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def file_hash(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None when there is no such file."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def manifest_problem(data: object) -> str:
    """Say how ``data`` differs from the manifest this code writes (empty when it does not).

    >>> manifest_problem({"reports": {"a": "built"}})
    "report 'a' is not a mapping"
    >>> manifest_problem({"reports": {"a": {"status": "built", "seconds": 1.5}}})
    ''
    """
    if not isinstance(data, dict):
        return f"a {type(data).__name__}, not a mapping"
    shapes = {"reports": dict, "declared": dict, "dataset": dict, "validated": list}
    for name, kind in shapes.items():
        if name in data and not isinstance(data[name], kind):
            return f"{name!r} is not a {kind.__name__}"
    for name, entry in data.get("reports", {}).items():
        if not isinstance(entry, dict):
            return f"report {name!r} is not a mapping"
        for key, kinds in _ENTRY_TYPES.items():
            if key in entry and not isinstance(entry[key], kinds):
                return f"report {name!r}: {key!r} has the wrong type"
    for notebook in data.get("declared", {}).values():
        if not isinstance(notebook, dict) or not all(
            isinstance(p, dict) and isinstance(p.get("type"), str) for p in notebook.values()
        ):
            return "a notebook's declared parameters are not as written"
    counts = data.get("dataset", {}).get("counts", {})
    if not isinstance(counts, dict) or not all(isinstance(n, int) for n in counts.values()):
        return "the dataset counts are not numbers"
    return ""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Manifest:
    """The record of an output folder's builds, kept in ``.manifest.json`` beside the reports.

    It holds, per report, the cache key, status and page hash of its last build; which
    dataset and code version last passed validation; the notebooks' declared parameters by
    notebook hash; and the dataset summary the index shows.
    """

    output_dir: Path
    data: dict = field(default_factory=dict)
    damage: str = ""  # why the manifest on disk was set aside, when it was

    @classmethod
    def load(cls, output_dir: Path) -> Manifest:
        """Read the manifest of ``output_dir``; a missing one is empty.

        A damaged one (not JSON, or not the shape this code writes) is empty too, so every
        report is rebuilt, and :attr:`damage` says what was wrong.
        """
        path = output_dir / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(output_dir)
        except (OSError, ValueError) as exc:
            problem = exc.strerror if isinstance(exc, OSError) else "not valid JSON"
            return cls(output_dir, damage=f"{path} is damaged ({problem})")
        problem = manifest_problem(data)
        if problem:
            return cls(output_dir, damage=f"{path} is damaged ({problem})")
        return cls(output_dir, data)

    @property
    def reports(self) -> dict[str, dict]:
        """Each report's entry by name."""
        return self.data.setdefault("reports", {})

    @property
    def declared(self) -> dict[str, dict]:
        """Notebook sha256 to its declared parameters, so an unchanged notebook is not parsed."""
        return self.data.setdefault("declared", {})

    @property
    def dataset(self) -> dict:
        """The dataset version and table counts of the last build that wrote the index."""
        return self.data.get("dataset", {})

    def entry(self, name: str) -> dict:
        """The last recorded entry of report ``name`` (empty when never built)."""
        return self.reports.get(name, {})

    def is_validated(self, dataset_version: str, code: str) -> bool:
        """Whether this dataset already passed validation with this code."""
        return self.data.get("validated") == [dataset_version, code]

    def is_fresh(self, name: str, key: str) -> bool:
        """Whether report ``name`` was built with ``key`` and its page (and PDF) are as written."""
        entry = self.entry(name)
        return (
            entry.get("key") == key
            and entry.get("status") == "built"
            and file_hash(self.output_dir / f"{name}.html") == entry.get("html_sha256")
            and (
                not entry.get("pdf")
                or file_hash(self.output_dir / entry["pdf"]) == entry.get("pdf_sha256")
            )
        )

    def record_built(
        self, name: str, key: str, parameters: dict, html: str, seconds: float, pdf: str = ""
    ):
        """Record a successful build of report ``name`` whose page is ``html`` (and PDF ``pdf``)."""
        self.reports[name] = {
            "key": key,
            "status": "built",
            "html": html,
            "html_sha256": file_hash(self.output_dir / html),
            **({"pdf": pdf, "pdf_sha256": file_hash(self.output_dir / pdf)} if pdf else {}),
            "parameters": parameters,
            "built_at": _now(),
            "seconds": round(seconds, 2),
        }

    def record_failed(self, name: str, parameters: dict, error: str) -> None:
        """Record a failed build: stale when an older page remains, failed when none does."""
        previous = self.entry(name)
        has_old = bool(previous.get("html")) and (self.output_dir / previous["html"]).is_file()
        self.reports[name] = {
            **previous,
            "key": None,
            "status": "stale" if has_old else "failed",
            "error": error,
            "parameters": parameters,
        }

    def record_dataset(self, version: str, code: str, counts: dict[str, int]) -> None:
        """Record that the dataset passed validation with this code, and its counts."""
        self.data["validated"] = [version, code]
        self.data["dataset"] = {"version": version, "counts": counts}

    def save(self) -> None:
        """Write the manifest atomically."""
        text = json.dumps(self.data, indent=1, sort_keys=True, default=str)
        write_atomic(self.output_dir / MANIFEST_NAME, text.encode())
