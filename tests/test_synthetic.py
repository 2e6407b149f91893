"""The benchmark's synthetic data generator writes valid, reproducible data packages."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from claimscope.data.dataset import load_dataset
from claimscope.data.paths import PROJECT_ROOT

_SPEC = importlib.util.spec_from_file_location(
    "claimscope_bench_synthetic", PROJECT_ROOT / "benchmarks" / "synthetic.py"
)
synthetic = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = synthetic
_SPEC.loader.exec_module(synthetic)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("claims", [10, 500])
def test_generated_dataset_loads_and_has_the_asked_size(tmp_path: Path, claims: int) -> None:
    counts = synthetic.generate(tmp_path / "data", claims, seed=3)
    dataset = load_dataset(tmp_path / "data")
    assert len(dataset.claims) == claims
    assert dataset.counts()["documents"] == counts["documents"]
    assert dataset.counts()["relations"] == counts["relations"]
    # Every kind of row a report draws is there: figures in units, stances, dated and undated.
    types = set(dataset.claims["claim_type"])
    if claims >= 500:
        assert {"figure", "denial", "not_verified"} <= types
        figures = dataset.claims[dataset.claims["claim_type"] == "figure"]
        assert {"troops", "brigades"} <= set(figures["unit"])
        assert set(figures["qualifier"]) == {"exact", "approximately", "at_least", "up_to", "range"}
        assert dataset.claims["claimed_on"].isna().any()
        assert (dataset.actors["parent_id"] != "").any()
    # Quotes stand at their offsets (load_dataset checks it; this keeps the test honest).
    for claim in dataset.claims.head(20).itertuples():
        assert dataset.texts[claim.doc_id][claim.start : claim.end] == claim.quote


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    synthetic.generate(tmp_path / "a", 500, seed=1)
    synthetic.generate(tmp_path / "b", 500, seed=1)
    synthetic.generate(tmp_path / "c", 500, seed=2)
    first = _files(tmp_path / "a")
    assert first == _files(tmp_path / "b")
    assert first["claims.csv"] != _files(tmp_path / "c")["claims.csv"]
    assert load_dataset(tmp_path / "a").version == load_dataset(tmp_path / "b").version


def test_generator_rejects_an_empty_dataset(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        synthetic.generate(tmp_path / "d", 0)
