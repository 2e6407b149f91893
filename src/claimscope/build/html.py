"""Turn executed notebooks into offline HTML pages, and render the index of every report."""

from __future__ import annotations

import base64
import functools
import gzip
import json
import re
import subprocess
import threading
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from claimscope.build.sweeps import sweep_groups
from claimscope.data.files import describe_counts
from claimscope.data.paths import PROJECT_ROOT

if TYPE_CHECKING:
    from claimscope.build.config import ReportSpec
    from claimscope.build.manifest import Manifest
    from claimscope.data.dataset import Dataset

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
INDEX_TEMPLATE = "reports-index.html.j2"
# The notebook's own title cell, for JupyterLab readers; the page header carries the title.
TITLE_TAG = "report-title"
#: An inline icon: a page served over HTTP would otherwise ask for /favicon.ico and log a 404.
FAVICON = (
    "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%2016%2016'%3E"
    "%3Crect%20width='16'%20height='16'%20rx='3'%20fill='%23277AC0'/%3E%3C/svg%3E"
)
_STATUS_LABELS = {
    "built": "up to date",
    "stale": "STALE: last build failed, showing the previous report",
    "failed": "FAILED: never built",
}


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout.strip()


def git_commit() -> str:
    """The project's commit for the footer, marked when the checkout has uncommitted changes."""
    try:
        commit = _git("rev-parse", "--short=12", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return commit + (" (with uncommitted changes)" if dirty else "")


def describe_provenance(
    version: str, counts: dict[str, int], commit: str, parameters: dict
) -> list[tuple[str, str]]:
    """The rows of a page's provenance footer: dataset, code, commit, parameters, time."""
    return [
        ("Dataset version", version),
        ("Dataset", describe_counts(counts)),
        ("claimscope", metadata.version("claimscope")),
        ("Git commit", commit),
        ("Parameters", json.dumps(parameters, ensure_ascii=False, sort_keys=True)),
        ("Built (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")),
    ]


def describe_as_of(dataset: Dataset, as_of: object) -> str:
    """The date a report shows its data as of, for the header: ``22 October 2024``.

    An empty ``as_of`` is the latest date in the data; a malformed one is empty here (the
    notebook itself refuses it, naming the parameter). A date before the first document says
    that nothing was known yet.
    """
    from claimscope.analysis.timeline import latest_date, parse_as_of
    from claimscope.present.formatting import format_day

    try:
        date = parse_as_of(as_of) or latest_date(dataset)
    except ValueError:
        return ""
    if not date:
        return ""
    published = dataset.documents["published_on"].dropna()
    first = published.min().date() if len(published) else None
    if first is not None and date < first:
        # Everything the data holds comes from a document: before the first, nothing was known.
        return (
            f"{format_day(date)}: nothing known yet (the first document is of {format_day(first)})"
        )
    return format_day(date)


_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_SPACE = re.compile(r"\s+")
_CSS_PUNCTUATION = re.compile(r"\s*([{};,])\s*")
#: Kept at the head of each shrunk stylesheet: its comments carried this notice.
CSS_NOTICE = (
    "/* JupyterLab styles: Copyright (c) Jupyter Development Team, distributed under the terms "
    "of the Modified BSD License; comments and white space removed by claimscope. */"
)


def minify_styles(markup: str) -> str:
    r"""Shrink every ``<style>`` block of ``markup``: comments and white space go, rules stay.

    Only space that CSS ignores is removed (around braces, semicolons and commas; runs of
    white space become one space), so selectors such as ``a :hover`` keep their meaning.

    >>> minify_styles("<style>/* c */\n a ,  b  {\n  color : red ;\n}\n</style>").split("*/")[1]
    'a,b{color : red}</style>'
    """

    def shrink(match: re.Match) -> str:
        css = _CSS_COMMENT.sub("", match.group(2))
        css = _CSS_PUNCTUATION.sub(r"\1", _CSS_SPACE.sub(" ", css)).replace(";}", "}")
        return f"{match.group(1)}{CSS_NOTICE}{css.strip()}{match.group(3)}"

    return _STYLE.sub(shrink, markup)


