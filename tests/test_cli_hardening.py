"""The command line under bad paths and generated input (#13): exit 0, 1 or 2, never a traceback.

Paths of the wrong kind are one-line errors with exit 2; property-based tests generate
``reports.yaml`` structures and whole command lines and check that ``claimscope validate`` and
``claimscope build`` end with 0, 1 or 2 and change no file outside the output folder.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from helpers import snapshot
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_build import FIXTURES

from claimscope import build, cli
from claimscope.cli import main
from claimscope.data.files import hash_tree
from claimscope.data.paths import DATA_DIR

pytestmark = pytest.mark.integration


def run_main(argv: list[str]) -> int:
    """Run the CLI in this process; argparse's usage errors count as their exit status."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "reports.yaml"
    entry = {"name": "alpha", "notebook": str(FIXTURES / "ok.ipynb"), "title": "Alpha"}
    path.write_text(yaml.safe_dump({"reports": [entry]}))
    return path


# --- 3. paths of the wrong kind ---


def _bad_paths(tmp_path: Path, config: Path) -> dict[str, tuple[list[str], str]]:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder\n")
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("reports:\n  - name: caf\xe9\n".encode("latin-1"))
    build_args = ["build", "--config", str(config)]
    return {
        "validate --data-dir a file": (
            ["validate", "--data-dir", str(a_file)],
            "is a file, not a data folder",
        ),
        "build --data-dir a file": (
            [*build_args, "--data-dir", str(a_file), "--output", str(tmp_path / "o")],
            "is a file, not a data folder",
        ),
        "build --output a file": (
            [*build_args, "--output", str(a_file)],
            "is a file, not a folder",
        ),
        "build --output below a file": (
            [*build_args, "--output", str(a_file / "reports")],
            "cannot be created",
        ),
        "build --config a folder": (
            ["build", "--config", str(tmp_path), "--output", str(tmp_path / "o")],
            "is a folder, not a reports file",
        ),
        "build --config not UTF-8": (
            ["build", "--config", str(latin1), "--output", str(tmp_path / "o")],
            "latin1.yaml: not UTF-8 text (byte 22)",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "validate --data-dir a file",
        "build --data-dir a file",
        "build --output a file",
        "build --output below a file",
        "build --config a folder",
        "build --config not UTF-8",
    ],
)
def test_a_path_of_the_wrong_kind_is_a_one_line_error(tmp_path, config, capsys, case):
    argv, message = _bad_paths(tmp_path, config)[case]
    before = snapshot(tmp_path)
    assert run_main(argv) == 2
    err = capsys.readouterr().err
    problems = err.strip().splitlines()[:-1]  # the last line is the conclusion
    assert len(problems) == 1, err
    assert message in problems[0]
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--timeout", "0", "must be above 0, not 0"),
        ("--timeout", "-100", "must be above 0, not -100"),
        ("--timeout", "ten", "'ten' is not a whole number"),
        ("--jobs", "0", "must be above 0, not 0"),
    ],
)
def test_a_non_positive_number_is_a_usage_error(tmp_path, config, capsys, option, value, message):
    argv = ["build", "--config", str(config), "--output", str(tmp_path / "o"), option, value]
    assert run_main(argv) == 2
    err = capsys.readouterr().err
    assert f"{option}: {message}" in err
    assert not (tmp_path / "o").exists()


# --- property-based: generated reports.yaml structures and command lines ---

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["index", "claims", "ok.ipynb", "README.md", "missing.ipynb", "..", "a b"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
_KEYS = st.sampled_from(["name", "notebook", "title", "description", "parameters", "bars", "x"])
_ENTRY = st.dictionaries(_KEYS, _VALUES, max_size=6)
# Entries close to valid ones, so some builds get as far as running (and failing) a report.
_NEAR_VALID = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["alpha", "beta", "Alpha", "index", "a b", ""]),
        "notebook": st.sampled_from(["ok.ipynb", "README.md", "missing.ipynb", "."]),
        "title": st.text(max_size=8),
    },
    optional={"parameters": st.dictionaries(st.sampled_from(["bars", "label", "x"]), _VALUES)},
)
_CONFIGS = st.one_of(
    st.fixed_dictionaries({"reports": st.lists(_NEAR_VALID, min_size=1, max_size=3)}),
    st.fixed_dictionaries({"reports": st.lists(_ENTRY | _VALUES, max_size=3)}),
    st.dictionaries(st.sampled_from(["reports", "other"]), _VALUES, max_size=2),
    _VALUES,
)


