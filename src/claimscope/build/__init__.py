"""Build the reports listed in ``reports.yaml``: check, execute, convert, index, one plan each.

``claimscope build`` and :func:`build_reports` are the same thing. The build is what cron calls,
so it is fast when nothing changed (a content-hash cache skips reports without starting a
kernel), loud when something fails (exit 1, the failing report, cell and exception named), and
safe: bad data or bad parameters stop it before anything is written (exit 2), a failing report
keeps its last good HTML (marked stale in the index), every file is replaced atomically, and a
lock keeps two builds from interleaving.

Each step lives in its own module: :mod:`~claimscope.build.config` (reports.yaml and
parameters), :mod:`~claimscope.build.manifest` (cache keys, freshness),
:mod:`~claimscope.build.kernel` (execution), :mod:`~claimscope.build.html` (pages, index),
:mod:`~claimscope.build.pdf` (printing pages to PDF with Chromium),
:mod:`~claimscope.build.outputs` (the output folder: its names, lock and leftovers) and
:mod:`~claimscope.build.strict_yaml` (YAML without twice-given keys or exploding aliases).
"""

from __future__ import annotations

import contextlib
import math
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.build import config, html, kernel, outputs, pdf, pool, sweeps
from claimscope.build.config import BuildInputError, ReportSpec, read_config, select_reports
from claimscope.build.html import convert_to_html, render_index
from claimscope.build.manifest import Manifest, cache_key, code_version
from claimscope.build.outputs import CLAIMS_EXPORT_NAME, INDEX_NAME, LOCK_NAME
from claimscope.build.pdf import DEFAULT_PRINT_TIMEOUT_S, Printer
from claimscope.data.files import dataset_version, write_atomic
from claimscope.data.parameters import ParameterError, check_ids, coerce_parameters
from claimscope.data.paths import DATA_DIR, REPORTS_CONFIG, REPORTS_DIR
from claimscope.present.console import EXIT_BAD_INPUT, EXIT_OK, EXIT_REPORT_FAILED

if TYPE_CHECKING:
    from claimscope.data.dataset import Dataset

DEFAULT_CELL_TIMEOUT_S = 600


@dataclass
class ReportResult:
    """What happened to one report in one build."""

    name: str
    status: str  # built | skipped | failed
    seconds: float = 0.0
    error: str = ""
    html: str = ""
    pdf: str = ""  # the PDF's file name, when the report has one
    finding: str = ""  # the page's first key finding, for the index


@dataclass
class ReportPlan:
    """One report through one build: its spec, parameters, cache key and result together."""

    spec: ReportSpec
    parameters: dict  # as the page and the index show them
    notebook_parameters: dict  # what the notebook runs with (adds the title when declared)
    declared: frozenset = frozenset()  # the parameters the notebook declares
    plotly_src: str = ""  # a site build's shared plotly.js, relative to the page; else embedded
    navigation: tuple = ()  # (title, file) of the index and the other hand-written reports
    period: str = ""  # the days the report's claims span, for the index
    key: str = ""
    printer: Printer | None = None  # set when the report asks for a PDF
    result: ReportResult | None = None

    @property
    def name(self) -> str:
        """The report's name in reports.yaml."""
        return self.spec.name


@dataclass
class BuildResult:
    """The outcome of :func:`build_reports`."""

    results: list[ReportResult]
    output_dir: Path
    seconds: float
    errors: list[str] = field(default_factory=list)  # the index or manifest not written

    @property
    def exit_code(self) -> int:
        """0 when every report is built or up to date, 1 when any failed or the index did."""
        failed = self.errors or any(r.status == "failed" for r in self.results)
        return EXIT_REPORT_FAILED if failed else EXIT_OK

    def count(self, status: str) -> int:
        """Count the reports that ended with ``status``."""
        return sum(r.status == status for r in self.results)


@contextlib.contextmanager
def _timer() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    yield lambda: time.perf_counter() - start


