"""The parameter check the notebooks' first cell and the build share: coercion, ids, messages."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
import yaml

from claimscope.data.dataset import load_dataset
from claimscope.data.parameters import (
    ParameterError,
    check_ids,
    check_notebook_parameters,
    coerce_parameters,
    resolve_data_dir,
)

LIST = {"claimant_ids": "list"}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("nis", ["nis"]),
        ("nis, russia", ["nis", "russia"]),
        ('["china", "nis"]', ["china", "nis"]),
        ("", []),
        (["nis"], ["nis"]),
    ],
)
def test_list_parameters_from_what_papermill_passes(given, expected):
    assert coerce_parameters({"claimant_ids": given}, LIST) == {"claimant_ids": expected}


def test_numbers_booleans_dicts_and_dates_from_strings():
    declared = {"depth": "int", "tolerance": "float", "roll": "bool", "units": "dict"}
    given = {"depth": "2", "tolerance": "0.25", "roll": "True", "units": '{"brigades": [1, 2]}'}
    assert coerce_parameters({**given, "as_of": date(2024, 10, 23)}, declared) == {
        "depth": 2,
        "tolerance": 0.25,
        "roll": True,
        "units": {"brigades": [1, 2]},
        "as_of": "2024-10-23",
    }
    assert coerce_parameters({"as_of": "", "roll": "no"}, declared) == {"as_of": "", "roll": False}


@pytest.mark.parametrize(
    ("name", "value", "kind", "expected"),
    [
        ("depth", "abc", "int", "parameter 'depth': got 'abc'; expected a whole number"),
        ("depth", True, "int", "parameter 'depth': got True; expected a whole number"),
        ("roll", "maybe", "bool", "parameter 'roll': got 'maybe'; expected true or false"),
        ("claimant_ids", '["a"', "list", "parameter 'claimant_ids': got '[\"a\"'; expected a list"),
        ("as_of", "23/10/2024", "str", "parameter 'as_of': got '23/10/2024'; expected a date"),
        ("as_of", "2024-02-30", "str", "parameter 'as_of': got '2024-02-30'; expected a date"),
        ("focus_actor", ["a"], "str", "parameter 'focus_actor': got ['a']; expected a string"),
    ],
)
def test_a_value_of_the_wrong_type_is_named_with_what_was_expected(name, value, kind, expected):
    with pytest.raises(ParameterError) as caught:
        coerce_parameters({name: value}, {name: kind})
    assert str(caught.value).startswith(expected)


def test_every_problem_is_collected_into_one_error():
    with pytest.raises(ParameterError) as caught:
        coerce_parameters({"a": "x", "b": "y"}, {"a": "int", "b": "float"})
    assert len(caught.value.problems) == 2


def test_a_typo_suggests_the_closest_id_and_names_the_file(dataset):
    with pytest.raises(ParameterError) as caught:
        check_ids({"focus_actor": "rusia"}, dataset)
    message = str(caught.value)
    assert "unknown actor id 'rusia'; did you mean 'russia'" in message
    assert "actor_id column of data/actors.csv" in message


def test_a_name_in_another_case_points_to_its_id(dataset):
    with pytest.raises(ParameterError, match="did you mean 'russia'"):
        check_ids({"claimant_ids": ["Russia"]}, dataset)


def test_aliases_are_suggested_when_the_actors_table_has_them(dataset):
    actors = dataset.tables["actors"].copy()
    actors["aliases"] = ["Pyongyang; DPRK" if a == "north_korea" else "" for a in actors.actor_id]
    dataset.tables["actors"] = actors
    try:
        with pytest.raises(ParameterError, match="did you mean 'north_korea'"):
            check_ids({"focus_actor": "dprk"}, dataset)
    finally:
        dataset.tables["actors"] = actors.drop(columns="aliases")


def test_an_id_with_nothing_to_show_is_an_error_not_an_empty_chart(dataset):
    with pytest.raises(ParameterError) as caught:
        check_ids({"claimant_ids": ["china"]}, dataset)
    assert "actor 'china' is in data/actors.csv but no row of data/claims.csv" in str(caught.value)


def test_an_actor_without_ties_may_focus_when_rolled_up_to_its_state(dataset):
    with pytest.raises(ParameterError, match="'kim_jong_un' is in data/actors.csv"):
        check_ids({"focus_actor": "kim_jong_un"}, dataset)
    check_ids({"focus_actor": "kim_jong_un", "roll_up_to_states": True}, dataset)


def test_selections_that_each_match_but_not_together_are_an_error(dataset):
    claims = dataset.claims
    claimant = claims["claimant_id"].iloc[0]
    other = claims.loc[claims["claimant_id"] != claimant, "measure"].dropna().iloc[0]
    if (claims.loc[claims["claimant_id"] == claimant, "measure"] == other).any():
        pytest.fail("the test needs a measure the first claimant does not use")
    with pytest.raises(ParameterError, match="no row of data/claims.csv matches them all"):
        check_ids({"claimant_ids": [claimant], "measures": [other]}, dataset)


def test_good_ids_pass(dataset):
    check_ids({"claimant_ids": ["nis"], "focus_actor": "russia", "min_status": "reported"}, dataset)


def test_a_wrong_data_dir_names_the_folder_it_resolved(tmp_path):
    with pytest.raises(ParameterError) as caught:
        resolve_data_dir("data", base=tmp_path)
    assert f"resolves to {tmp_path / 'data'}, which holds no datapackage.json" in str(caught.value)


def test_the_notebook_check_coerces_in_place_and_reads_declared_types(data_copy, tmp_path):
    namespace = {
        "__annotations__": {"data_dir": str, "claimant_ids": list, "tolerance": float},
        "data_dir": str(data_copy),
        "claimant_ids": "nis",
        "tolerance": "0.2",
    }
    dataset = check_notebook_parameters(namespace)
    assert namespace["claimant_ids"] == ["nis"] and namespace["tolerance"] == 0.2
    # It hands on the dataset it checked against, so the notebook need not load it again.
    assert dataset.data_dir.resolve() == data_copy.resolve()
    assert "nis" in set(dataset.actors["actor_id"])
    shutil.rmtree(data_copy)
    with pytest.raises(ParameterError, match="holds no datapackage.json"):
        check_notebook_parameters(namespace)


def test_the_error_shows_as_its_message_alone():
    error = ParameterError(["parameter 'x': bad", "parameter 'y': bad"])
    assert repr(error) == str(error) == "parameter 'x': bad\nparameter 'y': bad"
    assert error._render_traceback_() == [
        "ParameterError: parameter 'x': bad",
        "ParameterError: parameter 'y': bad",
    ]


@pytest.mark.parametrize(
    ("name", "kind", "value", "expected"),
    [
        ("depth", "int", "-1", "parameter 'depth': got '-1'; expected a whole number, 0 or more"),
        ("depth", "int", -3, "parameter 'depth': got -3; expected a whole number, 0 or more"),
        ("depth", "int", "1.5", "parameter 'depth': got '1.5'; expected a whole number"),
        ("depth", "int", 2.5, "parameter 'depth': got 2.5; expected a whole number"),
        (
            "tolerance",
            "float",
            "1",
            "parameter 'tolerance': got '1'; expected a number, at least 0 and below 1",
        ),
    ],
)
def test_a_number_outside_its_bounds_is_refused_by_the_shared_check(name, kind, value, expected):
    with pytest.raises(ParameterError) as caught:
        coerce_parameters({name: value}, {name: kind})
    assert caught.value.problems == [expected]


def test_bounds_admit_their_edges():
    assert coerce_parameters({"depth": "0", "tolerance": 0}, {"depth": "int", "tolerance": "float"})
    assert coerce_parameters({"depth": 0}, {"depth": "int"}) == {"depth": 0}


def test_the_notebook_check_refuses_a_negative_depth(data_copy):
    namespace = {"__annotations__": {"data_dir": str, "depth": int}, "data_dir": str(data_copy)}
    with pytest.raises(ParameterError, match="parameter 'depth': got -1; expected a whole"):
        check_notebook_parameters({**namespace, "depth": -1})


def test_the_build_refuses_a_negative_depth_naming_the_report_and_exits_2(
    tmp_path, monkeypatch, capsys
):
    from claimscope import build
    from claimscope.cli import main
    from claimscope.data.paths import PROJECT_ROOT

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(build.kernel, "execute_notebook", refuse)
    notebook = PROJECT_ROOT / "notebooks" / "actor_relations.ipynb"
    config = tmp_path / "r.yaml"
    entry = {
        "name": "deep",
        "notebook": str(notebook),
        "title": "Deep",
        "parameters": {"depth": -1},
    }
    config.write_text(yaml.safe_dump({"reports": [entry]}), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--config", str(config), "--output", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "report 'deep': parameter 'depth': got -1; expected a whole number, 0 or more" in err
    assert not out.exists()
