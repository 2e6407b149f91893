"""Build the reports listed in ``reports.yaml``: papermill to execute, nbconvert to HTML.

``claimscope build`` and :func:`build_reports` are the same thing. The build is what cron calls,
so it is fast when nothing changed (a content-hash cache skips reports without starting a
kernel), loud when something fails (exit 1, the failing report, cell and exception named), and
safe: bad data or bad parameters stop it before anything is written (exit 2), a failing report
keeps its last good HTML (marked stale in the index), every file is replaced atomically, and a
lock keeps two builds from interleaving.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import fcntl
import hashlib
import html
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

import claimscope
from claimscope.files import dataset_version, hash_tree, write_atomic
from claimscope.paths import DATA_DIR, KERNEL_NAME, PROJECT_ROOT, REPORTS_CONFIG, REPORTS_DIR

if TYPE_CHECKING:
    from claimscope.dataset import Dataset

EXIT_OK, EXIT_REPORT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_CELL_TIMEOUT_S = 600
MANIFEST_NAME = ".manifest.json"
LOCK_NAME = ".build.lock"
CLAIMS_EXPORT_NAME = "claims.csv"
TEMPLATES_DIR = Path(__file__).parent / "templates"
INJECTED_TAG = "injected-parameters"
_CONFIG_KEYS = {"name", "notebook", "title", "description", "parameters"}
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}


class BuildInputError(Exception):
    """Bad configuration or parameters: nothing was built or written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ReportSpec:
    """One entry of ``reports.yaml``."""

    name: str
    notebook: Path
    title: str
    description: str = ""
    parameters: dict = field(default_factory=dict)


@dataclass
class ReportResult:
    """What happened to one report in one build."""

    name: str
    status: str  # built | skipped | failed
    seconds: float = 0.0
    error: str = ""
    html: str = ""


@dataclass
class BuildResult:
    """The outcome of :func:`build_reports`."""

    results: list[ReportResult]
    output_dir: Path
    seconds: float

    @property
    def exit_code(self) -> int:
        """0 when every report is built or up to date, 1 when any failed."""
        return EXIT_REPORT_FAILED if any(r.status == "failed" for r in self.results) else EXIT_OK

    def count(self, status: str) -> int:
        """Count the reports that ended with ``status``."""
        return sum(r.status == status for r in self.results)


# --- configuration and parameters ------------------------------------------------------------


def read_config(config: Path | str = REPORTS_CONFIG) -> list[ReportSpec]:
    """Read and check ``reports.yaml``; notebook paths are relative to its folder."""
    config = Path(config)
    where = config.name
    try:
        raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BuildInputError([f"{where}: file not found"]) from exc
    except yaml.YAMLError as exc:
        raise BuildInputError([f"{where}: not valid YAML: {exc}"]) from exc
    entries = raw.get("reports") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise BuildInputError([f"{where}: needs a non-empty list under `reports:`"])
    problems, specs, seen = [], [], set()
    for i, entry in enumerate(entries, start=1):
        label = f"{where}: report {i}"
        if not isinstance(entry, dict):
            problems.append(f"{label}: must be a mapping")
            continue
        name = str(entry.get("name", ""))
        label = f"{where}: report {name!r}" if name else label
        for key in sorted(set(entry) - _CONFIG_KEYS):
            problems.append(f"{label}: unknown key {key!r}")
        for key in ("name", "notebook", "title"):
            if not entry.get(key):
                problems.append(f"{label}: `{key}` is required")
        if name and not name.replace("-", "").replace("_", "").isalnum():
            problems.append(f"{label}: name may hold only letters, digits, '-' and '_'")
        if name in seen:
            problems.append(f"{label}: name used twice")
        seen.add(name)
        params = entry.get("parameters") or {}
        if not isinstance(params, dict):
            problems.append(f"{label}: `parameters` must be a mapping")
            params = {}
        notebook = (config.parent / str(entry.get("notebook", ""))).resolve()
        if entry.get("notebook") and not notebook.is_file():
            problems.append(f"{label}: notebook not found: {entry['notebook']}")
        specs.append(
            ReportSpec(
                name=name,
                notebook=notebook,
                title=str(entry.get("title", "")),
                description=str(entry.get("description", "") or ""),
                parameters=params,
            )
        )
    if problems:
        raise BuildInputError(problems)
    return specs


