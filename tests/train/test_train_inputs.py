"""What `gategenome train` refuses before training: bad regions, bad --config values, unwritable
outputs, a resume checkpoint of other data."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.errors import ModelError
from gategenome.model.config import ModelConfig
from gategenome.train.config import TrainConfig
from gategenome.train.files import TrainOutputs
from gategenome.train.loop import run_train

TINY_YAML = ("model:\n  inputs: dna\n  hidden_size: 4\n  num_layers: 1\n"
             "train:\n  window: 512\n  batch_size: 2\n  epochs: 1\n  steps_per_epoch: 1\n  warmup_steps: 0\n"
             "  eval_segment: 4096\n  eval_burn_in: 0\n")


def train_args(inputs, out, *extra, regions=None):
    return ["train", "--genome", inputs.genome, "--regions", str(regions or inputs.regions), "--folds", inputs.folds,
            "--out", str(out), "--no-progress", "--device", "cpu", "--threads", "1", *map(str, extra)]


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.startswith("gategenome: error:")]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


@pytest.fixture
def tiny_config(tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_YAML)
    return path


def test_empty_regions_are_refused(chr_i, tmp_path, tiny_config):
    regions = tmp_path / "empty.bed"
    regions.write_text("")
    result = CliRunner().invoke(cli, train_args(chr_i, tmp_path / "m.pt", "--config", tiny_config, regions=regions))
    assert "empty.bed" in one_line_error(result) and "no accessible region" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.bed", "tiny.yaml"]


def test_no_region_on_the_valid_fold_is_refused_not_nan(chr_i, tmp_path, tiny_config):
    regions = tmp_path / "train_only.bed"
    regions.write_text("".join(line + "\n" for line in Path(chr_i.regions).read_text().splitlines()
                               if line.startswith("chrA\t")))
    result = CliRunner().invoke(cli, train_args(chr_i, tmp_path / "m.pt", "--config", tiny_config, regions=regions))
    message = one_line_error(result)
    assert "valid" in message and "chrB" in message
    assert not (tmp_path / "metrics.json").exists()


@pytest.mark.parametrize("section, line, needle", [
    ("model", 'hidden_size: "eight"', "model.hidden_size"),
    ("train", "window: abc", "train.window"),
    ("train", "lr: .nan", "train.lr"),
    ("train", "window: 4096.7", "train.window"),
    ("model", "hidden_size: 3.5", "model.hidden_size"),
    ("train", 'rc_augment: "no"', "train.rc_augment"),
    ("train", "accessible_fraction: 2", "train.accessible_fraction"),
], ids=["hidden-string", "window-string", "lr-nan", "window-float", "hidden-float", "rc-augment-string", "fraction-range"])
def test_config_type_errors_are_one_line(chr_i, tmp_path, section, line, needle):
    config = tmp_path / "bad.yaml"
    config.write_text(f"{section}:\n  {line}\n")
    result = CliRunner().invoke(cli, train_args(chr_i, tmp_path / "m.pt", "--config", config))
    message = one_line_error(result)
    assert "bad.yaml" in message and needle in message, message
    assert not (tmp_path / "m.pt").exists()


def test_config_errors_follow_the_workflow_schema():
    import yaml

    from gategenome.core.checkout import CONFIG_SCHEMA, workflow_root

    schema = yaml.safe_load((workflow_root() / CONFIG_SCHEMA).read_text())["properties"]
    fields = {f.name for f in dataclasses.fields(ModelConfig)} | {f.name for f in dataclasses.fields(TrainConfig)}
    covered = set(schema["model"]["properties"]) | set(schema["train"]["properties"]) | {"seed", "threads", "device"}
    assert fields == covered, fields ^ covered


@pytest.mark.parametrize("option", ["--out", "--metrics", "--curves"])
def test_output_under_a_regular_file_fails_before_training(chr_i, tmp_path, tiny_config, option):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    out = tmp_path / "model.pt" if option != "--out" else blocker / "model.pt"
    extra = [option, blocker / "x"] if option != "--out" else []
    result = CliRunner().invoke(cli, train_args(chr_i, out, "--config", tiny_config, *extra))
    message = one_line_error(result)
    assert option in message and "file.txt" in message
    assert "epoch" not in result.stderr  # refused before the first epoch
    assert blocker.read_text() == "not a directory"


def test_resume_refuses_other_input_data(chr_i, tmp_path):
    model = ModelConfig(inputs="dna", hidden_size=4, num_layers=1)
    config = TrainConfig(window=512, batch_size=2, epochs=2, steps_per_epoch=1, warmup_steps=0, eval_segment=4096,
                         eval_burn_in=0, device="cpu", threads=1)
    out = TrainOutputs(tmp_path / "model.pt")

    def kill(epoch):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_train(chr_i.genome, chr_i.signal, chr_i.regions, chr_i.folds, out.model, model, config, progress=False,
                  on_epoch_end=kill)
    before = out.resume.read_bytes()
    other = tmp_path / "other.bed"
    other.write_text(Path(chr_i.regions).read_text().replace("\n", "\n", 1) + "chrA\t10\t20\n")
    with pytest.raises(ModelError, match=r"other input data \(--regions differ"):
        run_train(chr_i.genome, chr_i.signal, str(other), chr_i.folds, out.model, model, config, resume=True,
                  progress=False)
    assert out.resume.read_bytes() == before
    # a copy of the same file is the same data
    same = tmp_path / "copy.bed"
    same.write_text(Path(chr_i.regions).read_text())
    run_train(chr_i.genome, chr_i.signal, str(same), chr_i.folds, out.model, model, config, resume=True, progress=False)
    assert out.model.exists() and not out.resume.exists()


def test_corrupt_resume_checkpoint_is_one_line(chr_i, tmp_path, tiny_config):
    (tmp_path / "model.resume.pt").write_bytes(b"PK\x03\x04 truncated zip")
    result = CliRunner().invoke(cli, train_args(chr_i, tmp_path / "model.pt", "--config", tiny_config, "--resume"))
    assert "model.resume.pt" in one_line_error(result)
