"""Describe a plotly figure in words and as a table, from its traces, for readers who cannot see it.

Works on the figure's JSON form (``plotly.io.to_json``), so every chart of every report gets the
same treatment without knowing what it shows. Texts in a figure are already escaped for plotly
(``escape_text``); they are read back as plain text here and escaped again where shown.
"""

from __future__ import annotations

import base64
import html
import math
import re
from datetime import date, datetime

import numpy as np
import pandas as pd

_TAG = re.compile(r"<[^>]+>")
_KINDS = {"bar": "bar", "heatmap": "heatmap", "histogram": "histogram", "box": "box"}
#: A chart's data table lists at most this many rows (the description still covers them all).
MAX_TABLE_ROWS = 500


def plain_text(value: object) -> str:
    """Plotly text (escaped, with ``<br>`` and ``<b>``) as plain text.

    >>> plain_text("<b>Quote</b>: a &lt;b&gt;<br>c")
    'Quote: a <b> c'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = re.sub(r"<br\s*/?>", " ", str(value), flags=re.I)
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def values_of(array: object) -> list:
    """A trace's array as a list, decoding plotly's typed-array form ``{dtype, bdata}``.

    >>> values_of({"dtype": "i1", "bdata": "AQI="})
    [1, 2]
    >>> values_of(None)
    []
    """
    if array is None:
        return []
    if isinstance(array, dict) and "bdata" in array:
        decoded = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        shape = array.get("shape")
        if shape:
            decoded = decoded.reshape([int(n) for n in str(shape).split(",")])
        return decoded.tolist()
    return list(array) if isinstance(array, list | tuple) else [array]


def _title(node: object) -> str:
    if isinstance(node, dict):
        return plain_text(node.get("text", ""))
    return plain_text(node)


def _axis_title(layout: dict, axis: str) -> str:
    # "x2" lives under layout["xaxis2"], "x" under layout["xaxis"].
    key = f"{axis[0]}axis{axis[1:]}"
    return _title(layout.get(key, {}).get("title", ""))


def _kind(trace: dict) -> str:
    kind = trace.get("type", "scatter")
    if kind in _KINDS:
        return _KINDS[kind]
    mode = trace.get("mode", "lines+markers")
    if mode == "text":
        return "labelled"
    return "line" if "lines" in mode and "markers" not in mode else "dot"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _dates(values: list) -> list[date]:
    """ISO dates or datetimes as the days they stand for; [] unless every value is one.

    A chart spreads claims of one day a few hours either side of its midnight so that they do
    not overprint, so each value is rounded to the nearest day.
    """
    out = []
    for value in values:
        if not (isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value)):
            return []
        try:
            moment = datetime.fromisoformat(value[:19])
        except ValueError:
            return []
        out.append((pd.Timestamp(moment) + pd.Timedelta(hours=12)).normalize().date())
    return out


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _span(values: list) -> str:
    """'from A to B' for numbers or dates, the categories by name otherwise; '' if nothing."""
    values = [v for v in values if v is not None and v != ""]
    if not values:
        return ""
    numbers = [v for v in values if _is_number(v)]
    if numbers and len(numbers) == len(values):
        low, high = min(numbers), max(numbers)
        return f"from {_number(low)} to {_number(high)}" if low != high else f"at {_number(low)}"
    dates = _dates(values)
    if dates:
        low, high = min(dates), max(dates)
        return f"from {_day(low)} to {_day(high)}" if low != high else f"on {_day(low)}"
    categories = list(dict.fromkeys(plain_text(v) for v in values))
    if len(categories) == 1:
        return f"one category, {categories[0]}"
    shown = ", ".join(categories[:4])
    rest = len(categories) - 4
    return f"{len(categories)} categories: {shown}" + (f" and {rest} more" if rest > 0 else "")


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def data_table(spec: dict) -> pd.DataFrame:
    """One row per point of every trace: series, x, y (or z) and the point's label.

    >>> spec = {"data": [{"type": "bar", "name": "A", "x": ["p", "q"], "y": [3, 5]}],
    ...         "layout": {"xaxis": {"title": {"text": "Party"}}}}
    >>> data_table(spec).to_dict("records")
    [{'Series': 'A', 'Party': 'p', 'y': 3}, {'Series': 'A', 'Party': 'q', 'y': 5}]
    """
    layout = spec.get("layout", {})
    rows = []
    x_name = y_name = ""
    for number, trace in enumerate(spec.get("data", []), start=1):
        xa, ya = trace.get("xaxis", "x"), trace.get("yaxis", "y")
        x_name = x_name or _axis_title(layout, xa) or "x"
        y_name = y_name or _axis_title(layout, ya) or "y"
        series = plain_text(trace.get("name")) or f"series {number}"
        xs, ys = values_of(trace.get("x")), values_of(trace.get("y"))
        if trace.get("type") == "heatmap":
            for i, row in enumerate(values_of(trace.get("z"))):
                for j, z in enumerate(row if isinstance(row, list) else [row]):
                    if z is None:
                        continue
                    rows.append(
                        {
                            "Series": series,
                            x_name: plain_text(xs[j]) if j < len(xs) else j,
                            y_name: plain_text(ys[i]) if i < len(ys) else i,
                            "value": z,
                        }
                    )
            continue
        labels = values_of(trace.get("text")) if isinstance(trace.get("text"), list) else []
        for i in range(max(len(xs), len(ys))):
            row = {
                "Series": series,
                x_name: xs[i] if i < len(xs) else "",
                y_name: ys[i] if i < len(ys) else "",
            }
            if labels:
                row["Label"] = plain_text(labels[i]) if i < len(labels) else ""
            rows.append(row)
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        if frame[column].map(lambda v: isinstance(v, str)).any():
            frame[column] = frame[column].map(plain_text)
            days = _dates(list(frame[column]))
            if days:  # a date axis: the day each point stands for, as people write it
                frame[column] = [_day(d) for d in days]
    return frame


def describe_figure(spec: dict) -> str:
    """A few sentences: what the chart shows, its ranges and its notable values.

    >>> text = describe_figure({"data": [{"type": "bar", "name": "A", "x": ["p", "q"],
    ...                                   "y": [3, 5]}], "layout": {"title": {"text": "Votes"}}})
    >>> text.split(". ")
    ['Votes', 'A bar chart of 1 series (A)', 'Horizontal axis: 2 categories: p, q', \
'Vertical axis: from 3 to 5', 'Highest value: 5 (A, q); lowest: 3 (A, p).']
    """
    layout = spec.get("layout", {})
    traces = spec.get("data", [])
    title = _title(layout.get("title", ""))
    meta = layout.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("description"), str):
        # The chart's own words, written from its data by the code that drew it.
        return (title + ". " if title else "") + plain_text(meta["description"])
    kinds = list(dict.fromkeys(_kind(t) for t in traces)) or ["empty"]
    names = [plain_text(t.get("name")) for t in traces if plain_text(t.get("name"))]
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    parts = [title + "." if title else "A chart."]
    parts.append(
        f"A {' and '.join(kinds)} chart of {len(traces)} series"
        + (f" ({shown})." if names else ".")
    )
    for letter, label in (("x", "Horizontal axis"), ("y", "Vertical axis")):
        values = [v for t in traces for v in values_of(t.get(letter))]
        span = _span(values)
        if span:
            axis_title = _axis_title(layout, letter)
            parts.append(f"{label}{' (' + axis_title + ')' if axis_title else ''}: {span}.")
    parts += _extremes(traces)
    return " ".join(parts)


def _extremes(traces: list[dict]) -> list[str]:
    """The highest and lowest value of the chart's value axis, with series and position."""
    points = []
    for trace in traces:
        horizontal = trace.get("orientation") == "h"
        values = values_of(trace.get("z") if trace.get("type") == "heatmap" else None)
        if values:
            flat = [(z, "") for row in values for z in (row if isinstance(row, list) else [row])]
        else:
            value_axis = values_of(trace.get("x" if horizontal else "y"))
            where = values_of(trace.get("y" if horizontal else "x"))
            flat = [
                (v, plain_text(where[i]) if i < len(where) else "")
                for i, v in enumerate(value_axis)
            ]
        name = plain_text(trace.get("name"))
        points += [(v, name, w) for v, w in flat if _is_number(v)]
    if len(points) < 2:
        return []
    high, low = max(points, key=lambda p: p[0]), min(points, key=lambda p: p[0])

    def where(point: tuple) -> str:
        parts = [(_day(d[0]) if (d := _dates([part])) else part) for part in point[1:] if part]
        inside = ", ".join(parts)
        return f" ({inside})" if inside else ""

    return [
        f"Highest value: {_number(high[0])}{where(high)}; lowest: {_number(low[0])}{where(low)}."
    ]