def read_notebook_parameters(notebook: Path) -> dict[str, dict]:
    """Return the names, declared types and defaults of a notebook's ``parameters`` cell.

    Types come from annotations (``depth: int = 1``) or, without one, from the default's literal.
    """
    declared = _import_papermill().inspect_notebook(str(notebook))
    out = {}
    for name, info in declared.items():
        type_name = (info.get("inferred_type_name") or "None").split("[", 1)[0].strip()
        if type_name not in _TYPES:
            try:
                type_name = type(ast.literal_eval(info.get("default", ""))).__name__
            except (ValueError, SyntaxError):
                type_name = "any"
        out[name] = {"type": type_name, "default": info.get("default"), "help": info.get("help")}
    return out


def check_parameters(spec: ReportSpec, declared: dict[str, dict]) -> list[str]:
    """Check a report's parameters against its notebook: unknown names and wrong types."""
    problems = []
    if not declared:
        problems.append(
            f"report {spec.name!r}: {spec.notebook.name} has no cell tagged `parameters`"
        )
    for name, value in spec.parameters.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            problems.append(
                f"report {spec.name!r}: unknown parameter {name!r} "
                f"(the notebook {spec.notebook.name} declares: {known})"
            )
            continue
        type_name = declared[name]["type"]
        allowed = _TYPES.get(type_name)
        wrong_bool = isinstance(value, bool) and type_name in ("int", "float")
        if allowed and (not isinstance(value, allowed) or wrong_bool):
            problems.append(
                f"report {spec.name!r}: parameter {name!r} must be {type_name}, "
                f"got {type(value).__name__} {value!r}"
            )
    return problems


# --- caching ------------------------------------------------------------------------------


@contextlib.contextmanager
def _timer() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    yield lambda: time.perf_counter() - start


def code_version() -> str:
    """Hash claimscope's own code, package data and templates (what a report depends on)."""
    return hash_tree(Path(claimscope.__file__).parent, {".py", ".csv", ".j2", ".json"})[:16]


