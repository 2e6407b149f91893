"""``claimscope preview``: serve the reports on 127.0.0.1, rebuild on a change, reload the page.

A thread polls the modification times of the data folder, the notebooks and ``reports.yaml``;
a change runs the build again (its content-hash cache rebuilds only the reports the change
affects) with the kernels' warm parent kept between builds. The open page polls
``/__preview__/version`` and reloads when it moves. A bad edit (invalid data, a broken
configuration, a failing report) shows its problems on the page in place of the report, with
a link to the last good page. The pages on disk are the build's; only what is served differs:
a served page gets the reload script, loaded from the preview server itself, and its
Content-Security-Policy allows scripts and requests from that origin ('self') besides its own.
"""

from __future__ import annotations

import html as html_text
import json
import re
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from claimscope.build import build_reports, kernel, pool
from claimscope.build.config import BuildInputError, read_config
from claimscope.build.outputs import INDEX_NAME

HOST = "127.0.0.1"
PREFIX = "/__preview__/"
POLL_S = 0.2  # how often the files are checked, and the open page asks for the version
RELOAD_JS = f"""(function () {{
  var seen = null;
  function check() {{
    fetch("{PREFIX}version", {{cache: "no-store"}}).then(function (r) {{ return r.json(); }})
      .then(function (v) {{
        if (seen !== null && v.version !== seen) {{ location.reload(); return; }}
        seen = v.version; setTimeout(check, {int(POLL_S * 1000)});
      }}, function () {{ setTimeout(check, 1000); }});
  }}
  check();
}})();
"""
_CSP = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')
_TAG = f'<script src="{PREFIX}reload.js"></script>'


def serve_page(page: str) -> str:
    """A built page as the preview serves it: the reload script in, allowed from 'self'."""

    def widen(match: re.Match) -> str:
        policy = match.group(2).replace("script-src ", "script-src 'self' ", 1)
        policy = policy.replace("connect-src 'none'", "connect-src 'self'")
        return match.group(1) + policy + match.group(3)

    page = _CSP.sub(widen, page, count=1)
    at = page.rfind("</body>")
    return page[:at] + _TAG + page[at:] if at >= 0 else page + _TAG


def problems_page(name: str, problems: list[str], last_good: str) -> str:
    """The page shown instead of a report while the last edit left problems."""
    items = "".join(f"<li><code>{html_text.escape(p)}</code></li>" for p in problems)
    link = (
        f'<p><a href="{PREFIX}last-good/{html_text.escape(last_good)}">Open the last good '
        f"page of {html_text.escape(name)}</a> (built before this edit).</p>"
        if last_good
        else "<p>There is no earlier good page of this report.</p>"
    )
    policy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        f"<title>Problems: {html_text.escape(name)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "li{margin:.4em 0}code{white-space:pre-wrap}</style></head><body>"
        f'<h1>The last edit left {len(problems)} problem(s)</h1><ul id="problems">{items}</ul>'
        f"{link}<p>This page reloads when the problems are fixed.</p>{_TAG}</body></html>"
    )


class Preview:
    """The watched inputs, the last build's outcome and its version; see the module docstring."""

    def __init__(
        self,
        output_dir: Path,
        config: Path,
        data_dir: Path,
        only: list[str] | None = None,
        say: Callable[[str], None] = print,
    ):
        self.output_dir, self.config, self.data_dir = Path(output_dir), Path(config), data_dir
        self.only, self.say = only, say
        self.version = 0
        self.problems: list[str] = []
        self.failed: set[str] = set()
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def watched(self) -> dict[str, float]:
        """Modification time of every watched file: the data, the notebooks, the config."""
        files = [self.config, *Path(self.data_dir).rglob("*")]
        try:
            files += {spec.notebook for spec in read_config(self.config)}
        except BuildInputError:
            pass  # the build says what is wrong with it
        stamps = {}
        for path in files:
            try:
                if path.is_file() and not path.name.startswith("."):
                    stat = path.stat()
                    stamps[str(path)] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                continue
        return stamps

    def rebuild(self) -> None:
        """Build what changed; record the problems it met, and move the version on."""
        from claimscope.data.dataset import DatasetError
        from claimscope.data.locks import LockWaitError, LockWaitStopped

        start = time.perf_counter()
        problems, failed = [], set()
        try:
            result = build_reports(
                only=self.only,
                output_dir=self.output_dir,
                quiet=True,
                config=self.config,
                data_dir=self.data_dir,
            )
            failed = {r.name for r in result.results if r.status == "failed"}
            problems = [r.error for r in result.results if r.error] + result.errors
            built = result.count("built")
        except (DatasetError, BuildInputError) as error:
            problems, built = [str(p) for p in error.problems], 0
        except LockWaitStopped:  # a Ctrl-C while it waited for another build: the preview ends
            self.stop.set()
            return
        except LockWaitError as error:
            problems, built = [str(error)], 0
        with self.lock:
            self.problems, self.failed = problems, failed
            self.version += 1
        seconds = time.perf_counter() - start
        if problems:
            self.say(f"{len(problems)} problem(s) after {seconds:.1f} s; the page shows them")
        else:
            self.say(f"{built} report(s) rebuilt in {seconds:.1f} s")
        if not self.stop.is_set():  # the next build finds a warm parent on the new data
            notebooks = _notebooks(self.config)
            pool.keep_warm(Path(self.data_dir), notebooks)

    def watch(self) -> None:
        """Rebuild whenever a watched file changes, until stopped."""
        seen = self.watched()
        while not self.stop.wait(POLL_S):
            now = self.watched()
            if now != seen:
                seen = now
                self.stop.wait(0.05)  # let an editor finish writing
                seen = self.watched()
                if not self.stop.is_set():
                    self.rebuild()

    def status(self, name: str) -> tuple[list[str], bool]:
        """The problems to show for report ``name`` (all of them when no report is named)."""
        with self.lock:
            problems, failed = list(self.problems), set(self.failed)
        if not problems:
            return [], False
        if failed:  # reports failed: their own pages show why; the index marks them stale
            if name not in failed:
                return [], False
            return [p for p in problems if f"'{name}'" in p] or problems, True
        return problems, True  # bad data or configuration: nothing is current


