"""JupyterLab's stylesheet pruned to what a page can match: lighter, and drawn the same."""

from __future__ import annotations

import nbformat
import pytest
from browser import open_page

from claimscope.build.css import prune_styles
from claimscope.build.exporter import ClaimscopeExporter

N = "/*N*/"


def _pruned(css: str, body: str) -> str:
    page = f"<style>{N}{css}</style><style>.own{{color:red}}</style>{body}"
    return prune_styles(page, N).split("</style>")[0].removeprefix(f"<style>{N}")


def test_a_selector_goes_only_when_it_names_a_class_or_id_nothing_carries():
    css = ".a{x:1}.gone{x:2}#top{x:3}#nowhere{x:4}p .a,p .gone{x:5}div{x:6}"
    assert _pruned(css, '<p class="a" id="top">') == ".a{x:1}#top{x:3}p .a{x:5}div{x:6}"


def test_negations_and_selector_functions_never_drop_a_selector():
    css = ".a:not(.gone){x:1}:is(.gone, .a) p{x:2}.a :where(.gone){x:3}"
    assert _pruned(css, '<p class="a">') == css


def test_empty_blocks_go_and_other_at_rules_stay_as_written():
    css = (
        "@media print{.gone{x:1}}@media screen{.a{x:2}.gone{x:3}}"
        '@font-face{font-family:"F}";src:url(data:font/woff2;base64,AA==)}'
        "@keyframes spin{0%{x:1}100%{x:2}}"
    )
    assert _pruned(css, '<p class="a">') == (
        '@media screen{.a{x:2}}@font-face{font-family:"F}";src:url(data:font/woff2;base64,AA==)}'
        "@keyframes spin{0%{x:1}100%{x:2}}"
    )


def test_a_custom_property_stays_while_anything_on_the_page_refers_to_it():
    css = ":root{--a:var(--b);--b:1px;--c:2px;--d:3px;--e:4px}.x{margin:var(--a)}.gone{y:var(--e)}"
    body = '<p class="x" style="padding:var(--d)">'
    assert _pruned(css, body) == ":root{--a:var(--b);--b:1px;--d:3px}.x{margin:var(--a)}"


def test_only_the_stylesheets_opening_with_the_notice_are_pruned():
    page = "<style>.gone{x:1}</style><p>"
    assert prune_styles(page, N) == page


@pytest.mark.integration
@pytest.mark.browser
def test_a_pruned_page_draws_exactly_as_the_whole_stylesheet_does(chromium, site, tmp_path):
    nb = nbformat.read(site / "troop-figures.ipynb", as_version=4)
    pages = {}
    for prune in (True, False):
        body, _ = ClaimscopeExporter(prune_css=prune).from_notebook_node(nb)
        pages[prune] = tmp_path / f"page-{prune}.html"
        pages[prune].write_text(body, encoding="utf-8")
    assert pages[False].stat().st_size - pages[True].stat().st_size > 150_000
    for width in (1366, 390):
        shots = []
        for prune in (True, False):
            viewport = {"width": width, "height": 900}
            with open_page(chromium, pages[prune], viewport=viewport) as (page, _):
                shots.append(page.screenshot(full_page=True))
                page.emulate_media(media="print")
                shots.append(page.screenshot(full_page=True))
        assert shots[0] == shots[2], f"{width} px: the pruned page is drawn differently"
        assert shots[1] == shots[3], f"{width} px, print: the pruned page is drawn differently"
