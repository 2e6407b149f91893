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

from claimscope.describe import MAX_TABLE_ROWS, data_table, describe_figure, plain_text
from claimscope.formatting import is_missing, text_of

CHART_CLASS = "claimscope-chart"
#: Nothing in a chart's toolbar or links can send its data to a service.
PRIVATE_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "showLink": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio"],
}
#: On a phone: legends and colour bars below the plot from the chart's left edge, long titles
#: and category labels wrapped, the chart as tall as its rows and legend entries need, point
#: labels left to the hover and the data table: nothing is cut at the edge or covers the data.
_NARROW_LAYOUT_JS = """\
    if (window.matchMedia("(max-width: 600px)").matches) {
      var visible = function (s) { return s.replace(/<[^>]*>/g, "").length; };
      var wrap = function (s, n) {
        if (typeof s !== "string" || visible(s) <= n || /^\\d{4}-\\d\\d/.test(s)) return s;
        // Break between words only: spaces inside a tag (<span style=...>) are not breaks.
        var words = s.replace(/<[^>]*>/g, function (tag) { return tag.replace(/ /g, "\\u0001"); })
          .split(" ");
        var lines = [""];
        words.forEach(function (w) {
          var last = lines.length - 1;
          if (lines[last] && visible(lines[last] + " " + w) > n) lines.push(w);
          else lines[last] = lines[last] ? lines[last] + " " + w : w;
        });
        return lines.join("<br>").replace(/\\u0001/g, " ");
      };
      var lineCount = function (s) { return typeof s === "string" ? s.split("<br>").length : 1; };
      var wrapTitle = function (holder, key, n) {
        var t = holder[key];
        if (typeof t === "string") holder[key] = {text: wrap(t, n)};
        else if (t && typeof t.text === "string") t.text = wrap(t.text, n);
      };
      var L = spec.layout, rowLines = 1, tickRows = 0, entries = 0, below = 0;
      var rowNames = new Set();
      var categories = function (values) {
        if (!strings(values)) return values;
        var wrapped = values.map(function (v) { return wrap(v, 18); });
        wrapped.forEach(function (v) {
          rowNames.add(v);
          rowLines = Math.max(rowLines, lineCount(v));
        });
        return wrapped;
      };
      L.legend = Object.assign(L.legend || {}, {orientation: "h", x: 0, xanchor: "left",
                                                yref: "container", y: 0, yanchor: "bottom",
                                                maxheight: 1});
      if (L.legend.title) {
        L.legend.title.side = "top";
        wrapTitle(L.legend, "title", 36);
      }
      var strings = function (values) {
        return Array.isArray(values) &&
          values.every(function (v) { return typeof v === "string"; });
      };
      var columns = function (values) {
        return strings(values) ? values.map(function (v) { return wrap(v, 14); }) : values;
      };
      // Wrapped titles above the plot need room of their own.
      var top = 0;
      wrapTitle(L, "title", 36);
      if (L.title && L.title.text) top += 20 * (lineCount(L.title.text) - 1);
      (L.annotations || []).forEach(function (a) {
        a.text = wrap(a.text, 20);
        if (a.yref === "paper" && a.y >= 1) top = Math.max(top, 16 * (lineCount(a.text) - 1));
      });
      if (top) {
        L.margin = Object.assign({t: 80}, L.margin || {});
        L.margin.t += top;
      }
      Object.keys(L).forEach(function (k) {
        if (!/^[xy]axis/.test(k)) return;
        wrapTitle(L[k], "title", 22);
        if (Array.isArray(L[k].ticktext)) {
          // one tick a row, even where two rows carry the same label
          if (/^y/.test(k)) tickRows = Math.max(tickRows, L[k].ticktext.length);
          L[k].ticktext = /^y/.test(k) ? categories(L[k].ticktext) : columns(L[k].ticktext);
        }
      });
      spec.data.forEach(function (t) {
        t.y = categories(t.y);
        t.x = columns(t.x);
        if (typeof t.name === "string") {
          t.name = wrap(t.name, 28);
          if (t.showlegend !== false) entries += 20 * lineCount(t.name) + 14;
        }
        if (t.mode === "text" && Array.isArray(t.text)) {
          t.text = t.text.map(function (v) { return wrap(v, 14); });
        }
        if (t.mode && t.mode.indexOf("markers") >= 0) t.mode = t.mode.replace("+text", "")
          .replace("text+", "");
        var bar = t.type === "heatmap" ? (t.colorbar = t.colorbar || {})
          : (t.marker && t.marker.colorbar);
        if (bar && t.showscale !== false) {
          Object.assign(bar, {orientation: "h", x: 0, xanchor: "left", yref: "container",
                              y: 0, yanchor: "bottom", len: 1, thickness: 12});
          if (Array.isArray(bar.ticktext)) {
            bar.ticktext = bar.ticktext.map(function (v) { return wrap(v, 12); });
          }
          if (bar.title) { bar.title.side = "top"; wrapTitle(bar, "title", 36); }
          below += 90;
        }
      });
      if (L.showlegend === false) entries = 0;
      rowsPx = Math.max(rowNames.size, tickRows) * (rowLines * 17 + 8);
      var need = 300 + rowsPx + entries + below;
      if (!L.height || L.height < need) {
        L.height = need;
        el.style.height = need + "px";
      }
    }
"""
#: After drawing on a phone: when legends and titles left the rows less room than they need,
#: grow the chart by the difference, so row labels never overlap.
_GROW_TO_ROWS_JS = """\
      var size = el._fullLayout && el._fullLayout._size;
      if (rowsPx && size && size.h < rowsPx) {
        var height = Math.ceil(el._fullLayout.height + rowsPx - size.h);
        el.style.height = height + "px";
        return window.Plotly.relayout(el, {height: height});
      }
"""
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "triangle-down", "star")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
_SLUG = re.compile(r"[^a-z0-9]+")


