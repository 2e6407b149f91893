"""Time the phases of one cold ``claimscope build``, in this process, as a timeline.

``benchmarks/run.py`` runs this in a fresh interpreter (so imports count) and reads the JSON it
prints. It wraps the build's own steps (parameter inspection, validation, execution,
conversion) with timers and splits each execution with papermill's timestamps: before the
first cell (kernel start and notebook set-up), the cells themselves, and after the last cell
(kernel shutdown, writing the executed notebook).

    .venv/bin/python benchmarks/profile_build.py OUTPUT_DIR [--jobs N]
"""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

START = time.perf_counter()
WALL_START = time.time()
EVENTS: list[dict] = []
_LOCK = threading.Lock()


def _wrap(module, name: str, label: str, report_of=None) -> None:
    original = getattr(module, name)

    def timed(*args, **kwargs):
        begin = time.perf_counter()
        wall = time.time()
        try:
            return original(*args, **kwargs)
        finally:
            event = {
                "step": label,
                "report": report_of(*args) if report_of else "",
                "start": begin - START,
                "end": time.perf_counter() - START,
                "wall_start": wall,
            }
            with _LOCK:
                EVENTS.append(event)

    setattr(module, name, timed)


def _iso(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def main(argv: list[str]) -> int:
    """Run one forced build into ``argv[0]`` and print the timeline as JSON."""
    out_dir = Path(argv[0])
    jobs = int(argv[2]) if len(argv) > 2 and argv[1] == "--jobs" else None
    import claimscope.build as build

    imported = time.perf_counter() - START
    _wrap(build.config, "read_notebook_parameters", "inspect parameters (imports papermill)")
    _wrap(build, "_validate", "validate dataset")
    _wrap(build.kernel, "execute_notebook", "execute", lambda notebook, executed, *a: executed.stem)
    _wrap(build.html, "convert_to_html", "convert to HTML", lambda executed, spec, *a: spec.name)
    _wrap(build.html, "git_commit", "git commit for provenance")
    result = build.build_reports(force=True, output_dir=out_dir, quiet=True, jobs=jobs)
    total = time.perf_counter() - START
    phases = []
    for event in EVENTS:
        if event["step"] != "execute":
            continue
        nb = json.loads((out_dir / f"{event['report']}.ipynb").read_text(encoding="utf-8"))
        meta = nb["metadata"].get("papermill", {})
        cells = sum(
            (c["metadata"].get("papermill", {}).get("duration") or 0.0)
            for c in nb["cells"]
            if c["cell_type"] == "code"
        )
        first = _iso(meta["start_time"]) - event["wall_start"]
        last = event["wall_start"] + (event["end"] - event["start"]) - _iso(meta["end_time"])
        phases.append(
            {
                "report": event["report"],
                "before_first_cell": first,
                "cells": cells,
                "papermill_between_cells": meta["duration"] - cells,
                "after_last_cell": last,
            }
        )
    print(
        json.dumps(
            {
                "import_build": imported,
                "total": total,
                "statuses": {r.name: r.status for r in result.results},
                "events": sorted(EVENTS, key=lambda e: e["start"]),
                "phases": phases,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
