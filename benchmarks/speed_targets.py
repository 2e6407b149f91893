"""The targets of issue #25 (warm kernels, preview, suite) against the naive loop, in one run."""

from __future__ import annotations

import csv
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from harness import BIN, KERNEL, ROOT, claimscope, load_average, log, run_timed, verdict

HEADING = "## 0. Warm kernels, preview and suite (issue #25)"
ONE = "troop-figures"
SWEEP_BASE = "actor-relations"


def _naive(out: Path, only: list[str] | None = None) -> str:
    """The loop a user writes: papermill then nbconvert per report, sweeps expanded by hand."""
    from claimscope.build.config import read_config
    from claimscope.build.sweeps import expand_sweeps
    from claimscope.data.paths import DATA_DIR, REPORTS_CONFIG

    lines = ["set -euo pipefail"]
    for spec in expand_sweeps(read_config(REPORTS_CONFIG), DATA_DIR):
        if only and spec.name not in only:
            continue
        executed = out / f"{spec.name}.ipynb"
        command = [str(BIN / "papermill"), str(spec.notebook), str(executed), "-k", KERNEL]
        command += ["--cwd", str(spec.notebook.parent), "--no-progress-bar"]
        if spec.parameters:
            command += ["-y", json.dumps(dict(spec.parameters))]
        lines.append(shlex.join(command))
        nbconvert = [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input"]
        lines.append(shlex.join([*nbconvert, str(executed)]))
    return "\n".join(lines)


def _sweep_names() -> list[str]:
    from claimscope.build.config import read_config
    from claimscope.build.sweeps import expand_sweeps
    from claimscope.data.paths import DATA_DIR, REPORTS_CONFIG

    specs = expand_sweeps(read_config(REPORTS_CONFIG), DATA_DIR)
    return [s.name for s in specs if s.name.startswith(SWEEP_BASE + "-")]


def _warm_one(tmp: Path) -> list[float]:
    """One report rebuilt by a running process whose warm parent is kept (as preview does)."""
    code = f"""
import json, sys, time
from pathlib import Path
from claimscope.build import build_reports, pool
from claimscope.data.paths import DATA_DIR, REPORTS_CONFIG
out = Path(sys.argv[1])
build_reports(only=["{ONE}"], output_dir=out, quiet=True)
pool.keep_warm(DATA_DIR, [REPORTS_CONFIG.parent / "notebooks" / "troop_figures.ipynb"])
pool.warm_kernels(DATA_DIR, []).__enter__().wait_ready()
times = []
for _ in range(3):
    start = time.perf_counter()
    assert build_reports(only=["{ONE}"], output_dir=out, quiet=True, force=True).exit_code == 0
    times.append(time.perf_counter() - start)
pool.release_kept()
print(json.dumps(times))
"""
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp / "warm")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _preview_edits(tmp: Path, edits: int = 3) -> list[float]:
    """Seconds from saving claims.csv to the open page's version moving, in a running preview."""
    data = tmp / "preview-data"
    shutil.copytree(ROOT / "data", data)
    process = subprocess.Popen(
        claimscope("preview", "--port", "0", "--only", ONE, "--data-dir", str(data))
        + ["--output", str(tmp / "preview-out")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    times = []
    try:
        url = ""
        for line in process.stdout:
            if "preview: open " in line:
                url = line.split("open ")[1].split(" ")[0].rsplit("/", 1)[0] + "/"
                break
        time.sleep(5)  # the warm parent is ready; the page has loaded once

        def version() -> int:
            with urllib.request.urlopen(url + "__preview__/version", timeout=5) as answer:  # noqa: S310
                return json.load(answer)["version"]

        claims = data / "claims.csv"
        for n in range(edits):
            rows = list(csv.reader(claims.open(encoding="utf-8", newline="")))
            rows[1][rows[0].index("note")] = f"benchmark edit {n}"
            before = version()
            start = time.perf_counter()
            with claims.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(rows)
            while version() == before and time.perf_counter() - start < 60:
                time.sleep(0.05)
            with urllib.request.urlopen(url + f"{ONE}.html", timeout=10) as answer:  # noqa: S310
                answer.read()
            times.append(time.perf_counter() - start)
            time.sleep(5)
    finally:
        process.terminate()
        process.wait(timeout=60)
    return times


def bench_speed(suite: bool) -> dict:
    """Every figure of issue #25's targets, each beside the naive loop, in this one run."""
    results: dict = {"load_before": load_average()}
    warm_off = {**os.environ, "CLAIMSCOPE_WARM_KERNELS": "0"}
    with tempfile.TemporaryDirectory(prefix="claimscope-speed-") as name:
        tmp = Path(name)
        (tmp / "naive").mkdir()
        results["naive_all"] = run_timed(_naive(tmp / "naive"))
        results["reports"] = _naive(tmp).count("nbconvert --to html")
        log(f"naive loop, every report: {results['naive_all']:.2f} s")
        # Each run a new process with no kernel alive; the first into an empty folder, the
        # next two into the same folder, whose manifest holds each report's last time (the
        # build starts the longest first).
        results["cold_runs"] = [
            run_timed(claimscope("build", "--force", "--quiet", "--output", str(tmp / "cold")))
            for _ in range(3)
        ]
        results["cold_all"] = statistics.median(results["cold_runs"])
        results["plain_all"] = run_timed(
            claimscope("build", "--force", "--quiet", "--output", str(tmp / "plain")), env=warm_off
        )
        log(f"cold build {results['cold_all']:.2f} s, plain kernels {results['plain_all']:.2f} s")
        (tmp / "naive1").mkdir()
        results["naive_one"] = run_timed(_naive(tmp / "naive1", [ONE]))
        results["cold_one"] = run_timed(
            claimscope("build", "--force", "--quiet", "--only", ONE, "--output", str(tmp / "one"))
        )
        results["warm_one"] = _warm_one(tmp)
        log(
            f"one report: naive {results['naive_one']:.2f} s, cold {results['cold_one']:.2f} s, "
            f"warm {results['warm_one']}"
        )
        sweep = _sweep_names()
        results["sweep_n"] = len(sweep)
        base = claimscope("build", "--force", "--quiet", "--output")
        results["sweep_one"] = run_timed(base + [str(tmp / "s1"), "--only", SWEEP_BASE])
        results["sweep_all"] = run_timed(base + [str(tmp / "sN"), "--only", SWEEP_BASE, *sweep])
        results["preview"] = _preview_edits(tmp)
        log(f"preview edits: {results['preview']}")
        if suite:
            results["suite"] = run_timed("make test", cwd=ROOT)
    results["load_after"] = load_average()
    return results


def render_speed(r: dict) -> list[str]:
    """Section 0 of RESULTS.md."""
    naive_per_report = r["naive_all"] / r["reports"]
    marginal = (r["sweep_all"] - r["sweep_one"]) / max(1, r["sweep_n"])
    warm = statistics.median(r["warm_one"])
    preview = statistics.median(r["preview"])
    load = "/".join(f"{x:.2f}" for x in r["load_before"])
    after = "/".join(f"{x:.2f}" for x in r["load_after"])
    rows = [
        HEADING,
        "",
        f"One run, whole commands as subprocesses; load average (1/5/15 min) {load} before, "
        f"{after} after, on {os.cpu_count()} cores. Naive loop: `papermill` then `jupyter "
        "nbconvert --to html --no-input` per report.",
        "",
        "| Figure | claimscope | Naive loop | Ratio | Target |",
        "|---|---:|---:|---:|---|",
        f"| 8 default reports, cold (`build --force`, a new process each time, warm kernels),"
        f" median of {', '.join(f'{x:.2f}' for x in r.get('cold_runs', [r['cold_all']]))}"
        f" (the first into an empty folder) | {r['cold_all']:.2f} s | "
        f"{r['naive_all']:.2f} s | {r['cold_all'] / r['naive_all']:.2f} | ≤ 0.1×: "
        f"{verdict(r['cold_all'] <= 0.1 * r['naive_all'])} |",
        f"| ... the same with plain kernels (`CLAIMSCOPE_WARM_KERNELS=0`) | {r['plain_all']:.2f} s"
        f" | {r['naive_all']:.2f} s | {r['plain_all'] / r['naive_all']:.2f} | |",
        f"| one report, a running process with its warm parent (preview), median of "
        f"{', '.join(f'{x:.2f}' for x in r['warm_one'])} | {warm:.2f} s | {r['naive_one']:.2f} s"
        f" | {warm / r['naive_one']:.2f} | ≤ 1.0 s idle: {verdict(warm <= 1.0)} |",
        f"| one report, cold `build --force --only {ONE}` (process start included) | "
        f"{r['cold_one']:.2f} s | {r['naive_one']:.2f} s | {r['cold_one'] / r['naive_one']:.2f} |"
        " (not a target) |",
        f"| a sweep's marginal report ((all {r['sweep_n']} - 1 report) / {r['sweep_n']}) | "
        f"{marginal:.2f} s | {naive_per_report:.2f} s | {marginal / naive_per_report:.2f} | "
        f"≤ 0.6 s: {verdict(marginal <= 0.6)} |",
        f"| preview: saved edit to claims.csv to the new page served, median of "
        f"{', '.join(f'{x:.2f}' for x in r['preview'])} | {preview:.2f} s | | | ≤ 2 s: "
        f"{verdict(preview <= 2.0)} |",
    ]
    if "suite" in r:
        rows.append(
            f"| `make test` | {r['suite'] / 60:.1f} min | | | ≤ 6 min idle: "
            f"{verdict(r['suite'] <= 360)} |"
        )
    else:
        rows.append("| `make test` | not run here (`--suite`) | | | ≤ 6 min idle |")
    return [*rows, ""]
