"""Findings first: each page answers its question up top, names its sources, prints whole.

Every built report (sweeps included) is opened in Chromium at 1366 × 768, and printed to PDF.
"""

from __future__ import annotations

import re

import pytest
from browser import open_page
from page_checks import pdf_text

from claimscope.build.config import read_config
from claimscope.build.sweeps import expand_sweeps
from claimscope.data.paths import DATA_DIR

pytestmark = [pytest.mark.integration, pytest.mark.browser]

REPORTS = [spec.name for spec in expand_sweeps(read_config(), DATA_DIR)]
DESKTOP = {"width": 1366, "height": 768}
_DAY = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November"
    r"|December) \d{4}\b"
)

_FIRST_SCREEN_JS = """() => {
  const heading = document.getElementById('Key-findings');
  if (!heading) return null;
  const out = [];
  let node = heading.closest('.jp-Cell');
  while ((node = node && node.nextElementSibling)) {
    node.querySelectorAll('p, li').forEach(el => {
      const cite = el.querySelector('.claimscope-cites a[href^="#claim-"]');
      if (!cite) return;
      const box = el.getBoundingClientRect();
      out.push({text: el.innerText, top: box.top, bottom: box.bottom,
                target: cite.getAttribute('href').slice(1)});
    });
    if (out.length) break;
  }
  return out;
}"""


@pytest.mark.parametrize("name", REPORTS)
def test_the_first_screen_shows_dated_key_findings_linked_to_their_claims(opened, name):
    # The shared visit is as wide as DESKTOP; nothing on the page depends on the screen's
    # height, and the charts below the findings do not move them.
    page, _ = opened(name)
    assert page.viewport_size["width"] == DESKTOP["width"]
    findings = page.evaluate(_FIRST_SCREEN_JS)
    assert findings, f"{name}: no key finding with linked claims"
    first = findings[0]
    assert first["bottom"] <= DESKTOP["height"], f"{name}: first finding below the fold"
    assert _DAY.search(first["text"]), f"{name}: first finding has no date: {first['text']}"
    assert page.evaluate(f"() => !!document.getElementById({first['target']!r})"), name


@pytest.mark.parametrize("name", REPORTS)
def test_every_page_names_its_sources_links_to_the_index_and_hides_machine_text(opened, name):
    page, visit = opened(name)
    assert page.viewport_size["width"] == DESKTOP["width"]
    sources = page.eval_on_selector_all(".claimscope-sources li", "els => els.length")
    index = page.eval_on_selector_all('.cs-nav a[href="index.html"]', "els => els.length")
    contents = page.eval_on_selector_all(".cs-toc a", "els => els.map(a => a.hash)")
    sections = page.eval_on_selector_all("h2[id]", "els => els.map(h => '#' + h.id)")
    visible = page.evaluate("() => document.body.innerText")
    assert sources >= 1, f"{name}: no sources panel"
    assert index == 1, f"{name}: no link back to the index"
    assert contents and set(contents) <= set(sections), name
    assert "categories (" not in visible, f"{name}: a machine description shows"
    links = [a for a in visit.links if a.endswith(".html") and "#" not in a]
    assert any(a.endswith("/index.html") for a in links), name


def test_every_claim_id_on_a_page_is_on_its_paper(chromium, site, tmp_path):
    """Printing opens the folded appendices: every claim the page cites is in its PDF."""
    for name in ("troop-figures", "competing-hypotheses", "actor-relations"):
        with open_page(chromium, site / f"{name}.html") as (page, _):
            ids = set(
                page.evaluate(
                    "() => Array.from(document.querySelectorAll('[id^=\"claim-\"]'))"
                    ".map(el => el.id.slice(6))"
                )
            )
            page.emulate_media(media="print")
            pdf = tmp_path / f"{name}.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
        text = pdf_text(pdf)
        assert ids, name
        missing = sorted(i for i in ids if i not in text)
        assert not missing, f"{name}: claims not on paper: {missing}"


def test_the_index_leads_with_each_reports_first_finding_and_period(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    hand_written = [s for s in expand_sweeps(read_config(), DATA_DIR) if not s.sweep]
    for spec in hand_written:
        start = index.index(f'href="{spec.name}.html"')
        entry = index[start : index.index("</li>", start)]
        assert 'class="finding"' in entry, spec.name
        assert re.search(r"Covers \d{1,2} \w+ \d{4} to \d{1,2} \w+ \d{4}\.", entry), spec.name
    assert "<details><summary>Build details</summary>" in index
    assert "‹" not in index and "{}" not in index.split("<details>")[0]
