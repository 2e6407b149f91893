"""The report build: incremental, isolated failures, atomic, offline, checked before it runs."""

from __future__ import annotations

import fcntl
import itertools
import re
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from helpers import FIXTURES, set_cell, write_config

from claimscope import build
from claimscope.build import BuildInputError, build_reports
from claimscope.cli import main
from claimscope.data.dataset import DatasetError
from claimscope.data.paths import DATA_DIR, PROJECT_ROOT, REPORTS_CONFIG

pytestmark = pytest.mark.integration


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if anything tries to execute a notebook."""

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(build.kernel, "execute_notebook", refuse)


def test_build_then_nothing_changed_skips_all_without_a_kernel(tmp_path, two_reports, monkeypatch):
    out = tmp_path / "out"
    first = build_reports(config=two_reports, output_dir=out, quiet=True)
    assert [r.status for r in first.results] == ["built", "built"]
    assert first.exit_code == 0
    before = snapshot(out)

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(build.kernel, "execute_notebook", refuse)
    second = build_reports(config=two_reports, output_dir=out, quiet=True)
    assert [r.status for r in second.results] == ["skipped", "skipped"]
    assert snapshot(out) == before


def test_changed_parameter_rebuilds_only_that_report(two_reports, built_copy):
    out = built_copy(two_reports)
    alpha = (out / "alpha.html").read_bytes()
    config = yaml.safe_load(two_reports.read_text())
    config["reports"][1]["parameters"]["bars"] = 7
    two_reports.write_text(yaml.safe_dump(config))
    result = build_reports(config=two_reports, output_dir=out, quiet=True)
    assert {r.name: r.status for r in result.results} == {"alpha": "skipped", "beta": "built"}
    assert (out / "alpha.html").read_bytes() == alpha
    assert '"bars": 7' in (out / "beta.ipynb").read_text()


def test_force_rebuilds_everything(two_reports, built_copy):
    out = built_copy(two_reports)
    result = build_reports(config=two_reports, output_dir=out, quiet=True, force=True, jobs=1)
    assert [r.status for r in result.results] == ["built", "built"]


def test_deleted_html_is_rebuilt(two_reports, built_copy):
    out = built_copy(two_reports)
    (out / "beta.html").unlink()
    result = build_reports(config=two_reports, output_dir=out, quiet=True)
    assert {r.name: r.status for r in result.results} == {"alpha": "skipped", "beta": "built"}


def test_broken_report_fails_alone_and_keeps_its_last_good_html(tmp_path, capsys):
    out = tmp_path / "out"
    reports = [
        {"name": "good", "notebook": "ok.ipynb"},
        {"name": "flaky", "notebook": "ok.ipynb", "parameters": {"bars": 1}},
    ]
    config = write_config(tmp_path / "reports.yaml", [dict(r) for r in reports])
    build_reports(config=config, output_dir=out, quiet=True)
    last_good = (out / "flaky.html").read_bytes()

    reports[1]["notebook"] = "broken.ipynb"
    reports[0]["parameters"] = {"bars": 4}
    write_config(config, reports)
    result = build_reports(config=config, output_dir=out, quiet=True)
    assert result.exit_code == 1
    status = {r.name: r for r in result.results}
    assert status["good"].status == "built"
    assert status["flaky"].status == "failed"
    assert "report 'flaky' failed in code cell 3" in status["flaky"].error
    assert "ValueError: deliberately broken for the build tests" in status["flaky"].error
    assert (out / "flaky.html").read_bytes() == last_good
    index = (out / "index.html").read_text()
    assert "STALE: last build failed" in index
    assert "deliberately broken" in index
    err = capsys.readouterr().err
    assert "flaky: FAILED" in err


def test_broken_report_exits_1_from_the_cli(tmp_path, capsys):
    config = write_config(tmp_path / "r.yaml", [{"name": "broken", "notebook": "broken.ipynb"}])
    code = main(["build", "--config", str(config), "--output", str(tmp_path / "out"), "--quiet"])
    assert code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "broken: FAILED" in captured.err
    assert "0 built, 0 up to date, 1 failed" in captured.err


def test_hanging_cell_is_stopped_by_the_timeout(tmp_path):
    config = write_config(tmp_path / "r.yaml", [{"name": "hang", "notebook": "hanging.ipynb"}])
    started = time.monotonic()
    result = build_reports(config=config, output_dir=tmp_path / "out", quiet=True, timeout=3)
    assert time.monotonic() - started < 60
    (report,) = result.results
    assert report.status == "failed"
    assert "code cell 2 (`import time`)" in report.error
    assert "TimeoutError" in report.error
    assert not (tmp_path / "out" / "hang.html").exists()


def test_unknown_and_mistyped_parameters_are_refused_before_any_kernel(tmp_path, no_kernel):
    config = write_config(
        tmp_path / "r.yaml",
        [
            {"name": "typo", "notebook": "ok.ipynb", "parameters": {"barz": 2}},
            {"name": "mistyped", "notebook": "ok.ipynb", "parameters": {"bars": "two"}},
            {"name": "boolean", "notebook": "ok.ipynb", "parameters": {"bars": True}},
        ],
    )
    with pytest.raises(BuildInputError) as caught:
        build_reports(config=config, output_dir=tmp_path / "out", quiet=True)
    problems = caught.value.problems
    assert problems[0].startswith("report 'typo' (ok.ipynb): parameter 'barz': the notebook has")
    assert "did you mean 'bars'?" in problems[0]
    assert "declares: bars, data_dir, label" in problems[0]
    assert problems[1] == "report 'mistyped': parameter 'bars': got 'two'; expected a whole number"
    assert problems[2] == "report 'boolean': parameter 'bars': got True; expected a whole number"
    assert not (tmp_path / "out").exists()


def test_parameters_are_coerced_as_the_notebook_check_does(tmp_path, no_kernel):
    config = write_config(
        tmp_path / "r.yaml", [{"name": "a", "notebook": "ok.ipynb", "parameters": {"bars": "3"}}]
    )
    (plan,) = build.plan_reports(build.read_config(config), None)
    assert plan.notebook_parameters["bars"] == 3


def test_an_unknown_id_is_refused_with_a_suggestion_before_any_kernel(tmp_path, no_kernel):
    notebook = PROJECT_ROOT / "notebooks" / "actor_relations.ipynb"
    config = write_config(
        tmp_path / "r.yaml",
        [{"name": "typo", "notebook": str(notebook), "parameters": {"focus_actor": "rusia"}}],
    )
    with pytest.raises(BuildInputError) as caught:
        build_reports(config=config, output_dir=tmp_path / "out", quiet=True)
    (problem,) = caught.value.problems
    assert problem.startswith("report 'typo': parameter 'focus_actor': unknown actor id 'rusia'")
    assert "did you mean 'russia'?" in problem and "data/actors.csv" in problem
    assert not (tmp_path / "out").exists()


def test_notebook_without_parameters_cell_is_refused(tmp_path, no_kernel):
    config = write_config(tmp_path / "r.yaml", [{"name": "np", "notebook": "no_parameters.ipynb"}])
    with pytest.raises(BuildInputError, match="has no cell tagged `parameters`"):
        build_reports(config=config, output_dir=tmp_path / "out", quiet=True)


def test_bad_config_is_refused(tmp_path, no_kernel):
    config = tmp_path / "r.yaml"
    config.write_text("reports:\n  - name: x\n    notebok: ok.ipynb\n")
    with pytest.raises(BuildInputError) as caught:
        build_reports(config=config, output_dir=tmp_path / "out")
    assert "r.yaml: report 'x': unknown key 'notebok'" in caught.value.problems
    assert "r.yaml: report 'x': `notebook` is required" in caught.value.problems


def test_unknown_only_name_is_refused(tmp_path, two_reports, no_kernel):
    with pytest.raises(BuildInputError, match="no report named 'gamma'"):
        build_reports(only=["gamma"], config=two_reports, output_dir=tmp_path / "out")


def test_bad_dataset_exits_2_and_touches_no_report(two_reports, built_copy, data_copy, capsys):
    out = built_copy(two_reports)
    before = snapshot(out)
    set_cell(data_copy / "claims.csv", 2, "claim_type", "rebuttal")
    args = ["build", "--config", str(two_reports), "--output", str(out)]
    assert main([*args, "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "claims.csv:2:claim_type: 'rebuttal' is not a claim_type in claim_types.csv" in err
    assert "no report touched" in err
    assert snapshot(out) == before
    with pytest.raises(DatasetError):
        build_reports(config=two_reports, output_dir=out, data_dir=data_copy, force=True)
    assert snapshot(out) == before


def test_data_dir_is_passed_to_the_notebooks(tmp_path, two_reports, data_copy):
    out = tmp_path / "out"
    build_reports(
        config=two_reports, output_dir=out, quiet=True, data_dir=data_copy, only=["alpha"]
    )
    executed = (out / "alpha.ipynb").read_text()
    assert str(data_copy) in executed


def test_html_is_offline_with_one_plotly_and_hidden_code(two_reports, built_copy):
    from claimscope.build.html import plotly_packed

    out = built_copy(two_reports)
    page = (out / "beta.html").read_text(encoding="utf-8")
    external = re.findall(
        r"<(?:script|link|img|iframe)[^>]+(?:src|href)=[\"']?(?:https?:)?//", page
    )
    assert external == []
    assert not re.search(r"@import\s+url\(\s*[\"']?(?:https?:)?//", page)
    assert page.count(plotly_packed()[:300]) == 1
    assert page.count('class="claimscope-chart"') == 1
    assert "import plotly.graph_objects" not in page  # code hidden
    assert "Provenance" in page and "Dataset version" in page and "Built (UTC)" in page
    assert "<th>bars</th><td><code>5</code></td>" in page
    assert "injected-parameters" not in page


def test_titles_are_escaped_in_report_and_index(tmp_path):
    config = write_config(
        tmp_path / "r.yaml",
        [{"name": "x", "notebook": "ok.ipynb", "title": "<script>alert(1)</script>"}],
    )
    build_reports(config=config, output_dir=tmp_path / "out", quiet=True)
    for name in ("x.html", "index.html"):
        page = (tmp_path / "out" / name).read_text()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_second_build_waits_for_the_lock(two_reports, built_copy, capsys):
    out = built_copy(two_reports)
    done = threading.Event()
    with open(out / build.LOCK_NAME, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        worker = threading.Thread(
            target=lambda: (build_reports(config=two_reports, output_dir=out), done.set())
        )
        worker.start()
        time.sleep(1.5)
        assert not done.is_set()
        fcntl.flock(held, fcntl.LOCK_UN)
    worker.join(timeout=60)
    assert done.is_set()
    assert f"waiting for another build of {out}" in capsys.readouterr().err


def test_no_temporary_files_are_left_behind(two_reports, built_copy):
    out = built_copy(two_reports)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "alpha.html",
        "alpha.ipynb",
        "beta.html",
        "beta.ipynb",
        "claims.csv",
        "index.html",
    ]
    assert not list(out.rglob("*.tmp"))


def test_default_reports_config_lists_the_seed_reports():
    specs = build.read_config(REPORTS_CONFIG)
    assert [s.name for s in specs] == [
        "troop-figures",
        "actor-relations",
        "actor-relations-{focus_actor}",  # a sweep (tests/test_sweeps.py)
        "competing-hypotheses",
    ]
    assert specs[2].parameters == {"depth": 1}


def test_build_leaves_the_working_directory_alone(tmp_path, two_reports):
    import os

    before = os.getcwd()
    build_reports(config=two_reports, output_dir=tmp_path / "out", quiet=True, jobs=2)
    assert os.getcwd() == before


class _Headings(HTMLParser):
    """Collect a page's headings as (level, text), in document order."""

    def __init__(self):
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self._open: int | None = None

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self._open = int(tag[1])
            self.headings.append((self._open, ""))

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            level, text = self.headings[-1]
            self.headings[-1] = (level, text + data)


