"""The --model/--genome/--signal options and the inputs they open, shared by scan, variants and explain."""

from __future__ import annotations

import logging

import click
import numpy as np
import pytest
from scan_testlib import random_dna, small_model, write_bigwig, write_fasta

from gategenome.cli.common import MODEL_HELP, open_model_inputs
from gategenome.errors import ConfigError

COMMANDS = ("scan", "variants", "explain")


def _params(name: str) -> dict[str, click.Parameter]:
    from gategenome.cli.main import cli

    command = cli.get_command(click.Context(cli), name)
    return {param.name: param for param in command.params}


@pytest.mark.parametrize("name", COMMANDS)
def test_every_model_command_has_the_same_three_options(name):
    params = _params(name)
    assert params["model_path"].opts == ["--model"] and params["model_path"].required
    assert params["model_path"].help == MODEL_HELP
    assert params["genome"].required and not params["signal"].required and params["signal"].default is None
    assert params["genome"].help.startswith("Genome FASTA")
    assert params["signal"].help.startswith("ATAC-seq bigWig; required by dna+signal models")
    names = [param.name for param in _params(name).values()]
    assert names[:3] == ["model_path", "genome", "signal"]


@pytest.fixture
def inputs(tmp_path):
    rng = np.random.default_rng(0)
    genome = write_fasta(tmp_path / "g.fa", {"chrA": random_dna(500, rng)})
    signal = write_bigwig(tmp_path / "s.bw", {"chrA": rng.random(500).astype(np.float32)})
    return {"genome": genome, "signal": signal, "dna": small_model(tmp_path / "dna.pt", hidden_size=4),
            "both": small_model(tmp_path / "both.pt", inputs="dna+signal", hidden_size=4)}


def test_a_signal_model_without_signal_is_refused_naming_the_option(inputs):
    with pytest.raises(ConfigError, match=r"both\.pt: .*no --signal was given; expected --signal"):
        with open_model_inputs(inputs["both"], inputs["genome"], None, "cpu"):
            pass


def test_a_signal_model_reads_the_signal_and_records_every_path(inputs):
    with open_model_inputs(inputs["both"], inputs["genome"], inputs["signal"], "cpu") as opened:
        assert opened.track is not None and not opened.model.training and opened.device.type == "cpu"
        assert list(opened.fasta.sizes) == ["chrA"]
        assert opened.paths == {"model": str(inputs["both"].resolve()), "genome": str(inputs["genome"].resolve()),
                                "signal": str(inputs["signal"].resolve())}


def test_a_signal_given_to_a_dna_model_is_ignored_with_a_warning(inputs, caplog):
    with caplog.at_level(logging.WARNING, logger="gategenome.cli"):
        with open_model_inputs(inputs["dna"], inputs["genome"], inputs["signal"], "cpu") as opened:
            assert opened.track is None and opened.paths["signal"] is None
    assert "reads DNA only" in caplog.text and "--signal" in caplog.text


def test_the_genome_and_signal_are_closed_on_an_error(inputs, monkeypatch):
    closed = []
    from gategenome.io import bigwig, fasta

    for module, name in ((fasta, "Genome"), (bigwig, "SignalTrack")):
        cls = getattr(module, name)
        monkeypatch.setattr(cls, "close", lambda self, cls=cls: closed.append(cls.__name__))
    with pytest.raises(RuntimeError):
        with open_model_inputs(inputs["both"], inputs["genome"], inputs["signal"], "cpu"):
            raise RuntimeError("stop")
    assert sorted(closed) == ["Genome", "SignalTrack"]
