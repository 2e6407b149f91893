"""What a built page offers a reader beyond drawing: contrast, phone width, print, privacy.

Each check takes an open Playwright page (see ``browser.open_page``) and returns a list of
problems, one line each, so the browser tests assert it is empty and ``benchmarks/audit.py``
counts and lists the same lines.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from claimscope.present.charts.style import MIN_CONTRAST, contrast_ratio

PHONE_VIEWPORT = {"width": 390, "height": 844}
#: The screen sizes the shared visits (``conftest.opened``) read pages at: a laptop and a phone.
SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": PHONE_VIEWPORT}

#: Every text of every chart with its fill and the chart's paper colour (both rgb strings).
#: A bar's label is measured against the bar. Text on heatmap cells is left out: plotly picks
#: its colour against each cell.
_CHART_TEXT_JS = """
() => {
  const out = [];
  document.querySelectorAll('.claimscope-chart').forEach(el => {
    const svg = el.querySelector('svg.main-svg');
    const bg = svg ? getComputedStyle(svg).backgroundColor : '';
    const clear = !bg || bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent';
    const paper = clear ? 'rgb(255, 255, 255)' : bg;
    el.querySelectorAll('svg text').forEach(t => {
      if (t.closest('.heatmaplayer') || !t.textContent.trim()) return;
      const style = getComputedStyle(t);
      // a bar's own label sits on the bar, unless plotly drew it outside (above) the bar
      const outside = t.classList.contains('bartext-outside');
      const bar = !outside && t.closest('.point') && t.closest('.point').querySelector('path');
      const under = bar ? getComputedStyle(bar).fill : paper;
      if (style.display === 'none' || style.visibility === 'hidden') return;
      out.push({chart: el.getAttribute('data-chart'), text: t.textContent.slice(0, 40),
                fill: style.fill, opacity: style.fillOpacity, paper: under});
    });
  });
  return out;
}
"""

#: At the current width: page overflow, and per chart its box, cut text and legend overlap.
_PHONE_JS = """
() => {
  const vw = document.documentElement.clientWidth;
  const out = {viewport: vw, scroll: document.documentElement.scrollWidth, charts: [], tables: []};
  const overlap = (a, b) => !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top ||
                              b.bottom <= a.top);
  document.querySelectorAll('.claimscope-chart').forEach(el => {
    const box = el.getBoundingClientRect();
    const svg = el.querySelector('svg.main-svg');
    const sbox = svg ? svg.getBoundingClientRect() : box;
    const cut = [];
    el.querySelectorAll('svg text').forEach(t => {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < sbox.left - 1 || r.right > sbox.right + 1)) {
        cut.push(t.textContent.slice(0, 30));
      }
    });
    // tick labels of one axis that overlap each other cannot be read
    const overlapping = [];
    el.querySelectorAll('g.xaxislayer-above, g.yaxislayer-above').forEach(axis => {
      // a rotated label's box is not its outline: plotly rotates labels so they do not meet
      const level = t => !/rotate\\((?!0[,)])/.test(t.getAttribute('transform') || '');
      const boxes = Array.from(axis.querySelectorAll('text')).filter(level)
        .map(t => [t, t.getBoundingClientRect()])
        .filter(([, r]) => r.width && r.height)
        .map(([t, r]) => [t, {left: r.left + 1, right: r.right - 1, top: r.top + 1,
                              bottom: r.bottom - 1}]);
      boxes.forEach(([t, a], i) => boxes.slice(i + 1).forEach(([u, b]) => {
        if (overlap(a, b)) {
          overlapping.push(t.textContent.slice(0, 20) + ' / ' + u.textContent.slice(0, 20));
        }
      }));
    });
    const legend = el.querySelector('.legend');
    const plots = Array.from(el.querySelectorAll('.nsewdrag')).map(d => d.getBoundingClientRect());
    const lbox = legend ? legend.getBoundingClientRect() : null;
    const covers = !!lbox && lbox.width > 0 && plots.some(p => overlap(lbox, p));
    out.charts.push({chart: el.getAttribute('data-chart'), width: sbox.width, cut: cut,
                     overlapping: overlapping, legend_over_plot: covers});
  });
  document.querySelectorAll('table').forEach(t => {
    const wrap = t.parentElement;
    const first = t.querySelector('tbody tr > :first-child');
    out.tables.push({caption: t.caption ? t.caption.textContent : t.className,
                     width: t.getBoundingClientRect().width,
                     scrolls: ['auto', 'scroll'].includes(getComputedStyle(wrap).overflowX),
                     sticky: !!first && getComputedStyle(first).position === 'sticky'});
  });
  return out;
}
"""

#: What a reader could send away: plotly's cloud button and links, every toolbar button.
_TOOLBAR_JS = """
() => Array.from(document.querySelectorAll('.modebar-btn')).map(b => b.getAttribute('data-title'))
"""
_OFFSITE_LINKS_JS = """
() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)
      .filter(h => !h.startsWith('file:') && !h.startsWith('#') &&
                   !h.startsWith(location.origin + '/'))
