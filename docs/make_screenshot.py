"""Regenerate the README screenshot ``docs/screenshot-troop-figures.png``.

Builds the troop-figures report into a temporary folder (never into ``reports/``), opens it
offline in headless system Chromium, and saves the top of the page at a desktop width::

    .venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = "troop-figures"
OUTPUT = ROOT / "docs" / f"screenshot-{REPORT}.png"
WIDTH, HEIGHT = 1280, 1600


def _browser_helpers():
    """Import the tests' browser helpers, which hold the offline Chromium set-up."""
    sys.path.insert(0, str(ROOT / "tests"))
    import browser

    return browser


def shoot(html: Path, out: Path = OUTPUT, browser=None) -> Path:
    """Save the top ``WIDTH`` x ``HEIGHT`` pixels of the report ``html`` as a PNG at ``out``.

    Args:
        html: A built report page.
        out: Where to write the PNG.
        browser: A running Playwright browser; without one, system Chromium is started.

    Raises:
        RuntimeError: the page had errors or tried to reach the network.
    """
    helpers = _browser_helpers()
    if browser is None:
        with helpers.launch_chromium() as started:
            return shoot(html, out, started)
    viewport = {"width": WIDTH, "height": HEIGHT}
    with helpers.open_page(browser, html, viewport=viewport) as (page, visit):
        if visit.problems:
            raise RuntimeError(f"{html.name}: " + "; ".join(visit.problems))
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
    return out


def main() -> int:
    """Build the report into a temporary folder and shoot it; return the exit code."""
    from claimscope.build import build_reports

    with tempfile.TemporaryDirectory() as tmp:
        result = build_reports(only=[REPORT], output_dir=tmp, quiet=True)
        if result.exit_code:
            print(result.results[0].error, file=sys.stderr)
            return result.exit_code
        out = shoot(Path(tmp) / f"{REPORT}.html")
    print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
