"""Chromosome-level fold split."""

from __future__ import annotations

import json

import pytest

from gategenome.data.folds import FOLDS, folds_from_options, read_folds, split_chromosomes
from gategenome.errors import ConfigError, InputError

YEAST = {
    "chrI": 230218,
    "chrII": 813184,
    "chrIII": 316620,
    "chrIV": 1531933,
    "chrV": 576874,
    "chrVI": 270161,
    "chrVII": 1090940,
    "chrVIII": 562643,
    "chrIX": 439888,
    "chrX": 745751,
    "chrXI": 666816,
    "chrXII": 1078177,
    "chrXIII": 924431,
    "chrXIV": 784333,
    "chrXV": 1091291,
    "chrXVI": 948066,
}


def test_split_is_balanced_deterministic_and_complete():
    split = split_chromosomes(YEAST, seed=0)
    assert split.note == ""
    names = [name for fold in FOLDS for name in split.folds[fold]]
    assert sorted(names) == sorted(YEAST) and len(names) == len(set(names))
    total = sum(YEAST.values())
    shares = {fold: bases / total for fold, bases in split.bases(YEAST).items()}
    assert shares["train"] == pytest.approx(0.70, abs=0.03)
    assert shares["valid"] == pytest.approx(0.15, abs=0.03)
    assert shares["test"] == pytest.approx(0.15, abs=0.03)
    assert split_chromosomes(YEAST, seed=0).folds == split.folds
    others = {json.dumps(split_chromosomes(YEAST, seed=s).folds) for s in range(1, 6)}
    assert len(others | {json.dumps(split.folds)}) > 1, "the seed changes the split"
    for fold in FOLDS:  # genome order inside each fold
        assert split.folds[fold] == [name for name in YEAST if name in split.folds[fold]]


@pytest.mark.parametrize("count", [3, 4, 5])
def test_every_fold_non_empty_with_few_chromosomes(count):
    sizes = {f"c{i}": 1000 * (i + 1) ** 2 for i in range(count)}
    split = split_chromosomes(sizes, seed=3)
    assert all(split.folds[fold] for fold in FOLDS)


def test_one_and_two_chromosomes():
    one = split_chromosomes({"chrI": 10})
    assert one.folds == {"train": ["chrI"], "valid": ["chrI"], "test": ["chrI"]}
    assert "only one chromosome" in one.note
    two = split_chromosomes({"a": 10, "b": 30})
    assert two.folds == {"train": ["b"], "valid": ["a"], "test": ["a"]}
    assert "two" in two.note
    with pytest.raises(ConfigError, match="no chromosomes"):
        split_chromosomes({})


def test_folds_file_is_validated(tmp_path):
    path = tmp_path / "folds.json"
    good = {"train": ["chrI", "II", "chrIII"], "valid": ["chrIV"], "test": ["chrV", "chrM"]}
    path.write_text(json.dumps(good))
    sizes = {name: YEAST[name] for name in ["chrI", "chrII", "chrIII", "chrIV", "chrV"]}
    split = read_folds(path, sizes, excluded=["chrM"])
    assert split.folds == {"train": ["chrI", "chrII", "chrIII"], "valid": ["chrIV"], "test": ["chrV"]}
    assert split.method == "file"
    for bad, message in [
        ({**good, "test": ["chrI"]}, "both train and test"),
        ({**good, "valid": ["chrXX"]}, "unknown chromosome 'chrXX'"),
        ({"train": ["chrI"], "valid": []}, "expected exactly the keys"),
        ({**good, "train": []}, "train fold is empty"),
        ({**good, "valid": "chrIV"}, "list of chromosome names"),
    ]:
        path.write_text(json.dumps(bad))
        with pytest.raises(ConfigError, match=message) as info:
            read_folds(path, sizes, excluded=["chrM"])
        assert str(path) in str(info.value)
    path.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        read_folds(path, sizes)


def test_folds_from_options():
    split = folds_from_options(["chrIV"], [["chrI", "chrII"][0], "II"], YEAST)
    assert split.folds["valid"] == ["chrIV"] and split.folds["test"] == ["chrI", "chrII"]
    assert set(split.folds["train"]) == set(YEAST) - {"chrI", "chrII", "chrIV"}
    with pytest.raises(ConfigError, match="both valid and test"):
        folds_from_options(["chrI"], ["chrI"], YEAST)
    with pytest.raises(ConfigError, match="--test-chroms: unknown chromosome"):
        folds_from_options([], ["chr9"], YEAST)


@pytest.mark.parametrize("names", [["chrI"], ["chrI", "chrVI"]], ids=["one", "two"])
def test_degenerate_split_reads_back_with_a_warning(tmp_path, caplog, names):
    sizes = {name: YEAST[name] for name in names}
    written = split_chromosomes(sizes, seed=0)
    path = tmp_path / "folds.json"
    path.write_text(written.to_json())
    caplog.set_level("WARNING", logger="gategenome.data.folds")
    assert read_folds(path, sizes).folds == written.folds
    assert "metrics are not held out" in caplog.text
