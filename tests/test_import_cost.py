"""The command line loads pandas only when it needs it (the nothing-changed build must not)."""

from __future__ import annotations

import subprocess
import sys

from claimscope.data.paths import PROJECT_ROOT


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    return set(done.stdout.split())


def test_importing_the_cli_and_the_dataset_module_loads_no_pandas() -> None:
    loaded = _loaded_after("import claimscope.cli, claimscope.build, claimscope.data.dataset")
    assert "claimscope.data.dataset" in loaded
    assert "pandas" not in loaded
    assert "numpy" not in loaded


def test_loading_a_dataset_still_loads_pandas_and_returns_frames() -> None:
    loaded = _loaded_after(
        "from claimscope.data.dataset import load_dataset\n"
        "assert type(load_dataset().claims).__name__ == 'DataFrame'"
    )
    assert "pandas" in loaded
