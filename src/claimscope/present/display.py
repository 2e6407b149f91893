"""Show figures, tables and generated prose in a notebook so every front end renders them safely.

One output serves two readers. JupyterLab renders the plotly JSON mimetype with its plotly
extension. nbconvert drops that mimetype, so the same output also carries ``text/html``: a div
with a deterministic id and a script that draws the figure with ``window.Plotly``: through the
report page's ``window.claimscopeCharts`` (which draws a chart when it nears the viewport), or
at once where only plotly.js is present. No plotly.js is stored in the notebook; the report
build embeds it once per HTML page. Text from sources is
untrusted, so everything shown as HTML here is escaped.
"""

from __future__ import annotations

import hashlib
import html
import json
import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from claimscope.present.describe import MAX_TABLE_ROWS, data_table, describe_figure, plain_text
from claimscope.present.formatting import is_missing, isolate, text_of
from claimscope.present.statements import claim_ids_of

CHART_CLASS = "claimscope-chart"
#: A table with this many columns or more prints as cards, one block per row.
WIDE_TABLE_COLUMNS = 6
#: Nothing in a chart's toolbar or links can send its data to a service.
PRIVATE_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "showLink": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio"],
}
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "triangle-down", "star")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
_SLUG = re.compile(r"[^a-z0-9]+")


def _script_safe(payload: str) -> str:
    """Make JSON safe to place inside a <script> element (no early ``</script>``)."""
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_script(div_id: str, spec_js: str) -> str:
    """The script that draws one chart: the only inline script a report page's body may run.

    The page's Content-Security-Policy (:mod:`claimscope.build.csp`) allows a script of the
    body only when it is exactly this text for some chart id and JSON spec.
    """
    return (
        "\n(function () {\n"
        f'  var el = document.getElementById("{div_id}");\n'
        f"  var spec = {spec_js};\n"
        # The report page's chart helpers lay a chart out for a phone and grow it to its rows.
        "  function draw() {\n"
        "    var cs = window.claimscopeCharts;\n"
        "    var rowsPx = cs && cs.narrow ? cs.narrow(el, spec) : 0;\n"
        "    var drawn = window.Plotly.newPlot(el, spec.data, spec.layout, spec.config);\n"
        "    return drawn.then(function () { return cs && cs.grow && cs.grow(el, rowsPx); });\n"
        "  }\n"
        "  if (window.claimscopeCharts) window.claimscopeCharts.schedule(el, draw);\n"
        "  else if (window.Plotly) draw();\n"
        "  else {\n"
        '    el.textContent = "This chart needs plotly.js, which this page does not include: "\n'
        '      + "convert the notebook with `jupyter nbconvert --to claimscope`.";\n'
        "  }\n"
        "})();\n"
    )


def figure_bundle(fig: go.Figure, name: str) -> dict[str, object]:
    """Return the display bundle for ``fig``: plotly JSON, offline-ready HTML and plain text.

    The div id is derived from ``name`` and the figure's content, so re-running a notebook gives
    byte-identical outputs (strict nbval compares them).

    >>> bundle = figure_bundle(go.Figure(go.Bar(x=[1], y=[2])), "demo")
    >>> sorted(bundle)
    ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']
    >>> 'id="chart-demo-' in bundle["text/html"]
    True
    """
    spec = json.loads(pio.to_json(fig, validate=False, remove_uids=True))
    spec.setdefault("config", {})
    spec["config"].update(PRIVATE_CONFIG)
    _distinguish_series(spec)
    payload = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    slug = _SLUG.sub("-", name.lower()).strip("-") or "chart"
    div_id = f"chart-{slug}-{hashlib.sha256(payload.encode()).hexdigest()[:10]}"
    height = spec.get("layout", {}).get("height") or 480
    traces = len(spec.get("data", []))
    label = plain_text(_title_of(spec)) or f"Chart {slug}"
    markup = (
        # The figure carries the chart's name and description: the chart itself holds
        # plotly's toolbar buttons, which an element with role="img" may not contain.
        f'<figure class="claimscope-figure" aria-label="{escape_text(label)}" '
        f'aria-describedby="{div_id}-summary">\n'
        f'<div id="{div_id}" class="{CHART_CLASS}" data-chart="{html.escape(slug)}" '
        f'data-traces="{traces}" style="width:100%;height:{int(height)}px;"></div>\n'
        f'<script type="text/javascript">{chart_script(div_id, _script_safe(payload))}</script>\n'
        f'<figcaption><p id="{div_id}-summary" class="claimscope-summary">'
        f"{escape_text(describe_figure(spec))}</p>\n"
        f"<details><summary>The chart's data as a table</summary>\n{_data_table_html(spec)}"
        "</details></figcaption>\n</figure>"
    )
    title_text = _title_of(spec)
    plain = f"<chart {slug}: {traces} trace(s)" + (f", {title_text!r}" if title_text else "") + ">"
    return {PLOTLY_MIMETYPE: spec, "text/html": markup, "text/plain": plain}


