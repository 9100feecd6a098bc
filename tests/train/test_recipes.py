"""The shipped sequence-only recipe and the curriculum keys are validated like every config."""

from pathlib import Path

import pytest

from gategenome.errors import ConfigError
from gategenome.train.config import TrainConfig, load_config

ROOT = Path(__file__).resolve().parents[2]


def test_dna_recipe_is_sequence_only_with_a_gate_curriculum():
    model, train = load_config(ROOT / "config" / "dna.yaml")
    assert model.inputs == "dna" and not model.uses_signal
    assert 0 < train.gate_start_epoch < train.epochs
    assert train.edge_weight > 0 and train.gate_penalty > 0
    # every unit of the scanned layer is an edge classifier (a unit left open holds the mean gate up),
    # and the head also reads the first layer, whose memory the gate terms leave alone
    assert train.edge_loss == "bce_units" and train.edge_sharpness > 1
    assert model.num_layers >= 2 and model.head_reads == "all"


@pytest.mark.parametrize("key", ["gate_start_epoch", "gate_ramp_epochs"])
def test_negative_curriculum_epochs_are_refused(tmp_path, key):
    with pytest.raises(ConfigError, match=key):
        TrainConfig(**{key: -1})
    path = tmp_path / "bad.yaml"
    path.write_text(f"train:\n  {key}: -2\n")
    with pytest.raises(ConfigError, match=key):
        load_config(path)


def test_reads_recipe_learns_insertions_from_sequence_without_region_labels():
    model, train = load_config(ROOT / "config" / "reads_dna.yaml")
    assert model.inputs == "dna" and train.target == "insertions"
    assert train.edge_weight == 0 and train.gate_penalty == 0 and train.bias_steps > 0
