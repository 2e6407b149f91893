"""The notebooks run by hand, as papermill's and nbconvert's docs teach, from the repo root.

``papermill ... -p claimant_ids nis`` then ``jupyter nbconvert --to claimscope`` must give a page
whose charts draw offline in Chromium; a typo in a parameter must stop papermill with a few
lines of our own text naming the closest id.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from browser import chart_problems, notebook_charts, open_page

from claimscope.data.paths import KERNEL_NAME, PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.integration]

BIN = Path(sys.executable).parent
WRAPPER = 'Exception encountered at "In ['


def _papermill(notebook: str, out: Path, *parameters: str) -> subprocess.CompletedProcess:
    command = [str(BIN / "papermill"), f"notebooks/{notebook}", str(out), "-k", KERNEL_NAME]
    command += ["--no-progress-bar", *parameters]
    return subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def by_hand(tmp_path_factory) -> Path:
    """The troop notebook run by papermill for one claimant and converted by nbconvert."""
    folder = tmp_path_factory.mktemp("by-hand")
    executed = folder / "o.ipynb"
    ran = _papermill("troop_figures.ipynb", executed, "-p", "claimant_ids", "nis")
    assert ran.returncode == 0, ran.stderr[-3000:]
    converted = subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "claimscope", str(executed)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert converted.returncode == 0, converted.stderr[-3000:]
    return executed


def test_nbconvert_to_claimscope_writes_a_page_whose_charts_draw_offline(chromium, by_hand):
    page_path = by_hand.with_suffix(".html")
    html = page_path.read_text(encoding="utf-8")
    assert html.count("<h1") == 1 and "Claimed North Korean troop figures by source" in html
    assert "<h2>Provenance</h2>" in html and "<th>claimant_ids</th>" in html
    with open_page(chromium, page_path) as (_, visit):
        assert visit.problems == [], "\n".join(visit.problems)
        made = notebook_charts(by_hand)
        assert made, "the executed notebook made no chart"
        assert chart_problems(visit.charts, made) == []


def test_a_typo_stops_papermill_with_a_suggestion_in_a_few_lines_of_our_own(tmp_path):
    ran = _papermill("actor_relations.ipynb", tmp_path / "r.ipynb", "-p", "focus_actor", "rusia")
    assert ran.returncode != 0
    ours = [line for line in ran.stderr.split(WRAPPER, 1)[1].splitlines()[1:] if line.strip()]
    assert 1 <= len(ours) <= 3, ours
    assert "did you mean 'russia'?" in ours[0] and "data/actors.csv" in ours[0]