def page_headings(page: str) -> list[tuple[int, str]]:
    """The headings of an HTML page as (level, text), anchor marks stripped."""
    parser = _Headings()
    parser.feed(page)
    return [(level, text.replace("¶", "").strip()) for level, text in parser.headings]


def heading_problems(page: str) -> list[str]:
    """What breaks the one-title rule: not exactly one h1 first, or a level skipped."""
    levels = [level for level, _ in page_headings(page)]
    problems = []
    if levels.count(1) != 1 or levels[:1] != [1]:
        problems.append(f"expected exactly one <h1>, first; got levels {levels}")
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"<h{before}> is followed by <h{after}>")
    return problems


def test_heading_rule_catches_two_titles_and_skipped_levels():
    assert heading_problems("<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2>") == []
    assert heading_problems("<h1>a</h1><h1>b</h1>") != []
    assert heading_problems("<h1>a</h1><h3>c</h3>") == ["<h1> is followed by <h3>"]
    assert heading_problems("<h2>a</h2><h1>b</h1>") != []


def test_page_title_is_the_only_h1_and_reaches_the_notebook(tmp_path):
    config = write_config(
        tmp_path / "r.yaml",
        [{"name": "titled", "notebook": "titled.ipynb", "title": "Title from <the> config"}],
    )
    out = tmp_path / "out"
    build_reports(config=config, output_dir=out, quiet=True)
    page = (out / "titled.html").read_text(encoding="utf-8")
    headings = page_headings(page)
    assert heading_problems(page) == []
    assert headings[0] == (1, "Title from <the> config")
    # The notebook's own tagged title cell is left out; its sections follow the header.
    assert "Titled fixture" not in page
    assert [text for level, text in headings if level > 1] == [
        "Section",
        "Generated prose",
        "Sub-section",
        "Another section",
        "Provenance",
    ]
    # The config's title went into the notebook's `title` parameter, and is not shown twice
    # among the parameters beside it.
    assert "This report is called Title from &lt;the&gt; config." in page
    assert "<tr><th>all</th><td>defaults</td></tr>" in page  # no colspan beyond its columns


