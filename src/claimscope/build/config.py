"""Report specs: read and check ``reports.yaml`` and each report's notebook parameters."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from claimscope.build.kernel import import_papermill
from claimscope.build.outputs import clashing_output
from claimscope.build.strict_yaml import YAMLInputError, load_yaml
from claimscope.data.parameters import (
    ParameterError,
    coerce_parameters,
    describe_unknown_parameter,
)
from claimscope.data.paths import REPORTS_CONFIG

_CONFIG_KEYS = {"name", "notebook", "title", "description", "parameters", "matrix", "formats"}
# The files a report can be written as; the page is always written, the PDF is printed from it.
FORMATS = ("html", "pdf")
DEFAULT_FORMATS = ("html",)
_TYPES = {"str", "int", "float", "bool", "list", "dict"}
# The notebook parameter that receives the report's title from reports.yaml when not set.
TITLE_PARAMETER = "title"
DATA_DIR_PARAMETER = "data_dir"
# A report's name is a file name: with the build's longest addition (".NAME.printing.html" and
# a temporary's random part) it stays under the 255 bytes file systems allow.
MAX_NAME_BYTES = 200
# A page heading and its introduction, hand-written or expanded from a sweep's template.
MAX_TEXT_CHARS = {"title": 300, "description": 5000}


class BuildInputError(Exception):
    """Bad configuration or parameters: nothing was built or written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ReportSpec:
    """One entry of ``reports.yaml``."""

    name: str
    notebook: Path
    title: str
    description: str = ""
    parameters: dict = field(default_factory=dict)
    formats: tuple[str, ...] = DEFAULT_FORMATS
    # Sweeps (see claimscope.build.sweeps): a sweep's `matrix` until expanded; an expanded
    # report's sweep name, the labels of its swept values, and the sweep's title template.
    matrix: dict | None = None
    sweep: str = ""
    swept: dict = field(default_factory=dict)
    title_template: str = ""


def check_name(name: str, label: str) -> list[str]:
    """A report name becomes a file name: letters, digits, '-' and '_', none of the build's own.

    >>> check_name("actor-relations_2", "r"), check_name("a/b", "r")
    ([], ["r: name may hold only letters, digits, '-' and '_'"])
    >>> check_name("x" * 201, "r")  # doctest: +ELLIPSIS
    ['r: name is 201 bytes long; at most 200 ...']
    """
    problems = []
    if not name:
        return [f"{label}: the name is empty (a report's files would be hidden '.html' files)"]
    if len(name.encode()) > MAX_NAME_BYTES:
        problems.append(
            f"{label}: name is {len(name.encode())} bytes long; at most {MAX_NAME_BYTES} "
            "(file names hold 255 bytes, and the build adds suffixes)"
        )
    if not name.replace("-", "").replace("_", "").isalnum() or not name.isascii():
        problems.append(f"{label}: name may hold only letters, digits, '-' and '_'")
    if name and clashing_output(name):
        problems.append(
            f"{label}: name clashes with the build's own {clashing_output(name)}; "
            "choose another name"
        )
    return problems


def check_text(value: str, what: str, label: str) -> list[str]:
    """A title or description shown on pages: not empty (a title), within its length.

    >>> check_text("T" * 301, "title", "r")
    ['r: the title is 301 characters long; at most 300']
    """
    problems = []
    if what == "title" and not value.strip():
        problems.append(f"{label}: the title is empty")
    if len(value) > MAX_TEXT_CHARS[what]:
        problems.append(
            f"{label}: the {what} is {len(value):,} characters long; at most "
            f"{MAX_TEXT_CHARS[what]:,}"
        )
    return problems


def check_formats(value: object, label: str) -> tuple[tuple[str, ...], list[str]]:
    """Check a report's ``formats:``; return them in canonical order, and the problems found.

    >>> check_formats(["pdf", "html"], "r")
    (('html', 'pdf'), [])
    >>> check_formats(["pdf"], "r")[1]
    ['r: `formats` must include html (the PDF is printed from the page)']
    """
    if not isinstance(value, list) or not value:
        return DEFAULT_FORMATS, [
            f"{label}: `formats` must be a list drawn from {', '.join(FORMATS)}, "
            f"such as [html, pdf] (got {value!r})"
        ]
    problems = [
        f"{label}: `formats`: unknown format {v!r} (known: {', '.join(FORMATS)})"
        for v in value
        if v not in FORMATS
    ]
    problems += [
        f"{label}: `formats` lists {v!r} twice"
        for i, v in enumerate(value)
        if v in FORMATS and v in value[:i]
    ]
    if "html" not in value:
        problems.append(f"{label}: `formats` must include html (the PDF is printed from the page)")
    return tuple(f for f in FORMATS if f in value), problems


