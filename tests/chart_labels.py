"""Read every drawn chart's text boxes from the page and find labels cut or overprinted.

Each text plotly drew (titles, tick labels, legend entries, annotations, colour-bar text,
trace labels, menu buttons) is read as the four corners of its box on screen (``getBBox``
mapped through ``getScreenCTM``, so a rotated label is its rotated outline, not the square
around it). A label is *cut* when a corner lies outside the chart's SVG; two labels
*overprint* when their outlines intersect. A menu may not cover the plot area. Used by
``test_chart_labels.py``; imports no pytest.
"""

from __future__ import annotations

#: Desktop, phone, and the width a notebook's output area has in JupyterLab beside its sidebar.
WIDTHS = {"desktop": 1366, "phone": 390, "jupyterlab": 820}
#: Pixels two boxes may share before they count as overprinting (antialiasing, glyph bearings).
SLACK = 1.5

#: Per chart: its name, the SVG's box, the plot areas, menu boxes and every visible text.
_BOXES_JS = """
() => Array.from(document.querySelectorAll('.claimscope-chart')).map(el => {
  const svg = el.querySelector('svg.main-svg');
  if (!svg) return {chart: el.getAttribute('data-chart'), drawn: false};
  const r = svg.getBoundingClientRect();
  const corners = node => {
    const b = node.getBBox(), m = node.getScreenCTM();
    if (!m || (!b.width && !b.height)) return null;
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height],
            [b.x, b.y + b.height]].map(([x, y]) => [m.a * x + m.c * y + m.e,
                                                    m.b * x + m.d * y + m.f]);
  };
  const shown = node => {
    for (let n = node; n && n !== el; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) {
        return false;
      }
    }
    return true;
  };
  const kind = t => {
    const classes = [
      ['gtitle', 'title'], ['g-xtitle', 'axis title'], ['g-ytitle', 'axis title'],
      ['xtick', 'tick'], ['ytick', 'tick'], ['legendtitletext', 'legend title'],
      ['legendtext', 'legend'], ['annotation', 'annotation'], ['colorbar', 'colour bar'],
      ['updatemenu-container', 'menu'], ['textpoint', 'label'], ['bartext', 'label'],
      ['heatmaplayer', 'cell'],
    ];
    for (const [cls, name] of classes) {
      if (t.classList.contains(cls) || t.closest('.' + cls)) return name;
    }
    return 'text';
  };
  const texts = [];
  el.querySelectorAll('svg text').forEach(t => {
    if (!t.textContent.trim() || !shown(t)) return;
    const box = corners(t);
    if (box) texts.push({text: t.textContent.slice(0, 60), kind: kind(t), box: box});
  });
  const plots = Array.from(el.querySelectorAll('.nsewdrag')).map(corners).filter(Boolean);
  const menus = Array.from(el.querySelectorAll('.updatemenu-header-group, .updatemenu-button'))
    .filter(shown).map(corners).filter(Boolean);
  return {chart: el.getAttribute('data-chart'), drawn: true,
          svg: [r.left, r.top, r.right, r.bottom], plots: plots, menus: menus, texts: texts};
})
"""


def read_boxes(page) -> list[dict]:
    """Every chart on ``page`` with the corners of each of its visible texts, in page order."""
    return page.evaluate(_BOXES_JS)


def _axes(quad: list) -> list[tuple[float, float]]:
    out = []
    for i in range(2):
        (x0, y0), (x1, y1) = quad[i], quad[i + 1]
        out.append((y0 - y1, x1 - x0))
    return out


def intersect(a: list, b: list, slack: float = SLACK) -> bool:
    """Whether two convex quadrilaterals overlap by more than ``slack`` pixels (separating axes).

    >>> square = lambda x, y, s: [[x, y], [x + s, y], [x + s, y + s], [x, y + s]]
    >>> intersect(square(0, 0, 10), square(5, 5, 10)), intersect(square(0, 0, 10), square(9, 0, 10))
    (True, False)
    """
    for ax, ay in _axes(a) + _axes(b):
        norm = (ax * ax + ay * ay) ** 0.5 or 1.0
        pa = [(x * ax + y * ay) / norm for x, y in a]
        pb = [(x * ax + y * ay) / norm for x, y in b]
        if min(max(pa), max(pb)) - max(min(pa), min(pb)) <= slack:
            return False
    return True


def outside(quad: list, frame: list, slack: float = SLACK) -> bool:
    """Whether any corner of ``quad`` lies outside ``frame`` (left, top, right, bottom).

    >>> outside([[0, 0], [5, 0], [5, 5], [0, 5]], [0, 0, 10, 10])
    False
    >>> outside([[8, 0], [12, 0], [12, 5], [8, 5]], [0, 0, 10, 10])
    True
    """
    left, top, right, bottom = frame
    return any(
        x < left - slack or x > right + slack or y < top - slack or y > bottom + slack
        for x, y in quad
    )


def label_problems(charts: list[dict], where: str) -> list[str]:
    """Every text cut at its chart's edge, every pair that overprints, every menu over a plot."""
    problems = []
    for number, chart in enumerate(charts, start=1):
        name = f"{where}: chart {number} ({chart['chart']})"
        if not chart["drawn"]:
            problems.append(f"{name}: not drawn")
            continue
        texts = chart["texts"]
        problems += [
            f"{name}: {t['kind']} {t['text']!r} cut at the edge"
            for t in texts
            if outside(t["box"], chart["svg"])
        ]
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                if a["kind"] == b["kind"] == "cell":
                    continue  # a heatmap's cell labels sit in their cells
                if intersect(a["box"], b["box"]):
                    problems.append(
                        f"{name}: {a['kind']} {a['text']!r} overprints {b['kind']} {b['text']!r}"
                    )
        problems += [
            f"{name}: a menu covers the plot"
            for menu in chart["menus"]
            for plot in chart["plots"]
            if intersect(menu, plot)
        ]
    return problems
