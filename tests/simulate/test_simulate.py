"""gategenome simulate: determinism, valid files, signal enriched where regions were planted."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.io.bed import read_bed
from gategenome.io.bigwig import SignalTrack
from gategenome.io.fasta import Genome
from gategenome.simulate.run import FILES, MOTIFS, SimulationSettings, markov_background, simulate

SMALL = SimulationSettings(seed=3, chroms=2, length=60_000, spacing=2_000)


def _digests(directory):
    return {name: hashlib.md5((directory / name).read_bytes()).hexdigest() for name in FILES.values()}


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    simulate(out, SMALL)
    return out


def test_same_seed_same_bytes_other_seed_differs(sim, tmp_path):
    simulate(tmp_path / "again", SMALL)
    assert _digests(tmp_path / "again") == _digests(sim)
    simulate(tmp_path / "other", SimulationSettings(**{**SMALL.__dict__, "seed": 4}))
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


def test_boundaries_are_strand_aware_region_edges(sim):
    regions = {iv.name: iv for iv in read_bed(sim / FILES["accessible"])}
    for boundary in read_bed(sim / FILES["boundaries"]):
        name, kind = boundary.name.split(":")
        region = regions[name]
        expected = {
            ("+", "entry"): region.start, ("+", "exit"): region.end,
            ("-", "entry"): region.end - 1, ("-", "exit"): region.start - 1,
        }[(boundary.strand, kind)]
        assert (boundary.start, boundary.end) == (expected, expected + 1)


def test_signal_enriched_in_planted_regions_and_peaks_near_them(sim):
    genome = Genome(sim / FILES["genome"])
    track = SignalTrack(sim / FILES["signal"], genome.sizes)
    inside = np.zeros(60_000, dtype=bool)
    regions = [iv for iv in read_bed(sim / FILES["accessible"]) if iv.chrom == "chrS1"]
    for region in regions:
        inside[region.start:region.end] = True
    values = track.values("chrS1", 0, 60_000)
    assert values[inside].mean() > 10 * values[~inside].mean()
    peaks = [iv for iv in read_bed(sim / FILES["peaks"], "peaks") if iv.chrom == "chrS1"]
    overlapping = sum(inside[peak.start:peak.end].any() for peak in peaks)
    assert overlapping >= 0.8 * len(peaks)
    assert not all((p.start, p.end) == (r.start, r.end) for p, r in zip(peaks, regions))


def test_regions_hold_the_motifs_that_explain_them(sim):
    genome = Genome(sim / FILES["genome"])
    reb1 = MOTIFS["Reb1"].encode()
    reb1_rc = reb1.translate(bytes.maketrans(b"ACGT", b"TGCA"))[::-1]
    regions = read_bed(sim / FILES["accessible"])
    inside_hits = sum(
        (reb1 in genome.fetch(r.chrom, r.start, r.end)) or (reb1_rc in genome.fetch(r.chrom, r.start, r.end))
        for r in regions
    )
    assert inside_hits >= 0.15 * len(regions)
    assert all(int(r.extra[0]) >= 1 for r in regions)  # every region carries 1-3 motifs

    def homopolymer_window(sequence: bytes) -> bool:
        """A 12-base window with >= 11 A or >= 11 T (a poly(dA:dT) stretch)."""
        codes = np.frombuffer(sequence, dtype=np.uint8)
        for base in b"AT":
            counts = np.convolve(codes == base, np.ones(12), mode="valid")
            if counts.max() >= 11:
                return True
        return False

    poly = [homopolymer_window(genome.fetch(r.chrom, r.start, r.end)) for r in regions if r.extra[1] == "1"]
    other = [homopolymer_window(genome.fetch(r.chrom, r.start, r.end)) for r in regions if r.extra[1] == "0"]
    assert np.mean(poly) > 0.95 and np.mean(poly) > np.mean(other) + 0.3


def test_markov_background_has_yeast_composition():
    codes = markov_background(np.random.default_rng(0), 200_000)
    fractions = np.bincount(codes, minlength=4) / codes.size
    assert abs(fractions[0] + fractions[3] - 0.62) < 0.02  # AT-rich like S. cerevisiae
    cg = np.mean((codes[:-1] == 1) & (codes[1:] == 2))
    gc = np.mean((codes[:-1] == 2) & (codes[1:] == 1))
    assert cg < gc  # CpG depleted relative to GpC


def test_cli_writes_all_files(tmp_path):
    result = CliRunner().invoke(cli, ["simulate", "--out-dir", str(tmp_path / "s"), "--chroms", "1",
                                      "--length", "20000", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted([*FILES.values(), "genome.fa.fai"])


def test_cli_rejects_too_short_length(tmp_path):
    result = CliRunner().invoke(cli, ["simulate", "--out-dir", str(tmp_path / "s"), "--length", "5"])
    assert result.exit_code == 2 and not (tmp_path / "s").exists()
