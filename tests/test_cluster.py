"""The build on a real Dask cluster: a scheduler and two workers as local processes on 127.0.0.1."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cluster import LocalCluster
from test_pdf import TITLE, charts_config, pdf_text

from claimscope.build import BuildInputError, build_reports
from claimscope.build.config import read_config
from claimscope.build.sweeps import expand_sweeps
from claimscope.cli import main
from claimscope.data.paths import DATA_DIR, REPORTS_CONFIG

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    local = LocalCluster(tmp_path_factory.mktemp("cluster"))
    try:
        yield local.start()
    finally:
        local.stop()


def default_reports_and_a_broken_one(path: Path) -> Path:
    entries = yaml.safe_load(REPORTS_CONFIG.read_text(encoding="utf-8"))["reports"]
    for entry in entries:
        entry["notebook"] = str((REPORTS_CONFIG.parent / entry["notebook"]).resolve())
    entries.append(
        {"name": "broken", "notebook": str(FIXTURES / "broken.ipynb"), "title": "Broken"}
    )
    path.write_text(yaml.safe_dump({"reports": entries}, allow_unicode=True), encoding="utf-8")
    return path


_VOLATILE = [
    re.compile(r"<dt>Built \(UTC\)</dt><dd><code>[^<]*</code></dd>"),  # a page's build time
    re.compile(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</td><td>[\d.]+ s</td>"),  # index times
]


def without_build_times(page: str) -> str:
    for pattern in _VOLATILE:
        page = pattern.sub("", page)
    return page


def test_cluster_build_writes_the_same_reports_as_a_local_build(tmp_path, cluster, capsys):
    config = default_reports_and_a_broken_one(tmp_path / "reports.yaml")
    local = build_reports(config=config, output_dir=tmp_path / "local", quiet=True, jobs=2)
    status = main(
        ["build", "--config", str(config), "--output", str(tmp_path / "remote")]
        + ["--scheduler", cluster.address, "--quiet"]
    )
    assert status == 1  # the broken report
    assert "'broken' failed in code cell 3" in capsys.readouterr().err
    names = [s.name for s in local.results]
    assert names == [s.name for s in expand_sweeps(read_config(config), DATA_DIR)]
    assert "actor-relations-russia" in names  # the sweep over every state
    assert {r.name: r.status for r in local.results}["broken"] == "failed"
    for name in [n for n in names if n != "broken"] + ["index"]:
        here = (tmp_path / "local" / f"{name}.html").read_text(encoding="utf-8")
        there = (tmp_path / "remote" / f"{name}.html").read_text(encoding="utf-8")
        assert without_build_times(there) == without_build_times(here), name
    assert not (tmp_path / "remote" / "broken.html").exists()
    manifests = [
        json.loads((tmp_path / where / ".manifest.json").read_text())["reports"]
        for where in ("local", "remote")
    ]
    assert {n: (e["status"], e.get("error")) for n, e in manifests[1].items()} == {
        n: (e["status"], e.get("error")) for n, e in manifests[0].items()
    }
    assert not list((tmp_path / "remote").glob(".*.tmp"))
    # Nothing changed in the reports that built: the cluster is not even contacted.
    again = build_reports(
        only=[n for n in names if n != "broken"],
        config=config,
        output_dir=tmp_path / "remote",
        quiet=True,
        scheduler="tcp://127.0.0.1:1",
    )
    assert {r.status for r in again.results} == {"skipped"}


def test_a_report_whose_worker_dies_is_retried_once_then_fails_alone(tmp_path, cluster):
    marker = tmp_path / "died-once"

    def build(name: str, entries: list[dict]):
        for entry in entries:
            entry["notebook"] = str(FIXTURES / entry["notebook"])
            entry["title"] = entry["name"]
        config = tmp_path / f"{name}.yaml"
        config.write_text(yaml.safe_dump({"reports": entries}), encoding="utf-8")
        try:
            return build_reports(
                config=config, output_dir=tmp_path / name, quiet=True, scheduler=cluster.address
            )
        finally:
            cluster.wait_for_workers()  # the nannies restart the killed workers

    # Two builds, so a worker killed by the report that always dies never takes down, as a
    # bystander, the retry of the report that dies once (Dask counts every task on a dead worker).
    once = build(
        "once",
        [
            {"name": "ok", "notebook": "ok.ipynb", "parameters": {"bars": 2}},
            {
                "name": "dies-once",
                "notebook": "kills_worker.ipynb",
                "parameters": {"marker": str(marker)},
            },
        ],
    )
    outcome = {r.name: r for r in once.results}
    assert outcome["ok"].status == "built", outcome["ok"].error
    assert outcome["dies-once"].status == "built", outcome["dies-once"].error
    assert marker.exists()
    assert "survived" in (tmp_path / "once" / "dies-once.ipynb").read_text()
    assert once.exit_code == 0

    always = build(
        "always",
        [
            {
                "name": "dies-always",
                "notebook": "kills_worker.ipynb",
                "parameters": {"marker": str(tmp_path / "x"), "always": True},
            }
        ],
    )
    (failed,) = always.results
    assert failed.status == "failed"
    assert "the worker running it died, and so did the one it was retried on" in failed.error
    assert always.exit_code == 1


def test_an_unreachable_scheduler_is_bad_input_and_writes_nothing(tmp_path, capsys):
    config = tmp_path / "reports.yaml"
    config.write_text(
        yaml.safe_dump(
            {"reports": [{"name": "a", "notebook": str(FIXTURES / "ok.ipynb"), "title": "A"}]}
        )
    )
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status = main(
        ["build", "--config", str(config), "--output", str(tmp_path / "out")]
        + ["--scheduler", f"tcp://127.0.0.1:{port}"]
    )
    assert status == 2
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in capsys.readouterr().err
    assert not (tmp_path / "out" / "index.html").exists()
    assert not (tmp_path / "out" / "a.html").exists()


def test_a_notebook_without_data_dir_is_refused_for_a_cluster_before_any_task(tmp_path):
    config = tmp_path / "reports.yaml"
    config.write_text(
        yaml.safe_dump(
            {"reports": [{"name": "t", "notebook": str(FIXTURES / "titled.ipynb"), "title": "T"}]}
        )
    )
    with pytest.raises(BuildInputError, match="declares no `data_dir` parameter"):
        build_reports(config=config, output_dir=tmp_path / "out", scheduler="tcp://127.0.0.1:1")
    assert not (tmp_path / "out").exists()


def test_a_build_without_scheduler_never_imports_dask(tmp_path):
    config = tmp_path / "reports.yaml"
    config.write_text(
        yaml.safe_dump(
            {"reports": [{"name": "a", "notebook": str(FIXTURES / "ok.ipynb"), "title": "A"}]}
        )
    )
    code = (
        "import sys\n"
        "from claimscope.cli import main\n"
        f"status = main(['build', '--quiet', '--config', {str(config)!r}, "
        f"'--output', {str(tmp_path / 'out')!r}])\n"
        "print(status, 'distributed' in sys.modules, 'dask' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "False", "False"]
    assert (tmp_path / "out" / "a.html").is_file()


def test_a_cluster_build_prints_on_the_client(tmp_path, cluster):
    config = charts_config(tmp_path / "reports.yaml", ["html", "pdf"])
    result = build_reports(
        config=config, output_dir=tmp_path / "out", quiet=True, scheduler=cluster.address
    )
    assert [(r.status, r.pdf) for r in result.results] == [("built", "printed.pdf")]
    text = pdf_text(tmp_path / "out" / "printed.pdf")
    assert TITLE in text and "Counts by bucket" in text
    assert 'href="printed.pdf"' in (tmp_path / "out" / "index.html").read_text()
