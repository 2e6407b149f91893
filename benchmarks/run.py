"""Benchmarks of claimscope's report build; `make bench` runs this and writes RESULTS.md.

What it measures (issue #7), each in fresh subprocesses so imports and kernels count:

0. **Warm kernels, preview and suite** (issue #25, ``speed_targets.py``): every target of the
   issue beside the naive loop in one run; ``--speed-only`` runs just this section and
   ``--suite`` also times ``make test``.

1. **Build vs the naive loop**, alternating in the same run: the default reports built by a
   shell loop of ``papermill`` then ``jupyter nbconvert --to html --no-input`` per report;
   ``claimscope build --force`` cold into an empty folder; ``claimscope build`` with nothing
   changed. Medians over ``--repeat`` rounds and the ratio to the naive loop.
2. **Scale**: synthetic datasets (``benchmarks/synthetic.py``) of 10 to 100,000 claims: load and
   validate time, each report's build time (``--data-dir``) and HTML size.
3. **Report weight**: bytes of each default report and the index, plotly.js counted once.
4. **Profile of a cold build**: kernel start, imports, execution per cell, HTML conversion.
5. **Sweeps** (issue #18): a sweep of 48 reports built locally with ``-j 2`` and on a local
   two-worker Dask cluster, the marginal cost of one more report, and 5,000 reports on paper.
   ``--fanout-only`` runs just this and replaces its section in an existing RESULTS.md.

    .venv/bin/python benchmarks/run.py --repeat 3 --sizes 10 1000 10000 100000

Each measurement lives in its own module: ``build_speed.py`` (1 and 3), ``scale.py`` (2),
``cold_profile.py`` (4), ``fanout.py`` (5); ``harness.py`` holds what they share. This driver
runs them and writes RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from build_speed import bench_build, render_build
from fanout import bench_fanout, render_fanout
from harness import (
    LOAD_SAMPLES,
    NOISY,
    OWN_LOAD,
    RESULTS,
    SIZES,
    load_average,
    log,
    machine,
)
from scale import bench_scale, render_scale
from speed_targets import HEADING as SPEED_HEADING
from speed_targets import bench_speed, render_speed

FANOUT_HEADING = "## 5. Sweeps"


def splice_fanout(text: str, fanout: dict) -> str:
    """Replace (or add before the closing notes) section 5 of an existing RESULTS.md."""
    section = "\n".join(render_fanout(fanout))
    closing = text.find("## What was changed")
    start = text.find(FANOUT_HEADING)
    if start < 0:
        start = closing if closing >= 0 else len(text)
        end = start
    else:
        end = text.find("\n## ", start + 1)
        end = len(text) if end < 0 else end + 1
    return text[:start] + section + "\n" + text[end:]


def splice_speed(text: str, speed: dict) -> str:
    """Replace (or add before section 1) section 0 of an existing RESULTS.md."""
    section = "\n".join(render_speed(speed))
    start = text.find(SPEED_HEADING)
    if start < 0:
        start = text.find("## 1.")
        start = start if start >= 0 else len(text)
        end = start
    else:
        end = text.find("\n## ", start + 1)
        end = len(text) if end < 0 else end + 1
    return text[:start] + section + "\n" + text[end:]


def render(
    info: dict, load: dict, build: dict | None, scale: list[dict], args, fanout: dict | None = None
) -> str:
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
        out += render_build(build, args.repeat)
    if scale:
        out += render_scale(scale)
    if fanout:
        out += render_fanout(fanout)
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
    parser.add_argument("--skip-fanout", action="store_true", help="skip section 5")
    parser.add_argument(
        "--fanout-only", action="store_true", help="run section 5 alone, splice it into --output"
    )
    parser.add_argument(
        "--speed-only", action="store_true", help="run section 0 alone, splice it into --output"
    )
    parser.add_argument("--suite", action="store_true", help="also time `make test` (section 0)")
    args = parser.parse_args(argv)
    speed = bench_speed(args.suite)
    if args.speed_only:
        text = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        args.output.write_text(splice_speed(text, speed), encoding="utf-8")
        log(f"wrote section 0 of {args.output}")
        return 0
    if args.fanout_only:
        text = splice_fanout(args.output.read_text(encoding="utf-8"), bench_fanout())
        args.output.write_text(text, encoding="utf-8")
        log(f"wrote section 5 of {args.output}")
        return 0
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        for key, value in saved.get("args", {}).items():
            setattr(args, key, value)
        text = render(
            saved["machine"],
            saved["load"],
            saved["build"],
            saved["scale"],
            args,
            saved.get("fanout"),
        )
        args.output.write_text(text, encoding="utf-8")
        return 0
    info = machine()
    load = {"before": load_average()}
    log(f"machine: {info}; load {load['before']}")
    build = None if args.skip_build else bench_build(args.repeat, args.jobs)
    scale = bench_scale(args.sizes, args.keep) if args.sizes else []
    fanout = None if args.skip_fanout else bench_fanout()
    load["after"] = load_average()
    load["samples"] = LOAD_SAMPLES
    text = splice_speed(render(info, load, build, scale, args, fanout), speed)
    args.output.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "load": load,
                    "build": build,
                    "scale": scale,
                    "fanout": fanout,
                    "args": {"repeat": args.repeat, "sizes": args.sizes, "jobs": args.jobs},
                },
                indent=1,
            )
        )
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
