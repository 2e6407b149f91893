"""Shared fixtures: a private copy of the dataset that a test may break, and a browser.

Plain helper functions live in ``helpers.py``; tests import them from there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claimscope.data.paths import DATA_DIR


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the real data package in a temporary folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def chromium():
    """Headless Debian Chromium, one for the session; a missing browser fails, never skips."""
    from browser import BrowserMissing, launch_chromium

    try:
        with launch_chromium() as browser:
            yield browser
    except BrowserMissing as exc:
        pytest.fail(str(exc), pytrace=False)


collect_ignore_glob = ["fixtures/*"]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The default reports and their index, built once per session (browser and page tests)."""
    from claimscope.build import build_reports

    out = tmp_path_factory.mktemp("site")
    result = build_reports(output_dir=out, quiet=True)
    assert result.exit_code == 0, [r.error for r in result.results if r.error]
    return out