class _Sandbox:
    """A folder with notebooks, a README and an output folder shared by generated examples."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="cs-prop-"))
        shutil.copy(FIXTURES / "ok.ipynb", self.root / "ok.ipynb")
        (self.root / "README.md").write_text("# not a notebook\n")
        self.out = self.root / "out"
        self.config = self.root / "reports.yaml"
        self.config.write_text("reports: []\n")

    def outside_output(self) -> dict:
        return {k: v for k, v in snapshot(self.root).items() if not k.startswith("out")}


@pytest.fixture(scope="module")
def sandbox():
    box = _Sandbox()
    yield box
    shutil.rmtree(box.root, ignore_errors=True)


@pytest.fixture
def fake_kernel(monkeypatch):
    """Reports fail instead of starting a kernel, so generated builds stay quick (exit 1)."""

    def fail(*args, **kwargs):
        raise RuntimeError("no kernel in property tests")

    monkeypatch.setattr(build.kernel, "execute_notebook", fail)
    monkeypatch.setattr(build.kernel, "is_infrastructure_error", lambda exc: False)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(structure=_CONFIGS, raw=st.booleans())
def test_any_reports_yaml_structure_exits_0_1_or_2(sandbox, fake_kernel, capsys, structure, raw):
    text = str(structure) if raw else yaml.safe_dump(structure, allow_unicode=True)
    sandbox.config.write_text(text, encoding="utf-8")
    data_before, before = hash_tree(DATA_DIR), sandbox.outside_output()
    code = run_main(["build", "--config", str(sandbox.config), "--output", str(sandbox.out)])
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    event(f"exit {code}")
    assert "Traceback" not in err
    assert sandbox.outside_output() == before
    assert hash_tree(DATA_DIR) == data_before


_TOKENS = st.sampled_from(
    [
        "--data-dir",
        "--output",
        "--config",
        "--timeout",
        "--jobs",
        "--only",
        "--force",
        "--quiet",
        "--bogus",
        "alpha",
        "index",
        "0",
        "-5",
        "3",
        "x",
        "",
        "DATA",
        "OUT",
        "CONFIG",
        "README",
        "MISSING",
    ]
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=st.sampled_from(["validate", "build"]), tokens=st.lists(_TOKENS, max_size=6))
def test_any_command_line_exits_0_1_or_2(
    sandbox, fake_kernel, monkeypatch, capsys, command, tokens
):
    entry = {"name": "alpha", "notebook": "ok.ipynb", "title": "Alpha"}
    sandbox.config.write_text(yaml.safe_dump({"reports": [entry]}))
    places = {
        "DATA": str(DATA_DIR),
        "OUT": str(sandbox.out),
        "CONFIG": str(sandbox.config),
        "README": str(sandbox.root / "README.md"),
        "MISSING": str(sandbox.root / "missing"),
    }
    # Defaults point into the sandbox: a generated build never writes the project's reports/.
    monkeypatch.setattr(cli, "REPORTS_DIR", sandbox.out)
    monkeypatch.setattr(cli, "REPORTS_CONFIG", sandbox.config)
    # A relative path ("--output -5", "--output alpha") is a folder the user named: it lands
    # in the sandbox (its out* part), never in the folder pytest was started from.
    relative = sandbox.root / "out-relative"
    relative.mkdir(exist_ok=True)
    monkeypatch.chdir(relative)
    argv = [command, *(places.get(t, t) for t in tokens)]
    data_before, before = hash_tree(DATA_DIR), sandbox.outside_output()
    code = run_main(argv)
    err = capsys.readouterr().err
    assert code in (0, 1, 2), (argv, err)
    assert "Traceback" not in err
    assert hash_tree(DATA_DIR) == data_before
    assert sandbox.outside_output() == before, argv


def test_real_builds_from_the_cli_exit_0_then_1_when_a_report_breaks(tmp_path, capsys):
    out = tmp_path / "out"
    good = {"name": "alpha", "notebook": str(FIXTURES / "ok.ipynb"), "title": "Alpha"}
    config = tmp_path / "reports.yaml"
    config.write_text(yaml.safe_dump({"reports": [good]}))
    assert run_main(["build", "--config", str(config), "--output", str(out), "--quiet"]) == 0
    broken = {"name": "beta", "notebook": str(FIXTURES / "broken.ipynb"), "title": "Beta"}
    config.write_text(yaml.safe_dump({"reports": [good, broken]}))
    assert run_main(["build", "--config", str(config), "--output", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "beta: FAILED" in err and "Traceback" not in err
