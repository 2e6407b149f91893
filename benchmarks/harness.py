"""What every benchmark shares: paths, targets, timed subprocesses and the machine."""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

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


def claimscope(*args: str) -> list[str]:
    """The ``claimscope`` command line with ``args``."""
    return [str(BIN / "claimscope"), *args]


def python(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**MISSED**"


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"