def _notebooks(config: Path) -> list[Path]:
    try:
        return sorted({spec.notebook for spec in read_config(config)})
    except BuildInputError:
        return []


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    root = preview.output_dir.resolve()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
            pass

        def _send(self, body: bytes, kind: str, status: int = HTTPStatus.OK) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            path = unquote(urlsplit(self.path).path)
            if path == PREFIX + "version":
                with preview.lock:
                    body = {"version": preview.version, "problems": len(preview.problems)}
                return self._send(json.dumps(body).encode(), "application/json")
            if path == PREFIX + "reload.js":
                return self._send(RELOAD_JS.encode(), "text/javascript; charset=utf-8")
            last_good = path.startswith(PREFIX + "last-good/")
            relative = path[len(PREFIX + "last-good/") :] if last_good else path.lstrip("/")
            relative = relative or INDEX_NAME
            file = (root / relative).resolve()
            if not file.is_relative_to(root) or any(
                p.startswith(".") for p in Path(relative).parts
            ):
                return self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)
            if file.suffix == ".html" and not last_good:
                problems, shown = preview.status(file.stem)
                if shown:
                    good = relative if file.is_file() else ""
                    page = problems_page(file.stem, problems, good)
                    return self._send(page.encode(), "text/html; charset=utf-8")
            if not file.is_file():
                return self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)
            body = file.read_bytes()
            if file.suffix == ".html":
                page = serve_page(body.decode("utf-8"))
                return self._send(page.encode("utf-8"), "text/html; charset=utf-8")
            kinds = {".js": "text/javascript", ".csv": "text/csv", ".pdf": "application/pdf"}
            return self._send(body, kinds.get(file.suffix, "application/octet-stream"))

    return Handler


def run_preview(
    output_dir: Path,
    config: Path,
    data_dir: Path,
    only: list[str] | None = None,
    port: int = 0,
    ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Build, serve on ``127.0.0.1:port`` and rebuild on changes until ``stop`` is set.

    Raises:
        BuildInputError: the port cannot be used (nothing was built).
    """
    preview = Preview(output_dir, config, data_dir, only)
    if stop is not None:
        preview.stop = stop
    try:
        server = ThreadingHTTPServer((HOST, port), _handler(preview))
    except OSError as exc:
        raise BuildInputError([f"--port {port}: cannot listen on {HOST}: {exc.strerror}"]) from exc
    server.daemon_threads = True
    url = f"http://{HOST}:{server.server_address[1]}/"
    serving = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    serving.start()
    try:
        preview.rebuild()
        page = f"{only[0]}.html" if only and len(only) == 1 else ""
        preview.say(f"preview: open {url}{page} (Ctrl-C stops it)")
        if ready is not None:
            ready(url)
        watching = threading.Thread(target=preview.watch, daemon=True)
        watching.start()
        while not preview.stop.wait(0.2):
            pass
        kernel.stop_kernels("the preview stopped")
        watching.join(timeout=30)
    finally:
        preview.stop.set()
        server.shutdown()
        server.server_close()
        pool.release_kept()
        kernel.allow_kernels()
    preview.say("preview stopped")
    return 0
