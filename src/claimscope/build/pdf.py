"""Print a built report page to PDF with the Chromium command line, offline and time-limited.

No Python browser library is involved: the build finds a Chromium executable
(``CLAIMSCOPE_CHROMIUM``, else ``chromium``, ``chromium-browser`` or ``google-chrome`` on the
PATH) and runs ``--headless --print-to-pdf`` on the page's ``file://`` address, with a fresh
profile per print and every host name unresolvable, so nothing is fetched. Printing goes
through the browser's print path, so the page's ``beforeprint`` handlers (which draw every
chart) run before the PDF is made.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_ENV = "CLAIMSCOPE_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DEFAULT_PRINT_TIMEOUT_S = 120
# A PDF smaller than this holds no page of a report: an empty or truncated file.
MIN_PDF_BYTES = 1024
PRINT_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-pdf-header-footer",
    # Offline: no host name resolves, and none of the browser's own services call home.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--no-first-run",
    "--no-default-browser-check",
)
_INSTALL_HINT = (
    "install Chromium (Debian: apt-get install chromium) or set "
    f"{CHROMIUM_ENV} to the browser's executable"
)


class ChromiumMissing(RuntimeError):
    """No Chromium to print with; the message says how to install or point to one."""


class PrintError(RuntimeError):
    """Chromium failed, timed out or wrote something that is not a PDF."""


def find_chromium() -> Path:
    """The Chromium executable to print with.

    ``CLAIMSCOPE_CHROMIUM`` wins when set (a path, or a name looked up on the PATH); a value
    that names nothing runnable is an error rather than a silent fall-back.

    Raises:
        ChromiumMissing: saying what was looked for and how to install or point to Chromium.
    """
    given = os.environ.get(CHROMIUM_ENV, "").strip()
    if given:
        found = shutil.which(given)
        if found is None:
            raise ChromiumMissing(
                f"{CHROMIUM_ENV}={given!r} is not an executable file; {_INSTALL_HINT}"
            )
        return Path(found)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found is not None:
            return Path(found)
    raise ChromiumMissing(
        f"no Chromium found ({', '.join(CHROMIUM_NAMES)} are not on the PATH); {_INSTALL_HINT}"
    )


def check_pdf(data: bytes, what: str) -> None:
    """Raise :class:`PrintError` unless ``data`` looks like a whole PDF.

    >>> check_pdf(b"<html>", "a.html")
    Traceback (most recent call last):
    ...
    claimscope.build.pdf.PrintError: printing a.html gave no PDF (6 bytes, not starting with %PDF-)
    """
    if not data.startswith(b"%PDF-"):
        raise PrintError(
            f"printing {what} gave no PDF ({len(data)} bytes, not starting with %PDF-)"
        )
    if len(data) < MIN_PDF_BYTES or b"%%EOF" not in data[-1024:]:
        raise PrintError(f"printing {what} gave a truncated PDF ({len(data)} bytes)")


#: Opening a report page with this fragment draws every chart at once (the page template's
#: chart loader), instead of when a reader scrolls to it.
PRINT_FRAGMENT = "#claimscope-print"
#: Virtual time Chromium lets the page run before printing; idle time passes at once.
VIRTUAL_TIME_BUDGET_MS = 30_000


@dataclass(frozen=True)
class Printer:
    """Prints pages with one Chromium executable, each print stopped after ``timeout`` seconds."""

    chromium: Path
    timeout: float = DEFAULT_PRINT_TIMEOUT_S

    def print_page(self, page: Path, what: str = "") -> bytes:
        """Print the HTML file ``page`` and return the PDF's bytes.

        ``what`` names the page in errors (default: its file name).

        Raises:
            PrintError: Chromium exited with an error, ran past the timeout (it is killed,
                with every process it started) or wrote no valid PDF.
        """
        what = what or page.name
        with tempfile.TemporaryDirectory(prefix="claimscope-print-") as tmp:
            target = Path(tmp) / "page.pdf"
            argv = [
                str(self.chromium),
                *PRINT_FLAGS,
                f"--user-data-dir={Path(tmp) / 'profile'}",
                f"--print-to-pdf={target}",
                # Draw every chart before printing, and give a page that loads plotly.js from
                # a site build's assets/ the (virtual) time to load it.
                f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
                page.resolve().as_uri() + PRINT_FRAGMENT,
            ]
            stderr = self._run(argv, what)
            data = target.read_bytes() if target.is_file() else b""
            if not data and stderr:
                raise PrintError(f"Chromium wrote no PDF of {what}: {stderr}")
            check_pdf(data, what)
            return data

    def print_text(self, page: str, stage: Path, what: str) -> bytes:
        """Write the HTML ``page`` to ``stage``, print it and remove it; return the PDF's bytes."""
        try:
            stage.write_text(page, encoding="utf-8")
            return self.print_page(stage, what)
        finally:
            stage.unlink(missing_ok=True)

    def _run(self, argv: list[str], what: str) -> str:
        """Run Chromium in its own process group; return the last line it said on stderr."""
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise PrintError(f"cannot run {argv[0]}: {exc.strerror or exc}") from exc
        try:
            _, err = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(process)
            process.communicate()
            raise PrintError(
                f"Chromium did not finish printing {what} within {self.timeout:g} s"
            ) from exc
        finally:
            _kill_group(process)  # helpers a finished browser left running
        said = _last_words(err.decode("utf-8", "replace"))
        if process.returncode != 0:
            raise PrintError(
                f"Chromium exited with status {process.returncode} printing {what}"
                + (f": {said}" if said else "")
            )
        return said


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _last_words(stderr: str) -> str:
    r"""The last line of Chromium's stderr that says something (its D-Bus chatter aside).

    >>> _last_words("[1:2:ERROR:dbus/bus.cc:405] Failed to connect to the bus\nboom\n")
    'boom'
    """
    lines = [
        line.strip()
        for line in stderr.splitlines()
        if line.strip() and "dbus" not in line and "bytes written to file" not in line
    ]
    return lines[-1][:300] if lines else ""


def printer_for(reports: list[str], timeout: float) -> Printer | None:
    """The printer for a build whose ``reports`` ask for a PDF; None when none does.

    Raises:
        BuildInputError: naming each of ``reports`` when there is no Chromium to print with.
    """
    from claimscope.build.config import BuildInputError

    if not reports:
        return None
    try:
        return Printer(find_chromium(), timeout)
    except ChromiumMissing as exc:
        raise BuildInputError(
            [f"report {name!r}: asks for a PDF (`formats` has pdf), but {exc}" for name in reports]
        ) from exc
