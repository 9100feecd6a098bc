"""Training on the real chrI (cut into train/valid/test pieces, ``chr_i`` in conftest): it learns,
is reproducible, resumes bit for bit; the CLI."""

import json
import os

import pytest
import torch
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.model.checkpoint import FORMAT, VERSION, load_model
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM
from gategenome.train.config import TrainConfig
from gategenome.train.files import TrainOutputs
from gategenome.train.loop import run_train

TINY = dict(window=1024, batch_size=4, epochs=3, steps_per_epoch=10, warmup_steps=2, lr=0.01, threads=1,
            device="cpu", eval_segment=8192, eval_burn_in=256, patience=0, gate_penalty=0.0, edge_weight=0.0)


def run(inputs, out, seed=0, model=None, **overrides):
    model = model or ModelConfig(inputs="dna+signal", hidden_size=16, num_layers=1, coupled=False)
    train = TrainConfig(**{**TINY, "seed": seed, **overrides})
    return run_train(inputs.genome, inputs.signal, inputs.regions, inputs.folds, out, model, train, progress=False)


def weights(path):
    return load_model(path)[0].state_dict()


def test_tiny_run_learns_and_writes_outputs(chr_i, tmp_path):
    metrics = run(chr_i, tmp_path / "model.pt")
    history = metrics["history"]
    assert history[-1]["valid_bce"] < 0.9 * history[0]["valid_bce"], history
    assert metrics["test"]["auroc"] > 0.8
    assert metrics["test"]["auprc"] > 3 * metrics["test"]["positive_fraction"]
    for key in ("inside", "outside", "boundary", "boundary_auroc"):
        assert 0.0 <= metrics["test"]["forget"][key] <= 1.0
    on_disk = json.loads((tmp_path / "metrics.json").read_text())
    assert on_disk["valid"]["auroc"] == pytest.approx(metrics["valid"]["auroc"])
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
    assert "hidden_size: 16" in (tmp_path / "model.config.yaml").read_text()
    model, payload = load_model(tmp_path / "model.pt")
    assert payload["summary"]["seed"] == 0 and payload["summary"]["test"]["auroc"] == metrics["test"]["auroc"]
    assert not (tmp_path / "model.resume.pt").exists()


def test_same_seed_same_weights_other_seed_other_weights(chr_i, tmp_path):
    overrides = dict(epochs=1, steps_per_epoch=3)
    run(chr_i, tmp_path / "a" / "model.pt", seed=5, **overrides)
    run(chr_i, tmp_path / "b" / "model.pt", seed=5, **overrides)
    run(chr_i, tmp_path / "c" / "model.pt", seed=6, **overrides)
    a, b, c = (weights(tmp_path / name / "model.pt") for name in "abc")
    assert all(torch.equal(a[key], b[key]) for key in a)
    assert not all(torch.equal(a[key], c[key]) for key in a)


def test_resume_after_a_kill_equals_an_uninterrupted_run(chr_i, tmp_path):
    model = ModelConfig(inputs="dna", hidden_size=6, conv_channels=3, conv_width=5)
    overrides = dict(epochs=3, steps_per_epoch=3, gate_penalty=0.1)
    full = run(chr_i, tmp_path / "full" / "model.pt", model=model, **overrides)

    def kill(epoch):
        if epoch == 2:
            raise KeyboardInterrupt

    out = TrainOutputs(tmp_path / "cut" / "model.pt")
    files = (chr_i.genome, chr_i.signal, chr_i.regions, chr_i.folds)
    config = TrainConfig(**{**TINY, **overrides})
    with pytest.raises(KeyboardInterrupt):
        run_train(*files, out.model, model, config, progress=False, on_epoch_end=kill)
    assert out.resume.exists() and not out.model.exists()
    resumed = run_train(*files, out.model, model, config, resume=True, progress=False)
    a, b = weights(tmp_path / "full" / "model.pt"), weights(out.model)
    assert all(torch.equal(a[key], b[key]) for key in a)
    strip = lambda history: [{k: v for k, v in r.items() if k not in ("seconds", "bases_per_second")} for r in history]
    assert strip(resumed["history"]) == strip(full["history"])