def test_a_title_the_report_sets_is_the_one_the_notebook_gets():
    spec = build.ReportSpec("r", FIXTURES / "titled.ipynb", "Config", parameters={"title": "Own"})
    declared = build.config.read_notebook_parameters(spec.notebook)
    shown, run = build.config.resolve_parameters(spec, declared, None)
    assert shown == run == {"title": "Own"}
    spec = build.ReportSpec("r", FIXTURES / "ok.ipynb", "Config")
    declared = build.config.read_notebook_parameters(spec.notebook)
    assert build.config.resolve_parameters(spec, declared, None) == ({}, {})


def test_every_built_report_page_has_one_h1_and_no_skipped_heading(site):
    specs = build.sweeps.expand_sweeps(build.read_config(REPORTS_CONFIG), DATA_DIR)
    titles = {s.name: s.title for s in specs}
    assert sorted(p.stem for p in site.glob("*.html")) == sorted([*titles, "index"])
    problems = {
        name: heading_problems((site / f"{name}.html").read_text(encoding="utf-8"))
        for name in titles
    }
    assert problems == {name: [] for name in titles}
    for name, title in titles.items():
        page = (site / f"{name}.html").read_text(encoding="utf-8")
        assert page_headings(page)[0] == (1, title)
    assert heading_problems((site / "index.html").read_text(encoding="utf-8")) == []
