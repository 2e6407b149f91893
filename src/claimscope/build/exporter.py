"""The nbconvert exporter that writes a report page: ``jupyter nbconvert --to claimscope``.

``claimscope build`` converts every report with :class:`ClaimscopeExporter`, and nbconvert finds
the same class through its ``nbconvert.exporters`` entry point, so a notebook run by hand with
papermill converts to the same page the build writes: plotly.js embedded once, nothing fetched
from a network (a Content-Security-Policy runs only our own scripts, :mod:`~claimscope.build.csp`),
code hidden, the title as the page's only ``<h1>``, and a provenance footer.
Run by hand, the header and footer come from the notebook itself: the parameters papermill
recorded, the title it ran with, and the dataset its ``data_dir`` names.
"""

from __future__ import annotations

import copy
import json
import re
from importlib import metadata
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import Bool, default

from claimscope.build import html
from claimscope.build.csp import add_content_security_policy
from claimscope.build.css import prune_styles
from claimscope.build.kernel import INJECTED_TAG

REMOVED_TAGS = {INJECTED_TAG, "parameters", html.TITLE_TAG}
TITLE_PARAMETER = "title"
DATA_DIR_PARAMETER = "data_dir"


def page_resources(
    title: str,
    description: str,
    parameters: dict,
    provenance: list[tuple[str, str]],
    as_of: str = "",
    plotly_src: str = "",
    navigation: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    """What the page template shows besides the notebook: header, parameters, footer.

    ``plotly_src`` is a URL, relative to the page, of a shared plotly.js (a site build's
    ``assets/``); without it the page embeds plotly.js and stands alone. ``navigation`` lists
    the other reports as ``(title, file)``, linked from the page's header with the index.
    """
    return {
        "navigation": list(navigation),
        "title": title,
        "description": description,
        "as_of": as_of,
        "parameters": [(k, json.dumps(v, ensure_ascii=False)) for k, v in parameters.items()],
        "provenance": provenance,
        "version": metadata.version("claimscope"),
        "plotly_js": "" if plotly_src else html.plotly_js(),
        "plotly_packed": "" if plotly_src else html.plotly_packed(),
        "plotly_src": plotly_src,
        "favicon": html.FAVICON,
    }


_SECTION = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.S)


def add_contents(page: str) -> str:
    """Insert, after the page's header, a table of contents linking each section (``<h2>``).

    >>> page = '<header>T</header><h2 id="A-b">A b<a class="anchor-link" href="#A-b">¶</a></h2>'
    >>> add_contents(page).split("</header>")[1][:87]
    '<nav class="cs-toc" aria-label="Contents"><b>Contents</b><ol><li><a href="#A-b">A b</a>'
    """
    sections = _SECTION.findall(page)
    end = page.find("</header>")
    if not sections or end < 0:
        return page
    items = "".join(f'<li><a href="#{anchor}">{title}</a></li>' for anchor, title in sections)
    nav = f'<nav class="cs-toc" aria-label="Contents"><b>Contents</b><ol>{items}</ol></nav>'
    at = end + len("</header>")
    return page[:at] + nav + page[at:]