def _title_of(spec: dict) -> str:
    title = spec.get("layout", {}).get("title", {})
    return title.get("text", "") if isinstance(title, dict) else str(title or "")


def _data_table_html(spec: dict) -> str:
    frame = data_table(spec)
    note = None
    if len(frame) > MAX_TABLE_ROWS:
        note = f"The first {MAX_TABLE_ROWS} of {len(frame)} points"
        frame = frame.head(MAX_TABLE_ROWS)
    return table_bundle(frame, note)["text/html"]


def _distinguish_series(spec: dict) -> None:
    """Give each legend entry its own marker symbol and line dash, so colour is never alone.

    Traces that set a symbol or a dash keep it: the chart chose one for a reason.
    """
    shown = [
        t
        for t in spec.get("data", [])
        if t.get("type", "scatter") == "scatter" and t.get("showlegend", True) is not False
    ]
    if len(shown) < 2:
        return
    for i, trace in enumerate(shown):
        mode = trace.get("mode", "lines+markers")
        if "markers" in mode:
            trace.setdefault("marker", {}).setdefault("symbol", SYMBOLS[i % len(SYMBOLS)])
        if "lines" in mode:
            trace.setdefault("line", {}).setdefault("dash", DASHES[i % len(DASHES)])


#: Trace fields that hold a chart's points; a chart whose traces hold none has nothing to show.
_POINT_FIELDS = ("x", "y", "z", "values", "lat", "r")


def has_points(fig: go.Figure) -> bool:
    """Whether any trace of ``fig`` holds a point (an empty chart says so instead of drawing).

    >>> has_points(go.Figure(go.Bar(x=[], y=[]))), has_points(go.Figure(go.Bar(x=["a"], y=[1])))
    (False, True)
    """
    for trace in fig.data:
        for field in _POINT_FIELDS:
            value = getattr(trace, field, None) if field in trace else None
            if value is not None and len(value) > 0:
                return True
    return False


def nothing_yet(what: str) -> str:
    """The sentence shown instead of an empty chart or table.

    >>> nothing_yet("Claims by diagnosticity")
    'Claims by diagnosticity: nothing to show in this selection yet.'
    """
    return f"{what.rstrip('.')}: nothing to show in this selection yet."


def show_figure(fig: go.Figure, name: str) -> None:
    """Display ``fig`` so it renders in JupyterLab and in nbconvert HTML alike.

    A chart with no point is not drawn: a sentence naming it says there is nothing yet.
    """
    from IPython.display import display

    if not has_points(fig):
        title = _title_of(fig.to_plotly_json()) or "This chart"
        display(paragraphs_bundle([nothing_yet(plain_text(title))]), raw=True)
        return
    display(figure_bundle(fig, name), raw=True)


def escape_text(value: object) -> str:
    """Escape untrusted text for HTML and for plotly; ``None`` and NA become the empty string.

    Quotes become numeric references: safe inside attributes too, and the only kind plotly
    decodes besides ``&lt;``, ``&gt;`` and ``&amp;`` (it would show ``&quot;`` literally).

    >>> escape_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&#34;alert(1)&#34;&gt;'
    """
    return html.escape(text_of(value), quote=True).replace("&quot;", "&#34;")


