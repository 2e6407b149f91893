"""Charts draw when a reader nears them, yet every chart is on paper and nothing is lost.

A report page keeps plotly.js inert until a chart comes near the viewport, so the text paints
first. These tests open built pages offline in headless Chromium without asking for every
chart (``draw_all=False``), as a reader's browser would.
"""

from __future__ import annotations

import pytest
from browser import open_page
from page_checks import normalise, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.integration]

#: A short window: only what sits at the top of a page is in view.
SHORT = {"width": 1280, "height": 400}
_STATE_JS = """
() => Array.from(document.querySelectorAll('.claimscope-chart')).map(el => ({
  id: el.id,
  top: el.getBoundingClientRect().top,
  drawn: el.querySelector('svg.main-svg') !== null,
}))
"""
_TITLES_JS = """
() => Array.from(document.querySelectorAll('figure.claimscope-figure'))
  .map(f => f.getAttribute('aria-label'))
"""


def _settle(page) -> None:
    page.wait_for_timeout(1500)


def test_charts_out_of_view_wait_and_draw_when_scrolled_to(chromium, site):
    with open_page(chromium, site / "troop-figures.html", viewport=SHORT, draw_all=False) as (
        page,
        visit,
    ):
        _settle(page)
        charts = page.evaluate(_STATE_JS)
        far = [c for c in charts if c["top"] > SHORT["height"] + 400]
        assert far, "this test needs a chart well below the first screen"
        assert not any(c["drawn"] for c in far), "a chart out of view was drawn on load"
        assert not page.evaluate("() => !!window.Plotly"), "plotly.js ran before it was needed"
        for chart in far:
            page.locator(f"#{chart['id']}").scroll_into_view_if_needed()
            page.wait_for_function(
                f"() => document.getElementById('{chart['id']}').querySelector('svg.main-svg')",
                timeout=15_000,
            )
        assert visit.problems == []


@pytest.mark.parametrize("name", ["troop-figures", "competing-hypotheses"])
def test_printing_draws_every_chart_first(chromium, site, tmp_path, name):
    with open_page(chromium, site / f"{name}.html", viewport=SHORT, draw_all=False) as (page, _):
        _settle(page)
        titles = page.evaluate(_TITLES_JS)
        assert not all(c["drawn"] for c in page.evaluate(_STATE_JS)), "nothing was left to draw"
        page.emulate_media(media="print")
        page.pdf(path=str(tmp_path / "page.pdf"), format="A4", prefer_css_page_size=True)
        drawn = page.evaluate(_STATE_JS)
    text = pdf_text(tmp_path / "page.pdf")
    assert all(c["drawn"] for c in drawn), "printing left a chart undrawn"
    missing = [t for t in titles if normalise(t) not in text]
    assert titles and missing == [], f"chart titles not on paper: {missing}"


def test_opening_with_the_print_fragment_draws_every_chart(chromium, site, tmp_path):
    # The PDF output opens a page this way; a page with a fragment is opened by its URL.
    target = tmp_path / "troop-figures.html"
    target.write_bytes((site / "troop-figures.html").read_bytes())
    page = chromium.new_page(viewport=SHORT)
    try:
        page.goto(target.as_uri() + "#claimscope-print", wait_until="load")
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.claimscope-chart'))"
            ".every(el => el.querySelector('svg.main-svg'))",
            timeout=20_000,
        )
    finally:
        page.close()


def test_a_page_whose_plotly_cannot_load_says_so_in_each_chart(chromium, site, tmp_path):
    html = (site / "troop-figures.html").read_text(encoding="utf-8")
    start = html.index('id="claimscope-plotly"')
    start = html.rindex("<script", 0, start)
    end = html.index("</script>", start) + len("</script>")
    broken = (
        html[:start]
        + (
            '<script type="text/plain" id="claimscope-plotly" data-src="assets/missing.js">'
            "</script>"
        )
        + html[end:]
    )
    (tmp_path / "broken.html").write_text(broken, encoding="utf-8")
    with open_page(chromium, tmp_path / "broken.html") as (page, _):
        texts = page.evaluate(
            "() => Array.from(document.querySelectorAll('.claimscope-chart'))"
            ".map(el => el.textContent)"
        )
    assert texts and all("could not be drawn" in t for t in texts), texts
