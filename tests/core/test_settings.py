"""core.settings: configuration sections into settings dataclasses."""

from __future__ import annotations

import pytest

from gategenome.errors import ConfigError
from gategenome.model.config import ModelConfig
from gategenome.train.config import TrainConfig


def test_known_keys_build_the_settings():
    assert ModelConfig.from_dict({"hidden_size": 8}) == ModelConfig(hidden_size=8)
    assert TrainConfig.from_dict({}) == TrainConfig()


@pytest.mark.parametrize("cls, section", [(ModelConfig, "model"), (TrainConfig, "train")])
def test_unknown_keys_are_named_with_the_valid_ones(cls, section):
    with pytest.raises(ConfigError, match=rf"^{section}: unknown key\(s\) hiden_size, zz; expected some of .*hidden_size"
                       if section == "model" else rf"^{section}: unknown key\(s\) hiden_size, zz; expected some of .*epochs"):
        cls.from_dict({"hiden_size": 1, "zz": 2})


@pytest.mark.parametrize("make, key", [
    (lambda: TrainConfig(lr=float("nan")), "train.lr"),
    (lambda: TrainConfig(weight_decay=float("inf")), "train.weight_decay"),
    (lambda: TrainConfig(accessible_fraction=float("nan")), "train.accessible_fraction"),
    (lambda: ModelConfig(forget_bias="nan"), "model.forget_bias"),
    (lambda: ModelConfig(chrono_max=float("inf")), "model.chrono_max"),
    (lambda: ModelConfig.from_dict({"forget_bias": "-inf"}), "model.forget_bias"),
])
def test_non_finite_numbers_are_refused_naming_the_key(make, key):
    with pytest.raises(ConfigError, match=rf"^{key}: got .*, expected a finite number$"):
        make()


def test_non_finite_finds_the_first_bad_number_with_its_path():
    from gategenome.core.settings import non_finite

    assert non_finite({"train": {"lr": 0.1}, "scan": {"chroms": ["chrI"]}}) is None
    key, value = non_finite({"a": {"b": [1.0, {"c": float("inf")}]}})
    assert key == "a.b[1].c" and value == float("inf")
    assert non_finite({"x": float("nan")})[0] == "x"
