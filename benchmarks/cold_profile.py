"""Where a cold build spends its time: kernel start, imports, cells, HTML conversion."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from harness import (
    ROOT,
    claimscope,
    python,
    run_timed,
)

_KERNEL_START = """
import time
from jupyter_client.manager import start_new_kernel
t = time.perf_counter()
km, kc = start_new_kernel(kernel_name="claimscope")
print(time.perf_counter() - t)
kc.stop_channels()
km.shutdown_kernel(now=True)
"""

_IMPORTS = """
import time
t = time.perf_counter()
import pandas, plotly.graph_objects, networkx  # noqa
third = time.perf_counter() - t
from claimscope.present import display, prose, tables# noqa
from claimscope.analysis import troops as analysis_troops, relations  # noqa
from claimscope.present.charts import troops, timeline, relations as rel_charts, style  # noqa
print(third, time.perf_counter() - t)
"""

_NBFORMAT = """
import sys, time
if sys.argv[1] == "blocked":
    sys.modules["rfc3987_syntax"] = None  # jsonschema treats it as not installed
t = time.perf_counter()
import nbformat  # noqa
print(time.perf_counter() - t)
"""

_CLI_IMPORTS = """
import time
t = time.perf_counter()
import claimscope.cli  # noqa
cli = time.perf_counter() - t
import claimscope.data.dataset  # noqa
print(cli, time.perf_counter() - t - cli)
"""

_CONVERT = """
import json, sys, time
from pathlib import Path
t = time.perf_counter()
from claimscope.build import ReportSpec, convert_to_html
imported = time.perf_counter() - t
spec = ReportSpec(name="x", notebook=Path(sys.argv[1]), title="t")
t = time.perf_counter()
convert_to_html(Path(sys.argv[1]), spec, {}, [])
first = time.perf_counter() - t
t = time.perf_counter()
convert_to_html(Path(sys.argv[1]), spec, {}, [])
print(json.dumps([imported, first, time.perf_counter() - t]))
"""


def profile_build(out_dir: Path, jobs: int | None) -> dict:
    """Where a cold build's time goes: a timeline of its steps, and separate import probes."""
    from statistics import median

    command = [sys.executable, str(ROOT / "benchmarks" / "profile_build.py"), str(out_dir)]
    done = subprocess.run(
        command + (["--jobs", str(jobs)] if jobs else []),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    timeline = json.loads(done.stdout.strip().splitlines()[-1])
    kernel = median(float(python(_KERNEL_START)) for _ in range(3))
    third, ours = (float(x) for x in python(_IMPORTS).split())
    sample = next(iter(timeline["statuses"]))
    imported, first, second = json.loads(python(_CONVERT, str(out_dir / f"{sample}.ipynb")))
    cli = median(run_timed(claimscope("--help")) for _ in range(3))
    nbformat_import = median(float(python(_NBFORMAT, "as-installed")) for _ in range(3))
    nbformat_blocked = median(float(python(_NBFORMAT, "blocked")) for _ in range(3))
    cli_import, dataset_import = (float(x) for x in python(_CLI_IMPORTS).split())
    return {
        "timeline": timeline,
        "nbformat_import": nbformat_import,
        "nbformat_import_without_rfc3987_syntax": nbformat_blocked,
        "cli_import": cli_import,
        "dataset_import": dataset_import,
        "kernel_start": kernel,
        "imports_third_party": third,
        "imports_total": ours,
        "convert_import": imported,
        "convert_first": first,
        "convert_again": second,
        "cli_start": cli,
    }


def render_profile(profile: dict, cold: float) -> list[str]:
    timeline = profile["timeline"]
    out = [
        "## 4. Where a cold build spends its time",
        "",
        f"One more cold build, in-process with timers around the build's own steps "
        f"(`benchmarks/profile_build.py`): {timeline['total']:.2f} s in all, of which "
        f"{timeline['import_build']:.2f} s importing `claimscope.build`. Times are seconds "
        "since the process started; reports run in parallel kernels (one per core), so "
        "their steps overlap.",
        "",
        "| Step | Report | From | To | Seconds |",
        "|---|---|---:|---:|---:|",
    ]
    for event in timeline["events"]:
        out.append(
            f"| {event['step']} | {event['report']} | {event['start']:.2f} | "
            f"{event['end']:.2f} | {event['end'] - event['start']:.2f} |"
        )
    out += [
        "",
        "Each execution, split with papermill's own timestamps:",
        "",
        "| Report | Kernel start and papermill overhead | Running the cells | "
        "Kernel shutdown, writing |",
        "|---|---:|---:|---:|",
    ]
    for phase in timeline["phases"]:
        overhead = phase["before_first_cell"] + phase["papermill_between_cells"]
        out.append(
            f"| {phase['report']} | {overhead:.2f} | {phase['cells']:.2f} | "
            f"{phase['after_last_cell']:.2f} |"
        )
    out += [
        "",
        "Separate probes (fresh processes, medians of 3 where it says so):",
        "",
        "| Step | Seconds |",
        "|---|---:|",
        f"| `claimscope --help` (CLI start: Python and its imports), median | "
        f"{profile['cli_start']:.2f} |",
        f"| import `claimscope.cli` (includes claimscope.build) | {profile['cli_import']:.2f} |",
        "| ... then `claimscope.data.dataset` (pandas and numpy load on first use, not here) | "
        f"{profile['dataset_import']:.2f} |",
        f"| import nbformat (papermill and nbconvert need it), median | "
        f"{profile['nbformat_import']:.2f} |",
        "| ... the same with the optional `rfc3987_syntax` hidden from jsonschema, median | "
        f"{profile['nbformat_import_without_rfc3987_syntax']:.2f} |",
        f"| start a `claimscope` kernel and wait until ready, median | "
        f"{profile['kernel_start']:.2f} |",
        f"| import pandas, plotly, networkx | {profile['imports_third_party']:.2f} |",
        f"| ... plus every claimscope module a report imports | {profile['imports_total']:.2f} |",
        f"| import nbconvert and the build's converter | {profile['convert_import']:.2f} |",
        f"| convert one executed report to HTML (first / again) | {profile['convert_first']:.2f} / "
        f"{profile['convert_again']:.2f} |",
        f"| whole cold build (median, section 1) | {cold:.2f} |",
        "",
    ]
    return out + _render_bounds(profile)


def _render_bounds(profile: dict) -> list[str]:
    """Say, from the timeline, what bounds a cold build."""
    timeline = profile["timeline"]
    events = timeline["events"]
    executes = [e for e in events if e["step"] == "execute"]
    converts = [e for e in events if e["step"] == "convert to HTML"]
    if not executes:
        return []
    prelude = min(e["start"] for e in executes)
    inspect = sum(e["end"] - e["start"] for e in events if e["step"].startswith("inspect"))
    validate = sum(e["end"] - e["start"] for e in events if e["step"] == "validate dataset")
    first_end = min(e["end"] for e in executes)
    parallel = sum(e["start"] < first_end for e in executes)
    phases = timeline["phases"]
    overhead = statistics.mean(
        p["before_first_cell"] + p["papermill_between_cells"] for p in phases
    )
    cells = statistics.mean(p["cells"] for p in phases)
    convert = statistics.mean(e["end"] - e["start"] for e in converts)
    jsonschema = profile["nbformat_import"] - profile["nbformat_import_without_rfc3987_syntax"]
    return [
        "### What bounds a cold build",
        "",
        f"- **A serial prelude of {prelude:.1f} s** before the first kernel starts: validating "
        f"the dataset ({validate:.1f} s, mostly importing pandas) and inspecting the notebooks' "
        f"parameters ({inspect:.1f} s), which imports papermill, hence nbformat and jsonschema. "
        "jsonschema imports the optional `rfc3987_syntax` when it is installed, and that "
        f"compiles 38 lark grammars on import: {jsonschema:.1f} s of the "
        f"{profile['nbformat_import']:.1f} s that a plain nbformat import takes here. The build "
        "marks that module absent before importing papermill (nbformat never checks IRI "
        "formats), so its inspection pays only the rest.",
        f"- **Then {len(executes)} reports on {parallel} parallel kernels**, so "
        f"{-(-len(executes) // max(parallel, 1))} waves on this {os.cpu_count()}-core machine. "
        f"Per report, on average: {overhead:.1f} s kernel start and papermill overhead, "
        f"{cells:.1f} s running the cells (the first cell's imports of pandas, plotly and "
        f"networkx are about {profile['imports_total']:.1f} s of it), {convert:.1f} s converting "
        "to HTML (the first conversion in a process also imports nbconvert's stack, "
        f"{profile['convert_first']:.1f} s against {profile['convert_again']:.1f} s for the "
        "next).",
        "- The naive loop pays all of it serially, and twice per report the start of a Python "
        "process that imports nbformat (papermill, then nbconvert): that is why the build is "
        "well under half of it even with two waves.",
        "",
    ]
