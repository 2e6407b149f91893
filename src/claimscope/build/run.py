"""Run reports in local kernels: execute, convert and write one report, or many in threads."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.build import ReportPlan, ReportResult, html, kernel, outputs
from claimscope.build.outputs import WORK_DIR_NAME
from claimscope.build.pdf import PrintError

if TYPE_CHECKING:
    from claimscope.data.dataset import Dataset


@contextlib.contextmanager
def _timer() -> Iterator[Callable[[], float]]:
    start = time.perf_counter()
    yield lambda: time.perf_counter() - start


def _warm_converter() -> None:
    with contextlib.suppress(Exception):  # a real conversion meets and reports the same fault
        html.warm_converter()


def provenance_of(plan: ReportPlan, dataset: Dataset, commit: str) -> list[tuple[str, str]]:
    """The provenance footer of one report's page."""
    return html.describe_provenance(dataset.version, dataset.counts(), commit, plan.parameters)


def announce(plan: ReportPlan, say: Callable[..., None]) -> None:
    """Say how a report's build ended (a failure on stderr)."""
    result = plan.result
    if result.status == "failed":
        say(f"{plan.name}: FAILED after {result.seconds:.1f} s: {result.error}", failure=True)
    else:
        say(f"{plan.name}: built in {result.seconds:.1f} s")


def _run_reports(
    todo: list[ReportPlan],
    dataset: Dataset,
    output_dir: Path,
    jobs: int | None,
    timeout: int,
    say: Callable[..., None],
) -> None:
    """Execute and convert ``todo`` in up to ``jobs`` parallel kernels; fill in each result."""
    if not todo:
        return
    commit = html.git_commit()

    def run(plan: ReportPlan) -> None:
        say(f"{plan.name}: started")
        as_of = html.describe_as_of(dataset, plan.notebook_parameters.get("as_of"))
        provenance = provenance_of(plan, dataset, commit)
        plan.result = _build_one(plan, output_dir, timeout, provenance, as_of)
        announce(plan, say)

    # nbconvert's import and template compilation happen while the first kernels run.
    threading.Thread(target=_warm_converter, daemon=True).start()
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    kernel.expect_reports(len(todo))  # each report's kernel starts while the one before runs
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, todo))
    finally:
        kernel.expect_reports(0)


def _build_one(
    plan: ReportPlan,
    output_dir: Path,
    timeout: int,
    provenance: list[tuple[str, str]],
    as_of: str = "",
) -> ReportResult:
    """Execute and convert one report; write its files only when both succeed.

    The report's time counts everything: running, converting, printing and writing.
    """
    work = output_dir / WORK_DIR_NAME
    executed = work / f"{plan.name}.ipynb"
    with _timer() as elapsed:
        try:
            work.mkdir(parents=True, exist_ok=True)
            result, page = produce_report(
                plan,
                plan.spec.notebook,
                plan.notebook_parameters,
                executed,
                timeout,
                provenance,
                as_of,
            )
            if result.status == "built":
                result.pdf = write_report(output_dir, plan, executed.read_bytes(), page)
                executed.unlink(missing_ok=True)
        except (OSError, PrintError) as exc:
            result = not_written(plan.name, output_dir, exc)
        result.seconds = elapsed()
    return result


def not_written(name: str, output_dir: Path, exc: OSError | PrintError) -> ReportResult:
    """The result of a report whose files could not be written (read-only, disk full, no PDF)."""
    if isinstance(exc, PrintError):
        return ReportResult(name, "failed", error=f"report {name!r} not written: {exc}")
    where = Path(exc.filename).name if exc.filename else str(output_dir)
    return ReportResult(
        name, "failed", error=f"report {name!r} not written: {where}: {exc.strerror or exc}"
    )


def write_report(output_dir: Path, plan: ReportPlan, notebook: bytes, page: str) -> str:
    """Write one report's notebook, page and, when asked for, PDF: all or none.

    See :func:`~claimscope.build.outputs.write_report_files`.
    """
    return outputs.write_report_files(output_dir, plan.name, notebook, page, plan.printer)


def produce_report(
    plan: ReportPlan,
    notebook: Path,
    parameters: dict,
    executed: Path,
    timeout: int,
    provenance: list[tuple[str, str]],
    as_of: str = "",
) -> tuple[ReportResult, str]:
    """Execute ``notebook`` into ``executed`` and convert it; return the result and the page.

    A kernel that fails to start or dies is retried once; a failing or timed-out cell is not.
    The page is empty when the report failed. Local builds and cluster workers both run
    reports through this.
    """
    name = plan.name
    with _timer() as elapsed:
        for attempt in (1, 2):
            try:
                nb = kernel.execute_notebook(notebook, executed, parameters, timeout)
                break
            except Exception as exc:  # noqa: BLE001 - every failure is reported, none escapes
                if attempt == 1 and kernel.is_infrastructure_error(exc):
                    continue
                where = kernel.failed_cell(executed)
                retry = " (after one retry)" if attempt == 2 else ""
                message = kernel.describe_error(exc, timeout, elapsed())
                error = f"report {name!r} failed in {where}{retry}: {message}"
                return ReportResult(name, "failed", elapsed(), error), ""
        try:
            page = html.convert_to_html(
                nb,
                plan.spec,
                plan.parameters,
                provenance,
                as_of=as_of,
                plotly_src=plan.plotly_src,
                navigation=plan.navigation,
            )
        except Exception as exc:  # noqa: BLE001
            error = f"report {name!r}: HTML conversion failed: {exc}"
            return ReportResult(name, "failed", elapsed(), error), ""
        finding = html.first_finding(nb)
        return ReportResult(name, "built", elapsed(), html=f"{name}.html", finding=finding), page
