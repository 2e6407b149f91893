"""The vendored partial plotly.js: the version plotly.py targets, and every trace type we draw."""

from __future__ import annotations

import json
import re

from plotly.offline import get_plotlyjs_version

from claimscope.build.html import ASSETS_DIR, plotly_bundle
from claimscope.data.paths import PROJECT_ROOT


def test_bundle_is_at_the_version_plotly_py_targets():
    bundle = plotly_bundle()
    head = bundle.read_text(encoding="utf-8")[:300]
    version = re.search(r"plotly\.js \(cartesian - minified\) v([\d.]+)", head)
    assert version, f"{bundle.name} does not start with the cartesian bundle's banner"
    assert version.group(1) == get_plotlyjs_version()
    assert bundle.name == f"plotly-cartesian-{get_plotlyjs_version()}.min.js"


def test_only_one_bundle_and_its_licence_are_vendored():
    assert [p.name for p in ASSETS_DIR.glob("plotly-*.min.js")] == [plotly_bundle().name]
    assert "MIT License" in (ASSETS_DIR / "plotly-LICENSE.txt").read_text(encoding="utf-8")


def _trace_types_in_notebooks() -> set[str]:
    types = set()
    for notebook in (PROJECT_ROOT / "notebooks").glob("*.ipynb"):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                spec = output.get("data", {}).get("application/vnd.plotly.v1+json")
                if spec:
                    types |= {trace.get("type", "scatter") for trace in spec["data"]}
    return types


def test_every_trace_type_the_reports_draw_is_in_the_bundle():
    used = _trace_types_in_notebooks()
    assert used, "the committed notebooks show no chart"
    text = plotly_bundle().read_text(encoding="utf-8")
    registered = set(re.findall(r'moduleType:\s*"trace",\s*name:\s*"(\w+)"', text))
    assert registered, "no trace module found in the bundle: the pattern needs updating"
    assert used <= registered, f"not in the bundle: {sorted(used - registered)}"
