"""The warm parent of report kernels: imports and dataset loaded once, one fork per kernel.

Run by :mod:`claimscope.build.pool` as ``python -m claimscope.build.forkserver FD DATA_DIR
NOTEBOOK...`` with the same interpreter and flags as the ``claimscope`` kernel. It imports what
a kernel and the notebooks import (the notebooks' own import statements, read with ``ast``),
loads and validates the dataset of ``DATA_DIR`` (:func:`claimscope.data.dataset.preload`), then
answers, over the socket ``FD``, one JSON line per request: ``{"argv", "cwd", "env"}`` forks a
child that becomes an ipykernel on that connection file (exactly what ``python -m
ipykernel_launcher`` would run) and replies ``{"pid": N}``. Each child runs one report and
exits; the parent never runs report code, so nothing a report does reaches the next one.
The parent exits when the build closes the socket; a kernel whose parent is gone exits too.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import importlib
import json
import os
import signal
import socket
import sys
import traceback
from pathlib import Path

#: Modules every kernel imports while starting or running a report, before any report code:
#: ipykernel's debugger (a trait of the kernel resolves it at start), the shell's history
#: and inspector, and the parts of plotly that ``plotly.graph_objects`` loads only on first use.
KERNEL_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.history",
    "IPython.core.oinspect",
    "IPython.core.completerlib",
    "IPython.extensions.storemagic",
    "IPython.display",
    "claimscope",
    "pandas",
    "plotly.graph_objects",
    "plotly.subplots",
    "plotly.io",
    "networkx",
)


def notebook_modules(notebook: Path) -> list[str]:
    r"""The modules a notebook's code cells may import at their top level, in order.

    ``from a.b import c`` may import the submodule ``a.b.c`` (when ``c`` is one), so both
    ``a.b`` and ``a.b.c`` are listed; :func:`warm_up` skips a name that is not a module.

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "n.ipynb"
    >>> cells = [{"cell_type": "code", "source": "import pandas as pd\nfrom a.b import c"}]
    >>> _ = p.write_text(json.dumps({"cells": cells}))
    >>> notebook_modules(p)
    ['pandas', 'a.b', 'a.b.c']
    """
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    found: list[str] = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                found += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append(node.module)
                names = [alias.name for alias in node.names if alias.name != "*"]
                found += [f"{node.module}.{name}" for name in names]
    return list(dict.fromkeys(found))


def warm_up(notebooks: list[Path], data_dir: Path) -> dict:
    """Import what the kernels will import and load the dataset; say what worked."""
    sys.modules.setdefault("rfc3987_syntax", None)  # as the build does: nbformat never needs it
    imported, failed = [], []
    names = list(KERNEL_MODULES) + [m for nb in notebooks for m in notebook_modules(nb)]
    for name in dict.fromkeys(names):
        try:
            importlib.import_module(name)
            imported.append(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # `from a import f` with f a function is no failure
                failed.append(name)
        except Exception:  # noqa: BLE001 - the kernel will meet and report the same error
            failed.append(name)
    _warm_plotly()
    dataset = ""
    try:
        from claimscope.data.dataset import preload

        dataset = preload(data_dir).version
    except Exception as exc:  # noqa: BLE001 - the report's own check cell names the problem
        dataset = f"not loaded: {type(exc).__name__}"
    gc.collect()
    gc.freeze()  # keep the warm objects out of the children's collections: fewer copied pages
    return {"ready": True, "imported": len(imported), "failed": failed, "dataset": dataset}


def _warm_plotly() -> None:
    """Fill plotly's validator cache with the traces and layout parts charts commonly use.

    plotly makes a validator per property on first use and caches it for the process; made
    here, every kernel forked later starts with them. Only plotly's own objects are made: no
    report code runs in the parent.
    """
    try:
        import plotly.io as pio
        from plotly.subplots import make_subplots

        figure = make_subplots(rows=1, cols=2)
        scatter = {"x": [1], "y": [1], "mode": "markers+lines", "name": "a", "text": ["a"]}
        scatter |= {"hovertemplate": "%{x}", "marker": {"color": "red", "size": 4, "symbol": 0}}
        scatter |= {"line": {"color": "red", "width": 1, "dash": "dot"}, "customdata": [[1]]}
        figure.add_scatter(**scatter, legendgroup="a", showlegend=True, row=1, col=1)
        figure.add_bar(x=[1], y=["a"], orientation="h", marker={"color": "red"}, row=1, col=2)
        figure.add_heatmap(z=[[1]], x=["a"], y=["a"], colorscale=[[0, "red"], [1, "blue"]])
        axis = {"title": {"text": "a"}, "type": "linear", "range": [0, 1], "tickformat": ","}
        figure.update_layout(
            title={"text": "a", "x": 0, "subtitle": {"text": "a"}},
            xaxis=axis,
            yaxis=axis | {"type": "category", "automargin": True},
            legend={"title": {"text": "a"}, "orientation": "h", "traceorder": "grouped"},
            margin={"l": 1, "r": 1, "t": 1, "b": 1},
            font={"family": "sans-serif", "size": 12, "color": "black"},
            hoverlabel={"align": "left"},
            meta={"a": 1},
            height=100,
        )
        figure.add_annotation(text="a", x=0, y=0, showarrow=False, xref="paper", yref="paper")
        figure.add_shape(type="line", x0=0, x1=1, y0=0, y1=1, line={"color": "red"})
        pio.to_json(figure)
    except Exception:  # noqa: BLE001 - only a head start; the kernel makes what is missing
        pass


def become_kernel(channel: socket.socket, request: dict) -> None:
    """In a forked child: become the ipykernel ``python -m ipykernel_launcher ARGV`` would be."""
    code = 1
    try:
        channel.close()
        os.setsid()  # its own process group, as jupyter_client starts kernels
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # The kernel stops when its parent goes: here, this warm parent (which ends with the build).
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        import ipykernel_launcher
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = [ipykernel_launcher.__file__, *request["argv"]]
        # Its default was read from the environment when imported, before this fork.
        app = IPKernelApp.instance(parent_handle=os.getppid())
        # A report's kernel keeps no input history: writing it to IPython's SQLite file is
        # work no report reads, and parallel kernels would contend for the file.
        app.initialize([*request["argv"], "--HistoryManager.enabled=False"])
        _choose_plotly_renderer()
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - a kernel that cannot start says why on stderr
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _choose_plotly_renderer() -> None:
    """Give plotly the default renderer it picks when first imported inside a kernel.

    plotly chooses it once, at import, from the IPython shell it finds; here it was imported
    before any shell existed.
    """
    renderers = sys.modules.get("plotly.io._renderers")
    if renderers is None or os.environ.get("PLOTLY_RENDERER"):
        return
    hosts = {
        "COLAB_NOTEBOOK_ID": "colab",
        "AZURE_NOTEBOOKS_HOST": "azure",
        "VSCODE_PID": "vscode",
        "NTERACT_EXE": "nteract",
        "COCALC_PROJECT_ID": "cocalc",
        "DATABRICKS_RUNTIME_VERSION": "databricks",
    }
    chosen = "kaggle" if os.path.exists("/kaggle/input") else None
    chosen = chosen or next((r for var, r in hosts.items() if var in os.environ), None)
    renderers.renderers.default = chosen or "plotly_mimetype"


def serve(channel: socket.socket) -> None:
    """Fork one kernel per request until the build closes the socket."""
    reader = channel.makefile("rb")
    for line in reader:
        try:
            request = json.loads(line)
        except ValueError:
            break
        pid = os.fork()
        if pid == 0:
            reader.close()
            become_kernel(channel, request)
        channel.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def main(argv: list[str]) -> int:
    """Warm up, say so, and serve forks; see the module docstring."""
    # As ipykernel_launcher does: the starting folder is not on the kernel's import path.
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    channel = socket.socket(fileno=int(argv[0]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides when this stops
    ready = warm_up([Path(p) for p in argv[2:]], Path(argv[1]))
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    try:
        channel.sendall(json.dumps(ready).encode() + b"\n")
        serve(channel)
    except OSError:
        pass  # the build went away
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
