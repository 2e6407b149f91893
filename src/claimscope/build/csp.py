"""The Content-Security-Policy of a report page: our own scripts run, nothing else, no network.

A page made from a notebook carries that notebook's outputs, and an output can hold any HTML:
a ``<script>`` that fetches from a server or rewrites the page. The policy, set by a ``<meta>``
at the top of ``<head>``, lets run only the scripts claimscope wrote, each allowed by its
sha256: the page template's own scripts (everything executable in ``<head>``, which outputs
never reach), each chart's drawing script (exactly :func:`~claimscope.present.display.chart_script`
for a chart id and a JSON spec) and plotly.js (embedded, loaded as a ``blob:``; or a site
build's ``assets/`` copy, from the page's own place). Every network request is refused:
``connect-src``, ``img-src`` and the rest allow nothing beyond ``data:`` and ``blob:``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

from claimscope.present.display import chart_script

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_CHART = re.compile(r'\A\n\(function \(\) \{\n  var el = document\.getElementById\("([\w-]+)"\);\n')
_SPEC = re.compile(r"^  var spec = (.*);$", re.M)
_EXECUTED_TYPES = {"", "text/javascript", "application/javascript", "module"}
_HEAD_END = re.compile(r"</head\s*>", re.I)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _is_chart_script(text: str) -> bool:
    """Whether ``text`` is a chart's drawing script and nothing more."""
    match, spec = _CHART.match(text), _SPEC.search(text)
    if not match or not spec:
        return False
    try:
        json.loads(spec.group(1))
    except ValueError:
        return False
    return text == chart_script(match.group(1), spec.group(1))


def allowed_script_hashes(page: str, plotly_js: str = "") -> list[str]:
    """The sha256 sources of the scripts the page may run, in page order, each once."""
    head_end = _HEAD_END.search(page)
    body_start = head_end.start() if head_end else 0
    hashes = []
    for match in _SCRIPT.finditer(page):
        kind = _TYPE.search(match.group(1))
        if (kind.group(1).lower() if kind else "") not in _EXECUTED_TYPES:
            continue  # data blocks (text/plain, application/json) never run
        text = match.group(2)
        if match.start() < body_start or _is_chart_script(text):
            hashes.append(_hash(text))
    if plotly_js:  # printing runs the unpacked bundle as an inline script
        hashes.append(_hash(plotly_js))
    return list(dict.fromkeys(hashes))


def content_security_policy(page: str, plotly_js: str = "", site: bool = False) -> str:
    """The policy for ``page``: its own scripts by hash, plotly.js, and no network at all."""
    scripts = " ".join(allowed_script_hashes(page, plotly_js))
    plotly = "'self'" if site else "blob:"
    return (
        "default-src 'none'; "
        f"script-src {scripts} {plotly}; "
        "style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; "
        "connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; "
        "worker-src 'none'; base-uri 'none'; form-action 'none'"
    )


def add_content_security_policy(page: str, plotly_js: str = "", site: bool = False) -> str:
    """Return ``page`` with its policy as the first element after ``<meta charset>``.

    >>> page = '<html><head><meta charset="utf-8"><script>go()</script></head><body></body>'
    >>> "script-src 'sha256-" in add_content_security_policy(page)
    True
    """
    policy = content_security_policy(page, plotly_js, site)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    charset = _CHARSET.search(page)
    if charset:
        return page[: charset.end()] + "\n" + meta + page[charset.end() :]
    head = re.search(r"<head\b[^>]*>", page, re.I)
    at = head.end() if head else 0
    return page[:at] + meta + page[at:]