@pytest.mark.slow
def test_edge_term_pulls_the_forget_gate_down_at_region_edges(chr_i, tmp_path):
    # A tiny run is too short for the full dip (the gate still steps down inside
    # regions; the dip on yeast needs the default budget), but the edge term must
    # already move forgetting onto the edges of the held-out regions.
    overrides = dict(epochs=10, steps_per_epoch=20, gate_penalty=0.3, window=2048, batch_size=8)
    model = ModelConfig(inputs="dna+signal", hidden_size=16, num_layers=2, coupled=True)
    plain = run(chr_i, tmp_path / "plain" / "model.pt", model=model, **overrides)["test"]["forget"]
    edged = run(chr_i, tmp_path / "edge" / "model.pt", model=model, edge_weight=0.15, **overrides)
    forget = edged["test"]["forget"]
    assert forget["boundary_auroc"] > plain["boundary_auroc"] + 0.1, (plain, forget)
    assert forget["boundary"] < 0.5 * forget["outside"] and plain["boundary"] > 0.9 * plain["outside"], (plain, forget)
    assert edged["history"][-1]["edge_term"] < edged["history"][0]["edge_term"]


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def cli_args(inputs, out, *extra):
    args = ["train", "--genome", inputs.genome, "--regions", inputs.regions, "--folds", inputs.folds,
            "--out", str(out), "--no-progress", "--device", "cpu", "--threads", "1"]
    return args + list(extra)


def assert_one_line_error(result, *needles):
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("gategenome: error:")]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_cli_refuses_a_resume_checkpoint_with_code(chr_i, tmp_path):
    out = tmp_path / "model.pt"
    marker = tmp_path / "ran"
    model = GateLSTM(ModelConfig(hidden_size=4))
    torch.save({"format": FORMAT, "version": VERSION, "config": model.config.to_dict(),
                "state_dict": model.state_dict(), "training": Payload(marker)}, tmp_path / "model.resume.pt")
    result = CliRunner().invoke(cli, cli_args(chr_i, out, "--signal", chr_i.signal, "--resume"))
    assert_one_line_error(result, "model.resume.pt", "carries code")
    assert not marker.exists() and not out.exists()


def test_cli_bad_config_and_missing_signal(chr_i, tmp_path):
    out = tmp_path / "model.pt"
    config = tmp_path / "bad.yaml"
    config.write_text("train:\n  epochz: 3\n")
    result = CliRunner().invoke(cli, cli_args(chr_i, out, "--config", str(config)))
    assert_one_line_error(result, "bad.yaml", "epochz")
    result = CliRunner().invoke(cli, cli_args(chr_i, out))
    assert_one_line_error(result, "--signal", "inputs: dna")
    assert not out.exists() and not list(tmp_path.glob("*.json"))


def test_cli_trains_a_dna_model_without_signal(chr_i, tmp_path):
    config = tmp_path / "dna.yaml"
    config.write_text("model:\n  inputs: dna\n  hidden_size: 4\ntrain:\n  window: 512\n  batch_size: 2\n"
                      "  epochs: 1\n  steps_per_epoch: 2\n  eval_segment: 16384\n")
    out = tmp_path / "run" / "model.pt"
    result = CliRunner().invoke(cli, cli_args(chr_i, out, "--config", str(config), "--seed", "3"))
    assert result.exit_code == 0, result.output
    model, payload = load_model(out)
    assert model.config.inputs == "dna" and payload["summary"]["config"]["train"]["seed"] == 3
    assert (out.parent / "metrics.json").exists() and (out.parent / "curves.png").exists()


def test_epochs_before_the_gate_curriculum_are_never_kept(chr_i, tmp_path):
    metrics = run(chr_i, tmp_path / "model.pt", epochs=2, steps_per_epoch=3, gate_start_epoch=1,
                  gate_penalty=0.6, edge_weight=5.0, select_tolerance=0.0)
    history = metrics["history"]
    assert history[0]["edge_term"] == 0.0 and history[1]["edge_term"] > 0.0  # the gate terms start in epoch 2
    assert metrics["best_epoch"] == 2  # kept whatever epoch 1's validation auPRC was


def test_final_metrics_score_a_sample_of_a_fold_longer_than_final_bases(chr_i, tmp_path):
    whole = run(chr_i, tmp_path / "a" / "model.pt", epochs=1)
    sampled = run(chr_i, tmp_path / "b" / "model.pt", epochs=1, final_bases=8_000)
    assert not whole["test"]["sampled"] and sampled["test"]["sampled"] and sampled["valid"]["sampled"]
    assert sampled["test"]["bases"] < 0.5 * whole["test"]["bases"]
    assert 0 < sampled["test"]["bases"] <= 8192  # one segment of eval_segment bases
