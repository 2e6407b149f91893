"""`claimscope preview`: serves on 127.0.0.1, rebuilds on a saved edit, reloads, stops cleanly."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import get_cell, set_cell

from claimscope.build import preview
from claimscope.data.paths import REPORTS_CONFIG

pytestmark = [pytest.mark.integration]
CLI = [sys.executable, "-m", "claimscope.cli"]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - 127.0.0.1 only
        return answer.read().decode("utf-8")


def _version(url: str) -> dict:
    return json.loads(_get(url + "__preview__/version"))


def _until(check, seconds: float = 90, what: str = "") -> object:
    """Poll ``check`` until it is true; a page navigating meanwhile counts as not yet."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception as exc:  # noqa: BLE001 - only a page mid-navigation is expected
            if "navigat" not in str(exc) and "context was destroyed" not in str(exc):
                raise
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


@pytest.fixture
def running(data_copy, tmp_path):
    """A preview of troop-figures on a copy of the data, on a free port; stopped afterwards."""
    stop, urls = threading.Event(), []
    thread = threading.Thread(
        target=preview.run_preview,
        args=(tmp_path / "out", REPORTS_CONFIG, data_copy, ["troop-figures"], 0),
        kwargs={"ready": urls.append, "stop": stop},
        daemon=True,
    )
    thread.start()
    _until(lambda: urls, what="the preview's first build")
    yield urls[0], data_copy
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the preview did not stop"


@pytest.mark.browser
def test_a_saved_edit_reloads_the_open_page_and_a_bad_one_shows_its_problems(running, chromium):
    url, data = running
    assert url.startswith("http://127.0.0.1:")
    page = chromium.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    page.goto(url + "troop-figures.html")
    before = page.inner_text("footer")
    page.evaluate("() => { window.notReloaded = true; }")
    time.sleep(1)  # the page's script has read the version once
    set_cell(data / "claims.csv", 2, "note", "An edit the preview must pick up")
    _until(
        lambda: (
            page.evaluate("() => window.notReloaded !== true") and page.query_selector("footer")
        ),
        what="the page reloading after the edit",
    )
    assert page.inner_text("footer") != before  # the dataset version in the footer moved
    assert page.title().startswith("Claimed North Korean troop figures")

    claimant = get_cell(data / "claims.csv", 2, "claimant_id")
    set_cell(data / "claims.csv", 2, "claimant_id", "nobody-at-all")
    _until(lambda: page.query_selector("#problems"), what="the problems page")
    assert "nobody-at-all" in page.inner_text("#problems")
    page.click("text=Open the last good page")
    page.wait_for_selector("footer")
    assert "Claimed North Korean troop figures" in page.title()

    page.goto(url + "troop-figures.html")
    page.wait_for_selector("#problems")
    set_cell(data / "claims.csv", 2, "claimant_id", claimant)
    _until(lambda: page.query_selector("footer"), what="the report back after the fix")
    assert refused == [], refused  # the reload script and its requests are within the policy
    page.close()


def test_the_served_page_allows_only_the_preview_origin_besides_its_own_scripts(running):
    url, _ = running
    served = _get(url + "troop-figures.html")
    assert '<script src="/__preview__/reload.js"></script>' in served
    policy = served.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    assert "script-src 'self' 'sha256-" in policy
    assert "connect-src 'self'" in policy and "http" not in policy
    assert "fetch(" in _get(url + "__preview__/reload.js")
    assert _version(url)["problems"] == 0
    for bad in ("../reports.yaml", ".manifest.json", "%2e%2e/x"):
        with pytest.raises(urllib.error.HTTPError):
            _get(url + bad)


def _start_cli(tmp_path: Path, data: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, "preview", "--only", "troop-figures", "--data-dir", str(data)]
        + ["--output", str(tmp_path / "out"), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_command_prints_its_url_and_stops_cleanly_on_a_signal(tmp_path, data_copy, signum):
    process = _start_cli(tmp_path, data_copy, "--port", "0")
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "preview: open http://127.0.0.1:" in line or len(lines) > 20:
                break
        assert "preview: open http://127.0.0.1:" in lines[-1], lines
        url = lines[-1].split("open ")[1].split(" ")[0]
        assert "<title>" in _get(url)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "preview stopped" in out
    assert "Traceback" not in err
    forkservers = subprocess.run(["pgrep", "-f", f"forkserver.*{data_copy}"], capture_output=True)
    assert forkservers.stdout == b""  # the warm parent went with it


def test_a_port_in_use_is_one_line_and_builds_nothing(tmp_path, data_copy):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*CLI, "preview", "--port", str(port), "--data-dir", str(data_copy)]
            + ["--output", str(tmp_path / "out")],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.splitlines()[0].startswith(f"--port {port}: cannot listen on 127.0.0.1")
    assert not (tmp_path / "out").exists()


def test_a_problems_page_escapes_what_it_shows():
    page = preview.problems_page("r", ["claims.csv:2:note: <script>x</script>"], "r.html")
    assert "<script>x" not in page and "&lt;script&gt;x" in page
    assert '/__preview__/last-good/r.html"' in page
    served = preview.serve_page("<html><body></body></html>")
    assert served == "<html><body>" + preview._TAG + "</body></html>"
