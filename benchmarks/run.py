"""Benchmarks of claimscope's report build; `make bench` runs this and writes RESULTS.md.

What it measures (issue #7), each in fresh subprocesses so imports and kernels count:

1. **Build vs the naive loop**, alternating in the same run: the default reports built by a
   shell loop of ``papermill`` then ``jupyter nbconvert --to html --no-input`` per report;
   ``claimscope build --force`` cold into an empty folder; ``claimscope build`` with nothing
   changed. Medians over ``--repeat`` rounds and the ratio to the naive loop.
2. **Scale**: synthetic datasets (``benchmarks/synthetic.py``) of 10 to 100,000 claims: load and
   validate time, each report's build time (``--data-dir``) and HTML size.
3. **Report weight**: bytes of each default report and the index, plotly.js counted once.
4. **Profile of a cold build**: kernel start, imports, execution per cell, HTML conversion.

    .venv/bin/python benchmarks/run.py --repeat 3 --sizes 10 1000 10000 100000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
KERNEL = "claimscope"
SIZES = (10, 1_000, 10_000, 100_000)
SCALE_REPORTS = ("troop-figures", "actor-relations")
SEED = 7

TARGET_COLD_RATIO = 0.5
TARGET_NOTHING_CHANGED_S = 0.5
TARGET_VALIDATE_S = 3.0
TARGET_VALIDATE_CLAIMS = 100_000
TARGET_REPORT_S = 20.0
TARGET_REPORT_BYTES = 10_000_000
VALIDATE_RUNS = 3
NOISY = (
    "**no: other work was running (1-min load above 0.5 before the run, or above 2.5 during "
    "it, more than the benchmark's own two kernels), so timings are noisy**"
)

sys.path.insert(0, str(ROOT / "benchmarks"))
import synthetic  # noqa: E402

#: 1-minute load averages sampled at every progress line (how busy the machine was).
LOAD_SAMPLES: list[float] = []
#: The benchmark itself keeps up to two kernels and their parent busy on this machine.
OWN_LOAD = 2.5


def log(message: str) -> None:
    """Progress on stderr, so a long run shows where it is; sample the load average too."""
    LOAD_SAMPLES.append(os.getloadavg()[0])
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_timed(command: list[str] | str, **kwargs) -> float:
    """Run a command (a list, or a string for bash) and return its wall time; fail loudly."""
    shell = isinstance(command, str)
    start = time.perf_counter()
    done = subprocess.run(
        ["bash", "-c", command] if shell else command,
        capture_output=True,
        text=True,
        cwd=kwargs.pop("cwd", ROOT),
        **kwargs,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        shown = command if shell else shlex.join(command)
        raise RuntimeError(f"{shown} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return seconds


# --- machine ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """Cores, memory, load and the versions that matter."""
    import nbconvert
    import pandas
    import papermill
    import plotly

    mem_kb = 0
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": str(os.cpu_count()),
        "memory": f"{mem_kb / 1024**2:.1f} GiB",
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "papermill": papermill.__version__,
        "nbconvert": nbconvert.__version__,
        "plotly": plotly.__version__,
        "pandas": pandas.__version__,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages (how busy the machine was)."""
    return os.getloadavg()


# --- 1. build against the naive loop ------------------------------------------------------


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


def claimscope(*args: str) -> list[str]:
    """The ``claimscope`` command line with ``args``."""
    return [str(BIN / "claimscope"), *args]


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


# --- 3. report weight -----------------------------------------------------------------------


def plotly_js_bytes() -> int:
    """Bytes of plotly.js as the build embeds it."""
    from plotly.offline import get_plotlyjs

    return len(get_plotlyjs().replace("</script", "<\\/script").encode("utf-8"))


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


# --- 4. profile of a cold build -------------------------------------------------------------


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
from claimscope import display, prose, tables  # noqa
from claimscope.analysis import troops as analysis_troops, relations  # noqa
from claimscope.charts import troops, timeline, relations as rel_charts, style  # noqa
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
import claimscope.dataset  # noqa
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


