"""Report sweeps: a matrix of parameter values expanded into reports, checked, cached, indexed."""

from __future__ import annotations

import csv
import re
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
import yaml

from claimscope import build
from claimscope.build import BuildInputError, build_reports
from claimscope.build.config import ReportSpec, read_config, select_reports
from claimscope.build.html import render_index
from claimscope.build.manifest import Manifest
from claimscope.build.sweeps import expand_sweeps, period_ends
from claimscope.data.paths import DATA_DIR, REPORTS_CONFIG

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def sweep(name="r-{depth}", title=None, matrix=None, **more) -> ReportSpec:
    return ReportSpec(
        name=name,
        notebook=FIXTURES / "swept.ipynb",
        title=name if title is None else title,
        matrix={"depth": [1, 2]} if matrix is None else matrix,
        **more,
    )


def problems_of(specs: list[ReportSpec]) -> str:
    with pytest.raises(BuildInputError) as caught:
        expand_sweeps(specs, DATA_DIR)
    return "\n".join(caught.value.problems)


def test_listed_values_expand_to_every_combination_in_order():
    spec = sweep(
        name="r-{depth}-{focus_actor}",
        title="Around {focus_actor.label}, depth {depth}",
        matrix={"depth": [1, 2], "focus_actor": ["a", "b"]},
        parameters={"documents": ["d"]},
    )
    out = expand_sweeps([spec], DATA_DIR)
    assert [s.name for s in out] == ["r-1-a", "r-1-b", "r-2-a", "r-2-b"]
    assert out[1].title == "Around b, depth 1"
    assert out[1].parameters == {"documents": ["d"], "depth": 1, "focus_actor": "b"}
    assert {s.sweep for s in out} == {"r-{depth}-{focus_actor}"}
    assert out[3].swept == {"depth": "2", "focus_actor": "b"}
    assert all(s.matrix is None for s in out)


def test_actors_of_a_kind_come_from_the_data_in_file_order_with_their_names():
    spec = sweep(
        name="rel-{focus_actor}",
        title="Around {focus_actor.label}",
        matrix={"focus_actor": {"from": "actors", "kind": "state"}},
    )
    with open(DATA_DIR / "actors.csv", encoding="utf-8") as handle:
        states = [
            (r["actor_id"], r["name"]) for r in csv.DictReader(handle) if r["kind"] == "state"
        ]
    out = expand_sweeps([spec], DATA_DIR)
    assert [(s.parameters["focus_actor"], s.swept["focus_actor"]) for s in out] == states
    assert [s.title for s in out] == [f"Around {name}" for _, name in states]


def test_a_filter_may_list_several_allowed_values_and_as_list_wraps_each_value():
    spec = sweep(
        name="rel-{documents}",
        matrix={"documents": {"from": "documents", "as_list": True}},
        title="{documents.label}",
    )
    with open(DATA_DIR / "documents.csv", encoding="utf-8") as handle:
        docs = [(r["doc_id"], r["title"]) for r in csv.DictReader(handle)]
    out = expand_sweeps([spec], DATA_DIR)
    assert [(s.parameters["documents"], s.title) for s in out] == [([d], t) for d, t in docs]
    assert out[0].name == f"rel-{docs[0][0]}"
    two_kinds = sweep(
        name="x-{focus_actor}",
        title="X",
        matrix={"focus_actor": {"from": "actors", "kind": ["state", "alliance"]}},
    )
    kinds = {s.parameters["focus_actor"] for s in expand_sweeps([two_kinds], DATA_DIR)}
    assert "nato" in kinds and "russia" in kinds


def test_period_ends_cover_every_week_and_month_between_first_and_last_day():
    assert period_ends(date(2024, 12, 30), date(2025, 1, 5), "weeks") == [date(2025, 1, 5)]
    assert period_ends(date(2024, 12, 31), date(2025, 2, 1), "months") == [
        date(2024, 12, 31),
        date(2025, 1, 31),
        date(2025, 2, 28),
    ]
    assert period_ends(date(2024, 2, 1), date(2024, 2, 1), "months") == [date(2024, 2, 29)]


