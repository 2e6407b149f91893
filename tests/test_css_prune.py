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


#: Every element's box and what a reader sees of it, outside plotly's own drawing (which its
#: own stylesheet styles, and which draws on its own timetable).
_LOOK_JS = """(properties) => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.plot-container, .modebar-container')) continue;
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    out.push([el.tagName, String(el.className || ''),
              [box.x, box.y, box.width, box.height].map(Math.round).join(','),
              properties.map(p => p + ':' + style.getPropertyValue(p)).join(';')]);
  }
  return out;
}"""
_SEEN = [
    "color",
    "background-color",
    "background-image",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-radius",
    "box-shadow",
    "display",
    "visibility",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "line-height",
    "text-align",
    "text-decoration-line",
    "text-transform",
    "white-space",
    "overflow-x",
    "overflow-y",
    "outline-style",
    "list-style-type",
    "cursor",
    "position",
    "z-index",
]


@pytest.mark.integration
@pytest.mark.browser
def test_a_pruned_page_looks_exactly_as_with_the_whole_stylesheet(chromium, site, tmp_path):
    nb = nbformat.read(site / "troop-figures.ipynb", as_version=4)
    pages = {}
    for prune in (True, False):
        body, _ = ClaimscopeExporter(prune_css=prune).from_notebook_node(nb)
        pages[prune] = tmp_path / f"page-{prune}.html"
        pages[prune].write_text(body, encoding="utf-8")
    assert pages[False].stat().st_size - pages[True].stat().st_size > 150_000
    for width in (1366, 390):
        for media in ("screen", "print"):
            looks = []
            for prune in (True, False):
                viewport = {"width": width, "height": 900}
                with open_page(chromium, pages[prune], viewport=viewport, draw_all=False) as (
                    page,
                    _,
                ):
                    page.emulate_media(media=media)
                    looks.append(page.evaluate(_LOOK_JS, _SEEN))
            assert len(looks[0]) > 1000
            changed = [(a, b) for a, b in zip(*looks, strict=True) if a != b]
            if changed:
                (pruned, whole), count = changed[0], len(changed)
                diff = set(pruned[3].split(";")) ^ set(whole[3].split(";"))
                where = f"{pruned[:3]} vs {whole[:3]}"
                pytest.fail(f"{width} px, {media}: {count} elements differ; first {where}: {diff}")