def plotly_bundle() -> Path:
    """The vendored partial plotly.js (cartesian traces) at the version plotly.py targets.

    Raises:
        FileNotFoundError: no bundle for that version; ``make plotly-bundle`` vendors it.
    """
    from plotly.offline import get_plotlyjs_version

    version = get_plotlyjs_version()
    path = ASSETS_DIR / f"plotly-cartesian-{version}.min.js"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: plotly.py targets plotly.js {version}; run `make plotly-bundle`"
        )
    return path


@functools.cache
def plotly_js() -> str:
    """The partial plotly.js bundle's text: what a page runs, and what its policy hashes."""
    return plotly_bundle().read_text(encoding="utf-8")


@functools.cache
def plotly_packed() -> str:
    """The bundle gzip-compressed and base64-encoded, as a page embeds it (0.66 MB, not 1.5).

    The page unpacks it in the browser (``DecompressionStream``) before a chart first draws.
    The bytes are the same on every build (no time stamp in the gzip header).

    >>> import base64, gzip
    >>> gzip.decompress(base64.b64decode(plotly_packed())).decode() == plotly_js()
    True
    """
    packed = gzip.compress(plotly_bundle().read_bytes(), compresslevel=9, mtime=0)
    return base64.b64encode(packed).decode("ascii")


#: The plotly.js licence, shipped beside the bundle wherever the bundle goes.
PLOTLY_LICENSE = "plotly-LICENSE.txt"


def site_plotly_src() -> str:
    """Where a site build's pages load plotly.js from, relative to the page."""
    from claimscope.build.outputs import ASSETS_DIR_NAME

    return f"{ASSETS_DIR_NAME}/{plotly_bundle().name}"


def write_site_assets(output_dir: Path) -> None:
    """Write plotly.js and its licence once into ``output_dir/assets/`` for a site build.

    Files already there with the same bytes are left alone; others are replaced atomically.
    """
    from claimscope.build.outputs import ASSETS_DIR_NAME
    from claimscope.data.files import write_files_atomic

    folder = output_dir / ASSETS_DIR_NAME
    wanted = {
        folder / plotly_bundle().name: plotly_bundle().read_bytes(),
        folder / PLOTLY_LICENSE: (ASSETS_DIR / PLOTLY_LICENSE).read_bytes(),
    }
    changed = {
        path: data
        for path, data in wanted.items()
        if not path.is_file() or path.read_bytes() != data
    }
    if changed:
        write_files_atomic(changed)


#: The tag of the notebook cell whose first output is a report's first key finding.
KEY_FINDINGS_TAG = "key-findings"
#: Longest first finding the index shows.
FINDING_CHARACTERS = 400


def _notebook(executed):
    """``executed`` itself when it is a notebook already, else the notebook read from that path."""
    import nbformat

    if isinstance(executed, nbformat.NotebookNode):
        return executed
    return nbformat.read(executed, as_version=4)


def first_finding(executed) -> str:
    """A report's first key finding, as plain text, for the index ("" when it has none).

    It is the first paragraph of the first output of the first cell tagged ``key-findings``.
    ``executed`` is the executed notebook or its path.
    """
    try:
        nb = _notebook(executed)
    except (OSError, ValueError):
        return ""
    for cell in nb.cells:
        if KEY_FINDINGS_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "")
            first = text.strip().split("\n\n")[0].strip() if isinstance(text, str) else ""
            if first:
                return first if len(first) <= FINDING_CHARACTERS else first[:399] + "…"
    return ""


def describe_period(dataset: Dataset, as_of: object) -> str:
    """The days a report's data spans: its first claim's day to its date, "" when none."""
    from claimscope.analysis.timeline import known_as_of
    from claimscope.analysis.troops import resolve_claim_dates
    from claimscope.present.formatting import format_day

    try:
        known = known_as_of(dataset, as_of)
    except ValueError:
        return ""
    days = resolve_claim_dates(known.claims, known.documents).dropna()
    if days.empty or known.as_of is None:
        return ""
    return f"{format_day(days.min())} to {format_day(known.as_of)}"


