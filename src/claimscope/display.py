"""Show figures, tables and generated prose in a notebook so every front end renders them safely.

One output serves two readers. JupyterLab renders the plotly JSON mimetype with its plotly
extension. nbconvert drops that mimetype, so the same output also carries ``text/html``: a div
with a deterministic id and a script that draws the figure with ``window.Plotly``. No plotly.js
is stored in the notebook; the report build embeds it once per HTML page. Text from sources is
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

CHART_CLASS = "claimscope-chart"
#: Most rows a report's table shows; a last row says how many were left out. A browser gets
#: sluggish long before 100,000 rows, and nobody reads them on a page.
TABLE_ROWS = 200
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
    spec["config"].update({"displaylogo": False, "responsive": True})
    payload = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    slug = _SLUG.sub("-", name.lower()).strip("-") or "chart"
    div_id = f"chart-{slug}-{hashlib.sha256(payload.encode()).hexdigest()[:10]}"
    height = spec.get("layout", {}).get("height") or 480
    traces = len(spec.get("data", []))
    markup = (
        f'<div id="{div_id}" class="{CHART_CLASS}" data-chart="{html.escape(slug)}" '
        f'data-traces="{traces}" style="width:100%;height:{int(height)}px;"></div>\n'
        '<script type="text/javascript">\n'
        "(function () {\n"
        f'  var el = document.getElementById("{div_id}");\n'
        f"  var spec = {_script_safe(payload)};\n"
        "  if (window.Plotly) {\n"
        "    window.Plotly.newPlot(el, spec.data, spec.layout, spec.config);\n"
        "  } else {\n"
        '    el.textContent = "This chart needs plotly.js, which this page does not include.";\n'
        "  }\n"
        "})();\n"
        "</script>"
    )
    title = spec.get("layout", {}).get("title", {})
    title_text = title.get("text", "") if isinstance(title, dict) else str(title)
    plain = f"<chart {slug}: {traces} trace(s)" + (f", {title_text!r}" if title_text else "") + ">"
    return {PLOTLY_MIMETYPE: spec, "text/html": markup, "text/plain": plain}


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
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True).replace("&quot;", "&#34;")


def paragraphs_bundle(paragraphs: list[str], heading: str | None = None) -> dict[str, str]:
    """Return a display bundle for generated prose, every paragraph escaped."""
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
        shown[column] = shown[column].map(lambda v: "" if _is_missing(v) else v)
    markup = shown.to_html(index=False, escape=True, border=0, classes="claimscope-table")
    if caption:
        markup = markup.replace(">", f"><caption>{escape_text(caption)}</caption>", 1)
    return {"text/html": markup, "text/plain": shown.to_string(index=False)}


def _is_missing(value: object) -> bool:
    return value is None or (not isinstance(value, (str, list, tuple, dict)) and pd.isna(value))


def show_table(frame: pd.DataFrame, caption: str | None = None) -> None:
    """Display a table with every cell escaped and missing values shown blank."""
    from IPython.display import display

    display(table_bundle(frame, caption), raw=True)


def cap_rows(
    frame: pd.DataFrame, limit: int | None, noun: str = "rows", *, total: int | None = None
) -> pd.DataFrame:
    """Keep the first ``limit`` rows; when some are left out, a last row says how many.

    The note goes in the first column, the other cells stay empty, so the table itself tells
    the reader it is not complete. ``total`` is the number of rows before any were dropped,
    when the caller built only the first ``limit`` (default: ``len(frame)``).

    >>> cap_rows(pd.DataFrame({"a": ["x", "y", "z"], "b": [1, 2, 3]}), 2, "claims")["a"].tolist()
    ['x', 'y', '… 1 more claims not shown (the first 2 of 3 are)']
    """
    total = len(frame) if total is None else total
    if limit is None or total <= limit:
        return frame
    note = {column: "" for column in frame.columns}
    note[frame.columns[0]] = (
        f"… {total - limit:,} more {noun} not shown (the first {limit:,} of {total:,} are)"
    )
    shown = frame.iloc[:limit].astype(object)
    return pd.concat([shown, pd.DataFrame([note], columns=frame.columns)], ignore_index=True)
