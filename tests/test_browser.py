"""The built reports in a real browser: every chart draws, nothing errors, nothing goes online.

The default reports are built once per session into a temporary folder and opened from
``file://`` in headless Chromium with every other request aborted. A full-page screenshot of
each page goes to ``test-artifacts/screenshots/`` for CI to keep. A missing browser fails these
tests (with the command that installs it); they never skip.
"""

from __future__ import annotations

import importlib.util
import re
import struct
from pathlib import Path

import pytest
from browser import chart_problems, notebook_charts, open_page

from claimscope.build import read_config
from claimscope.build.sweeps import expand_sweeps
from claimscope.data.paths import DATA_DIR, PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
# Sweeps expanded: one page per report the build writes.
REPORTS = [spec.name for spec in expand_sweeps(read_config(), DATA_DIR)]
PAGES = [*REPORTS, "index"]
README_SCREENSHOT = PROJECT_ROOT / "docs" / "screenshot-troop-figures.png"
README_SCREENSHOT_MAX_BYTES = 400_000


@pytest.fixture(scope="module")
def visits(opened) -> dict:
    """Every page's shared visit (``conftest.opened``), with a full-page screenshot of each."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seen = {}
    for name in PAGES:
        page, visit = opened(name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        seen[name] = visit
    return seen


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_errors(visits, name):
    visit = visits[name]
    assert visit.problems == [], f"{name}.html:\n" + "\n".join(visit.problems)


@pytest.mark.parametrize("name", REPORTS)
def test_every_chart_the_notebook_made_is_drawn(visits, site, name):
    made = notebook_charts(site / f"{name}.ipynb")
    assert made, f"the executed notebook {name}.ipynb made no chart"
    problems = chart_problems(visits[name].charts, made)
    assert problems == [], f"{name}.html:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_screenshot_saved(visits, name):
    shot = SCREENSHOTS / f"{name}.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = png_size(shot)
    assert width >= 1000 and height >= 600, (width, height)


def test_index_links_every_report_and_every_link_opens_offline(visits, site):
    links = visits["index"].links
    local = [link for link in links if link.startswith("file:")]
    assert local == links, f"the index links off the page: {sorted(set(links) - set(local))}"
    targets = {Path(re.sub(r"^file://", "", link)).name for link in local}
    missing = [name for name in REPORTS if f"{name}.html" not in targets]
    assert missing == [], f"the index does not link to {missing}"
    broken = [name for name in targets if not (site / name).is_file()]
    assert broken == [], f"the index links to files that were not built: {broken}"


# --- the checks themselves fail when they should -------------------------------------------


def test_check_fails_when_a_chart_is_dropped_or_not_drawn(chromium, site, tmp_path):
    name = REPORTS[0]
    page_html = (site / f"{name}.html").read_text(encoding="utf-8")
    made = notebook_charts(site / f"{name}.ipynb")
    assert len(made) >= 2, "this check needs a report with two charts"
    # Drop the first chart's div and script, as a broken conversion would, and break the next
    # chart's plotting call so its div stays but plotly never draws it.
    start = re.search(r'<div\b[^>]*\bclass="claimscope-chart"', page_html).start()
    end = page_html.index("</script>", start) + len("</script>")
    broken = page_html[:start] + page_html[end:].replace(
        "window.Plotly.newPlot(el,", "void (el,", 1
    )
    page_file = tmp_path / "broken.html"
    page_file.write_text(broken, encoding="utf-8")
    with open_page(chromium, page_file, draw_timeout_ms=500) as (_, visit):
        problems = chart_problems(visit.charts, made)
    assert any(f"the notebook made {len(made)} chart(s)" in p for p in problems), problems
    assert any("chart 1 " in p and "did not draw" in p for p in problems), problems
    assert any("chart 1 " in p and "plotly has None trace(s)" in p for p in problems), problems


def test_check_fails_on_network_console_and_page_errors(chromium, tmp_path):
    page_file = tmp_path / "noisy.html"
    page_file.write_text(
        "<!DOCTYPE html><html><head>"
        '<link rel="stylesheet" href="https://cdn.example.invalid/style.css">'
        "</head><body><script>console.error('boom'); undefinedFunction();</script>"
        "<script>alert('hi')</script></body></html>",
        encoding="utf-8",
    )
    with open_page(chromium, page_file) as (_, visit):
        pass
    assert visit.blocked == ["https://cdn.example.invalid/style.css"]
    assert any("boom" in m for m in visit.console_errors), visit.console_errors
    assert any("undefinedFunction" in m for m in visit.page_errors), visit.page_errors
    assert visit.dialogs == ["alert: hi"]


# --- the README screenshot ------------------------------------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return struct.unpack(">II", path.read_bytes()[16:24])


def _screenshot_script():
    path = PROJECT_ROOT / "docs" / "make_screenshot.py"
    spec = importlib.util.spec_from_file_location("make_screenshot", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_screenshot_script_shoots_the_report(chromium, site, tmp_path):
    script = _screenshot_script()
    out = script.shoot(site / f"{script.REPORT}.html", tmp_path / "shot.png", browser=chromium)
    assert png_size(out) == (script.WIDTH, script.HEIGHT)
    assert out.stat().st_size < README_SCREENSHOT_MAX_BYTES


def test_committed_readme_screenshot_is_a_small_png():
    script = _screenshot_script()
    assert script.OUTPUT == README_SCREENSHOT
    assert png_size(README_SCREENSHOT) == (script.WIDTH, script.HEIGHT)
    assert README_SCREENSHOT.stat().st_size < README_SCREENSHOT_MAX_BYTES