def _python(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return done.stdout.strip().splitlines()[-1]


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
    kernel = median(float(_python(_KERNEL_START)) for _ in range(3))
    third, ours = (float(x) for x in _python(_IMPORTS).split())
    sample = next(iter(timeline["statuses"]))
    imported, first, second = json.loads(_python(_CONVERT, str(out_dir / f"{sample}.ipynb")))
    cli = median(run_timed(claimscope("--help")) for _ in range(3))
    nbformat_import = median(float(_python(_NBFORMAT, "as-installed")) for _ in range(3))
    nbformat_blocked = median(float(_python(_NBFORMAT, "blocked")) for _ in range(3))
    cli_import, dataset_import = (float(x) for x in _python(_CLI_IMPORTS).split())
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


# --- 2. scale ---------------------------------------------------------------------------------


_LOAD = """
import json, sys, time
t = time.perf_counter()
import numpy, pandas  # noqa: F401  (the module loads them on first use; time them here)
from claimscope.dataset import load_dataset
imported = time.perf_counter() - t
if sys.argv[2:] == ["strict"]:  # what the strict csv loop alone would cost
    import claimscope.csvread
    claimscope.csvread._read_fast = lambda text: None
t = time.perf_counter()
ds = load_dataset(sys.argv[1])
print(json.dumps([imported, time.perf_counter() - t, len(ds.claims)]))
"""


_VALIDATE_STEPS = """
import json, sys, time
import numpy, pandas  # noqa: F401
import claimscope.dataset as D

steps = {}
for name in ("_read_rows", "_type_column", "_check_foreign_keys", "_load_texts",
             "_check_quotes", "_check_claims", "_check_relations", "_check_hierarchy"):
    original = getattr(D, name)
    def timed(*args, _f=original, _n=name, **kwargs):
        start = time.perf_counter()
        try:
            return _f(*args, **kwargs)
        finally:
            steps[_n] = steps.get(_n, 0.0) + time.perf_counter() - start
    setattr(D, name, timed)
start = time.perf_counter()
D.load_dataset(sys.argv[1])
steps["total"] = time.perf_counter() - start
print(json.dumps(steps))
"""

VALIDATE_STEP_NAMES = {
    "_read_rows": "decode and parse the CSVs into columns",
    "_type_column": "type and check every column against the schema",
    "_check_foreign_keys": "foreign keys",
    "_load_texts": "read and hash the source texts",
    "_check_quotes": "quotes at their offsets",
    "_check_claims": "claim coherence (ranges, qualifiers, dates)",
    "_check_relations": "relations cite existing claims",
    "_check_hierarchy": "actor hierarchy has no cycle",
}


def bench_scale(sizes: list[int], keep: Path | None) -> list[dict]:
    """Generate each size, time its validation and each report's build, weigh its HTML."""
    rows = []
    base = keep or Path(tempfile.mkdtemp(prefix="claimscope-scale-"))
    try:
        for size in sizes:
            data_dir = base / f"data-{size}"
            start = time.perf_counter()
            counts = synthetic.generate(data_dir, size, seed=SEED)
            generated = time.perf_counter() - start
            loads = [json.loads(_python(_LOAD, str(data_dir))) for _ in range(VALIDATE_RUNS)]
            assert all(claims == size for _, _, claims in loads)
            validate = statistics.median(seconds for _, seconds, _ in loads)
            log(f"{size} claims: generated in {generated:.1f} s, validated in {validate:.2f} s")
            row = {
                "claims": size,
                "counts": counts,
                "import": statistics.median(imported for imported, _, _ in loads),
                "validate": validate,
                "validate_runs": [seconds for _, seconds, _ in loads],
            }
            if size == max(sizes):
                row["validate_steps"] = json.loads(_python(_VALIDATE_STEPS, str(data_dir)))
                row["validate_strict"] = json.loads(_python(_LOAD, str(data_dir), "strict"))[1]
            for report in SCALE_REPORTS:
                out_dir = base / f"out-{size}-{report}"
                command = claimscope(
                    "build",
                    "--force",
                    "--quiet",
                    "--data-dir",
                    str(data_dir),
                    "--output",
                    str(out_dir),
                    "--only",
                    report,
                )
                try:
                    wall = run_timed(command)
                    manifest = json.loads((out_dir / ".manifest.json").read_text())
                    entry = manifest["reports"][report]
                    html = (out_dir / f"{report}.html").stat().st_size
                    row[report] = {"wall": wall, "report": entry["seconds"], "html": html}
                except RuntimeError as exc:
                    row[report] = {"error": str(exc).strip().splitlines()[-1][:200]}
                log(f"{size} claims: {report} {row[report]}")
            rows.append(row)
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return rows


# --- RESULTS.md ---------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**MISSED**"


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def render(info: dict, load: dict, build: dict | None, scale: list[dict], args) -> str:
    """Write RESULTS.md."""
    before, after = load["before"], load["after"]
    peak = max(load.get("samples") or [after[0]])
    busy = before[0] > 0.5 or peak > OWN_LOAD
    out = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`benchmarks/run.py`); re-run it to refresh. Timings are wall "
        "times of whole commands run as subprocesses.",
        "",
        "| | |",
        "|---|---|",
        f"| Date | {info['date']} |",
        f"| Machine | {info['cores']} cores ({info['cpu']}), {info['memory']} memory |",
        f"| Versions | python {info['python']}, papermill {info['papermill']}, nbconvert "
        f"{info['nbconvert']}, plotly {info['plotly']}, pandas {info['pandas']} |",
        f"| Load average (1/5/15 min) | before {before[0]:.2f}/{before[1]:.2f}/{before[2]:.2f}, "
        f"after {after[0]:.2f}/{after[1]:.2f}/{after[2]:.2f}; highest 1-min sample during the "
        f"run {peak:.2f} |",
        f"| Machine idle? | {NOISY if busy else 'yes (load below 0.5 before, 2.5 during)'} |",
        f"| Options | `--repeat {args.repeat}` `--sizes {' '.join(map(str, args.sizes))}`"
        + (f" `--jobs {args.jobs}`" if args.jobs else "")
        + " |",
        "",
    ]
    if build:
        out += _render_build(build, args.repeat)
    if scale:
        out += _render_scale(scale)
    out += CHANGES
    return "\n".join(out) + "\n"


