"""Project-level contracts: environment files agree, the data package is valid Frictionless."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from claimscope.data.dataset import TABLES, read_schema
from claimscope.data.paths import DATA_DIR, PROJECT_ROOT


def _requirement_map(requirements: list[str]) -> dict[str, str]:
    pattern = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")
    out = {}
    for requirement in requirements:
        name, spec = pattern.match(requirement.strip()).groups()
        out[name.lower().replace("_", "-")] = spec.replace(" ", "")
    return out


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = [r for r in pip_section if not r.startswith("-e")]
    assert _requirement_map(listed) == _requirement_map(wanted)
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.removeprefix("python") == project["requires-python"]


def test_csv_headers_match_the_schema_field_for_field():
    package = read_schema(DATA_DIR)
    for resource in package["resources"]:
        header = (DATA_DIR / resource["path"]).read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == [f["name"] for f in resource["schema"]["fields"]]
    assert set(TABLES) <= {r["name"] for r in package["resources"]}


def test_frictionless_validates_the_data_package():
    exe = Path(sys.executable).with_name("frictionless")
    assert exe.exists() or shutil.which("frictionless")
    result = subprocess.run(
        [str(exe), "validate", "--json", str(DATA_DIR / "datapackage.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]
    assert result.returncode == 0


def test_readme_data_dictionary_is_generated_from_the_schema():
    from claimscope.data.docs import BEGIN, END, render_data_dictionary

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(BEGIN, 1)[1].split(END, 1)[0]
    package = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert section == "\n" + render_data_dictionary(package)


def test_readme_shows_the_two_commands_first():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert first_block.strip().splitlines()[0].startswith("make reports")
    assert first_block.strip().splitlines()[1].startswith("make test")
    assert readme.index("make reports") < readme.index("## What a report shows")


def test_ci_runs_make_test():
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()


def test_code_is_ruff_clean():
    ruff = Path(sys.executable).with_name("ruff")
    paths = ["src", "tests", "benchmarks", "notebooks", "docs"]
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [str(ruff), *command, *paths], cwd=PROJECT_ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