def cache_key(spec: ReportSpec, parameters: dict, dataset_version: str, code: str) -> str:
    """The content hash that decides whether a report must be rebuilt."""
    payload = {
        "notebook": hashlib.sha256(spec.notebook.read_bytes()).hexdigest(),
        "parameters": parameters,
        "title": spec.title,
        "description": spec.description,
        "dataset": dataset_version,
        "code": code,
        "kernel": KERNEL_NAME,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _read_manifest(output_dir: Path) -> dict:
    try:
        return json.loads((output_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def _file_hash(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


# --- execution and conversion ----------------------------------------------------------------


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout.strip()


def _git_commit() -> str:
    try:
        commit = _git("rev-parse", "--short=12", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return commit + (" (with uncommitted changes)" if dirty else "")


def _failed_cell(executed: Path) -> str:
    """Name the cell that failed, from papermill's bookkeeping in the executed notebook."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return "an unknown cell"
    # Number cells as in the report's own notebook: papermill's injected cell is not one of them.
    code_cells = [
        c
        for c in nb.cells
        if c.cell_type == "code" and INJECTED_TAG not in c.metadata.get("tags", [])
    ]
    for number, cell in enumerate(code_cells, start=1):
        meta = cell.metadata.get("papermill", {})
        if meta.get("exception") or meta.get("status") == "running":
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            return f"code cell {number} (`{first[:60]}`)"
    return "an unknown cell"


def _describe_error(exc: BaseException, timeout: int, seconds: float) -> str:
    ename = getattr(exc, "ename", None) or type(exc).__name__
    timed_out = "CellTimeoutError" in type(exc).__name__ or (
        # The build interrupts a cell only when it runs past the limit; an interrupt before
        # the limit came from elsewhere and is reported as it is.
        ename == "KeyboardInterrupt" and seconds >= timeout
    )
    if timed_out:
        return f"TimeoutError: the cell ran longer than the {timeout} s limit and was interrupted"
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        lines = str(exc).strip().splitlines()
        evalue = lines[-1] if lines else ""
    return f"{ename}: {evalue}"


def _is_infrastructure_error(exc: BaseException) -> bool:
    """Errors of the kernel machinery (port races, a kernel dying at start), worth one retry."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError) or "timed out" in str(exc).lower():
        return False
    names = {type(e).__name__ for e in (exc, exc.__cause__, exc.__context__) if e is not None}
    return (
        bool(names & {"DeadKernelError", "ZMQError", "RuntimeError", "TimeoutError", "OSError"})
        or "kernel" in str(exc).lower()
    )


def _kill(kernel) -> None:
    process = getattr(getattr(kernel, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()


def _import_papermill():
    # jsonschema (papermill -> nbformat -> jsonschema) imports the optional rfc3987_syntax
    # when installed, which compiles dozens of grammars (about 1.5 s here) only to check
    # "iri" formats that notebook validation never uses. Marking it absent skips that.
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill

    return papermill


def _execute(spec: ReportSpec, parameters: dict, executed: Path, timeout: int) -> None:
    papermill = _import_papermill()
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir
    from jupyter_core.utils import run_sync

    # IPC sockets are files named after a unique connection file, so parallel kernels cannot
    # race for TCP ports (the connection file must be set before the socket paths derive).
    # The manager must be the async one: nbclient polls its channels concurrently, and a
    # blocking client would wait on output forever and never notice a cell's timeout.
    runtime = Path(jupyter_runtime_dir())
    runtime.mkdir(parents=True, exist_ok=True)
    kernel = AsyncKernelManager(
        kernel_name=KERNEL_NAME,
        transport="ipc",
        connection_file=str(runtime / f"claimscope-{uuid.uuid4().hex}.json"),
    )
    # A kernel stuck in code that ignores the interrupt is killed: the report then fails as a
    # dead kernel instead of hanging the scheduled build.
    cells = json.loads(spec.notebook.read_text(encoding="utf-8"))["cells"]
    limit = timeout * (sum(c.get("cell_type") == "code" for c in cells) + 1) + 60
    watchdog = threading.Timer(limit, _kill, args=(kernel,))
    watchdog.daemon = True
    try:
        watchdog.start()
        papermill.execute_notebook(
            str(spec.notebook),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            # Not papermill's `cwd`: it changes the whole process's directory, which parallel
            # builds in threads would leave wrong. The kernel alone starts in the notebook's folder.
            resources={"metadata": {"path": str(spec.notebook.parent)}},
            execution_timeout=timeout,
            progress_bar=False,
            log_output=False,
            report_mode=False,
            km=kernel,
            # On a timeout, interrupt the cell rather than wait for it to finish on its own.
            interrupt_on_timeout=True,
        )
    finally:
        watchdog.cancel()
        # nbclient leaves a kernel manager it was handed running; stop it and its socket files.
        if kernel.has_kernel:
            run_sync(kernel.shutdown_kernel)(now=True)
        run_sync(kernel.cleanup_resources)()
        for leftover in runtime.glob(Path(kernel.connection_file).stem + "*"):
            leftover.unlink(missing_ok=True)


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    # A literal "</script" inside an inline script would end it early.
    return get_plotlyjs().replace("</script", "<\\/script")


def convert_to_html(
    executed: Path, spec: ReportSpec, parameters: dict, provenance: list[tuple[str, str]]
) -> str:
    """Convert an executed notebook to an offline HTML page with the code hidden."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(
        template_name="claimscope",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    remover = TagRemovePreprocessor(remove_cell_tags={INJECTED_TAG, "parameters"}, enabled=True)
    exporter.register_preprocessor(remover, enabled=True)
    nb.metadata["title"] = spec.title
    resources = {
        "claimscope": {
            "title": spec.title,
            "description": spec.description,
            "parameters": [(k, json.dumps(v, ensure_ascii=False)) for k, v in parameters.items()],
            "provenance": provenance,
            "version": claimscope.__version__,
            "plotly_js": _plotly_js(),
        }
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _build_one(
    spec: ReportSpec,
    parameters: dict,
    output_dir: Path,
    timeout: int,
    provenance: list[tuple[str, str]],
) -> ReportResult:
    """Execute and convert one report; write its files only when both succeed."""
    work = output_dir / ".work"
    work.mkdir(parents=True, exist_ok=True)
    executed = work / f"{spec.name}.ipynb"
    with _timer() as elapsed:
        for attempt in (1, 2):
            try:
                _execute(spec, parameters, executed, timeout)
                break
            except Exception as exc:  # noqa: BLE001 - every failure is reported, none escapes
                if attempt == 1 and _is_infrastructure_error(exc):
                    continue
                where = _failed_cell(executed)
                retry = " (after one retry)" if attempt == 2 else ""
                return ReportResult(
                    spec.name,
                    "failed",
                    elapsed(),
                    f"report {spec.name!r} failed in {where}{retry}: "
                    + _describe_error(exc, timeout, elapsed()),
                )
        try:
            page = convert_to_html(executed, spec, parameters, provenance)
        except Exception as exc:  # noqa: BLE001
            return ReportResult(
                spec.name,
                "failed",
                elapsed(),
                f"report {spec.name!r}: HTML conversion failed: {exc}",
            )
        write_atomic(output_dir / f"{spec.name}.ipynb", executed.read_bytes())
        write_atomic(output_dir / f"{spec.name}.html", page.encode("utf-8"))
        executed.unlink(missing_ok=True)
        return ReportResult(spec.name, "built", elapsed(), html=f"{spec.name}.html")


# --- locking, index, orchestration --------------------------------------------------------


@contextlib.contextmanager
def _build_lock(output_dir: Path, say: Callable[[str], None]) -> Iterator[None]:
    output_dir.mkdir(parents=True, exist_ok=True)
    with open(output_dir / LOCK_NAME, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"another build is writing to {output_dir}; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _provenance(dataset: Dataset, commit: str, parameters: dict) -> list[tuple[str, str]]:
    counts = ", ".join(f"{n} {name}" for name, n in dataset.counts().items())
    return [
        ("Dataset version", dataset.version),
        ("Dataset", counts),
        ("claimscope", claimscope.__version__),
        ("Git commit", commit),
        ("Parameters", json.dumps(parameters, ensure_ascii=False, sort_keys=True)),
        ("Built (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")),
    ]


def render_index(specs: list[ReportSpec], manifest: dict) -> str:
    """Render ``index.html``: every report with its status and links; opens offline."""
    e = html.escape
    rows = []
    for spec in specs:
        entry = manifest.get("reports", {}).get(spec.name, {})
        status = entry.get("status", "never built")
        label = {
            "built": "up to date",
            "stale": "STALE: last build failed, showing the previous report",
            "failed": "FAILED: never built",
        }.get(status, status)
        link = (
            f'<a href="{e(spec.name)}.html">{e(spec.title)}</a>'
            if entry.get("html")
            else e(spec.title)
        )
        params = json.dumps(entry.get("parameters", spec.parameters), ensure_ascii=False)
        error = f"<div class='err'>{e(entry['error'])}</div>" if entry.get("error") else ""
        notebook = f' · <a href="{e(spec.name)}.ipynb">notebook</a>' if entry.get("html") else ""
        rows.append(
            f"<tr class='{e(status)}'><td>{link}{notebook}<div>{e(spec.description)}</div></td>"
            f"<td><code>{e(params)}</code></td><td>{e(label)}{error}</td>"
            f"<td>{e(entry.get('built_at', ''))}</td>"
            f"<td>{entry.get('seconds', 0):.1f} s</td></tr>"
        )
    dataset = manifest.get("dataset", {})
    counts = ", ".join(f"{n} {name}" for name, n in dataset.get("counts", {}).items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>claimscope reports</title>
<style>
body {{ font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #ddd; padding: 6px; text-align: left; vertical-align: top; }}
tr.stale td, tr.failed td {{ background: #fff3f0; }}
.err {{ color: #a00; font-size: 0.9em; }}
</style></head>
<body>
<h1>claimscope reports</h1>
<p>Dataset version <code>{e(dataset.get("version", ""))}</code>: {e(counts)}.</p>
<p><a href="claims.csv">All claims as a spreadsheet-safe CSV</a></p>
<table>
<thead><tr><th>Report</th><th>Parameters</th><th>Status</th><th>Built (UTC)</th>
<th>Duration</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""


def _say(quiet: bool) -> Callable[..., None]:
    lock = threading.Lock()

    def say(message: str, *, failure: bool = False) -> None:
        stream = sys.stderr if failure else sys.stdout
        if failure or not quiet:
            with lock:
                stream.write(message + "\n")
                stream.flush()

    return say


def _select(specs: list[ReportSpec], only: list[str] | None, config: Path) -> list[ReportSpec]:
    names = [s.name for s in specs]
    unknown = [n for n in only or [] if n not in names]
    if unknown:
        raise BuildInputError(
            [f"no report named {n!r} in {config.name} (known: {', '.join(names)})" for n in unknown]
        )
    return [s for s in specs if not only or s.name in only]


def plan_parameters(
    specs: list[ReportSpec], data_dir: Path | None, declared_cache: dict | None = None
) -> list[tuple[ReportSpec, dict]]:
    """Check every report's parameters against its notebook and return what each runs with.

    Args:
        specs: The reports to check.
        data_dir: Injected as the ``data_dir`` parameter when given and declared.
        declared_cache: Notebook sha256 to its declared parameters; read and filled in, so an
            unchanged notebook is not parsed again.

    Raises:
        BuildInputError: naming each report and parameter that is unknown or of the wrong type.
    """
    cache = {} if declared_cache is None else declared_cache
    problems, plans = [], []
    for spec in specs:
        digest = hashlib.sha256(spec.notebook.read_bytes()).hexdigest()
        if digest not in cache:
            cache[digest] = read_notebook_parameters(spec.notebook)
        declared = cache[digest]
        if "data_dir" in spec.parameters:
            problems.append(
                f"report {spec.name!r}: set the data folder with --data-dir, not as a parameter"
            )
        problems += check_parameters(spec, declared)
        parameters = dict(spec.parameters)
        if data_dir is not None and "data_dir" in declared:
            parameters["data_dir"] = str(Path(data_dir).resolve())
        plans.append((spec, parameters))
    if problems:
        raise BuildInputError(problems)
    return plans


def _validate(data_dir: Path) -> Dataset:
    from claimscope.dataset import load_dataset

    return load_dataset(data_dir)


def build_reports(
    only: list[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    output_dir: Path | str = REPORTS_DIR,
    quiet: bool = False,
    config: Path | str = REPORTS_CONFIG,
    data_dir: Path | str | None = None,
    timeout: int = DEFAULT_CELL_TIMEOUT_S,
) -> BuildResult:
    """Build the reports of ``config`` into ``output_dir``; see the module docstring.

    Nothing is written until the dataset, the configuration and every parameter have passed.
    When the dataset, code, notebooks and parameters match the last successful build, the
    answer comes from content hashes alone: no pandas import, no kernel.

    Raises:
        DatasetError: the dataset is invalid; nothing was written.
        BuildInputError: the configuration or a parameter is wrong; nothing was written.
    """
    say = _say(quiet)
    output_dir = Path(output_dir)
    config = Path(config)
    given_data_dir = Path(data_dir) if data_dir is not None else None
    data_dir = given_data_dir or DATA_DIR
    with _timer() as elapsed:
        all_specs = read_config(config)
        selected = _select(all_specs, only, config)
        version, code = dataset_version(data_dir), code_version()
        manifest = _read_manifest(output_dir)
        dataset = None
        if manifest.get("validated") != [version, code]:
            dataset = _validate(data_dir)
        declared = manifest.get("declared", {})
        plans = plan_parameters(selected, given_data_dir, declared)
        keys = {spec.name: cache_key(spec, params, version, code) for spec, params in plans}

        with _build_lock(output_dir, say):
            manifest = _read_manifest(output_dir)  # another build may have finished meanwhile
            reports = manifest.setdefault("reports", {})
            results: dict[str, ReportResult] = {}
            todo = []
            for spec, parameters in plans:
                entry = reports.get(spec.name, {})
                html_file = output_dir / f"{spec.name}.html"
                fresh = (
                    entry.get("key") == keys[spec.name]
                    and entry.get("status") == "built"
                    and _file_hash(html_file) == entry.get("html_sha256")
                )
                if fresh and not force:
                    results[spec.name] = ReportResult(spec.name, "skipped", html=html_file.name)
                    say(f"{spec.name}: up to date, skipped")
                else:
                    todo.append((spec, parameters))
            index_missing = not (output_dir / "index.html").is_file()
            if todo or index_missing or not (output_dir / CLAIMS_EXPORT_NAME).is_file():
                dataset = dataset or _validate(data_dir)
                results.update(_run_reports(todo, dataset, output_dir, jobs, timeout, say))
                for spec, parameters in todo:
                    reports[spec.name] = _manifest_entry(
                        results[spec.name],
                        reports.get(spec.name, {}),
                        parameters,
                        keys[spec.name],
                        output_dir,
                    )
                manifest["validated"] = [version, code]
                manifest["declared"] = declared
                manifest["dataset"] = {"version": dataset.version, "counts": dataset.counts()}
                write_atomic(
                    output_dir / MANIFEST_NAME,
                    json.dumps(manifest, indent=1, sort_keys=True, default=str).encode(),
                )
                index = render_index(all_specs, manifest)
                # The index links to the export, so the export is written first.
                from claimscope.export import export_claims

                export_claims(dataset, output_dir / CLAIMS_EXPORT_NAME)
                write_atomic(output_dir / "index.html", index.encode("utf-8"))
    ordered = [results[spec.name] for spec, _ in plans]
    result = BuildResult(ordered, output_dir, elapsed())
    say(
        f"{len(ordered)} report(s): {result.count('built')} built, "
        f"{result.count('skipped')} up to date, {result.count('failed')} failed "
        f"in {result.seconds:.1f} s -> {output_dir / 'index.html'}",
        failure=quiet and result.count("failed") > 0,
    )
    return result


def _run_reports(
    todo: list[tuple[ReportSpec, dict]],
    dataset: Dataset,
    output_dir: Path,
    jobs: int | None,
    timeout: int,
    say: Callable[..., None],
) -> dict[str, ReportResult]:
    """Execute and convert ``todo`` in up to ``jobs`` parallel kernels."""
    commit = _git_commit() if todo else ""

    def run(item: tuple[ReportSpec, dict]) -> ReportResult:
        spec, parameters = item
        say(f"{spec.name}: started")
        provenance = _provenance(dataset, commit, parameters)
        result = _build_one(spec, parameters, output_dir, timeout, provenance)
        if result.status == "failed":
            say(f"{spec.name}: FAILED after {result.seconds:.1f} s: {result.error}", failure=True)
        else:
            say(f"{spec.name}: built in {result.seconds:.1f} s")
        return result

    if not todo:
        return {}
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return {r.name: r for r in pool.map(run, todo)}


def _manifest_entry(
    result: ReportResult, previous: dict, parameters: dict, key: str, output_dir: Path
) -> dict:
    if result.status == "built":
        return {
            "key": key,
            "status": "built",
            "html": result.html,
            "html_sha256": _file_hash(output_dir / result.html),
            "parameters": parameters,
            "built_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "seconds": round(result.seconds, 2),
        }
    has_old = bool(previous.get("html")) and (output_dir / previous["html"]).is_file()
    return {
        **previous,
        "key": None,
        "status": "stale" if has_old else "failed",
        "error": result.error,
        "parameters": parameters,
    }


# --- command line -----------------------------------------------------------------------


def _command(args: argparse.Namespace) -> int:
    from claimscope.dataset import DatasetError

    try:
        result = build_reports(
            only=args.only,
            jobs=args.jobs,
            force=args.force,
            output_dir=args.output,
            quiet=args.quiet,
            config=args.config,
            data_dir=args.data_dir,
            timeout=args.timeout,
        )
    except DatasetError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(
            f"invalid dataset: {len(error.problems)} problem(s); no report touched", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    except BuildInputError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("nothing built: fix the configuration above", file=sys.stderr)
        return EXIT_BAD_INPUT
    return result.exit_code


def add_build_command(commands) -> None:
    """Register ``claimscope build`` on the CLI's sub-command parser."""
    sub = commands.add_parser(
        "build",
        help="execute and convert the reports of reports.yaml (skips unchanged ones)",
        description=__doc__.splitlines()[0],
    )
    sub.add_argument("--only", nargs="+", metavar="NAME", help="build only these reports")
    sub.add_argument(
        "-j", "--jobs", type=int, default=None, help="parallel kernels (default: cores)"
    )
    sub.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    sub.add_argument(
        "--output", type=Path, default=REPORTS_DIR, metavar="DIR", help="output folder"
    )
    sub.add_argument("--quiet", action="store_true", help="print only failures (for cron)")
    sub.add_argument("--config", type=Path, default=REPORTS_CONFIG, help="reports list (YAML)")
    sub.add_argument(
        "--data-dir", type=Path, default=None, help=f"dataset folder (default {DATA_DIR})"
    )
    sub.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_CELL_TIMEOUT_S,
        metavar="SECONDS",
        help="per-cell time limit",
    )
    sub.set_defaults(func=_command)


__all__ = [
    "BuildInputError",
    "BuildResult",
    "ReportResult",
    "ReportSpec",
    "add_build_command",
    "build_reports",
    "check_parameters",
    "convert_to_html",
    "plan_parameters",
    "read_config",
    "read_notebook_parameters",
    "render_index",
]
