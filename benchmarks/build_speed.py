"""Build speed: `claimscope build` against the naive papermill + nbconvert loop; report weight."""

from __future__ import annotations

import json
import shlex
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import yaml
from cold_profile import profile_build, render_profile
from harness import (
    BIN,
    KERNEL,
    ROOT,
    TARGET_COLD_RATIO,
    TARGET_NOTHING_CHANGED_S,
    claimscope,
    log,
    run_timed,
    verdict,
)


def naive_script(out_dir: Path, data_dir: Path | None = None) -> str:
    """The shell loop a user would write: papermill then nbconvert, per report of reports.yaml."""
    config = yaml.safe_load((ROOT / "reports.yaml").read_text(encoding="utf-8"))
    lines = ["set -euo pipefail"]
    for report in config["reports"]:
        notebook = (ROOT / report["notebook"]).resolve()
        parameters = dict(report.get("parameters") or {})
        if data_dir is not None:
            parameters["data_dir"] = str(data_dir)
        executed = out_dir / f"{report['name']}.ipynb"
        command = [
            str(BIN / "papermill"),
            str(notebook),
            str(executed),
            "-k",
            KERNEL,
            "--cwd",
            str(notebook.parent),
            "--no-progress-bar",
        ]
        if parameters:
            command += ["-y", json.dumps(parameters)]
        lines.append(shlex.join(command))
        lines.append(
            shlex.join(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)]
            )
        )
    return "\n".join(lines)


def bench_build(repeat: int, jobs: int | None) -> dict:
    """Alternate naive loop, cold build and nothing-changed build, ``repeat`` rounds."""
    naive, cold, unchanged = [], [], []
    jobs_args = ["-j", str(jobs)] if jobs else []
    with tempfile.TemporaryDirectory(prefix="claimscope-bench-") as tmp:
        for round_ in range(1, repeat + 1):
            naive_dir = Path(tmp) / f"naive-{round_}"
            naive_dir.mkdir()
            naive.append(run_timed(naive_script(naive_dir)))
            log(f"round {round_}: naive loop {naive[-1]:.2f} s")
            cold_dir = Path(tmp) / f"cold-{round_}"
            cold.append(
                run_timed(
                    claimscope("build", "--force", "--quiet", "--output", str(cold_dir), *jobs_args)
                )
            )
            log(f"round {round_}: cold build {cold[-1]:.2f} s")
            unchanged.append(nothing_changed(cold_dir))
            log(f"round {round_}: nothing changed {unchanged[-1]:.3f} s")
        last = Path(tmp) / f"cold-{repeat}"
        weight = report_weight(last)
        profile = profile_build(Path(tmp) / "profiled", jobs)
    return {
        "naive": naive,
        "cold": cold,
        "unchanged": unchanged,
        "weight": weight,
        "profile": profile,
    }


def nothing_changed(out_dir: Path, attempts: int = 3) -> float:
    """Time ``claimscope build`` on an up-to-date folder; it must rebuild nothing.

    When the code or data changed since the cold build (someone edited the tree meanwhile),
    the run rebuilt reports and its time is not a nothing-changed time: run again.
    """
    for _ in range(attempts):
        start = time.perf_counter()
        done = subprocess.run(
            claimscope("build", "--output", str(out_dir)), capture_output=True, text=True, cwd=ROOT
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"nothing-changed build exited {done.returncode}: {done.stderr}")
        if " 0 built, " in done.stdout:
            return seconds
        log("nothing-changed build rebuilt something (the tree changed); running it again")
    raise RuntimeError("the tree kept changing: no nothing-changed build could be timed")


def plotly_js_bytes() -> int:
    """Bytes of plotly.js as the build embeds it."""
    from claimscope.build.html import plotly_bundle

    return len(
        plotly_bundle().read_text(encoding="utf-8").replace("</script", "<\\/script").encode()
    )


def report_weight(out_dir: Path) -> dict:
    """Bytes of each report and the index; what a reader downloads with plotly.js cached once."""
    plotly_bytes = plotly_js_bytes()
    rows = []
    for page in sorted(out_dir.glob("*.html")):
        size = page.stat().st_size
        embeds = page.read_bytes().count(b"plotly.js v") if page.name != "index.html" else 0
        own = size - plotly_bytes * min(embeds, 1)
        rows.append({"file": page.name, "bytes": size, "plotly_embedded": embeds, "own": own})
    return {
        "plotly_js": plotly_bytes,
        "pages": rows,
        "total_raw": sum(r["bytes"] for r in rows),
        "total_plotly_once": sum(r["own"] for r in rows) + plotly_bytes,
    }


def render_build(build: dict, repeat: int) -> list[str]:
    naive, cold, unchanged = (statistics.median(build[k]) for k in ("naive", "cold", "unchanged"))
    ratio = cold / naive
    fmt = ", ".join
    out = [
        "## 1. Build against the naive loop",
        "",
        f"The three default reports, {repeat} alternating rounds; medians. Naive loop: "
        "`papermill` then `jupyter nbconvert --to html --no-input` per report, in one shell.",
        "",
        "| Build | Median | Runs | Ratio to naive | Target |",
        "|---|---:|---|---:|---|",
        f"| naive loop | {naive:.2f} s | {fmt(f'{x:.2f}' for x in build['naive'])} | 1.00 | |",
        f"| `claimscope build --force` (cold) | {cold:.2f} s | "
        f"{fmt(f'{x:.2f}' for x in build['cold'])} | {ratio:.2f} | ≤ {TARGET_COLD_RATIO}× "
        f"naive: {verdict(ratio <= TARGET_COLD_RATIO)} |",
        f"| `claimscope build` (nothing changed) | {unchanged:.3f} s | "
        f"{fmt(f'{x:.3f}' for x in build['unchanged'])} | {unchanged / naive:.3f} | "
        f"< {TARGET_NOTHING_CHANGED_S} s: {verdict(unchanged < TARGET_NOTHING_CHANGED_S)} |",
        "",
    ]
    weight = build["weight"]
    out += [
        "## 3. Report weight",
        "",
        f"plotly.js as embedded: {weight['plotly_js']:,} bytes. *Own* bytes are the page "
        "without its embedded plotly.js.",
        "",
        "| Page | Bytes | plotly.js embedded | Own bytes |",
        "|---|---:|---:|---:|",
    ]
    for page in weight["pages"]:
        out.append(
            f"| {page['file']} | {page['bytes']:,} | {page['plotly_embedded']} | {page['own']:,} |"
        )
    out += [
        f"| **all pages, plotly.js counted once** | | | **{weight['total_plotly_once']:,}** |",
        f"| all pages as written (plotly.js in each) | {weight['total_raw']:,} | | |",
        "",
    ]
    out += render_profile(build["profile"], cold)
    return out