"""


def parse_rgb(value: str) -> tuple[float, float, float]:
    """Read a computed ``rgb(r, g, b)`` / ``rgba(...)`` into 0-255 channels.

    >>> parse_rgb("rgb(46, 145, 229)")
    (46.0, 145.0, 229.0)
    """
    numbers = re.findall(r"[\d.]+", value)
    if len(numbers) < 3:
        raise ValueError(f"not a computed rgb() colour: {value!r}")
    return tuple(float(n) for n in numbers[:3])


def blended_contrast(foreground: str, background: str, opacity: float = 1.0) -> float:
    """Contrast of ``foreground`` drawn at ``opacity`` over ``background`` (computed colours).

    >>> round(blended_contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)", 0.5), 2)
    3.98
    """
    fg, bg = parse_rgb(foreground), parse_rgb(background)
    blended = tuple(opacity * f + (1 - opacity) * b for f, b in zip(fg, bg, strict=True))
    return contrast_ratio(blended, bg)


def contrast_problems(page) -> list[str]:
    """Every chart text whose fill is below 4.5:1 against its chart's paper."""
    problems = []
    for item in page.evaluate(_CHART_TEXT_JS):
        opacity = float(item["opacity"] or 1)
        ratio = blended_contrast(item["fill"], item["paper"], opacity)
        if ratio < MIN_CONTRAST:
            problems.append(
                f"{item['chart']}: text {item['text']!r} {item['fill']} is {ratio:.2f}:1"
            )
    return problems


def phone_problems(page) -> list[str]:
    """At the page's current (phone) width: overflow, cut chart text, legends, tables."""
    seen = page.evaluate(_PHONE_JS)
    width = seen["viewport"]
    problems = []
    if seen["scroll"] > width + 1:
        problems.append(f"the page scrolls sideways: {seen['scroll']} px wide at {width} px")
    for chart in seen["charts"]:
        if chart["width"] > width + 1:
            problems.append(f"{chart['chart']}: {chart['width']:.0f} px wide at {width} px")
        if chart["cut"]:
            problems.append(f"{chart['chart']}: text cut at the edge: {chart['cut'][:4]}")
        if chart["overlapping"]:
            problems.append(f"{chart['chart']}: axis labels overlap: {chart['overlapping'][:3]}")
        if chart["legend_over_plot"]:
            problems.append(f"{chart['chart']}: the legend covers the plot")
    for table in seen["tables"]:
        if table["width"] > width + 1 and not (table["scrolls"] and table["sticky"]):
            problems.append(
                f"table {table['caption']!r} is {table['width']:.0f} px wide and does not scroll "
                "with its first column kept in view"
            )
    return problems


def privacy_problems(page, requests: list[str]) -> list[str]:
    """Click every toolbar button; anything that left the page's origin is a problem.

    ``requests`` is the list the page's route handler appends every off-origin request to
    (``Visit.blocked`` for pages opened with ``open_page``).
    """
    problems = [f"link off the machine: {href}" for href in page.evaluate(_OFFSITE_LINKS_JS)]
    titles = page.evaluate(_TOOLBAR_JS)
    problems += [
        f"toolbar button {t!r} sends data to a service"
        for t in titles
        if t and re.search(r"cloud|chart studio|share|edit", t, re.I)
    ]
    before, windows = len(requests), len(page.context.pages)
    for button in page.query_selector_all(".modebar-btn"):
        chart = button.evaluate("b => b.closest('.claimscope-chart').getAttribute('data-chart')")
        title = button.get_attribute("data-title")
        try:
            button.evaluate("b => b.click()")
        except Exception as exc:  # noqa: BLE001 - a button that throws is itself a finding
            problems.append(f"{chart}: clicking {title!r} failed: {exc}")
    page.wait_for_timeout(300)
    if len(page.context.pages) > windows:
        problems.append(f"{len(page.context.pages) - windows} window(s) opened by the toolbar")
    problems += [f"request left the machine: {u}" for u in requests[before:]]
    if not titles:
        problems.append("no toolbar button found: nothing was clicked")
    return problems


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text of the PDF in content order, as printed (pdftotext from poppler-utils)."""
    if shutil.which("pdftotext") is None:
        raise RuntimeError("pdftotext not found: apt-get install poppler-utils")
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return out.split("\f")


def pdf_text(pdf: Path) -> str:
    """The PDF's text in content order, whitespace collapsed."""
    return normalise("".join(pdf_pages(pdf)))