CHANGES = [
    "## What was changed for these targets (issue #7)",
    "",
    "- **Validation** (`dataset.py`, `csvread.py`): the checks run over plain lists and numpy "
    "masks instead of `iterrows` and pandas string methods, and pandas is imported on first "
    "use (the CLI imports the module for its error type). A CSV is parsed by pandas' C parser "
    "when `csvread.py` has first proved that it and the strict `csv` module cannot read the "
    "text two ways (every quote opens or closes a field, no blank line, every record as wide as "
    "the header); any other text goes through the strict `csv` loop, which names the "
    "line. The C parser returns each column's strings side by side in memory, repeated values "
    "shared, so each later pass over a column is three to five times cheaper than over the "
    "`csv` module's two million scattered strings. `tests/test_csvread.py` checks the fast "
    "path against the `csv` module on generated texts. 100,000 claims went from 9.9 s to "
    "3.4 s, then to 1.4-1.7 s; tables and messages are unchanged.",
    "- **Troop figures** (`analysis/troops.py`, `tables.py`, `prose.py`, `charts/troops.py`): "
    "the summary table shows the first "
    "200 claims and a last row counts the rest; the prose describes the first 25 figures and "
    "counts the rest (name lists too); above 60 claims the figures-by-source chart draws one "
    "row per claimant (span, median, stance counts) for the 60 claimants with most claims; "
    "above 150 figures the timeline draws the median and range per day and measure; the "
    "stance chart draws the 40 busiest claimants and sums the others in one bar; stance "
    "counts are one groupby. Every cap says in the title or a last row what it left out.",
    "- **Actor relations** (`analysis/relations.py`, `charts/relations.py`): claims are "
    "grouped once "
    "per actor instead of a mask per actor; each actor's ties come from its own edges, not "
    "a scan of all edges; the network and the matrix draw the 40 actors with most ties (the "
    "network at most the 150 firmest ties among them); tables stop at 200 rows and the "
    "summary at 30 actors, each saying how many were left out.",
    "- Below every cap the reports are byte-for-byte what they were: the default notebooks "
    "re-execute to identical outputs.",
    "",
]


def _render_build(build: dict, repeat: int) -> list[str]:
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
        f"naive: {_verdict(ratio <= TARGET_COLD_RATIO)} |",
        f"| `claimscope build` (nothing changed) | {unchanged:.3f} s | "
        f"{fmt(f'{x:.3f}' for x in build['unchanged'])} | {unchanged / naive:.3f} | "
        f"< {TARGET_NOTHING_CHANGED_S} s: {_verdict(unchanged < TARGET_NOTHING_CHANGED_S)} |",
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
    out += _render_profile(build["profile"], cold)
    return out


def _render_profile(profile: dict, cold: float) -> list[str]:
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
        "| ... then `claimscope.dataset` (pandas and numpy load on first use, not here) | "
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


