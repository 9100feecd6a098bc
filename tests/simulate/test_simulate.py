"""gategenome simulate: determinism, valid files, the command line."""

from __future__ import annotations

import hashlib
import json

import numpy as np
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.io.bed import read_bed
from gategenome.io.bigwig import SignalTrack
from gategenome.io.fasta import Genome
from gategenome.simulate.run import FILES, run_simulate
from gategenome.simulate.settings import SimulationSettings


def _digests(directory):
    return {name: hashlib.md5((directory / name).read_bytes()).hexdigest() for name in FILES.values()}


def test_same_seed_same_bytes_other_seed_differs(sim, small, tmp_path):
    run_simulate(tmp_path / "again", small)
    assert _digests(tmp_path / "again") == _digests(sim)
    run_simulate(tmp_path / "other", SimulationSettings(**{**small.__dict__, "seed": 4}))
    assert _digests(tmp_path / "other")[FILES["genome"]] != _digests(sim)[FILES["genome"]]


def test_files_open_with_the_project_readers(sim):
    genome = Genome(sim / FILES["genome"])
    assert genome.sizes == {"chrS1": 60_000, "chrS2": 60_000}
    sequence = genome.fetch("chrS1")
    assert set(sequence) <= set(b"ACGT")
    track = SignalTrack(sim / FILES["signal"], genome.sizes)
    values = track.values("chrS2", 0, 60_000)
    assert values.shape == (60_000,) and np.all(values >= 0) and values.max() > 5
    regions = read_bed(sim / FILES["accessible"])
    peaks = read_bed(sim / FILES["peaks"], "peaks")
    boundaries = read_bed(sim / FILES["boundaries"])
    assert len(regions) > 30 and len(peaks) > 10
    assert len(boundaries) == 4 * len(regions)
    assert all(len(peak.extra) == 4 for peak in peaks)  # narrowPeak: 10 columns
    meta = json.loads((sim / FILES["settings"]).read_text())
    assert meta["settings"]["seed"] == 3 and meta["regions"] == len(regions)


def test_cli_writes_all_files(tmp_path):
    result = CliRunner().invoke(cli, ["simulate", "--out-dir", str(tmp_path / "s"), "--chroms", "1",
                                      "--length", "20000", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted([*FILES.values(), "genome.fa.fai"])


def test_cli_rejects_too_short_length(tmp_path):
    result = CliRunner().invoke(cli, ["simulate", "--out-dir", str(tmp_path / "s"), "--length", "5"])
    assert result.exit_code == 2 and not (tmp_path / "s").exists()


def test_no_regions_gives_background_only(tmp_path):
    result = CliRunner().invoke(cli, ["simulate", "--out-dir", str(tmp_path / "s"), "--chroms", "2",
                                      "--length", "40000", "--seed", "5", "--no-regions"])
    assert result.exit_code == 0, result.output
    assert read_bed(tmp_path / "s" / FILES["accessible"]) == [] and read_bed(tmp_path / "s" / FILES["boundaries"]) == []
    track = SignalTrack(tmp_path / "s" / FILES["signal"], {"chrS1": 40_000, "chrS2": 40_000})
    values = track.values("chrS1", 0, 40_000)
    assert 0 < values.mean() < 3  # the thin background coverage only
    meta = json.loads((tmp_path / "s" / FILES["settings"]).read_text())
    assert meta["regions"] == 0 and meta["settings"]["regions"] is False


def test_a_failed_run_removes_only_what_it_wrote(small, tmp_path, monkeypatch):
    """A run that fails after the FASTA removes its FASTA but not the files it never reached."""
    import pytest

    from gategenome.simulate import run

    out = tmp_path / "sim"
    out.mkdir()
    (out / FILES["signal"]).write_text("an earlier signal")
    (out / FILES["settings"]).write_text("{}")

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(run, "_write_files", fail)
    with pytest.raises(RuntimeError):
        run_simulate(out, small)
    assert not (out / FILES["genome"]).exists() and not (out / (FILES["genome"] + ".fai")).exists()
    assert (out / FILES["signal"]).read_text() == "an earlier signal"
    assert (out / FILES["settings"]).read_text() == "{}"
    assert sorted(p.name for p in out.iterdir()) == sorted([FILES["signal"], FILES["settings"]])
