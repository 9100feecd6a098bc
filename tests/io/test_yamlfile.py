"""read_yaml: a key written twice is refused, naming it, its lines and the file."""

from __future__ import annotations

import pytest

from gategenome.errors import ConfigError
from gategenome.io.yamlfile import read_yaml


def test_a_key_written_twice_is_refused(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("train:\n  lr: 0.1\n  epochs: 3\n  lr: 0.2\n")
    with pytest.raises(ConfigError, match=r"config.yaml: key 'lr' appears twice \(lines 2 and 4\)"):
        read_yaml(path)


def test_equal_keys_in_different_mappings_are_fine(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("model:\n  seed: 1\ntrain:\n  seed: 2\n")
    assert read_yaml(path) == {"model": {"seed": 1}, "train": {"seed": 2}}
    path.write_text("")
    assert read_yaml(path) is None
