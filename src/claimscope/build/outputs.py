"""The output folder: the names a build writes there, its checks, its lock and its leftovers."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.data.files import remove_stale_temporaries, write_files_atomic
from claimscope.data.locks import hold_lock, lock_wait_s

if TYPE_CHECKING:
    from claimscope.build.pdf import Printer

INDEX_NAME = "index.html"
CLAIMS_EXPORT_NAME = "claims.csv"
MANIFEST_NAME = ".manifest.json"
LOCK_NAME = ".build.lock"
WORK_DIR_NAME = ".work"
# A site build's shared files (plotly.js once for every page); see html.write_site_assets.
ASSETS_DIR_NAME = "assets"
# Each report writes ``<name><suffix>`` for these, beside the build's own files.
REPORT_SUFFIXES = (".html", ".ipynb", ".pdf")
# A page waiting to be printed sits beside the pages (so relative links resolve) under a
# hidden name until its PDF is made; a build killed meanwhile leaves it for the next to remove.
PRINT_STAGE_SUFFIX = ".printing.html"
BUILD_FILES = (
    INDEX_NAME,
    CLAIMS_EXPORT_NAME,
    MANIFEST_NAME,
    LOCK_NAME,
    WORK_DIR_NAME,
    ASSETS_DIR_NAME,
)


def report_files(name: str) -> list[str]:
    """The files report ``name`` writes into the output folder.

    >>> report_files("troops")
    ['troops.html', 'troops.ipynb', 'troops.pdf']
    """
    return [name + suffix for suffix in REPORT_SUFFIXES]


def clashing_output(name: str) -> str | None:
    """The build's own file that report ``name`` would overwrite or be mistaken for, if any.

    Names compare without case, as on case-insensitive file systems: ``Index`` clashes too.

    >>> clashing_output("Index"), clashing_output("claims"), clashing_output("troops")
    ('index.html', 'claims.csv', None)
    >>> clashing_output("Assets")
    'assets'
    """
    folded = name.casefold()
    for own in BUILD_FILES:
        stem = own.split(".")[1] if own.startswith(".") else own.split(".")[0]
        if folded == stem.casefold() or own.casefold() in {
            f.casefold() for f in report_files(name)
        }:
            return own
    return None


def print_stage(output_dir: Path, name: str) -> Path:
    """Where report ``name``'s new page is put while Chromium prints it.

    >>> print_stage(Path("out"), "troops").name
    '.troops.printing.html'
    """
    return output_dir / f".{name}{PRINT_STAGE_SUFFIX}"


class OutputUnwritable(OSError):
    """The output folder cannot be created or written at all."""


def check_output_folder(output_dir: Path, data_dir: Path) -> list[str]:
    """Say what makes ``output_dir`` unusable as an output folder (empty when nothing does).

    It must be a folder, or a path whose nearest existing part is a folder; and it must lie
    outside the data folder, whose content hash would otherwise change with every build.
    """
    existing = next((p for p in (output_dir, *output_dir.parents) if p.exists()), None)
    if existing == output_dir and not output_dir.is_dir():
        return [f"output folder {output_dir}: is a file, not a folder"]
    if existing is not None and not existing.is_dir():
        return [f"output folder {output_dir}: cannot be created, {existing} is a file"]
    inside = output_dir.resolve().is_relative_to(data_dir.resolve())
    if inside:
        return [
            f"output folder {output_dir}: is inside the data folder {data_dir}; "
            "choose one outside it (its pages would change the dataset's hash on every build)"
        ]
    return []


@contextlib.contextmanager
def build_lock(output_dir: Path, stopped: Callable[[], str]) -> Iterator[None]:
    """Hold the output folder's lock, so two builds never interleave their writes.

    Another build holding it is waited for as :func:`claimscope.data.locks.hold_lock` says.

    Raises:
        OutputUnwritable: the folder or its lock file cannot be created.
        LockWaitError: the wait for another build timed out or was stopped.
    """
    lock_wait_s()  # a wrong deadline is refused before the folder is made
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        handle = open(output_dir / LOCK_NAME, "a+")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise OutputUnwritable(exc.errno, f"cannot write to {output_dir}: {exc.strerror}") from exc
    with handle, hold_lock(handle, f"another build of {output_dir}", stopped):
        yield


def remove_leftovers(output_dir: Path) -> None:
    """Delete what an earlier build that was killed left: work notebooks, half-written files.

    Called with the lock held, so no other build is using them.
    """
    shutil.rmtree(output_dir / WORK_DIR_NAME, ignore_errors=True)
    with contextlib.suppress(OSError):
        remove_stale_temporaries(output_dir)
        for staged in output_dir.glob(f".*{PRINT_STAGE_SUFFIX}"):
            staged.unlink(missing_ok=True)


def write_site_assets(output_dir: Path) -> None:
    """Write a site build's shared files before any page that needs them.

    Raises:
        OutputUnwritable: they cannot be written; no page is built.
    """
    from claimscope.build import html

    try:
        html.write_site_assets(output_dir)
    except OSError as exc:
        where = exc.filename or output_dir
        raise OutputUnwritable(
            exc.errno or 0, f"cannot write {where}: {exc.strerror or exc}"
        ) from exc


def write_report_files(
    output_dir: Path, name: str, notebook: bytes, page: str, printer: Printer | None
) -> str:
    """Replace a report's executed notebook, page and PDF together: all or none.

    The notebook and PDF beside a page are always the ones made with it. The PDF is printed
    first, on this machine, when ``printer`` is given; a report that no longer asks for one has
    the PDF of an earlier build removed.

    Returns:
        The PDF's file name, or ``""`` when the report has none.

    Raises:
        OSError: a file could not be written; none was replaced.
        PrintError: the page could not be printed; none was replaced.
    """
    files = {
        output_dir / f"{name}.ipynb": notebook,
        output_dir / f"{name}.html": page.encode("utf-8"),
    }
    pdf_name = f"{name}.pdf" if printer else ""
    if printer:
        stage = print_stage(output_dir, name)
        files[output_dir / pdf_name] = printer.print_text(page, stage, f"{name}.html")
    write_files_atomic(files)
    if not pdf_name:
        (output_dir / f"{name}.pdf").unlink(missing_ok=True)
    return pdf_name
