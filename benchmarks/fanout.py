"""Section 5: a sweep of reports built locally with -j 2 and on a two-worker Dask cluster.

Also the marginal cost of one more report in a sweep (an incremental build that adds one report,
less a build where nothing changed), and the size of what each report sends back to the client.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import yaml
from harness import LOAD_SAMPLES, ROOT, claimscope, log, run_timed

sys.path.insert(0, str(ROOT / "tests"))
from cluster import LocalCluster  # noqa: E402 - the tests' cluster helper

NOTEBOOK = ROOT / "notebooks" / "actor_relations.ipynb"
DEPTHS = [1, 2, 3, 4]


def sweep_config(path: Path, depths: list[int]) -> int:
    """Write a sweep over every state x depths x roll-up; return how many reports it holds."""
    entry = {
        "name": "bench-{focus_actor}-{depth}-{roll_up_to_states}",
        "notebook": str(NOTEBOOK),
        "title": "Around {focus_actor.label}, depth {depth}",
        "matrix": {
            "focus_actor": {"from": "actors", "kind": "state"},
            "depth": depths,
            "roll_up_to_states": [False, True],
        },
    }
    path.write_text(yaml.safe_dump({"reports": [entry]}), encoding="utf-8")
    from claimscope.build.config import read_config
    from claimscope.build.sweeps import expand_sweeps
    from claimscope.data.paths import DATA_DIR

    return len(expand_sweeps(read_config(path), DATA_DIR))


def bench_fanout() -> dict:
    """Build the sweep locally and on a local two-worker cluster; time one more report."""
    first_sample = len(LOAD_SAMPLES)  # log() samples the load at every progress line
    with tempfile.TemporaryDirectory(prefix="claimscope-fanout-") as tmp:
        root = Path(tmp)
        config = root / "reports.yaml"
        n = sweep_config(config, DEPTHS)
        common = ["--config", str(config), "--quiet"]
        log(f"fan-out: {n} reports locally with -j 2")
        local = run_timed(
            claimscope("build", "--force", "-j", "2", "--output", str(root / "l"), *common)
        )
        page_bytes = sum(p.stat().st_size for p in (root / "l").glob("bench-*.html")) // n
        notebook_bytes = sum(p.stat().st_size for p in (root / "l").glob("bench-*.ipynb")) // n
        nothing = run_timed(claimscope("build", "-j", "2", "--output", str(root / "l"), *common))
        more = sweep_config(config, [*DEPTHS, 5])
        log(f"fan-out: one more value of depth ({more - n} more reports), incremental")
        incremental = run_timed(
            claimscope("build", "-j", "1", "--output", str(root / "l"), *common)
        )
        sweep_config(config, DEPTHS)
        log("fan-out: starting a scheduler and two workers")
        started = time.perf_counter()
        with LocalCluster(root) as cluster:
            startup = time.perf_counter() - started
            log(f"fan-out: {n} reports on the cluster")
            remote = run_timed(
                claimscope(
                    "build",
                    "--force",
                    "--output",
                    str(root / "r"),
                    "--scheduler",
                    cluster.address,
                    *common,
                )
            )
    return {
        "reports": n,
        "local_s": local,
        "cluster_s": remote,
        "cluster_startup_s": startup,
        "nothing_changed_s": nothing,
        "added_reports": more - n,
        "incremental_s": incremental,
        "page_bytes": page_bytes,
        "notebook_bytes": notebook_bytes,
        "load": [*LOAD_SAMPLES[first_sample:], os.getloadavg()[0]],
    }


def render_fanout(f: dict) -> list[str]:
    """The section's tables and the paper estimate for 5,000 reports."""
    n = f["reports"]
    marginal = (f["incremental_s"] - f["nothing_changed_s"]) / f["added_reports"]
    per_report = f["local_s"] * 2 / n  # two kernels busy for the whole local build
    shipped = (f["page_bytes"] + f["notebook_bytes"]) / 1e6
    lines = [
        "## 5. Sweeps on one machine and on a Dask cluster (issue #18)",
        "",
        f"A sweep of {n} actor-relations reports (every state x depth {DEPTHS[0]}-{DEPTHS[-1]} x "
        "roll-up on/off), each built with `--force`; the cluster is a `dask scheduler` and two "
        "`dask worker`s (one thread each) on this same machine, so both builds share its "
        "two cores.",
        "",
        f"1-min load average sampled during the run: highest {max(f['load']):.1f}, at the end "
        f"{f['load'][-1]:.1f}, on {os.cpu_count()} cores."
        + (
            " **Other work was running, so every time here is inflated**: section 4 puts one "
            "report at about 3 s of kernel time on an idle machine."
            if max(f["load"]) > 2.5
            else ""
        ),
        "",
        "| | Seconds |",
        "|---|---:|",
        f"| {n} reports, local, `-j 2` | {f['local_s']:.1f} |",
        f"| {n} reports, two-worker cluster (`--scheduler`) | {f['cluster_s']:.1f} |",
        f"| ratio cluster / local | {f['cluster_s'] / f['local_s']:.2f} |",
        f"| starting the scheduler and two workers (not in the line above) | "
        f"{f['cluster_startup_s']:.1f} |",
        f"| build with nothing changed | {f['nothing_changed_s']:.2f} |",
        f"| build adding {f['added_reports']} reports to the sweep (one more depth), `-j 1` | "
        f"{f['incremental_s']:.1f} |",
        f"| **marginal cost of one more report** (the line above less nothing-changed, per "
        f"report, one kernel) | **{marginal:.2f}** |",
        f"| kernel-seconds per report in the full local build (2 x wall / reports) | "
        f"{per_report:.2f} |",
        "",
        f"Each report sends back {f['page_bytes'] / 1e6:.1f} MB of HTML (plotly.js is embedded "
        f"in every page, about 3.6 MB of it) and {f['notebook_bytes'] / 1e6:.2f} MB of executed "
        "notebook; the data package goes out once per worker (13 kB compressed for the seed "
        "data).",
        "",
    ]
    lines += _estimate(marginal, shipped)
    return lines


