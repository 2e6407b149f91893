"""The package's layers, read from its imports with ast: arrows point down and close no cycle.

The rule: ``data`` (0) → ``analysis`` (1) → ``present`` (2) → ``build`` and ``curate`` (3, which
never import each other) → ``cli`` and the package's ``__init__`` (4). A module may import from
its own layer or any lower one; every import counts, at module level, inside a function or under
``TYPE_CHECKING``. No two units (a sub-package, or a module at the package's root) import each
other, directly or round a longer loop; inside a unit, no cycle of imports that run at import time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from claimscope.data.paths import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "src" / "claimscope"
LAYERS = {"data": 0, "analysis": 1, "present": 2, "build": 3, "curate": 3, "cli": 4, "": 4}
ROOT_FILES = {"__init__.py", "cli.py", "__main__.py"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _unit(module: str) -> str:
    """The sub-package (or root module) a module belongs to: ``claimscope.data.x`` → ``data``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def read_imports(module: str, path: Path, known: set[str]) -> list[tuple[str, int, bool]]:
    """Return ``(imported module, line, runs at import time)`` for each claimscope import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, eager: bool) -> None:
        for child in ast.iter_child_nodes(node):
            child_eager = eager
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                child_eager = False
            if isinstance(child, ast.If) and _is_type_checking(child):
                child_eager = False
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    source = ".".join(base + ([child.module] if child.module else []))
                else:
                    source = child.module or ""
                names = [f"{source}.{alias.name}" for alias in child.names]
                targets = [n for n in names if n in known] or [source]
            else:
                targets = []
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    found.append((target, child.lineno, child_eager))
            visit(child, child_eager)

    visit(tree, True)
    return found


def _graph() -> dict[str, list[tuple[str, int, bool]]]:
    modules = _modules()
    return {m: read_imports(m, p, set(modules)) for m, p in modules.items()}


def _upward(graph) -> list[str]:
    bad = []
    for module, imports in graph.items():
        rank = LAYERS[_unit(module)]
        for target, line, _ in imports:
            unit, target_unit = _unit(module), _unit(target)
            if target == "claimscope" and unit:
                bad.append(f"{module}:{line} imports the package root, the top layer")
            elif LAYERS[target_unit] > rank or (
                LAYERS[target_unit] == rank and unit != target_unit and unit and target_unit
            ):
                bad.append(f"{module}:{line} imports {target} ({target_unit} is not below {unit})")
    return bad


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle of a directed graph as a list of nodes (first repeated last), or None.

    >>> find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}})
    ['a', 'b', 'c', 'a']
    >>> find_cycle({"a": {"b"}, "b": set()}) is None
    True
    """
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (cycle := walk(node)):
            return cycle
    return None


def test_package_root_holds_only_the_entry_points():
    stray = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in ROOT_FILES)
    assert not stray, f"modules at the package root belong in a layer: {stray}"
    units = {_unit(m) for m in _modules()} - {"", "cli"}
    assert units <= set(LAYERS), f"sub-packages without a layer: {units - set(LAYERS)}"


def test_no_import_goes_up_a_layer():
    assert _upward(_graph()) == []


def test_no_two_units_import_each_other():
    edges: dict[str, set[str]] = {}
    for module, imports in _graph().items():
        for target, _, _ in imports:
            if _unit(target) != _unit(module) and target != "claimscope":
                edges.setdefault(_unit(module) or module, set()).add(_unit(target) or target)
    assert find_cycle(edges) is None


def test_no_cycle_of_import_time_imports():
    edges: dict[str, set[str]] = {}
    for module, imports in _graph().items():
        edges[module] = {t for t, _, eager in imports if eager and t != "claimscope"}
    assert find_cycle(edges) is None


def test_every_module_says_its_one_job_and_stays_short():
    for module, path in _modules().items():
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text))
        assert doc and doc.strip(), f"{module} has no docstring"
        assert len(text.splitlines()) <= 500, f"{module} has over 500 lines"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from claimscope.analysis import troops\n", "claimscope.analysis"),
        ("def f():\n    from claimscope.build import kernel\n", "claimscope.build"),
        ("if TYPE_CHECKING:\n    from ..present import prose\n", "claimscope.present"),
    ],
)
def test_the_layer_check_sees_every_kind_of_upward_import(tmp_path, source, expected):
    """The check itself: an upward import at module level, in a function or for typing fails."""
    path = tmp_path / "x.py"
    path.write_text(source)
    module = "claimscope.data.x"
    known = {module, "claimscope.analysis", "claimscope.build", "claimscope.present"}
    graph = {module: read_imports(module, path, known)}
    assert [t for t, _, _ in graph[module]] == [expected]
    assert _upward(graph), "an upward import went unreported"
