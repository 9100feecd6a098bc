"""``target: insertions`` on the real chrI (cut into train/valid/test pieces, ``chr_i`` in conftest):
the Tn5 bias fitted and frozen, the reads learnt, the checkpoint readable as insertion counts."""

import json

import numpy as np
import pyBigWig
import torch
from click.testing import CliRunner
from hostile import assert_clean_error, checksums

from gategenome.cli.main import cli
from gategenome.model.checkpoint import load_model
from gategenome.model.config import ModelConfig
from gategenome.model.insertions import InsertionHead, checkpoint_target, predict_insertions
from gategenome.train.bias import fit_tn5_bias
from gategenome.train.config import TrainConfig
from gategenome.train.loop import run_train

TINY = dict(window=1024, batch_size=4, epochs=3, steps_per_epoch=10, warmup_steps=2, lr=0.01, threads=1,
            device="cpu", eval_segment=8192, eval_burn_in=256, patience=0, gate_penalty=0.0, edge_weight=0.0,
            target="insertions", bias_steps=30)


def run(inputs, out, model=None, **overrides):
    model = model or ModelConfig(inputs="dna", hidden_size=16, num_layers=1, coupled=False)
    train = TrainConfig(**{**TINY, **overrides})
    return run_train(inputs.genome, inputs.signal, inputs.regions, inputs.folds, out, model, train,
                     insertions=inputs.insertions, progress=False)


def test_target_insertions_end_to_end(chr_i, tmp_path, one_torch_thread):
    metrics = run(chr_i, tmp_path / "model.pt")
    history = metrics["history"]
    assert history[-1]["profile"] < history[0]["profile"], history
    for fold in ("valid", "test"):
        peaks = metrics["peaks"][fold]
        assert peaks["peaks"] > 0 and 0.0 <= peaks["profile_jsd_median"] <= 1.0
        assert -1.0 <= peaks["count_pearson"] <= 1.0
    assert json.loads((tmp_path / "metrics.json").read_text())["peaks"]["test"] == metrics["peaks"]["test"]
    model, payload = load_model(tmp_path / "model.pt")
    assert checkpoint_target(payload) == "insertions"
    head = InsertionHead.from_checkpoint(payload)
    assert head.bias is not None and np.isfinite(head.log_mean_rate)
    x = torch.zeros(2, 300, 4)
    x[:, torch.arange(300), torch.randint(0, 4, (300,))] = 1.0
    prediction = predict_insertions(model, head, x)
    assert prediction.counts.shape == (2, 300) and (prediction.counts > 0).all()
    assert torch.allclose(prediction.profile.sum(dim=1), torch.ones(2))
    assert torch.allclose(prediction.counts.sum(dim=1), prediction.total, rtol=1e-4)
    without = predict_insertions(model, head, x, with_bias=False)
    assert not torch.allclose(without.counts, prediction.counts)


def cli_args(inputs, out, *extra):
    return ["train", "--genome", inputs.genome, "--regions", inputs.regions, "--folds", inputs.folds,
            "--out", str(out), "--no-progress", "--device", "cpu", "--threads", "1", *extra]


def reads_config(path):
    path.write_text("model:\n  inputs: dna\n  hidden_size: 4\n  num_layers: 1\ntrain:\n  target: insertions\n"
                    "  window: 512\n  batch_size: 2\n  epochs: 1\n  steps_per_epoch: 2\n  bias_steps: 2\n"
                    "  eval_segment: 16384\n  eval_burn_in: 64\n")
    return path


def test_cli_trains_on_insertions(chr_i, tmp_path):
    out = tmp_path / "run" / "model.pt"
    config = reads_config(tmp_path / "reads.yaml")
    result = CliRunner().invoke(cli, cli_args(chr_i, out, "--config", str(config), "--insertions", chr_i.insertions))
    assert result.exit_code == 0, result.output
    _, payload = load_model(out)
    assert checkpoint_target(payload) == "insertions"
    assert payload["summary"]["config"]["train"]["target"] == "insertions"
    scan = tmp_path / "scan"  # scan reads the model as any other: accessibility = rate / (rate + mean rate)
    result = CliRunner().invoke(cli, ["scan", "--model", str(out), "--genome", chr_i.genome, "--out-dir", str(scan),
                                      "--threads", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    track = pyBigWig.open(str(scan / "accessibility.bw"))
    values = np.nan_to_num(track.values("chrC", 0, track.chroms("chrC"), numpy=True))
    track.close()
    assert 0.0 <= values.min() and values.max() <= 1.0 and values.std() > 0


def test_cli_one_line_errors_for_bad_insertions(chr_i, tmp_path):
    out = tmp_path / "model.pt"
    reads = reads_config(tmp_path / "reads.yaml")
    signal_reads = tmp_path / "signal_reads.yaml"
    signal_reads.write_text(reads.read_text().replace("inputs: dna", "inputs: dna+signal"))
    labels = tmp_path / "labels.yaml"
    labels.write_text("model:\n  inputs: dna\n")
    before = checksums(tmp_path)
    cases = [
        (cli_args(chr_i, out, "--config", str(reads)), ("--insertions", "target is insertions")),
        (cli_args(chr_i, out, "--config", str(labels), "--insertions", chr_i.insertions),
         ("--insertions", "target 'regions'")),
        (cli_args(chr_i, out, "--config", str(reads), "--insertions", chr_i.regions), ("regions.bed",)),
        (cli_args(chr_i, out, "--config", str(signal_reads), "--insertions", chr_i.insertions, "--signal",
                  chr_i.insertions), ("--signal", "the same file as --insertions")),
    ]
    for args, words in cases:
        result = CliRunner().invoke(cli, args)
        assert_clean_error(result, *words)
        assert not out.exists()
    assert checksums(tmp_path) == before


def test_the_bias_model_stays_frozen_while_the_main_model_trains(chr_i, tmp_path, monkeypatch, one_torch_thread):
    from gategenome.train import loop

    fitted = {}

    def fit_and_keep(*args, **kwargs):
        head = fit_tn5_bias(*args, **kwargs)
        fitted["head"] = head
        fitted["before"] = {key: value.clone() for key, value in head.bias.state_dict().items()}
        return head

    monkeypatch.setattr(loop, "fit_tn5_bias", fit_and_keep)
    run(chr_i, tmp_path / "model.pt", epochs=1)
    bias = fitted["head"].bias
    assert not any(parameter.requires_grad for parameter in bias.parameters())
    for key, value in bias.state_dict().items():
        assert torch.equal(value, fitted["before"][key]), key
    saved = InsertionHead.from_checkpoint(load_model(tmp_path / "model.pt")[1]).bias.state_dict()
    for key, value in saved.items():
        assert torch.equal(value, fitted["before"][key]), key
    assert not torch.equal(saved["conv.weight"], torch.zeros_like(saved["conv.weight"]))
