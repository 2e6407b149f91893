"""The built reports as readers meet them: private toolbars, readable chart text, paper, phones.

Uses the session's built site (``conftest.site``) in headless Chromium, offline; the checks that
only read a page share its visits (``conftest.opened``) with other files. The checks live
in ``page_checks.py``; ``benchmarks/audit.py`` runs the same ones and writes what it finds.
"""

from __future__ import annotations

import re

import pytest
from browser import open_page, pages_kept_open
from chart_labels import label_problems, read_boxes
from page_checks import (
    PHONE_VIEWPORT,
    SCREENS,
    contrast_problems,
    phone_problems,
    print_problems,
    privacy_problems,
)

from claimscope.build import read_config
from claimscope.build.sweeps import expand_sweeps
from claimscope.data.paths import DATA_DIR

pytestmark = [pytest.mark.browser, pytest.mark.integration]

# Sweeps expanded: one page per report the build writes.
REPORTS = [spec.name for spec in expand_sweeps(read_config(), DATA_DIR)]


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("name", REPORTS)
def test_no_chart_label_is_cut_or_overprinted(opened, name, screen):
    """At a laptop's and a phone's width (``test_chart_labels`` checks JupyterLab's)."""
    page, visit = opened(name, screen)
    charts = read_boxes(page)
    assert len(charts) == len(visit.charts) > 0
    assert sum(len(c.get("texts", [])) for c in charts) > 0, "no chart text was read"
    assert label_problems(charts, f"{name}@{screen}") == []


def test_privacy_check_catches_a_request_a_button_makes(chromium, site, tmp_path):
    page_html = (site / "troop-figures.html").read_text(encoding="utf-8")
    leaky = page_html.replace(
        "</body>",
        "<script>document.addEventListener('click', e => {"
        "if (e.target.closest('.modebar-btn')) fetch('https://example.invalid/upload');"
        "});</script></body>",
    )
    # The page's Content-Security-Policy would stop this script: the check is tested without it.
    leaky = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", leaky)
    (tmp_path / "leaky.html").write_text(leaky, encoding="utf-8")
    with open_page(chromium, tmp_path / "leaky.html") as (page, visit):
        problems = privacy_problems(page, visit.blocked)
    assert any("example.invalid" in p for p in problems)


@pytest.mark.parametrize("name", REPORTS)
def test_every_chart_text_reaches_4_5_to_1(opened, name):
    page, _ = opened(name)
    assert contrast_problems(page) == []


@pytest.mark.parametrize("name", REPORTS)
def test_every_chart_has_a_name_a_description_and_a_data_table(opened, name):
    page, visit = opened(name)
    charts = page.evaluate(
        """() => Array.from(document.querySelectorAll('.claimscope-chart')).map(el => {
          const fig = el.closest('figure');
          const summary = document.getElementById(fig.getAttribute('aria-describedby'));
          return {label: fig.getAttribute('aria-label'),
                  summary: summary ? summary.textContent : '',
                  rows: fig.querySelectorAll('details table tbody tr').length};
        })"""
    )
    assert len(charts) == len(visit.charts) > 0
    for chart in charts:
        assert chart["label"]
        assert chart["summary"].startswith(chart["label"]), chart
        # the chart's own words, from its data; machine text ("25 categories (9000.0, …)",
        # "a dot chart of 12 series") is not what a reader sees under a chart
        assert len(chart["summary"]) > len(chart["label"]) + 20, chart
        machine = r"chart of \d+ series|\d+ categories|\(\d+\.0, "
        assert not re.search(machine, chart["summary"]), chart
        assert chart["rows"] > 0


@pytest.fixture(scope="module")
def changed(chromium, site):
    """``changed(name)``: page ``name`` open for the checks that change it (print, click).

    One visit per page for this file, apart from the shared ones (``opened``), which stay as a
    reader first sees them. Printing comes first and puts the screen back; clicking the
    toolbars (a chart's zoom) changes nothing the print check reads.
    """
    with pages_kept_open(chromium) as open_at:
        yield lambda name: open_at(site / f"{name}.html", SCREENS["desktop"])


@pytest.mark.parametrize("name", REPORTS)
def test_printed_pdf_holds_every_quote_and_chart_title(changed, name, tmp_path):
    page, _ = changed(name)
    try:
        assert print_problems(page, tmp_path / f"{name}.pdf") == []
    finally:
        page.emulate_media(media="screen")


@pytest.mark.parametrize("name", REPORTS)
def test_no_toolbar_button_or_link_sends_data_off_the_machine(changed, name):
    page, visit = changed(name)
    assert privacy_problems(page, visit.blocked) == []
    # every chart had a toolbar to click
    assert page.locator(".modebar-btn").count() >= len(visit.charts) > 0


def _print_with(chromium, site, tmp_path, print_css: str) -> list[str]:
    """The print check's problems for the troop page with ``print_css`` added for print."""
    page_html = (site / "troop-figures.html").read_text(encoding="utf-8")
    changed = page_html.replace("</style>", f"@media print {{ {print_css} }}</style>", 1)
    (tmp_path / "changed.html").write_text(changed, encoding="utf-8")
    with open_page(chromium, tmp_path / "changed.html") as (page, _):
        return print_problems(page, tmp_path / "changed.pdf")


def test_print_check_catches_a_table_cut_on_paper(chromium, site, tmp_path):
    # The quote column cut, and the evidence list (which repeats every quote) left off.
    css = "td:nth-last-child(2), .claimscope-evidence { display: none !important; }"
    problems = _print_with(chromium, site, tmp_path, css)
    assert any(p.startswith("quote not on paper") for p in problems)


def test_print_check_catches_a_table_cell_split_mid_word(chromium, site, tmp_path):
    css = (
        "table.claimscope-table td { word-break: break-all !important; max-width: 4em !important; }"
    )
    problems = _print_with(chromium, site, tmp_path, css)
    assert any(p.startswith("table cell split on paper") for p in problems)


@pytest.mark.parametrize("name", [*REPORTS, "index"])
def test_phone_width_keeps_charts_and_tables_usable(opened, name):
    page, _ = opened(name, "phone")
    assert phone_problems(page) == []


def test_phone_check_catches_row_labels_that_overlap(chromium, site):
    with open_page(chromium, site / "troop-figures.html", viewport=PHONE_VIEWPORT) as (page, _):
        page.evaluate(
            "() => { const el = document.querySelector('.claimscope-chart');"
            " const squeeze = {'yaxis.domain': [0.85, 1], 'yaxis2.domain': [0.85, 1]};"
            " return Plotly.relayout(el, squeeze); }"
        )
        problems = phone_problems(page)
    assert any("axis labels overlap" in p for p in problems), problems