def _render_scale(scale: list[dict]) -> list[str]:
    out = [
        "## 2. Scale",
        "",
        "Synthetic datasets from `benchmarks/synthetic.py` (seed "
        f"{SEED}): documents of 200 claims, one actor per 50 claims (at most "
        f"{synthetic.MAX_ACTORS:,}), one relation per 10 claims. Validate: `load_dataset` in a "
        f"fresh process, imports (pandas included) excluded, median of {VALIDATE_RUNS} runs. "
        "Report: execute and convert as the manifest records it; wall: the whole "
        "`claimscope build --force --only REPORT --data-dir ...` command.",
        "",
        "| Claims | Actors | Relations | Validate | troop-figures report (wall) | HTML | "
        "actor-relations report (wall) | HTML |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in scale:
        cells = [
            f"{row['claims']:,}",
            f"{row['counts']['actors']:,}",
            f"{row['counts']['relations']:,}",
            f"{row['validate']:.2f} s",
        ]
        for report in SCALE_REPORTS:
            r = row[report]
            if "error" in r:
                cells += [f"failed: {r['error']}", ""]
            else:
                cells += [f"{r['report']:.1f} s ({r['wall']:.1f} s)", _mb(r["html"])]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    largest = max(scale, key=lambda r: r["claims"])
    if largest["claims"] >= TARGET_VALIDATE_CLAIMS:
        ok = largest["validate"] < TARGET_VALIDATE_S
        out.append(
            f"- Validate {largest['claims']:,} claims in under {TARGET_VALIDATE_S:.0f} s: "
            f"{largest['validate']:.2f} s (median of "
            f"{', '.join(f'{t:.2f}' for t in largest.get('validate_runs', []))}), {_verdict(ok)}."
        )
        steps = largest.get("validate_steps")
        if steps:
            out_steps = [
                "",
                f"  Where validating {largest['claims']:,} claims goes (another fresh process, "
                f"{steps['total']:.2f} s in all; steps nest, so they need not add up):",
                "",
                "  | Step | Seconds |",
                "  |---|---:|",
            ]
            for name, label in VALIDATE_STEP_NAMES.items():
                if name in steps:
                    out_steps.append(f"  | {label} | {steps[name]:.2f} |")
            out += [*out_steps, ""]
            out += [
                "  Each column is stripped, matched and typed with one C-level `map` per check "
                "over plain lists. pandas' C parser reads the CSVs when `csvread.py` has proved "
                "the text unambiguous, as every generated size is.",
                "",
            ]
        strict = largest.get("validate_strict")
        if strict is not None:
            out += [
                f"  With that fast path switched off, so that the strict `csv` loop reads every "
                f"table (what a table with a blank line or a quoted CRLF gets), the same "
                f"{largest['claims']:,} claims validate in {strict:.2f} s.",
                "",
            ]
        for report in SCALE_REPORTS:
            r = largest[report]
            if "error" in r:
                out.append(f"- {report} on {largest['claims']:,} claims: **MISSED** (failed).")
                continue
            ok = r["report"] < TARGET_REPORT_S and r["html"] < TARGET_REPORT_BYTES
            out.append(
                f"- {report} on {largest['claims']:,} claims under {TARGET_REPORT_S:.0f} s and "
                f"{TARGET_REPORT_BYTES / 1e6:.0f} MB: {r['report']:.1f} s, {_mb(r['html'])}, "
                f"{_verdict(ok)}. The whole command took {r['wall']:.1f} s: before the kernel "
                "starts it validates the dataset in its own process (the notebook loads it "
                "again) and imports papermill."
            )
    else:
        out.append(f"- Largest size run: {largest['claims']:,} claims; the targets are at 100,000.")
    out.append("")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write RESULTS.md (or the file given with --output)."""
    parser = argparse.ArgumentParser(description="claimscope benchmarks (issue #7)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the build comparison")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES), help="claims")
    parser.add_argument("--jobs", type=int, default=None, help="parallel kernels for the build")
    parser.add_argument("--skip-build", action="store_true", help="skip sections 1, 3 and 4")
    parser.add_argument("--keep", type=Path, default=None, help="keep scale data and reports here")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file")
    parser.add_argument("--json", type=Path, default=None, help="also write raw numbers here")
    parser.add_argument(
        "--from-json", type=Path, default=None, help="only re-render RESULTS.md from --json output"
    )
    args = parser.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        for key, value in saved.get("args", {}).items():
            setattr(args, key, value)
        text = render(saved["machine"], saved["load"], saved["build"], saved["scale"], args)
        args.output.write_text(text, encoding="utf-8")
        return 0
    info = machine()
    load = {"before": load_average()}
    log(f"machine: {info}; load {load['before']}")
    build = None if args.skip_build else bench_build(args.repeat, args.jobs)
    scale = bench_scale(args.sizes, args.keep) if args.sizes else []
    load["after"] = load_average()
    load["samples"] = LOAD_SAMPLES
    args.output.write_text(render(info, load, build, scale, args), encoding="utf-8")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "load": load,
                    "build": build,
                    "scale": scale,
                    "args": {"repeat": args.repeat, "sizes": args.sizes, "jobs": args.jobs},
                },
                indent=1,
            )
        )
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
