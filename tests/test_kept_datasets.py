"""A process checks the same package bytes once: later loads get a copy of what it kept.

``load_dataset`` keeps the last few datasets that passed every check, by the content hash of
every file. The property: whatever a package holds, a load after it was kept returns what a
cold load returns, the same tables or the same problems, and no caller's change reaches
another caller.
"""

from __future__ import annotations

import shutil
from collections import OrderedDict

import pandas as pd
import pytest
from helpers import read_csv, set_cell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimscope.data import dataset as dataset_module
from claimscope.data.dataset import LOADED_KEPT, DatasetError, load_dataset
from claimscope.data.paths import DATA_DIR


@pytest.fixture
def checks(monkeypatch) -> list:
    """Each folder the full read-and-check ran on, with an empty store of kept datasets."""
    monkeypatch.setattr(dataset_module, "_loaded", OrderedDict())
    monkeypatch.setattr(dataset_module, "_preloaded", [])
    ran = []
    real = dataset_module._load_and_check

    def counting(data_dir):
        ran.append(data_dir)
        return real(data_dir)

    monkeypatch.setattr(dataset_module, "_load_and_check", counting)
    return ran


def _same(a, b) -> None:
    assert a.version == b.version
    assert a.schema == b.schema
    assert a.texts == b.texts
    assert a.located == b.located
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


def test_the_same_bytes_are_checked_once_in_any_folder(checks, tmp_path):
    first = tmp_path / "first"
    second = tmp_path / "second"
    shutil.copytree(DATA_DIR, first)
    shutil.copytree(DATA_DIR, second)
    cold = load_dataset(first)
    warm = load_dataset(second)
    assert checks == [first]
    assert warm.data_dir == second
    _same(cold, warm)


def test_each_caller_gets_its_own_copy(checks, data_copy):
    cold = dataset_module._load_and_check(data_copy)
    changed = load_dataset(data_copy)
    changed.claims.loc[:, "quote"] = "changed by a caller"
    changed.tables["documents"] = changed.documents.iloc[:0]
    changed.schema["resources"].clear()
    changed.texts.clear()
    changed.located.append("c999")
    again = load_dataset(data_copy)
    assert checks == [data_copy, data_copy]  # the cold check, then the one that kept it
    _same(cold, again)


def test_a_changed_file_is_read_and_checked_again(checks, data_copy):
    load_dataset(data_copy)
    set_cell(data_copy / "documents.csv", 2, "title", "A title edited after the first load")
    edited = load_dataset(data_copy)
    assert checks == [data_copy, data_copy]
    assert "A title edited after the first load" in set(edited.documents["title"])
    set_cell(data_copy / "claims.csv", 2, "claim_id", "")
    with pytest.raises(DatasetError):
        load_dataset(data_copy)


def test_a_package_that_fails_a_check_is_never_kept(checks, data_copy):
    set_cell(data_copy / "claims.csv", 2, "value_low", "many")
    for _ in range(2):
        with pytest.raises(DatasetError) as refused:
            load_dataset(data_copy)
        assert any(p.column == "value_low" for p in refused.value.problems)
    assert len(checks) == 2
    assert not dataset_module._loaded


def test_a_package_written_while_it_was_read_is_not_kept(checks, data_copy, monkeypatch):
    versions = iter(["before-the-write", *["after-the-write"] * 3])
    monkeypatch.setattr(dataset_module, "dataset_version", lambda _: next(versions))
    load_dataset(data_copy)
    assert not dataset_module._loaded
    load_dataset(data_copy)
    assert len(checks) == 2


def test_only_the_last_loaded_packages_are_kept(checks, tmp_path):
    folders = []
    for i in range(LOADED_KEPT + 1):
        folder = tmp_path / f"data{i}"
        shutil.copytree(DATA_DIR, folder)
        set_cell(folder / "documents.csv", 2, "title", f"Title {i}")
        folders.append(folder)
        load_dataset(folder)
    assert len(dataset_module._loaded) == LOADED_KEPT
    load_dataset(folders[-1])  # kept
    assert len(checks) == LOADED_KEPT + 1
    load_dataset(folders[0])  # the oldest went
    assert len(checks) == LOADED_KEPT + 2


_EDITABLE = ["claims.csv", "documents.csv", "actors.csv", "relations.csv"]
_EDITS = st.tuples(
    st.sampled_from(_EDITABLE),
    st.integers(min_value=2, max_value=6),
    st.integers(min_value=0, max_value=30),
    st.sampled_from(["", "x", "0", "-1", "2024-10-18", "c001", "kcna", "10000", "a;b"]),
)
_EXAMPLE_DATA: list = []


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(_EDITS, min_size=1, max_size=3))
def test_a_load_after_any_edit_says_what_a_cold_load_says(edits, tmp_path_factory):
    """Any edit, valid or not: the kept path returns the cold path's tables or problems."""
    if not _EXAMPLE_DATA:  # one copy for every example; each puts the edited files back first
        _EXAMPLE_DATA.append(tmp_path_factory.mktemp("kept") / "data")
        shutil.copytree(DATA_DIR, _EXAMPLE_DATA[0])
    data = _EXAMPLE_DATA[0]
    for name in _EDITABLE:
        shutil.copyfile(DATA_DIR / name, data / name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dataset_module, "_loaded", OrderedDict())
        patch.setattr(dataset_module, "_preloaded", [])
        load_dataset(data)  # the unedited package, kept
        for name, row, column, value in edits:
            rows = read_csv(data / name)
            row = 2 + (row - 2) % (len(rows) - 1)  # a data row (row 1 is the header)
            set_cell(data / name, row, rows[0][column % len(rows[0])], value)
        outcomes = []
        for load in (dataset_module._load_and_check, load_dataset, load_dataset):
            try:
                outcomes.append(load(data))
            except DatasetError as error:
                outcomes.append(error.problems)
    cold, *warm = outcomes
    for outcome in warm:
        if isinstance(cold, list):
            assert outcome == cold
        else:
            _same(cold, outcome)
