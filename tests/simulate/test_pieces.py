"""Chromosomes drawn a piece at a time: runs of N, exact FASTA wrapping, memory set by the piece, not the length."""

from __future__ import annotations

import io
import tracemalloc

import numpy as np
import pytest

from gategenome.io.bed import read_bed
from gategenome.io.bigwig import SignalTrack
from gategenome.io.fasta import Genome
from gategenome.simulate import pieces, run
from gategenome.simulate.pieces import TELOMERE, CoverageFile, FastaStream, sequenced_pieces
from gategenome.simulate.records import RecordFiles
from gategenome.simulate.run import FILES, run_simulate
from gategenome.simulate.settings import SimulationSettings


def test_pieces_leave_telomeres_and_a_centromere_of_n():
    got = sequenced_pieces(1_000_000, 200_000, piece=150_000)
    assert got[0][0] == TELOMERE and got[-1][1] == 1_000_000 - TELOMERE
    assert all(0 < hi - lo <= 150_000 for lo, hi in got)
    covered = sum(hi - lo for lo, hi in got)
    assert covered == 1_000_000 - 2 * TELOMERE - 200_000
    assert sequenced_pieces(60_000, 0) == [(0, 60_000)]  # small, no gap: one piece, as before pieces


def test_fasta_stream_wraps_like_writing_the_whole_sequence_at_once():
    rng = np.random.default_rng(0)
    whole = bytes(rng.choice(list(b"ACGT"), 1_000).astype(np.uint8))
    handle = io.BytesIO()
    fasta = FastaStream(handle)
    fasta.start("c")
    for cut in np.split(np.frombuffer(whole, np.uint8), [7, 130, 131, 600]):
        fasta.write(cut.tobytes())
    fasta.write_n(17)
    fasta.end()
    expected = whole + b"N" * 17
    assert handle.getvalue() == b">c\n" + b"\n".join(expected[i:i + 60] for i in range(0, len(expected), 60)) + b"\n"


def test_coverage_file_reads_unwritten_and_zero_bases_as_no_value(tmp_path):
    spill = CoverageFile(tmp_path / "c.tmp", {"a": 10, "b": 5})
    spill.write("b", 1, np.array([0.0, 3.0, 4.0]))
    got = spill.reader("b")(0, 5)
    assert np.isnan(got[[0, 1, 4]]).all() and got[2:4].tolist() == [3.0, 4.0]
    assert np.isnan(spill.reader("a")(0, 10)).all()


def test_simulate_with_gaps_and_many_pieces(tmp_path, monkeypatch):
    monkeypatch.setattr(pieces, "PIECE", 40_000)
    settings = SimulationSettings(seed=2, chroms=2, length=200_000, spacing=2_000, gap_length=30_000)
    run_simulate(tmp_path / "s", settings)
    genome = Genome(tmp_path / "s" / FILES["genome"])
    assert genome.sizes == {"chrS1": 200_000, "chrS2": 200_000}
    sequence = np.frombuffer(genome.fetch("chrS1"), dtype=np.uint8)
    n = sequence == ord("N")
    assert n[:TELOMERE].all() and n[-TELOMERE:].all() and n[85_000:115_000].all()
    assert int(n.sum()) == 2 * TELOMERE + 30_000 and set(np.unique(sequence[~n]).tolist()) <= set(b"ACGT")
    values = SignalTrack(tmp_path / "s" / FILES["signal"], genome.sizes).values("chrS1", 0, 200_000)
    assert values[n].max() == 0 and values[~n].mean() > 0.3
    regions = read_bed(tmp_path / "s" / FILES["accessible"])
    assert len(regions) > 50 and not any(n[r.start:r.end].any() for r in regions if r.chrom == "chrS1")
    assert (tmp_path / "s").joinpath(FILES["genome"] + ".fai").exists()
    assert not list((tmp_path / "s").glob(".coverage*"))  # the spill is removed


def _draw_peak(tmp_path, length):
    settings = SimulationSettings(seed=1, chroms=1, length=length, spacing=3_000)
    out = tmp_path / str(length)
    out.mkdir()
    spill = CoverageFile(out / "c.tmp", {"chrS1": length})
    records = RecordFiles(out)
    tracemalloc.start()
    try:
        run._draw_genome(np.random.default_rng(1), settings, out, spill, records)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        records.discard()


@pytest.mark.slow
def test_drawing_memory_does_not_grow_with_the_chromosome(tmp_path, monkeypatch):
    monkeypatch.setattr(pieces, "PIECE", 500_000)
    small, large = _draw_peak(tmp_path, 1_000_000), _draw_peak(tmp_path, 6_000_000)
    assert large < 1.3 * small, (small, large)


def test_cli_gap_length_makes_runs_of_n_and_rejects_more_than_half(tmp_path):
    from click.testing import CliRunner

    from gategenome.cli.main import cli

    result = CliRunner().invoke(cli, ["simulate", "--out-dir", str(tmp_path / "s"), "--chroms", "1", "--length",
                                      "100000", "--gap-length", "20000", "--seed", "2"])
    assert result.exit_code == 0, result.output
    sequence = Genome(tmp_path / "s" / FILES["genome"]).fetch("chrS1")
    assert sequence.count(b"N") == 20_000 + 2 * TELOMERE
    result = CliRunner().invoke(cli, ["simulate", "--out-dir", str(tmp_path / "t"), "--length", "100000",
                                      "--gap-length", "60000"])
    assert result.exit_code == 1 and "--gap-length" in result.output and not (tmp_path / "t").exists()
