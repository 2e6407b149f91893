"""No chart label is cut at its chart's edge or overprints another, at JupyterLab's width:
every chart of every built report is drawn in Chromium and its SVG text boxes are read
(``chart_labels.py``). The laptop and phone widths are checked in ``test_page_quality``, on
the visits its checks share."""

from __future__ import annotations

import pytest
from browser import open_page
from chart_labels import WIDTHS, label_problems, read_boxes

from claimscope.build import read_config
from claimscope.build.sweeps import expand_sweeps
from claimscope.data.paths import DATA_DIR

pytestmark = [pytest.mark.browser, pytest.mark.integration]

REPORTS = [spec.name for spec in expand_sweeps(read_config(), DATA_DIR)]


#: The laptop and phone widths are checked in ``test_page_quality``, on the visits it shares.
HERE = ["jupyterlab"]


@pytest.mark.parametrize("width", HERE)
@pytest.mark.parametrize("name", REPORTS)
def test_no_chart_label_is_cut_or_overprinted(chromium, site, name, width):
    viewport = {"width": WIDTHS[width], "height": 900}
    with open_page(chromium, site / f"{name}.html", viewport=viewport) as (page, visit):
        charts = read_boxes(page)
    assert len(charts) == len(visit.charts) > 0
    assert sum(len(c.get("texts", [])) for c in charts) > 0, "no chart text was read"
    assert label_problems(charts, f"{name}@{width}") == []


def test_check_catches_a_cut_label_an_overprint_and_a_menu_over_the_plot(chromium, site):
    with open_page(chromium, site / "competing-hypotheses.html") as (page, _):
        page.evaluate(
            """() => { const els = document.querySelectorAll('.claimscope-chart');
              const last = els[els.length - 1];
              return Promise.all([
                Plotly.relayout(els[1], {'title.x': 0.9, 'title.xanchor': 'left',
                                         'title.xref': 'container'}),
                Plotly.relayout(last, {'updatemenus[0].y': 0.5, 'updatemenus[0].yanchor': 'top'}),
                Plotly.relayout(els[1], {'annotations[0].yshift': -4}),
              ]); }"""
        )
        problems = label_problems(read_boxes(page), "test")
    assert any("title" in p and "cut at the edge" in p for p in problems), problems
    assert any("a menu covers the plot" in p for p in problems), problems
    assert any("overprints" in p for p in problems), problems