def navigation_for(spec: ReportSpec, specs: list[ReportSpec]) -> tuple[tuple[str, str], ...]:
    """The links a report's header shows: the index, then every other hand-written report.

    A sweep's reports are reached from the index (there may be hundreds); a swept page links
    to the index and the hand-written reports.
    """
    others = tuple(
        (s.title, f"{s.name}.html") for s in specs if not s.sweep and s.name != spec.name
    )
    from claimscope.build.outputs import INDEX_NAME

    return (("All reports", INDEX_NAME), *others)


def convert_to_html(
    executed,
    spec: ReportSpec,
    parameters: dict,
    provenance: list[tuple[str, str]],
    *,
    as_of: str = "",
    plotly_src: str = "",
    navigation: tuple = (),
) -> str:
    """Convert an executed notebook (or its path) to an offline HTML page with the code hidden.

    The one conversion path: :class:`~claimscope.build.exporter.ClaimscopeExporter`, the same
    class ``jupyter nbconvert --to claimscope`` uses, given the report's title and provenance.
    The header shows the report's title as the page's only ``<h1>`` and, when given, the date
    the data is shown ``as_of`` ("as of 22 October 2024"). With ``plotly_src`` the page loads
    plotly.js from there (a site build) instead of embedding it.
    """
    from claimscope.build.exporter import page_resources

    nb = _notebook(executed)
    page = page_resources(
        spec.title, spec.description, parameters, provenance, as_of, plotly_src, navigation
    )
    with _exporter_lock:  # one at a time: converting holds the interpreter's lock anyway
        body, _ = _exporter().from_notebook_node(nb, resources={"claimscope": page})
    return body


_exporter_lock = threading.Lock()
_exporters: list = []


def _exporter():
    """The process's one report exporter: its templates are compiled once, on first use."""
    if not _exporters:
        from claimscope.build.exporter import ClaimscopeExporter

        _exporters.append(ClaimscopeExporter())
    return _exporters[0]


def warm_converter() -> None:
    """Import nbconvert and compile the page template now (a build does it while kernels run)."""
    import nbformat

    from claimscope.build.exporter import page_resources

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Warm")])
    page = page_resources("Warm", "", {}, [], plotly_src="assets/plotly.js")
    with _exporter_lock:
        _exporter().from_notebook_node(nb, resources={"claimscope": page})


def render_index(specs: list[ReportSpec], manifest: Manifest, claims_export: str) -> str:
    """Render ``index.html``: every report with its status and links; opens offline.

    A report's links are its page, its notebook and, when its last good build printed one,
    its PDF.

    Hand-written reports share one table; each sweep gets a table of its own, one row per
    report and one column per swept parameter.
    """
    from jinja2 import Environment, FileSystemLoader

    rows = []
    for spec in specs:
        entry = manifest.entry(spec.name)
        status = entry.get("status", "never built")
        rows.append(
            {
                "name": spec.name,
                "title": spec.title,
                "description": spec.description,
                "status": status,
                "label": _STATUS_LABELS.get(status, status),
                "has_page": bool(entry.get("html")),
                "pdf": entry.get("pdf", "") if entry.get("html") else "",
                "parameters": json.dumps(
                    entry.get("parameters", spec.parameters), ensure_ascii=False
                ),
                "error": entry.get("error", ""),
                "finding": entry.get("finding", ""),
                "period": entry.get("period", ""),
                "built_at": entry.get("built_at", ""),
                "seconds": f"{entry.get('seconds', 0):.1f}",
            }
        )
    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, keep_trailing_newline=True
    )
    single, sweeps = sweep_groups(rows, specs)
    return environment.get_template(INDEX_TEMPLATE).render(
        rows=single,
        sweeps=sweeps,
        version=manifest.dataset.get("version", ""),
        counts=describe_counts(manifest.dataset.get("counts", {})),
        claims_export=claims_export,
        favicon=FAVICON,
    )
