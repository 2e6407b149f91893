"""Hostile input to the newer surfaces: one-line messages, checks before any kernel, clear help."""

from __future__ import annotations

import datetime as dt
import json
import time

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sweeps import FIXTURES, problems_of, sweep

from claimscope import load
from claimscope.analysis.timeline import known_as_of
from claimscope.build.config import ReportSpec, check_parameters
from claimscope.build.exporter import ClaimscopeExporter, describe_notebook
from claimscope.build.html import describe_as_of
from claimscope.cli import build_parser
from claimscope.data.parameter_names import injected_names
from claimscope.data.parameters import (
    ParameterError,
    check_notebook_parameters,
    coerce_parameters,
)
from claimscope.data.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def ds():
    return load()


# --- class 3: as_of, YAML times, deep nesting, odd metadata ----------------------------------


@pytest.mark.parametrize("as_of", ["2024-10-09", "1999-01-01", dt.date(1, 1, 1)])
def test_as_of_before_anything_is_known_gives_an_empty_dataset_and_says_so(ds, as_of):
    early = known_as_of(ds, as_of)
    assert early.relations.empty and early.claims.empty
    assert set(early.relation_steps.columns) == set(ds.relation_steps.columns)
    assert "nothing known yet" in describe_as_of(ds, as_of)
    assert "nothing known yet" not in describe_as_of(ds, "2024-11-04")


def test_a_yaml_time_is_refused_and_a_yaml_midnight_is_a_day():
    with pytest.raises(ParameterError, match="expected a date as YYYY-MM-DD"):
        coerce_parameters({"published_on": dt.datetime(2024, 10, 25, 9, 30)}, {})
    assert coerce_parameters({"as_of": dt.datetime(2024, 10, 25)}, {}) == {"as_of": "2024-10-25"}


@settings(max_examples=30, deadline=None)
@given(depth=st.integers(min_value=9, max_value=200_000), as_text=st.booleans())
def test_a_parameter_nested_too_deep_is_one_message(depth, as_text):
    value: object = "[" * depth + "]" * depth
    if not as_text:
        value = []
        for _ in range(min(depth, 5_000)):
            value = [value]
    with pytest.raises(ParameterError, match="nested more than 8 deep"):
        coerce_parameters({"claimant_ids": value}, {"claimant_ids": "list"})


def test_a_deeply_nested_parameter_in_reports_yaml_is_refused_before_any_kernel():
    spec = ReportSpec(
        "t", FIXTURES / "swept.ipynb", "T", parameters={"depth": [[[[[[[[[[1]]]]]]]]]]}
    )
    problems = check_parameters(spec, {"depth": {"type": "int"}})
    assert any("nested more than 8 deep" in p for p in problems), problems


@pytest.mark.parametrize(
    "papermill",
    [["a", "list"], "text", 3, {"parameters": ["as_of"]}, {"parameters": {"data_dir": 5}}],
)
def test_the_exporter_reads_papermill_metadata_of_another_shape_as_absent(papermill):
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = papermill
    nb.cells.append(nbformat.v4.new_markdown_cell("Some text"))
    resources = describe_notebook(nb, {"metadata": ["odd"]})
    assert resources["title"] == "report"
    page, _ = ClaimscopeExporter().from_notebook_node(nb, {"metadata": {"name": "r"}})
    assert "<title>r" in page


# --- class 7: unknown parameter names, help ------------------------------------------------


def test_an_injected_name_the_notebook_does_not_declare_is_an_error_with_did_you_mean():
    namespace = {
        "__annotations__": {"doc_ids": list, "measures": list},
        "doc_ids": [],
        "measures": [],
        "In": ["", "doc_ids: list = []", "# Parameters\nmeasure = 'present'\n", "check()"],
    }
    with pytest.raises(ParameterError) as caught:
        check_notebook_parameters(namespace)
    assert caught.value.problems == [
        "parameter 'measure': the notebook has no such parameter; did you mean 'measures'? "
        "(it declares: doc_ids, measures)"
    ]


def test_names_set_outside_papermill_are_not_parameters():
    assert injected_names(["", "x = 1", "# a comment\ny = 2", ""]) == []
    assert injected_names(None) == []


def test_the_build_names_an_unknown_parameter_with_did_you_mean():
    spec = ReportSpec("t", FIXTURES / "swept.ipynb", "T", parameters={"dpth": 2})
    problems = check_parameters(spec, {"depth": {"type": "int"}, "title": {"type": "str"}})
    assert problems == [
        "report 't' (swept.ipynb): parameter 'dpth': the notebook has no such parameter; "
        "did you mean 'depth'? (it declares: depth, title)"
    ]