def test_weeks_from_the_data_span_the_claims_dates(data_copy):
    published = {}
    with open(data_copy / "documents.csv", encoding="utf-8") as handle:
        published = {r["doc_id"]: r["published_on"] for r in csv.DictReader(handle)}
    with open(data_copy / "claims.csv", encoding="utf-8") as handle:
        dates = [r["claimed_on"] or published[r["doc_id"]] for r in csv.DictReader(handle)]
    spec = sweep(name="w-{as_of}", matrix={"as_of": {"from": "weeks"}})
    ends = [date.fromisoformat(s.parameters["as_of"]) for s in expand_sweeps([spec], data_copy)]
    first, last = date.fromisoformat(min(dates)), date.fromisoformat(max(dates))
    assert ends[0] >= first and (ends[0] - first).days < 7
    assert ends[-1] >= last and (ends[-1] - last).days < 7
    assert all(e.weekday() == 6 for e in ends)
    assert all((b - a).days == 7 for a, b in zip(ends, ends[1:], strict=False))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (sweep(matrix={"depth": []}), "matrix 'depth': an empty list of values"),
        (sweep(matrix={"depth": 3}), "give a list of values or a data source"),
        (sweep(matrix={"depth": {"from": "people"}}), "unknown source 'people'"),
        (sweep(matrix={"depth": {"from": "actors", "colour": "red"}}), "no column 'colour'"),
        (sweep(matrix={"depth": {"from": "weeks", "kind": "x"}}), "takes no other keys"),
        (sweep(matrix={}), "`matrix` must map each swept parameter"),
        (sweep(name="r"), "the name must use {depth}"),
        (sweep(title="R {deep}"), "`title` uses {deep}"),
        (sweep(title="R {depth.name}"), "`title` uses {depth.name}"),
        (sweep(name="r-{depth.label}", title="R"), "the name takes values"),
        (sweep(parameters={"depth": 1}), "both fixed in `parameters` and swept"),
        (sweep(matrix={"depth": ["a b"]}), "expanded name 'r-a b': name may hold only"),
    ],
)
def test_a_bad_sweep_is_refused_with_a_message_naming_it(spec, message):
    assert message in problems_of([spec])
    assert f"sweep {spec.name!r}" in problems_of([spec])


def test_a_source_that_matches_nothing_warns_and_makes_no_report(capsys):
    spec = sweep(matrix={"depth": {"from": "actors", "kind": "stat"}})
    hand = ReportSpec("x", FIXTURES / "ok.ipynb", "X")
    assert [s.name for s in expand_sweeps([hand, spec], DATA_DIR)] == ["x"]
    err = capsys.readouterr().err
    assert "warning: sweep 'r-{depth}': matrix 'depth'" in err
    assert "matches nothing in the data" in err


def test_names_that_collide_after_expansion_are_refused():
    hand = ReportSpec("r-1", FIXTURES / "swept.ipynb", "Hand")
    found = problems_of([hand, sweep()])
    assert "report name 'r-1' is used twice after expanding sweeps" in found
    assert "a hand-written report and sweep 'r-{depth}'" in found
    assert "used twice" in problems_of([sweep(), sweep(title="other {depth}")])


def test_a_sweep_name_selects_all_its_reports():
    specs = expand_sweeps([sweep(), ReportSpec("x", FIXTURES / "ok.ipynb", "X")], DATA_DIR)
    assert [s.name for s in select_reports(specs, ["r-{depth}"], Path("reports.yaml"))] == [
        "r-1",
        "r-2",
    ]


