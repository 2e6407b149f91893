"""The exporter's accessibility marks match what nbconvert's BeautifulSoup pass makes.

nbconvert's HTML exporter parses every rendered page with BeautifulSoup to give images an
``alt`` and cell outputs a ``tabindex``; the claimscope exporter edits those start tags in
place instead (:func:`claimscope.build.exporter.mark_accessible`). These tests check that both
give the same document, element for element, on generated markup and on a real report page.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from claimscope.build.exporter import FOCUSABLE, NO_ALT, mark_accessible


def nbconvert_marks(page: str) -> BeautifulSoup:
    """What nbconvert 7's HTMLExporter does after rendering (written here as the reference)."""
    soup = BeautifulSoup(page, features="html.parser")
    for element in soup.select("img:not([alt])"):
        element.attrs["alt"] = NO_ALT
    for name in sorted(FOCUSABLE):
        for element in soup.select(f"div.{name}"):
            element.attrs["tabindex"] = "0"
    return soup


def elements(soup: BeautifulSoup) -> list[tuple]:
    """Every element's name, attributes (in any order) and own text, in document order."""
    found = []
    for element in soup.find_all(True):
        attributes = {
            k: " ".join(v) if isinstance(v, list) else v for k, v in element.attrs.items()
        }
        texts = tuple(str(s) for s in element.find_all(string=True, recursive=False))
        found.append((element.name, tuple(sorted(attributes.items())), texts))
    return found


def same_document(page: str) -> None:
    marked, _ = mark_accessible(page)
    expected = elements(nbconvert_marks(page))
    assert elements(BeautifulSoup(marked, features="html.parser")) == expected


classes = st.lists(
    st.sampled_from(["jp-OutputArea-output", "jp-Cell-inputWrapper", "a", "jp-OutputArea"]),
    max_size=3,
)
values = st.text(alphabet="ab <>/'=&", max_size=8)


@st.composite
def start_tags(draw) -> str:
    name = draw(st.sampled_from(["div", "img", "DIV", "span"]))
    parts = []
    if draw(st.booleans()):
        parts.append(f'class="{" ".join(draw(classes))}"')
    if draw(st.booleans()):
        parts.append(f'title="{draw(values).replace(chr(34), "")}"')
    if draw(st.booleans()):
        parts.append(f"data-x='{draw(values).replace(chr(39), '')}'")
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(['alt=""', 'alt="x"', 'tabindex="-1"', "hidden"])))
    return f"<{name}{''.join(' ' + p for p in parts)}>"


@st.composite
def pages(draw) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["tag", "text", "script", "comment", "close"]))
        if kind == "tag":
            pieces.append(draw(start_tags()))
        elif kind == "text":
            pieces.append(draw(st.text(alphabet="ab &;", max_size=6)))
        elif kind == "script":
            pieces.append(f"<script>var s = '{draw(start_tags())}';</script>")
        elif kind == "comment":
            pieces.append(f"<!-- {draw(start_tags())} -->")
        else:
            pieces.append("</div>")
    return "".join(pieces)


@settings(max_examples=300, deadline=None)
@given(pages())
def test_marks_give_the_document_nbconvert_gives(page):
    same_document(page)


@settings(max_examples=200, deadline=None)
@given(pages())
def test_marks_only_add_attributes(page):
    """Every other byte of the page stays as rendered (no re-serialising, unlike nbconvert)."""
    marked, missing = mark_accessible(page.replace("tabindex", "data-t"))
    assert marked.count(f' alt="{NO_ALT}"') == missing
    unmarked = marked.replace(f' alt="{NO_ALT}"', "").replace(' tabindex="0"', "")
    assert unmarked == page.replace("tabindex", "data-t")


@pytest.mark.integration
def test_a_report_page_is_marked_as_nbconvert_marks_it(site):
    """On a built page: every output is focusable, every image has a text alternative."""
    page = (site / "troop-figures.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, features="html.parser")
    outputs_found = soup.select(".jp-Notebook div.jp-OutputArea-output")
    assert outputs_found
    assert all(div.get("tabindex") == "0" for div in outputs_found)
    assert all(img.get("alt") is not None for img in soup.find_all("img"))
