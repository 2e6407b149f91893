"""Open built reports in headless Chromium, offline, and record what a reader's browser saw.

Shared by ``test_browser.py``, ``test_untrusted_text.py`` and ``docs/make_screenshot.py``; it
imports no pytest, so the screenshot script can use it too. The browser is the system's Chromium
(Debian package), driven by Playwright; Playwright never downloads one.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path(os.environ.get("CLAIMSCOPE_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
#: How long a page may take to draw its charts after the load event.
DRAW_TIMEOUT_MS = 15_000

#: Every chart div as the page has it: its attributes, what plotly attached, whether it drew.
_CHARTS_JS = """
() => Array.from(document.querySelectorAll('.claimscope-chart')).map(el => ({
  id: el.id,
  chart: el.getAttribute('data-chart'),
  traces: Number(el.getAttribute('data-traces')),
  data: Array.isArray(el.data) ? el.data.length : null,
  svg: el.querySelectorAll('svg.main-svg').length,
}))
"""
#: Ask a report page to draw every chart now (it draws them lazily otherwise).
_DRAW_ALL_JS = "() => window.claimscopeCharts ? window.claimscopeCharts.drawAll() : null"
#: Whether every chart has drawn (or says why not); with ``false``, only those in view.
_DRAWN_JS = """
(all) => Array.from(document.querySelectorAll('.claimscope-chart')).every(el => {
  const box = el.getBoundingClientRect();
  const inView = box.bottom > 0 && box.top < window.innerHeight;
  return (!all && !inView) || el.querySelector('svg.main-svg') !== null
    || el.textContent.length > 0;
})
"""


class BrowserMissing(RuntimeError):
    """Chromium or Playwright is not installed; the message says how to install it."""


@dataclass
class Visit:
    """What happened while one page was open."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Console errors, page errors, network requests and dialogs, one line each."""
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"network request attempted: {u}" for u in self.blocked]
            + [f"dialog opened: {m}" for m in self.dialogs]
        )


@contextlib.contextmanager
def launch_chromium() -> Iterator[object]:
    """Start headless system Chromium through Playwright and yield the browser.

    Raises:
        BrowserMissing: Chromium or the Playwright package is missing.
    """
    if not CHROMIUM.is_file():
        raise BrowserMissing(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
            "(browser tests never skip, and never download a browser)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserMissing(
            "the playwright Python package is missing: pip install -e '.[test]'"
        ) from exc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_page(
    browser,
    path: Path,
    viewport: dict | None = None,
    draw_timeout_ms: int = DRAW_TIMEOUT_MS,
    *,
    draw_all: bool = True,
) -> Iterator[tuple[object, Visit]]:
    """Open ``path`` from ``file://`` with every other request aborted and recorded.

    Yields the page, once its charts have drawn (or ``draw_timeout_ms`` has passed), and the
    :class:`Visit` that keeps collecting console errors, page errors, blocked requests, dialogs
    and the page's links while it is open. A report page draws a chart only when it nears the
    viewport; ``draw_all`` (the default) asks it to draw every chart at once, as printing does;
    without it only the charts a reader would see at the top have drawn.
    """
    url = Path(path).resolve().as_uri()
    visit = Visit(url)
    context = browser.new_context(viewport=viewport or VIEWPORT, service_workers="block")

    def route(request_route) -> None:
        request = request_route.request
        if request.url.startswith("file:"):
            request_route.continue_()
        else:
            visit.blocked.append(request.url)
            request_route.abort()

    def on_dialog(dialog) -> None:
        visit.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console",
        lambda message: message.type == "error" and visit.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    try:
        page.goto(url, wait_until="load")
        with contextlib.suppress(Exception):  # a chart that never draws is reported below
            if draw_all:
                page.evaluate(_DRAW_ALL_JS)
            # Without draw_all a chart out of view never draws: waiting for it would time out.
            page.wait_for_function(_DRAWN_JS, arg=draw_all, timeout=draw_timeout_ms)
        visit.charts = page.evaluate(_CHARTS_JS)
        visit.links = page.eval_on_selector_all(
            "a[href]", "els => els.map(a => (typeof a.href === 'string' ? a.href : a.href.baseVal))"
        )
        yield page, visit
    finally:
        context.close()


def notebook_charts(notebook: Path) -> list[dict]:
    """List the charts an executed notebook made: name and trace count, in output order.

    A chart is an output carrying plotly's JSON mimetype; ``html`` says whether it also carries
    the ``text/html`` that the HTML report draws it from.
    """
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    charts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY_MIMETYPE not in data:
                continue
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            charts.append(
                {
                    "traces": len(data[PLOTLY_MIMETYPE].get("data", [])),
                    "html": 'class="claimscope-chart"' in html,
                }
            )
    return charts


def chart_problems(page_charts: list[dict], made: list[dict]) -> list[str]:
    """Compare the charts a page drew with the charts its notebook made; list every mismatch."""
    problems = []
    if len(page_charts) != len(made):
        problems.append(
            f"the notebook made {len(made)} chart(s), the page has {len(page_charts)} chart div(s)"
        )
    problems += [
        f"notebook chart {i + 1} has no text/html" for i, c in enumerate(made) if not c["html"]
    ]
    for i, chart in enumerate(page_charts):
        name = f"chart {i + 1} ({chart['chart']})"
        if chart["svg"] < 1:
            problems.append(f"{name}: no svg.main-svg, plotly did not draw it")
        if chart["data"] != chart["traces"]:
            problems.append(
                f"{name}: plotly has {chart['data']} trace(s), data-traces says {chart['traces']}"
            )
        if i < len(made) and made[i]["traces"] != chart["traces"]:
            problems.append(
                f"{name}: data-traces says {chart['traces']}, the notebook's figure has "
                f"{made[i]['traces']}"
            )
    return problems


@contextlib.contextmanager
def pages_kept_open(browser) -> Iterator[Callable[[Path, dict], tuple]]:
    """Yield ``open_at(path, viewport)``: each page at each size opened once, while the block runs.

    ``open_at`` returns what :func:`open_page` yields (the page, its :class:`Visit`); a second
    call for the same page and size returns the same open page.
    """
    with contextlib.ExitStack() as visits:
        pages: dict[tuple[str, int, int], tuple] = {}

        def open_at(path: Path, viewport: dict) -> tuple:
            key = (str(path), viewport["width"], viewport["height"])
            if key not in pages:
                pages[key] = visits.enter_context(open_page(browser, path, viewport=viewport))
            return pages[key]

        yield open_at