def test_help_lists_every_command_and_no_absolute_machine_path():
    parser, subs = build_parser()
    top = parser.format_help()
    assert "add-document" in top.split("typical use:")[1]
    assert "suggest" in top.split("typical use:")[1]
    for name, sub in subs.items():
        text = sub.format_help()
        assert str(PROJECT_ROOT) not in text, name
    add = subs["add-document"]
    assert all(a.help for a in add._actions if a.dest != "help"), [
        a.dest for a in add._actions if not a.help
    ]


def test_readme_command_table_lists_the_curation_commands():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "claimscope add-document" in readme and "claimscope suggest" in readme


# --- class 5: expanded names and titles --------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (sweep(name="{depth}", matrix={"depth": [""]}), "the name is empty"),
        (sweep(matrix={"depth": ["x" * 250]}), "bytes long; at most 200"),
        (sweep(matrix={"depth": ["Ab", "aB"]}), "names compare without case"),
        (sweep(title="{depth:>20000000}"), "format spec or conversion"),
        (sweep(title="{depth!r}"), "format spec or conversion"),
        (sweep(title="{depth.label}", matrix={"depth": ["y" * 400]}), "at most 300"),
        (sweep(matrix={"depth": ["é"]}), "may hold only letters"),
    ],
)
def test_an_expanded_name_or_title_is_checked_like_a_hand_written_one(spec, message):
    start = time.perf_counter()
    assert message in problems_of([spec])
    assert time.perf_counter() - start < 5


def test_a_hand_written_title_past_its_length_is_refused(tmp_path):
    from claimscope.build.config import BuildInputError, read_config

    notebook = FIXTURES / "swept.ipynb"
    config = tmp_path / "reports.yaml"
    entry = {"name": "r", "notebook": str(notebook), "title": "T" * 301}
    config.write_text(json.dumps({"reports": [entry]}), encoding="utf-8")
    with pytest.raises(BuildInputError, match="title is 301 characters long"):
        read_config(config)


# --- class 6: source text cannot reorder what surrounds it ------------------------------------

_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab1 ,-") + list(_BIDI_CONTROLS) + ["\u05d0"])))
def test_source_text_with_bidi_controls_or_rtl_letters_is_isolated(text):
    from claimscope.present.formatting import FSI, PDI, isolate

    shown = isolate(text)
    if any(c in _BIDI_CONTROLS or c == "\u05d0" for c in text):
        assert shown == f"{FSI}{text}{PDI}"
    else:
        assert shown == text


def test_a_right_to_left_override_in_a_name_stops_before_our_words():
    import pandas as pd

    from claimscope.present.display import table_bundle
    from claimscope.present.prose import _attributed

    name = "Evil\u202e outlet"
    claim = {"claimant_name": name, "claimed_on": pd.Timestamp("2024-10-25"), "quote": "“x”"}
    sentence = _attributed(claim, pd.NaT, "put the troops at 10,800-13,200")
    assert "\u2068Evil\u202e outlet\u2069 put the troops at 10,800-13,200" in sentence
    markup = table_bundle(pd.DataFrame({"Claimant": [name], "Troops": ["10,800"]}))["text/html"]
    assert "\u2068Evil\u202e outlet\u2069</td>" in markup


# --- class 4: a scheduler address the build cannot use is one line, quickly ------------------


def _http_server():
    import http.server
    import threading

    handler = http.server.SimpleHTTPRequestHandler
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("address", ["tls://127.0.0.1:8786", "127.0.0.1:8786", "tcp://127.0.0.1"])
def test_an_unsupported_scheduler_address_is_refused_before_any_folder(tmp_path, address):
    from claimscope.build import BuildInputError, build_reports

    out = tmp_path / "out"
    start = time.perf_counter()
    with pytest.raises(BuildInputError) as caught:
        build_reports(output_dir=out, scheduler=address, quiet=True)
    assert len(caught.value.problems) == 1 and "\n" not in caught.value.problems[0]
    assert not out.exists()
    assert time.perf_counter() - start < 30


def test_a_port_that_speaks_http_is_one_line_within_the_connect_deadline(tmp_path):
    from claimscope.build import BuildInputError
    from claimscope.build.cluster_wait import ClusterDeadlines
    from claimscope.build.dask_executor import connect

    server = _http_server()
    deadlines = ClusterDeadlines(connect_s=2.0)  # the rule, not the default's ten seconds
    start = time.perf_counter()
    try:
        with pytest.raises(BuildInputError) as caught:
            with connect(f"tcp://127.0.0.1:{server.server_address[1]}", deadlines):
                pass
    finally:
        server.shutdown()
    assert "cannot reach the Dask scheduler" in caught.value.problems[0]
    assert time.perf_counter() - start < deadlines.connect_s + 10