def read_config(config: Path | str = REPORTS_CONFIG) -> list[ReportSpec]:
    """Read and check ``reports.yaml``; notebook paths are relative to its folder."""
    config = Path(config)
    where = config.name
    raw = _load_config(config)
    entries = raw.get("reports") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise BuildInputError([f"{where}: needs a non-empty list under `reports:`"])
    problems, specs, seen = [], [], set()
    for i, entry in enumerate(entries, start=1):
        label = f"{where}: report {i}"
        if not isinstance(entry, dict):
            problems.append(f"{label}: must be a mapping")
            continue
        name = str(entry.get("name", ""))
        label = f"{where}: report {name!r}" if name else label
        for key in sorted(set(entry) - _CONFIG_KEYS):
            problems.append(f"{label}: unknown key {key!r}")
        for key in ("name", "notebook", "title"):
            if not entry.get(key):
                problems.append(f"{label}: `{key}` is required")
        if "matrix" not in entry:
            for what in ("title", "description"):
                if entry.get(what):
                    problems += check_text(str(entry[what]), what, label)
        if "matrix" not in entry:
            problems += check_name(name, label)
        if name.casefold() in seen:
            problems.append(f"{label}: name used twice (names compare without case)")
        seen.add(name.casefold())
        formats, found = check_formats(entry.get("formats", list(DEFAULT_FORMATS)), label)
        problems += found
        params = entry.get("parameters") or {}
        if not isinstance(params, dict):
            problems.append(f"{label}: `parameters` must be a mapping")
            params = {}
        try:
            notebook = (config.parent / str(entry.get("notebook", ""))).resolve()
        except (ValueError, OSError):  # a NUL byte, a link loop
            notebook = config.parent / "\ufffd"
        if entry.get("notebook") and not notebook.is_file():
            problems.append(f"{label}: notebook not found: {entry['notebook']!r}")
        specs.append(
            ReportSpec(
                name=name,
                notebook=notebook,
                title=str(entry.get("title", "")),
                description=str(entry.get("description", "") or ""),
                parameters=params,
                formats=formats,
                matrix=entry.get("matrix") if "matrix" in entry else None,
            )
        )
    if problems:
        raise BuildInputError(problems)
    return specs