def paragraphs_bundle(paragraphs: list[str], heading: str | None = None) -> dict[str, str]:
    """Return a display bundle for generated prose, every paragraph escaped."""
    # A sub-section heading at most: the page's only <h1> is the report title.
    parts = [f"<h3>{escape_text(heading)}</h3>"] if heading else []
    parts += [f"<p>{escape_text(p)}{_cites_html(p)}</p>" for p in paragraphs]
    plain = "\n\n".join(([heading] if heading else []) + [p + _cites_text(p) for p in paragraphs])
    return {"text/html": "\n".join(parts), "text/plain": plain}


def claim_anchor(claim_id: str) -> str:
    """The id of a claim's entry in the evidence list.

    >>> claim_anchor("c014")
    'claim-c014'
    """
    return "claim-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(claim_id))


def _cites_text(paragraph: str) -> str:
    ids = claim_ids_of(paragraph)
    return f" [{', '.join(ids)}]" if ids else ""


def _cites_html(paragraph: str) -> str:
    """The claims a generated statement rests on, after it: ``[c014, c059]``."""
    ids = claim_ids_of(paragraph)
    if not ids:
        return ""
    links = ", ".join(f'<a href="#{claim_anchor(i)}">{escape_text(i)}</a>' for i in ids)
    return f' <span class="claimscope-cites">[{links}]</span>'


def show_paragraphs(paragraphs: list[str], heading: str | None = None) -> None:
    """Display generated prose as escaped HTML paragraphs (never as Markdown, which runs HTML)."""
    from IPython.display import display

    display(paragraphs_bundle(paragraphs, heading), raw=True)


def table_bundle(
    frame: pd.DataFrame, caption: str | None = None, *, collapsed: bool = False
) -> dict[str, str]:
    """Return a display bundle for a table: escaped HTML and aligned plain text.

    ``collapsed`` folds a long table (an appendix) under its caption, one click away.
    """
    shown = frame.copy()
    for column in shown.columns:
        # Each cell is one piece: source text in it cannot reorder the cells or text after it.
        shown[column] = (
            shown[column]
            .astype(object)
            .map(lambda v: "" if is_missing(v) else isolate(v) if isinstance(v, str) else v)
        )
    wide = len(shown.columns) >= WIDE_TABLE_COLUMNS
    classes = "claimscope-table claimscope-wide" if wide else "claimscope-table"
    markup = _label_cells(shown.to_html(index=False, escape=True, border=0, classes=classes), shown)
    if caption:
        markup = markup.replace(">", f"><caption>{escape_text(caption)}</caption>", 1)
    # A wide table scrolls inside its own region, which keyboard users can focus to scroll.
    label = escape_text(caption or "Table")
    markup = (
        f'<div class="claimscope-scroll" role="region" aria-label="{label}" tabindex="0">'
        f"{markup}</div>"
    )
    if collapsed:
        summary = escape_text(caption or "Table")
        rows = f"{len(frame):,} row{'s' if len(frame) != 1 else ''}"
        markup = (
            f'<details class="claimscope-appendix"><summary>{summary} ({rows})</summary>'
            f"{markup}</details>"
        )
    return {"text/html": markup, "text/plain": shown.to_string(index=False)}


def _label_cells(markup: str, frame: pd.DataFrame) -> str:
    """Give each body cell its column's name (``data-label``), for tables printed as cards."""
    labels = [escape_text(c) for c in frame.columns]
    if not labels:
        return markup

    def label_row(match: re.Match) -> str:
        cells = iter(labels)
        return re.sub(r"<td>", lambda _: f'<td data-label="{next(cells, "")}">', match.group(0))

    head, sep, body = markup.partition("<tbody>")
    return head + sep + re.sub(r"<tr>.*?</tr>", label_row, body, flags=re.S)


def show_table(frame: pd.DataFrame, caption: str | None = None, *, collapsed: bool = False) -> None:
    """Display a table with every cell escaped and missing values shown blank.

    A table with no row is not drawn: a sentence naming it says there is nothing yet.
    """
    from IPython.display import display

    if frame.empty:
        display(paragraphs_bundle([nothing_yet(caption or "This table")]), raw=True)
        return
    display(table_bundle(frame, caption, collapsed=collapsed), raw=True)
