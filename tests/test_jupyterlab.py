"""The report notebooks in a real JupyterLab, driven by headless Chromium.

A JupyterLab server starts on a free 127.0.0.1 port with a token, the project's kernel and a
temporary copy of the notebooks. Each report notebook is opened, its outputs cleared and every
cell run; every chart must be drawn by JupyterLab's plotly renderer (``.main-svg`` in the DOM),
with no console error and no request leaving 127.0.0.1. Then one parameter changes and a chart
must change with it. Every wait is bounded; a missing browser fails, never skips.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser import notebook_charts

from claimscope.build.notebooks import REPORT_NOTEBOOKS
from claimscope.data.paths import NOTEBOOKS_DIR

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SERVER_START_S = 90
RUN_ALL_MS = 180_000
#: Per notebook: a parameter line to put in place of its default, which changes a chart.
CHANGES = {
    "troop_figures.ipynb": ("claimant_ids", 'claimant_ids: list = ["nis"]'),
    "actor_relations.ipynb": ("focus_actor", 'focus_actor: str = "north_korea"'),
    "competing_hypotheses.ipynb": ("weighted", "weighted: bool = True"),
}
LOCAL = {"127.0.0.1", "localhost"}

_LAB_READY_JS = """
() => Boolean(window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open'))
"""
_OPEN_JS = """
async (path) => {
  await window.jupyterapp.restored;
  await window.jupyterapp.commands.execute('docmanager:open', {path: path, factory: 'Notebook'});
}
"""
_NOTEBOOK_READY_JS = """
(path) => {
  const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!widget || !widget.context || widget.context.path !== path) return false;
  const kernel = widget && widget.sessionContext && widget.sessionContext.session
    && widget.sessionContext.session.kernel;
  return Boolean(kernel && kernel.status === 'idle' && widget.content.widgets.length);
}
"""
_RUN_ALL_JS = """
async () => {
  const app = window.jupyterapp;
  await app.commands.execute('notebook:clear-all-cell-outputs');
  await app.commands.execute('notebook:run-all-cells');
}
"""
_DONE_JS = """
() => {
  const widget = window.jupyterapp.shell.currentWidget;
  const cells = widget.content.widgets.filter(c => c.model.type === 'code');
  return widget.sessionContext.session.kernel.status === 'idle'
    && cells.every(c => c.model.executionCount !== null);
}
"""
_ERRORS_JS = """
() => Array.from(window.jupyterapp.shell.currentWidget.node.querySelectorAll(
  '[data-mime-type="application/vnd.jupyter.stderr"],'
  + '[data-mime-type="application/vnd.jupyter.error"]'
)).map(e => e.textContent.slice(0, 300))
"""
_CHARTS_JS = """
() => Array.from(
  window.jupyterapp.shell.currentWidget.node.querySelectorAll('.js-plotly-plot')
).map(el => ({
  svg: el.querySelectorAll('.main-svg').length,
  traces: Array.isArray(el.data) ? el.data.length : -1,
  data: JSON.stringify((el.data || []).map(t => [t.x, t.y, t.name])),
}))
"""
_SET_PARAMETER_JS = """
([name, line]) => {
  const widget = window.jupyterapp.shell.currentWidget;
  const cell = widget.content.widgets.find(
    c => (c.model.getMetadata('tags') || []).includes('parameters'));
  const source = cell.model.sharedModel.getSource();
  const lines = source.split('\\n').map(l => l.startsWith(name + ':') ? line : l);
  cell.model.sharedModel.setSource(lines.join('\\n'));
  return cell.model.sharedModel.getSource().includes(line);
}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_server(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {SERVER_START_S} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A JupyterLab server on a temporary copy of the notebooks: its base URL with the token."""
    root = tmp_path_factory.mktemp("lab")
    work = root / "notebooks"
    work.mkdir()
    for name in REPORT_NOTEBOOKS:
        shutil.copy(NOTEBOOKS_DIR / name, work / name)
    token, port = secrets.token_hex(16), _free_port()
    # Settings, workspaces and runtime files stay in the temporary folder, not the user's.
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={work}",
        "--ServerApp.disable_check_xsrf=True",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--MappingKernelManager.default_kernel_name=claimscope",
    ]
    if os.getuid() == 0:
        command.append("--allow-root")
    log = root / "lab.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(f"{base}/api/status?token={token}", process, log)
        # `reset`: JupyterLab opens with no document, not with those the workspace remembers.
        yield f"{base}/lab?reset&token={token}", log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def lab_page(chromium, lab) -> Iterator[tuple[object, dict]]:
    """One JupyterLab page for this file's notebooks (the app loads once), and what it saw.

    ``seen`` collects console errors, page errors and requests that left 127.0.0.1 (aborted);
    each test empties it before it opens its notebook.
    """
    url, _ = lab
    seen: dict[str, list[str]] = {"console": [], "errors": [], "requests": []}
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})

    def route(request_route) -> None:
        parsed = urlparse(request_route.request.url)
        if parsed.scheme in ("data", "blob", "file") or parsed.hostname in LOCAL:
            request_route.continue_()
        else:
            seen["requests"].append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and seen["console"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=60_000)
        page.wait_for_function(_LAB_READY_JS, timeout=90_000, polling=100)
        yield page, seen
    finally:
        context.close()


def _open_notebook(page, seen: dict, name: str) -> None:
    """Open notebook ``name`` in its own tab of the page and wait until its kernel is idle."""
    for found in seen.values():
        found.clear()
    page.evaluate(_OPEN_JS, name)
    page.wait_for_function(_NOTEBOOK_READY_JS, arg=name, timeout=90_000, polling=100)


def _run_all(page) -> list[dict]:
    page.evaluate(_RUN_ALL_JS)
    page.wait_for_timeout(500)  # the kernel goes busy before the first cell reports
    page.wait_for_function(_DONE_JS, timeout=RUN_ALL_MS, polling=100)
    errors = page.evaluate(_ERRORS_JS)
    assert errors == [], f"cells failed or wrote to stderr: {errors}"
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.node"
        " .querySelector('.js-plotly-plot .main-svg')",
        timeout=30_000,
    )
    return page.evaluate(_CHARTS_JS)


@pytest.mark.parametrize("name", REPORT_NOTEBOOKS)
def test_notebook_runs_in_jupyterlab_and_every_chart_renders(lab, lab_page, name):
    _, log = lab
    page, seen = lab_page
    expected = len(notebook_charts(NOTEBOOKS_DIR / name))
    assert expected >= 1, f"{name} has no stored chart to compare with"
    _open_notebook(page, seen, name)
    charts = _run_all(page)
    assert len(charts) == expected, f"{name}: {len(charts)} chart(s) drawn, {expected} made"
    undrawn = [i for i, c in enumerate(charts) if c["svg"] < 1 or c["traces"] < 1]
    assert undrawn == [], f"{name}: charts {undrawn} have no plotly svg or no trace"

    parameter, line = CHANGES[name]
    assert page.evaluate(_SET_PARAMETER_JS, [parameter, line]), f"{parameter} not set"
    changed = _run_all(page)
    assert [c["data"] for c in changed] != [c["data"] for c in charts], (
        f"{name}: no chart changed after setting {line!r}"
    )
    problems = (
        [f"console error: {m}" for m in seen["console"]]
        + [f"page error: {m}" for m in seen["errors"]]
        + [f"request leaving 127.0.0.1: {u}" for u in seen["requests"]]
    )
    assert problems == [], f"{name}:\n" + "\n".join(problems) + f"\n(server log: {log})"