def plan_reports(
    specs: list[ReportSpec], data_dir: Path | None, declared_cache: dict | None = None
) -> list[ReportPlan]:
    """Check every report's parameters against its notebook and plan what each runs with.

    Args:
        specs: The reports to check.
        data_dir: Injected as the ``data_dir`` parameter when given and declared.
        declared_cache: Notebook sha256 to its declared parameters; read and filled in, so an
            unchanged notebook is not parsed again.

    Values are coerced as the notebooks' own parameter check does (``"a, b"`` to a list).

    Raises:
        BuildInputError: naming each report and parameter that is unknown or of the wrong type.
    """
    cache = {} if declared_cache is None else declared_cache
    problems, plans = [], []
    for spec in specs:
        try:
            declared = config.declared_parameters(spec, cache)
        except BuildInputError as error:
            problems += error.problems
            continue
        found = config.check_parameters(spec, declared)
        if not found:
            types = {name: declared[name]["type"] for name in spec.parameters}
            spec = replace(spec, parameters=coerce_parameters(spec.parameters, types))
        problems += found
        shown, run = config.resolve_parameters(spec, declared, data_dir)
        plans.append(ReportPlan(spec, shown, run, frozenset(declared)))
    if problems:
        raise BuildInputError(problems)
    return plans


def check_report_ids(plans: list[ReportPlan], dataset: Dataset) -> None:
    """Check every plan's ids against the dataset, as each notebook's first cell would.

    Raises:
        BuildInputError: naming each report, parameter, unknown id and the closest known ones.
    """
    problems = []
    for plan in plans:
        try:
            check_ids(plan.notebook_parameters, dataset)
        except ParameterError as error:
            problems += [f"report {plan.name!r}: {problem}" for problem in error.problems]
    if problems:
        raise BuildInputError(problems)


def _validate(data_dir: Path) -> Dataset:
    """Load and check the dataset, kept for this process's next build of the same bytes.

    A running process that builds again (preview, a sweep, a server) then checks only the
    package's content hash, as a forked kernel does with its warm parent's dataset.
    """
    from claimscope.data.dataset import preload

    return preload(data_dir)


def _say(quiet: bool) -> Callable[..., None]:
    lock = threading.Lock()

    def say(message: str, *, failure: bool = False) -> None:
        stream = sys.stderr if failure else sys.stdout
        if failure or not quiet:
            with lock:
                stream.write(message + "\n")
                stream.flush()

    return say


def longest_first(plans: list[ReportPlan], manifest: Manifest) -> list[ReportPlan]:
    """``plans`` by their last build time, longest first; never built counts as longest.

    Run in this order, the last reports to start are short ones, so no core idles while one
    long report finishes alone. Equal times keep the configuration's order.

    >>> from types import SimpleNamespace as S
    >>> times = {"a": {"seconds": 1.0}, "b": {"seconds": 3.0}}
    >>> plans = [S(name=n) for n in "abc"]
    >>> [p.name for p in longest_first(plans, S(entry=lambda n: times.get(n, {})))]
    ['c', 'b', 'a']
    """
    return sorted(plans, key=lambda plan: -manifest.entry(plan.name).get("seconds", math.inf))