def _script_safe(payload: str) -> str:
    """Make JSON safe to place inside a <script> element (no early ``</script>``)."""
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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
        '<script type="text/javascript">\n'
        "(function () {\n"
        f'  var el = document.getElementById("{div_id}");\n'
        f"  var spec = {_script_safe(payload)};\n"
        "  function draw() {\n"
        "    var rowsPx = 0;\n"
        f"{_NARROW_LAYOUT_JS}"
        "    var drawn = window.Plotly.newPlot(el, spec.data, spec.layout, spec.config);\n"
        "    return drawn.then(function () {\n"
        f"{_GROW_TO_ROWS_JS}"
        "    });\n"
        "  }\n"
        "  if (window.claimscopeCharts) window.claimscopeCharts.schedule(el, draw);\n"
        "  else if (window.Plotly) draw();\n"
        "  else {\n"
        '    el.textContent = "This chart needs plotly.js, which this page does not include: "\n'
        '      + "convert the notebook with `jupyter nbconvert --to claimscope`.";\n'
        "  }\n"
        "})();\n"
        "</script>\n"
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


def show_figure(fig: go.Figure, name: str) -> None:
    """Display ``fig`` so it renders in JupyterLab and in nbconvert HTML alike."""
    from IPython.display import display

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
    parts += [f"<p>{escape_text(p)}</p>" for p in paragraphs]
    plain = "\n\n".join(([heading] if heading else []) + list(paragraphs))
    return {"text/html": "\n".join(parts), "text/plain": plain}


def show_paragraphs(paragraphs: list[str], heading: str | None = None) -> None:
    """Display generated prose as escaped HTML paragraphs (never as Markdown, which runs HTML)."""
    from IPython.display import display

    display(paragraphs_bundle(paragraphs, heading), raw=True)


def table_bundle(frame: pd.DataFrame, caption: str | None = None) -> dict[str, str]:
    """Return a display bundle for a table: escaped HTML and aligned plain text."""
    shown = frame.copy()
    for column in shown.columns:
        shown[column] = shown[column].astype(object).map(lambda v: "" if is_missing(v) else v)
    markup = shown.to_html(index=False, escape=True, border=0, classes="claimscope-table")
    if caption:
        markup = markup.replace(">", f"><caption>{escape_text(caption)}</caption>", 1)
    # A wide table scrolls inside its own region, which keyboard users can focus to scroll.
    label = escape_text(caption or "Table")
    markup = (
        f'<div class="claimscope-scroll" role="region" aria-label="{label}" tabindex="0">'
        f"{markup}</div>"
    )
    return {"text/html": markup, "text/plain": shown.to_string(index=False)}


def show_table(frame: pd.DataFrame, caption: str | None = None) -> None:
    """Display a table with every cell escaped and missing values shown blank."""
    from IPython.display import display

    display(table_bundle(frame, caption), raw=True)
