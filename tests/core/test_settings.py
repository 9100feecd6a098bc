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
