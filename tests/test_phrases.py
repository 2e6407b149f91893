"""A data package's own phrases.csv over the shipped vocabulary: replacing, extending, refusing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claimscope.curate.suggest import suggest_claims
from claimscope.curate.troop_figures import find_figures
from claimscope.data.dataset import DatasetError, load_dataset
from claimscope.data.paths import DATA_DIR
from claimscope.data.phrases import default_vocabulary, load_vocabulary

HEADER = "kind,value,pattern,note\n"


def _package(tmp_path: Path, rows: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "phrases.csv").write_text(HEADER + rows, encoding="utf-8")
    return folder


def test_without_a_file_the_shipped_vocabulary_is_used(tmp_path):
    assert load_vocabulary(tmp_path) is default_vocabulary()


def test_a_row_replaces_its_kind_and_value_and_new_rows_come_first(tmp_path):
    folder = _package(tmp_path, "unit,evacuees,evacuees?|residents,\nunit,brigades,,\n")
    vocabulary = load_vocabulary(folder)
    assert vocabulary.values("unit")[:2] == ["evacuees", "troops"]
    assert "brigades" not in vocabulary.values("unit")
    found = find_figures("some 4,000 residents left; the toll rose to 12", vocabulary)
    assert [(f.value_low, f.unit) for f in found] == [(4000, "evacuees"), (12, "evacuees")]


def test_a_new_speech_row_extends_the_verbs(tmp_path):
    folder = _package(tmp_path, "speech,more,tweeted,\n")
    verbs = [m.group() for m, _ in load_vocabulary(folder).find_all("speech", "she tweeted, said")]
    assert verbs == ["tweeted", "said"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("colour,x,y,\n", "phrases.csv:2:kind: unknown kind 'colour'"),
        ("unit,x,(troops,\n", "phrases.csv:2:pattern: not a pattern"),
        ("stance,denial,(?:de+)+nied,\n", "phrases.csv:2:pattern: a repeated group"),
        ("unit,x,(a|ab)*c,\n", "phrases.csv:2:pattern: a repeated group"),
        ("unit\n", "phrases.csv:2:value: missing value"),
        ("unit,x,y,\nunit,z," + "a" * 2001 + ",\n", "phrases.csv:3:pattern: pattern of 2001"),
    ],
)
def test_a_bad_row_is_refused_with_its_row_and_column(tmp_path, rows, message):
    with pytest.raises(DatasetError, match=message.replace("(", r"\(")):
        load_vocabulary(_package(tmp_path, rows))


def test_suggest_reads_the_package_vocabulary(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    doc_id = load_dataset(data).documents["doc_id"].iloc[0]
    before = [r for r in suggest_claims(doc_id, data) if r["claim_type"] == "figure"]
    (data / "phrases.csv").write_text(HEADER + "unit,troops,,\n", encoding="utf-8")
    after = [r for r in suggest_claims(doc_id, data) if r["claim_type"] == "figure"]
    assert any(r["unit"] == "troops" for r in before)
    assert not any(r["unit"] == "troops" for r in after)
