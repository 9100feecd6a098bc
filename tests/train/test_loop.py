"""Training on the real chrI (cut into train/valid/test pieces): it learns, is reproducible, resumes bit for bit; the CLI."""

import json
import os

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.model.checkpoint import FORMAT, VERSION, load_model
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM
from gategenome.train.config import TrainConfig
from gategenome.train.loop import TrainInputs, TrainOutputs, edge_zone, gate_penalty_term, learning_rate, train_model
from gategenome.train.windows import Chromosome

TINY = dict(window=1024, batch_size=4, epochs=3, steps_per_epoch=10, warmup_steps=2, lr=0.01, threads=1,
            device="cpu", eval_segment=8192, eval_burn_in=256, patience=0, gate_penalty=0.0, edge_weight=0.0)


CUTS = (0, 150_000, 190_000, 230_218)


@pytest.fixture(scope="module")
def chr_i(mini, tmp_path_factory):
    """chrI cut into three chromosomes (train, valid, test) with its signal and MACS3 peaks."""
    import pyBigWig

    from gategenome.io.fasta import Genome

    root = tmp_path_factory.mktemp("chrI")
    genome = Genome(mini["genome"])
    names = ["chrA", "chrB", "chrC"]
    pieces = list(zip(names, CUTS[:-1], CUTS[1:]))
    fasta = root / "genome.fa"
    fasta.write_text("".join(f">{name}\n{genome.fetch('chrI', start, end).decode()}\n" for name, start, end in pieces))
    signal = root / "signal.bw"
    source = pyBigWig.open(str(mini["signal"]))
    values = np.nan_to_num(source.values("chrI", 0, CUTS[-1], numpy=True))
    out = pyBigWig.open(str(signal), "w")
    out.addHeader([(name, end - start) for name, start, end in pieces])
    for name, start, end in pieces:
        out.addEntries(name, 0, values=values[start:end].astype(float).tolist(), span=1, step=1)
    out.close()
    regions = root / "regions.bed"
    lines = []
    for line in mini["peaks"].read_text().splitlines():
        _, a, b = line.split("\t")[:3]
        for name, start, end in pieces:
            lo, hi = max(int(a), start), min(int(b), end)
            if lo < hi:
                lines.append(f"{name}\t{lo - start}\t{hi - start}\n")
    regions.write_text("".join(lines))
    folds = root / "folds.json"
    folds.write_text(json.dumps({"train": ["chrA"], "valid": ["chrB"], "test": ["chrC"]}))
    return TrainInputs(genome=str(fasta), regions=str(regions), folds=str(folds), signal=str(signal))


def run(inputs, out, seed=0, model=None, **overrides):
    model = model or ModelConfig(inputs="dna+signal", hidden_size=16, num_layers=1, coupled=False)
    train = TrainConfig(**{**TINY, "seed": seed, **overrides})
    return train_model(inputs, TrainOutputs(out), model, train, progress=False)


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
    config = TrainConfig(**{**TINY, **overrides})
    with pytest.raises(KeyboardInterrupt):
        train_model(chr_i, out, model, config, progress=False, on_epoch_end=kill)
    assert out.resume.exists() and not out.model.exists()
    resumed = train_model(chr_i, out, model, config, resume=True, progress=False)
    a, b = weights(tmp_path / "full" / "model.pt"), weights(out.model)
    assert all(torch.equal(a[key], b[key]) for key in a)
    strip = lambda history: [{k: v for k, v in r.items() if k not in ("seconds", "bases_per_second")} for r in history]
    assert strip(resumed["history"]) == strip(full["history"])


def test_edge_zone_marks_the_bases_the_boundary_metric_marks():
    regions = np.array([[100, 180], [185, 400], [700, 800]])
    labels = np.zeros(1000, dtype=np.uint8)
    for start, end in regions:
        labels[start:end] = 1
    chrom = Chromosome("c", np.zeros((1000, 4), np.uint8), None, labels, np.ones(1000, bool), regions)
    zone = edge_zone(torch.from_numpy(labels[None].astype(np.float32)), 50)[0].numpy()
    assert np.array_equal(zone, chrom.boundary_mask(50))  # the 5 bp gap's two edges included
    assert zone[50] and not zone[49] and zone[449] and not zone[450] and not zone[300]


def test_gate_penalty_weighs_inside_and_outside_equally():
    y = torch.zeros(2, 100)
    y[0, 40:45] = 1  # 5 inside bases of 200
    forget = 1.0 - y  # forgets everywhere inside, nowhere outside
    scored = torch.ones_like(y)
    assert gate_penalty_term(forget, y, scored).item() == pytest.approx(0.5)
    assert gate_penalty_term(torch.full_like(y, 0.9), torch.zeros_like(y), scored).item() == pytest.approx(0.1)
    scored[0, 40:45] = 0  # the inside bases masked: only the outside side is left
    assert gate_penalty_term(forget, y, scored).item() == pytest.approx(0.0)


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


def test_learning_rate_schedule():
    config = TrainConfig(lr=1.0, warmup_steps=4, min_lr_ratio=0.1)
    rates = [learning_rate(step, 20, config) for step in range(20)]
    assert rates[:4] == [0.25, 0.5, 0.75, 1.0]
    assert all(x >= y for x, y in zip(rates[4:], rates[5:])) and rates[-1] == pytest.approx(0.1, abs=0.02)
    flat = TrainConfig(lr=1.0, warmup_steps=0, schedule="constant")
    assert {learning_rate(step, 20, flat) for step in range(20)} == {1.0}


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
    assert_one_line_error(result, "model.resume.pt", "contains code")
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


def test_blacklist_names_are_matched_like_prepare_matches_them(chr_i, tmp_path):
    """A blacklist spelled 'A' (Ensembl style) masks chrA's bases, as prepare would."""
    from dataclasses import replace

    from gategenome.train.loop import _open_data

    masks = {}
    for spelling in ("chrA", "A"):
        blacklist = tmp_path / f"{spelling}.bed"
        blacklist.write_text(f"{spelling}\t1000\t3000\n")
        _, data = _open_data(replace(chr_i, blacklist=str(blacklist)), ModelConfig())
        masks[spelling] = data["train"][0].mask
    assert not masks["A"][1000:3000].any() and masks["A"][:1000].all() and masks["A"][3000:].all()
    np.testing.assert_array_equal(masks["A"], masks["chrA"])