def words(text: str) -> str:
    """Whitespace runs as one space: a line that wraps between words reads the same.

    >>> words("spy agency,\\nthe  said") == words("spy agency, the said")
    True
    >>> words("spy agen\\ncy") == words("spy agency")
    False
    """
    return " ".join(text.replace("\u00ad", "").split())


def split_cells(cells: list[str], pages: list[str]) -> list[str]:
    """The table cells that no single printed page holds whole, between word boundaries.

    A cell printed across a page break, or broken inside a word ("Claim" / "ant"), is not a
    run of whole words of one page's text; a line that ends after a hyphen is no break. A web
    address is not a word: a narrow column may break it anywhere, so the words around it are
    checked and it is not.

    >>> split_cells(["Claimant", "the spy agency"], ["Claim\\nant x", "the spy\\nagency"])
    ['Claimant']
    >>> split_cells(["see https://example.org/a/b now"], ["see https://exam\\nple.org/a/b now"])
    []
    >>> split_cells(["dated 2024-10-18."], ["dated 2024-10-\\n18."])
    []
    """
    # A line may end after a hyphen ("2024-10-" / "18", "Secretary-" / "General"): joined again.
    texts = [" " + words(_HYPHEN_BREAK.sub("-", page)) + " " for page in pages]

    def whole_on(page: str, cell: str) -> bool:
        parts = [p.strip() for p in _ADDRESS.split(words(cell))]
        return all(re.search(rf"(?<!\S){re.escape(p)}(?!\S)", page) for p in parts if p)

    return [cell for cell in cells if not any(whole_on(page, cell) for page in texts)]


_ADDRESS = re.compile(r"https?://\S+")
_HYPHEN_BREAK = re.compile(r"-[ \t]*\n\s*")


def normalise(text: str) -> str:
    """Drop whitespace: on paper a narrow column wraps text, even inside words.

    >>> normalise("spy agenc\\ny, the") == normalise("spy agency, the")
    True
    """
    return "".join(text.replace("\u00ad", "").split())


#: Quotes shown in the page's tables, and every chart's title.
_PRINTED_TEXT_JS = """
() => {
  const cells = [];
  document.querySelectorAll('table.claimscope-table').forEach(t => {
    const heads = Array.from(t.querySelectorAll('thead th')).map(h => h.textContent.trim());
    const col = heads.indexOf('Quote');
    if (col < 0) return;
    t.querySelectorAll('tbody tr').forEach(r => {
      const c = r.children[col];
      if (c && c.textContent.trim()) cells.push(c.textContent);
    });
  });
  const titles = [];
  document.querySelectorAll('.claimscope-chart').forEach(el => {
    const t = el._fullLayout && el._fullLayout.title && el._fullLayout.title.text;
    if (t) { const d = document.createElement('div'); d.innerHTML = t; titles.push(d.textContent); }
  });
  return {quotes: cells, titles: titles};
}
"""

#: The text of every table cell that prints (print media emulated; folds open on printing).
_PRINTED_CELLS_JS = """
() => {
  const printed = el => {
    for (let n = el; n; n = n.parentElement) {
      if (getComputedStyle(n).display === 'none') return false;
    }
    return true;
  };
  return Array.from(document.querySelectorAll(
    'table.claimscope-table tbody td, table.claimscope-table thead th'))
    .filter(printed).map(c => c.textContent.trim()).filter(t => t);
}
"""


def print_problems(page, pdf: Path) -> list[str]:
    """Print ``page`` to ``pdf``; every table quote and chart title must be in its text."""
    expected = page.evaluate(_PRINTED_TEXT_JS)
    page.emulate_media(media="print")
    cells = page.evaluate(_PRINTED_CELLS_JS)
    toolbars = page.evaluate(
        "() => Array.from(document.querySelectorAll('.modebar-container'))"
        ".filter(m => getComputedStyle(m).display !== 'none').length"
    )
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    pages = pdf_pages(pdf)
    text = normalise("".join(pages))
    problems = [f"{toolbars} chart toolbar(s) print"] if toolbars else []
    problems += [f"table cell split on paper: {words(c)[:60]!r}" for c in split_cells(cells, pages)]
    problems += [
        f"quote not on paper: {' '.join(q.split())[:60]!r}"
        for q in expected["quotes"]
        if normalise(q) not in text
    ]
    problems += [
        f"chart title not on paper: {t!r}" for t in expected["titles"] if normalise(t) not in text
    ]
    if not expected["quotes"] and not expected["titles"]:
        problems.append("nothing to check: the page shows no quote table and no chart title")
    return problems