#: What nbconvert writes as the ``alt`` of an image that has none.
NO_ALT = "No description has been provided for this image"
#: Classes of the elements nbconvert makes keyboard-focusable (a cell's input and its outputs).
FOCUSABLE = frozenset({"jp-Cell-inputWrapper", "jp-OutputArea-output"})
_RAW_TEXT = re.compile(r"<(script|style|textarea|title)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_START_TAG = re.compile(r"""<(img|div)\b((?:[^>"']|"[^"]*"|'[^']*')*+)>""", re.I)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def _attributes(text: str) -> dict[str, str]:
    """The attributes of a start tag's text after its name, by lower-cased name."""
    found = {}
    for name, value in _ATTRIBUTE.findall(text):
        found.setdefault(name.lower(), value[1:-1] if value[:1] in "\"'" and value else value)
    return found


def mark_accessible(page: str) -> tuple[str, int]:
    """Give ``page`` what nbconvert's HTML exporter adds after rendering; count images fixed.

    An ``<img>`` without ``alt`` gets nbconvert's :data:`NO_ALT`, and a ``<div>`` with a class
    of :data:`FOCUSABLE` gets ``tabindex="0"``. nbconvert does this by parsing and re-writing
    the whole page with BeautifulSoup, a fifth of a report's conversion; this edits only those
    start tags, outside scripts, styles and comments, and leaves every other byte as rendered.

    >>> page, missing = mark_accessible('<div class="jp-OutputArea-output"><img src="x"></div>')
    >>> page.replace(NO_ALT, "…"), missing
    ('<div class="jp-OutputArea-output" tabindex="0"><img src="x" alt="…"></div>', 1)
    >>> mark_accessible('<script>"<img src=x>"</script><img alt="" src="y">')
    ('<script>"<img src=x>"</script><img alt="" src="y">', 0)
    """
    missing = 0

    def mark(tag: re.Match) -> str:
        nonlocal missing
        name, text = tag.group(1), tag.group(2)
        attributes = _attributes(text)
        closing = "/" if text.rstrip().endswith("/") else ""
        text = text.rstrip()[:-1] if closing else text
        if name.lower() == "img" and "alt" not in attributes:
            missing += 1
            return f'<{name}{text} alt="{NO_ALT}"{closing}>'
        if name.lower() == "div" and FOCUSABLE & set(attributes.get("class", "").split()):
            if attributes.get("tabindex") != "0":
                kept = [m.group(0) for m in _ATTRIBUTE.finditer(text)]
                kept = [a for a in kept if a.split("=")[0].strip().lower() != "tabindex"]
                return f'<{name} {" ".join(kept)} tabindex="0"{closing}>'
        return tag.group(0)

    out, at = [], 0
    for raw in _RAW_TEXT.finditer(page):
        out += [_START_TAG.sub(mark, page[at : raw.start()]), raw.group(0)]
        at = raw.end()
    out.append(_START_TAG.sub(mark, page[at:]))
    return "".join(out), missing


def _mapping(value: object) -> dict:
    """``value`` when it is a mapping, else empty: metadata of another shape counts as absent.

    >>> _mapping({"a": 1}), _mapping(["a"]), _mapping(None)
    ({'a': 1}, {}, {})
    """
    return dict(value) if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _title_of(nb, parameters: dict, fallback: str) -> str:
    if _text(parameters.get(TITLE_PARAMETER)):
        return parameters[TITLE_PARAMETER]
    for cell in nb.cells:
        tags = _mapping(cell.get("metadata")).get("tags")
        if isinstance(tags, list) and html.TITLE_TAG in tags:
            return _text(cell.get("source")).strip().lstrip("#").strip()
    return _text(nb.metadata.get("title")) or fallback


def _dataset_provenance(data_dir: Path, as_of: object) -> tuple[str, dict[str, int], str]:
    """The version, row counts and "as of" date of the dataset in ``data_dir``, or the fault."""
    from claimscope.data.dataset import DatasetError, load_dataset

    try:
        dataset = load_dataset(data_dir)
    except DatasetError as error:
        return f"unknown: {error.problems[0]}", {}, ""
    return dataset.version, dataset.counts(), html.describe_as_of(dataset, as_of)


def describe_notebook(nb, resources: dict | None = None) -> dict[str, Any]:
    """Page resources for a notebook converted by hand, from what papermill recorded in it.

    The parameters are those papermill was given; the dataset is the one its ``data_dir``
    parameter names, read from the notebook's folder (the project's ``data/`` by default).
    Metadata of another shape than papermill's (a list, a number) is read as absent.
    """
    from claimscope.data.paths import DATA_DIR

    run = _mapping(nb.metadata.get("papermill"))
    parameters = {str(k): v for k, v in _mapping(run.get("parameters")).items()}
    name = _text(_mapping(_mapping(resources).get("metadata")).get("name")) or "report"
    title = _title_of(nb, parameters, name)
    parameters.pop(TITLE_PARAMETER, None)  # shown as the page heading
    data_dir = DATA_DIR
    if _text(parameters.get(DATA_DIR_PARAMETER)):
        base = Path(_text(run.get("input_path")) or ".").parent
        try:
            data_dir = (base / parameters[DATA_DIR_PARAMETER]).resolve()
        except (OSError, ValueError):  # a NUL byte, a link loop: the footer says so
            data_dir = base / "\ufffd"
    version, counts, as_of = _dataset_provenance(data_dir, parameters.get("as_of"))
    provenance = html.describe_provenance(version, counts, html.git_commit(), parameters)
    return page_resources(title, "", parameters, provenance, as_of)


class ClaimscopeExporter(HTMLExporter):
    """A report page: the claimscope template, code and prompts hidden, plotly.js inline.

    Given ``resources["claimscope"]`` (the build passes the report's title, description,
    parameters and provenance) it shows those; without, it reads them from the notebook.
    """

    export_from_notebook = "claimscope report"

    prune_css = Bool(
        True,
        help="Drop the rules of JupyterLab's stylesheet that nothing on the page can match "
        "(claimscope.build.css); the page looks the same, about 190 KB lighter.",
    ).tag(config=True)

    @default("template_name")
    def _template_name_default(self) -> str:
        return "claimscope"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(html.TEMPLATES_DIR)]

    @default("filters")
    def _filters_default(self) -> dict:
        return {"minify_styles": html.minify_styles}

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        remover = TagRemovePreprocessor(remove_cell_tags=REMOVED_TAGS, enabled=True)
        self.register_preprocessor(remover, enabled=True)

    def from_notebook_node(self, nb, resources: dict | None = None, **kw: Any):
        """Convert ``nb`` to the report page; see the class docstring for the header's source."""
        resources = dict(resources or {})
        if "claimscope" not in resources:
            resources["claimscope"] = describe_notebook(nb, resources)
        nb = copy.deepcopy(nb)
        nb.metadata["title"] = resources["claimscope"]["title"]
        body, out = self._render(nb, resources, **kw)
        page = resources["claimscope"]
        body = add_contents(body)
        if self.prune_css:
            body = prune_styles(body, html.CSS_NOTICE)
        secured = add_content_security_policy(
            body, page.get("plotly_js", ""), site=bool(page.get("plotly_src"))
        )
        return secured, out

    def _render(self, nb, resources: dict, **kw: Any) -> tuple[str, dict]:
        """Render the page as :class:`HTMLExporter` does, with :func:`mark_accessible` last."""
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        if "highlight_code" not in self.filters:
            highlight = Highlight2HTML(pygments_lexer=lexer, parent=self)
            self.register_filter("highlight_code", highlight)
        resources = self._init_resources(resources)
        widgets = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("filter_data_type", widgets)
        body, out = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        body, missing = mark_accessible(body)
        if missing:
            self.log.warning("Alternative text is missing on %s image(s).", missing)
        return body, out