def test_named_in_keeps_the_values_some_row_of_a_table_names(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with open(data / "actors.csv", encoding="utf-8") as handle:
        states = [r["actor_id"] for r in csv.DictReader(handle) if r["kind"] == "state"]
    with open(data / "relations.csv", encoding="utf-8") as handle:
        tied = {c for r in csv.DictReader(handle) for c in (r["source_id"], r["target_id"])}
    source = {"from": "actors", "kind": "state", "named_in": "relations"}
    out = expand_sweeps([sweep(name="rel-{focus_actor}", matrix={"focus_actor": source})], data)
    assert [s.parameters["focus_actor"] for s in out] == [a for a in states if a in tied]
    assert len(out) < len(states)  # a state without a tie (South Korea here) is left out
    bad = {"from": "actors", "named_in": "no_such_table"}
    with pytest.raises(BuildInputError, match="no table 'no_such_table'"):
        expand_sweeps([sweep(name="r-{focus_actor}", matrix={"focus_actor": bad})], data)


def test_the_default_config_sweeps_the_relations_report_over_every_tied_state():
    specs = read_config(REPORTS_CONFIG)
    swept = [s for s in specs if s.matrix]
    source = {"from": "actors", "kind": "state", "named_in": "relations"}
    assert [s.matrix for s in swept] == [{"focus_actor": source}]
    assert swept[0].notebook.name == "actor_relations.ipynb"
    expanded = [s for s in expand_sweeps(specs, DATA_DIR) if s.sweep]
    assert "actor-relations-russia" in [s.name for s in expanded]
    assert len(expanded) >= 5


def write_sweep_config(path: Path, values: list, extra: dict | None = None) -> Path:
    entry = {
        "name": "as-of-{as_of}",
        "notebook": str(FIXTURES / "swept.ipynb"),
        "title": "Known on {as_of}",
        "parameters": {"focus_actor": "russia"},
        "matrix": {"as_of": values},
        **(extra or {}),
    }
    path.write_text(yaml.safe_dump({"reports": [entry]}), encoding="utf-8")
    return path


@pytest.fixture
def no_kernel(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(build.kernel, "execute_notebook", refuse)


def test_every_expanded_report_is_checked_like_a_hand_written_one(tmp_path, no_kernel):
    config = write_sweep_config(tmp_path / "reports.yaml", ["2024-10-23", 5])
    with pytest.raises(
        BuildInputError, match=r"report 'as-of-5': parameter 'as_of': got 5; expected a date"
    ):
        build_reports(config=config, output_dir=tmp_path / "out", quiet=True)
    assert not (tmp_path / "out").exists()


@pytest.mark.integration
def test_an_as_of_sweep_builds_caches_per_report_and_is_one_table_in_the_index(tmp_path):
    out = tmp_path / "out"
    config = write_sweep_config(tmp_path / "reports.yaml", ["2024-10-20", "2024-10-27"])
    first = build_reports(config=config, output_dir=out, quiet=True, jobs=2)
    assert [(r.name, r.status) for r in first.results] == [
        ("as-of-2024-10-20", "built"),
        ("as-of-2024-10-27", "built"),
    ]
    assert "as_of=2024-10-27 focus_actor=russia" in (out / "as-of-2024-10-27.html").read_text()
    # A new week adds one report; the others are not rebuilt.
    config = write_sweep_config(config, ["2024-10-20", "2024-10-27", "2024-11-03"])
    second = build_reports(config=config, output_dir=out, quiet=True)
    assert [r.status for r in second.results] == ["skipped", "skipped", "built"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<table") == 2  # hand-written reports (none here) and the sweep
    sweep_table = index[index.index("<table class='sweep'>") :]
    assert "<th>as_of</th>" in sweep_table
    assert sweep_table.count("<td>2024-1") == 3
    assert "<h2>Known on each as of</h2>" in index


def test_the_index_of_a_thousand_report_sweep_is_one_table_and_fast(tmp_path):
    spec = sweep(
        name="n-{depth}",
        title="Depth {depth} <b>",
        matrix={"depth": list(range(1000))},
    )
    specs = expand_sweeps([spec, ReportSpec("x", FIXTURES / "ok.ipynb", "X")], DATA_DIR)
    manifest = Manifest(tmp_path, {"dataset": {"version": "v", "counts": {"claims": 1}}})
    for s in specs[:500]:
        manifest.record_built(s.name, "k", s.parameters, f"{s.name}.html", 1.0)
    started = time.perf_counter()
    page = render_index(specs, manifest, "claims.csv")
    assert time.perf_counter() - started < 5
    assert page.count("<table") == 2
    assert page.count("<h2>") == 1
    assert len(re.findall(r"<tr class='built'>", page)) == 500
    assert len(re.findall(r"<tr class='never built'>", page)) == 500
    assert len(re.findall(r"<li class='never built'>", page)) == 1  # the hand-written 'x'
    assert "Depth 999 &lt;b&gt;" in page and "<b>" not in page
    assert len(page) < 600 * 1000