def _load_config(config: Path):
    """Parse reports.yaml; every way it cannot be read is one located problem."""
    where = config.name
    try:
        return load_yaml(config.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BuildInputError([f"{where}: file not found"]) from exc
    except IsADirectoryError as exc:
        raise BuildInputError([f"{config}: is a folder, not a reports file"]) from exc
    except OSError as exc:
        raise BuildInputError([f"{config}: cannot read: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise BuildInputError([f"{where}: not UTF-8 text (byte {exc.start})"]) from exc
    except YAMLInputError as exc:
        raise BuildInputError([f"{where}:{exc.line}: {exc}"]) from exc
    except RecursionError as exc:
        raise BuildInputError([f"{where}: nested too deep to read"]) from exc
    except yaml.YAMLError as exc:
        raise BuildInputError([f"{where}: not valid YAML: {' '.join(str(exc).split())}"]) from exc


def select_reports(
    specs: list[ReportSpec], only: list[str] | None, config: Path
) -> list[ReportSpec]:
    """Keep the reports named in ``only`` (all when empty); an unknown name is an error.

    A sweep's name (its template, e.g. ``actor-relations-{focus_actor}``) selects all its reports.
    """
    names = [s.name for s in specs] + list(dict.fromkeys(s.sweep for s in specs if s.sweep))
    unknown = [n for n in only or [] if n not in names]
    if unknown:
        raise BuildInputError(
            [f"no report named {n!r} in {config.name} (known: {', '.join(names)})" for n in unknown]
        )
    return [s for s in specs if not only or s.name in only or s.sweep in only]


def read_notebook_parameters(notebook: Path) -> dict[str, dict]:
    """Return the names, declared types and defaults of a notebook's ``parameters`` cell.

    Types come from annotations (``depth: int = 1``) or, without one, from the default's literal.
    """
    declared = import_papermill().inspect_notebook(str(notebook))
    out = {}
    for name, info in declared.items():
        type_name = (info.get("inferred_type_name") or "None").split("[", 1)[0].strip()
        if type_name not in _TYPES:
            try:
                type_name = type(ast.literal_eval(info.get("default", ""))).__name__
            except (ValueError, SyntaxError):
                type_name = "any"
        out[name] = {"type": type_name, "default": info.get("default"), "help": info.get("help")}
    return out


def declared_parameters(spec: ReportSpec, cache: dict[str, dict]) -> dict[str, dict]:
    """The parameters a report's notebook declares, read once per notebook content.

    Args:
        spec: The report.
        cache: Notebook sha256 to its declared parameters; read and filled in.

    Raises:
        BuildInputError: naming the report when its file is not a Jupyter notebook. The
            message says what is wrong without quoting the file.
    """
    import hashlib

    try:
        digest = hashlib.sha256(spec.notebook.read_bytes()).hexdigest()
        if digest not in cache:
            with warnings.catch_warnings():  # papermill warns of a name not ending in .ipynb
                warnings.simplefilter("ignore", UserWarning)
                cache[digest] = read_notebook_parameters(spec.notebook)
        return cache[digest]
    except OSError as exc:
        reason = f"cannot read: {exc.strerror}"
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a non-notebook
        json_error = "JSON" in type(exc).__name__ or isinstance(exc, UnicodeDecodeError)
        reason = "not JSON" if json_error else "not in the notebook format"
    raise BuildInputError(
        [f"report {spec.name!r}: {spec.notebook.name} is not a Jupyter notebook ({reason})"]
    )


def check_parameters(spec: ReportSpec, declared: dict[str, dict]) -> list[str]:
    """Check a report's parameters against its notebook: unknown names, uncoercible values.

    Values are coerced as the notebook's own check (:mod:`claimscope.data.parameters`) does.
    """
    problems = []
    if not declared:
        problems.append(
            f"report {spec.name!r}: {spec.notebook.name} has no cell tagged `parameters`"
        )
    if DATA_DIR_PARAMETER in spec.parameters:
        problems.append(
            f"report {spec.name!r}: set the data folder with --data-dir, not as a parameter"
        )
    unknown = [name for name in spec.parameters if name not in declared]
    for name in unknown:
        problem = describe_unknown_parameter(name, list(declared))
        problems.append(f"report {spec.name!r} ({spec.notebook.name}): {problem}")
    given = {n: v for n, v in spec.parameters.items() if n not in unknown}
    try:
        coerce_parameters(given, {n: declared[n]["type"] for n in given})
    except ParameterError as error:
        problems += [f"report {spec.name!r}: {problem}" for problem in error.problems]
    return problems


def resolve_parameters(
    spec: ReportSpec, declared: dict[str, dict], data_dir: Path | None
) -> tuple[dict, dict]:
    """Return the parameters a report shows and the ones its notebook runs with.

    Shown: the configured ones, plus ``data_dir`` when a data folder is given and declared.
    The notebook also gets the report's title in ``title`` when it declares one and the report
    does not set it, so the notebook and the page header say the same; it is not shown again
    beside the title.

    >>> spec = ReportSpec("r", Path("r.ipynb"), "Troops", parameters={"depth": 2})
    >>> resolve_parameters(spec, {"depth": {}, "title": {}}, None)
    ({'depth': 2}, {'depth': 2, 'title': 'Troops'})
    """
    shown = dict(spec.parameters)
    if data_dir is not None and DATA_DIR_PARAMETER in declared:
        shown[DATA_DIR_PARAMETER] = str(Path(data_dir).resolve())
    run = dict(shown)
    if TITLE_PARAMETER in declared and TITLE_PARAMETER not in run:
        run[TITLE_PARAMETER] = spec.title
    return shown, run
