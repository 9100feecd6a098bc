"""Checkpoint round trip and refusal of checkpoints that carry code."""

import os
import pickle

import pytest
import torch

from gategenome.errors import ModelError
from gategenome.model.checkpoint import FORMAT, VERSION, load_model, read_checkpoint, save_checkpoint
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM


class Payload:
    """An object whose unpickling runs a command (what a hostile checkpoint would do)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("config", [
    ModelConfig(inputs="dna", hidden_size=6),
    ModelConfig(inputs="dna+signal", hidden_size=5, num_layers=2, conv_channels=3, conv_width=4, forget_bias="chrono"),
    ModelConfig(inputs="dna", hidden_size=4, coupled=True),
    ModelConfig(inputs="dna", hidden_size=4, num_layers=2, coupled=False, head_reads="all"),
])
def test_round_trip_gives_the_same_model(tmp_path, config):
    torch.manual_seed(1)
    model = GateLSTM(config)
    path = tmp_path / "model.pt"
    save_checkpoint(path, model, summary={"test": {"auroc": 0.75}, "seed": 3}, extra={"note": "x"})
    loaded, payload = load_model(path)
    assert loaded.config == config
    assert payload["summary"]["test"]["auroc"] == 0.75 and payload["note"] == "x"
    for key, value in model.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[key])
    x = torch.randn(2, 30, config.input_channels)
    with torch.no_grad():
        torch.testing.assert_close(model(x).logits, loaded(x).logits, rtol=0, atol=0)
    assert not list(tmp_path.glob(".*tmp")), "temporary file left behind"


def test_checkpoint_with_code_is_refused_and_not_run(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "evil.pt"
    model = GateLSTM(ModelConfig(inputs="dna", hidden_size=4))
    torch.save({"format": FORMAT, "version": VERSION, "config": model.config.to_dict(),
                "state_dict": model.state_dict(), "summary": {"x": Payload(marker)}}, path)
    with pytest.raises(ModelError, match="carries code") as refused:
        load_model(path)
    assert not marker.exists()
    assert "weights_only" not in str(refused.value)


def test_plain_pickle_and_foreign_files_are_refused(tmp_path):
    pickled = tmp_path / "pickled.pt"
    pickled.write_bytes(pickle.dumps({"format": FORMAT}))
    with pytest.raises(ModelError, match=str(pickled)):
        read_checkpoint(pickled)
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(3)}, other)
    with pytest.raises(ModelError, match="not a gategenome checkpoint"):
        read_checkpoint(other)
    with pytest.raises(ModelError, match="not found"):
        read_checkpoint(tmp_path / "missing.pt")


def test_mismatched_architecture_is_a_model_error(tmp_path):
    path = tmp_path / "model.pt"
    save_checkpoint(path, GateLSTM(ModelConfig(inputs="dna", hidden_size=4)))
    payload = torch.load(path, weights_only=True)
    payload["config"]["hidden_size"] = 8
    torch.save(payload, path)
    with pytest.raises(ModelError, match="do not match its model configuration"):
        load_model(path)


def _payload(path, **changes):
    save_checkpoint(path, GateLSTM(ModelConfig(inputs="dna", hidden_size=4)))
    payload = torch.load(path, weights_only=True)
    payload.update(changes)
    torch.save(payload, path)
    return path


@pytest.mark.parametrize("content, expected", [
    (b"", "empty file"),
    (b"epoch 1 loss 0.3\n", "not a PyTorch checkpoint"),
    (b"\x80\x02}q\x00.", "not a readable model checkpoint"),
], ids=["empty", "text", "bare-pickle"])
def test_non_checkpoint_files_are_one_line_model_errors(tmp_path, content, expected):
    path = tmp_path / "model.pt"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=expected) as refused:
        load_model(path)
    assert "\n" not in str(refused.value)


def test_state_dict_that_is_a_list_is_refused(tmp_path):
    path = _payload(tmp_path / "model.pt", state_dict=[torch.zeros(3)])
    with pytest.raises(ModelError, match="'state_dict' is a list"):
        load_model(path)


def test_shape_mismatch_names_the_parameter_on_one_line(tmp_path):
    path = tmp_path / "model.pt"
    save_checkpoint(path, GateLSTM(ModelConfig(inputs="dna", hidden_size=4)))
    payload = torch.load(path, weights_only=True)
    name = next(iter(payload["state_dict"]))
    payload["state_dict"][name] = torch.zeros(2, 2)
    torch.save(payload, path)
    with pytest.raises(ModelError) as refused:
        load_model(path)
    message = str(refused.value)
    assert f"size mismatch for {name}" in message and "torch.Size([2, 2])" in message and "\n" not in message