def build_reports(
    only: list[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    output_dir: Path | str = REPORTS_DIR,
    quiet: bool = False,
    config: Path | str = REPORTS_CONFIG,
    data_dir: Path | str | None = None,
    timeout: int = DEFAULT_CELL_TIMEOUT_S,
    scheduler: str | None = None,
    site: bool = False,
    print_timeout: int = DEFAULT_PRINT_TIMEOUT_S,
) -> BuildResult:
    """Build the reports of ``config`` into ``output_dir``; see the module docstring.

    Nothing is written until the dataset, the configuration and every parameter have passed.
    When the dataset, code, notebooks and parameters match the last successful build, the
    answer comes from content hashes alone: no pandas import, no kernel. Sweeps are expanded
    (:mod:`~claimscope.build.sweeps`) before any parameter is checked. With ``scheduler`` (a
    Dask scheduler's address) the reports run on that cluster
    (:mod:`~claimscope.build.dask_executor`) instead of local kernels. With ``site`` the pages
    share one plotly.js in ``output_dir/assets/`` instead of each embedding it: lighter pages
    that open offline as long as that folder stays beside them. A report whose ``formats``
    has ``pdf`` is also printed (:mod:`~claimscope.build.pdf`), each print stopped after
    ``print_timeout`` seconds; its page, notebook and PDF are written together.

    Raises:
        DatasetError: the dataset is invalid; nothing was written.
        BuildInputError: the configuration or a parameter is wrong, or a report asks for a
            PDF and no Chromium is found; nothing was written.
        LockWaitError: another build held the output folder past the deadline, or this one was
            stopped while it waited; nothing was written.
    """
    say = _say(quiet)
    output_dir = Path(output_dir)
    config_path = Path(config)
    given_data_dir = Path(data_dir) if data_dir is not None else None
    data_dir = given_data_dir or DATA_DIR
    kernel.allow_kernels()
    with _timer() as elapsed, contextlib.ExitStack() as resources:
        for what, seconds in (("cell", timeout), ("print", print_timeout)):
            if seconds <= 0:
                raise BuildInputError(
                    [f"the {what} timeout must be a positive number, not {seconds}"]
                )
        configured = read_config(config_path)
        version, code = dataset_version(data_dir), code_version()
        problems = outputs.check_output_folder(output_dir, data_dir)
        if problems:
            raise BuildInputError(problems)
        manifest = Manifest.load(output_dir)
        validated = manifest.is_validated(version, code)
        warm = None
        if not scheduler and (force or not validated):
            # Every report will run (forced, or new data or code): the kernels' warm parent
            # starts now and loads while this process validates and inspects parameters.
            notebooks = [spec.notebook for spec in configured]
            warm = resources.enter_context(pool.warm_kernels(data_dir, notebooks))
        dataset = None if validated else _validate(data_dir)
        all_specs = sweeps.expand_sweeps(configured, data_dir)
        selected = select_reports(all_specs, only, config_path)
        declared = manifest.declared
        plans = plan_reports(selected, given_data_dir, declared)
        if scheduler:  # its form, even when all is fresh
            from claimscope.build.cluster_wait import ClusterDeadlines
            from claimscope.build.dask_executor import check_plans, check_scheduler_address

            check_plans(plans)
            check_scheduler_address(scheduler)
            deadlines = ClusterDeadlines.from_environment()
        printer = pdf.printer_for([p.name for p in plans if "pdf" in p.spec.formats], print_timeout)
        for plan in plans:
            plan.plotly_src = html.site_plotly_src() if site else ""
            plan.printer = printer if "pdf" in plan.spec.formats else None
            plan.navigation = html.navigation_for(plan.spec, all_specs)
            page = {
                "title": plan.spec.title,
                "description": plan.spec.description,
                "formats": list(plan.spec.formats),
                "navigation": [list(link) for link in plan.navigation],
            }
            if site:  # a page that loads plotly.js from assets/ is another page
                page["plotly_src"] = plan.plotly_src
            plan.key = cache_key(plan.spec.notebook, plan.notebook_parameters, page, version, code)
        stale = [p for p in plans if force or not manifest.is_fresh(p.name, p.key)]
        if stale:
            if scheduler:  # connected before the output folder or its lock exists
                from claimscope.build.dask_executor import connect

                client = resources.enter_context(connect(scheduler, deadlines))
            elif warm is None:  # the kernels' warm parent loads while this process validates
                resources.enter_context(
                    pool.warm_kernels(data_dir, [p.spec.notebook for p in stale])
                )
            # Ids are checked against the data before the lock or any kernel, as in the notebook.
            dataset = dataset or _validate(data_dir)
            check_report_ids(plans, dataset)
            for plan in plans:
                plan.period = html.describe_period(dataset, plan.notebook_parameters.get("as_of"))
        errors = []
        try:
            with outputs.build_lock(output_dir, kernel.stop_reason):
                outputs.remove_leftovers(output_dir)
                kernel.remove_stale_connection_files()
                if site:
                    outputs.write_site_assets(output_dir)
                manifest = Manifest.load(output_dir)  # another build may have finished meanwhile
                if manifest.damage:
                    say(f"warning: {manifest.damage}; rebuilding every report", failure=True)
                todo = []
                for plan in plans:
                    if manifest.is_fresh(plan.name, plan.key) and not force:
                        pdf_name = manifest.entry(plan.name).get("pdf", "")
                        plan.result = ReportResult(
                            plan.name, "skipped", html=f"{plan.name}.html", pdf=pdf_name
                        )
                        say(f"{plan.name}: up to date, skipped")
                    else:
                        todo.append(plan)
                todo = longest_first(todo, manifest)
                index_missing = not (output_dir / INDEX_NAME).is_file()
                if todo or index_missing or not (output_dir / CLAIMS_EXPORT_NAME).is_file():
                    dataset = dataset or _validate(data_dir)
                    if todo and scheduler:
                        from claimscope.build.dask_executor import run_on_cluster

                        run_on_cluster(
                            client, data_dir, todo, dataset, output_dir, timeout, say, deadlines
                        )
                    elif todo:
                        _run_reports(todo, dataset, output_dir, jobs, timeout, say)
                    for plan in todo:
                        _record(manifest, plan)
                    manifest.declared.update(declared)
                    manifest.record_dataset(version, code, dataset.counts())
                    errors = _write_index(all_specs, manifest, dataset, output_dir)
                # Again at the end: a kernel orphaned by a killed build may write its connection
                # file late, after the clean-up above.
                kernel.remove_stale_connection_files()
        except outputs.OutputUnwritable as exc:
            for plan in plans:
                plan.result = ReportResult(
                    plan.name, "failed", error=f"report {plan.name!r}: {exc}"
                )
            errors = [str(exc)]
        for error in errors:
            say(f"not written: {error}", failure=True)
    ordered = [plan.result for plan in plans]
    result = BuildResult(ordered, output_dir, elapsed(), errors)
    say(
        f"{len(ordered)} report(s): {result.count('built')} built, "
        f"{result.count('skipped')} up to date, {result.count('failed')} failed "
        f"in {result.seconds:.1f} s -> {output_dir / INDEX_NAME}",
        failure=quiet and result.exit_code != EXIT_OK,
    )
    return result


def _write_index(
    specs: list[ReportSpec], manifest: Manifest, dataset: Dataset, output_dir: Path
) -> list[str]:
    """Write the claims export, the index and the manifest; return what could not be written.

    The first failure stops the rest, so what is on disk always agrees: the index links to the
    export, and a manifest older than the pages only makes the next build rebuild them.
    """
    from claimscope.data.export import export_claims

    index = render_index(specs, manifest, CLAIMS_EXPORT_NAME)
    try:
        export_claims(dataset, output_dir / CLAIMS_EXPORT_NAME)
        write_atomic(output_dir / INDEX_NAME, index.encode("utf-8"))
        manifest.save()
    except OSError as exc:
        return [f"{Path(exc.filename or output_dir).name}: {exc.strerror or exc}"]
    return []


def _record(manifest: Manifest, plan: ReportPlan) -> None:
    result = plan.result
    if result.status == "built":
        manifest.record_built(
            plan.name, plan.key, plan.parameters, result.html, result.seconds, result.pdf
        )
        manifest.reports[plan.name].update(finding=result.finding, period=plan.period)
    else:
        manifest.record_failed(plan.name, plan.parameters, result.error)


# Running one report: after the classes above, which it uses.
from claimscope.build.run import (  # noqa: E402
    _run_reports,
    announce,
    not_written,
    produce_report,
    provenance_of,
    write_report,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "EXIT_REPORT_FAILED",
    "LOCK_NAME",
    "BuildInputError",
    "BuildResult",
    "ReportPlan",
    "ReportResult",
    "ReportSpec",
    "announce",
    "build_reports",
    "convert_to_html",
    "not_written",
    "plan_reports",
    "produce_report",
    "provenance_of",
    "read_config",
    "render_index",
    "write_report",
]