def _estimate(marginal: float, shipped_mb: float) -> list[str]:
    reports = 5000
    rows = []
    for workers in (1, 10, 50):
        compute = reports * marginal / workers
        # The client receives every page over one link; take 1 Gbit/s = 125 MB/s.
        network = reports * shipped_mb / 125
        rows.append(
            f"| {workers} | {compute / 60:.0f} min | {network / 60:.1f} min | "
            f"{max(compute, network) / 60:.0f} min |"
        )
    return [
        "### 5,000 reports, on paper",
        "",
        f"From the marginal cost of {marginal:.1f} s per report on one worker slot (one core), "
        "assuming workers of one thread each on their own cores, and the client on a 1 Gbit/s "
        "link receiving every page:",
        "",
        "| Workers | Compute (5,000 x marginal / workers) | Pages back to the client | "
        "Expected wall time (the larger) |",
        "|---:|---:|---:|---:|",
        *rows,
        "",
        "- **Scheduler**: one task per report, a few hundred microseconds of scheduler time "
        "each; 5,000 tasks is about a second in all, never the bound.",
        "- **Data shipping**: the package goes to each worker once (a task result copied between "
        "workers), so 50 workers cost 50 copies; at the seed size that is nothing, and even a "
        "100,000-claim package (a few MB) is seconds. The return trip is what grows: every "
        "page embeds plotly.js, so 5,000 pages are "
        f"{reports * shipped_mb / 1000:.0f} GB through the client. At 50 workers that link and "
        "the client's disk become the bound; loading plotly.js once from a file beside the "
        "pages (offline still) would cut each page to its own data.",
        "- **Kernel start and imports dominate the marginal cost**: section 4 splits a report "
        "into about 0.9 s of kernel start and papermill overhead, 0.7 s of imports (pandas, "
        "plotly, networkx, claimscope) in the first cell, 0.3 s of the report's own cells and "
        "0.2-1.0 s of HTML conversion. The report's own work is a small part of it. What could "
        "cut it: a pool of warm kernels per worker with the imports done (started while the "
        "previous report runs, each used once, so no state leaks between reports); forking "
        "kernels from a pre-imported parent; and converting to HTML in the worker process that "
        "already has nbconvert imported (as now) rather than a fresh one.",
        "",
    ]
