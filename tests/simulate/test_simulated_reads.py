"""simulate: Tn5 fragments inside the planted regions, read by ``signal``, and the coverage bigWig is their pileup."""

from __future__ import annotations

import gzip

import numpy as np
import pyBigWig

from gategenome.data.settings import SignalSettings
from gategenome.data.signal import run_signal
from gategenome.io.bed import read_bed
from gategenome.simulate.atac import MONO_LENGTH, NFR_LENGTH, fragment_lengths
from gategenome.simulate.run import FILES


def _fragments(sim) -> tuple[list[str], np.ndarray, np.ndarray]:
    with gzip.open(sim / FILES["fragments"], "rt") as handle:
        rows = [line.split("\t") for line in handle]
    return [row[0] for row in rows], np.array([int(r[1]) for r in rows]), np.array([int(r[2]) for r in rows])


def test_fragments_are_sorted_and_their_ends_lie_in_the_planted_regions(sim):
    chroms, starts, ends = _fragments(sim)
    assert len(chroms) > 1000 and np.all(ends > starts)
    for chrom in ("chrS1", "chrS2"):
        mask = np.array([name == chrom for name in chroms])
        assert np.all(np.diff(starts[mask]) >= 0)
        inside = np.zeros(60_000 + 1, dtype=bool)
        for region in read_bed(sim / FILES["accessible"]):
            if region.chrom == chrom:
                inside[region.start:region.end] = True
        both_inside = inside[starts[mask]] & inside[ends[mask] - 1]
        # background fragments fall anywhere; the rest have both insertions in accessible DNA
        assert 0.7 < both_inside.mean() < 1.0
        assert inside[:-1].mean() < 0.2
    names = list(dict.fromkeys(chroms))
    assert names == ["chrS1", "chrS2"]


def test_fragment_lengths_are_a_nucleosome_free_and_mono_nucleosome_mixture():
    lengths = fragment_lengths(np.random.default_rng(0), 20_000, 0.7)
    nucleosome_free = lengths < 125
    assert abs(nucleosome_free.mean() - 0.7) < 0.03
    assert abs(np.median(lengths[nucleosome_free]) - NFR_LENGTH[0]) < 3
    assert abs(np.median(lengths[~nucleosome_free]) - MONO_LENGTH[0]) < 3
    assert ((lengths > 125) & (lengths < 150)).mean() < 0.02  # two modes, a trough between them


def test_coverage_bigwig_is_what_signal_piles_up_from_the_fragments(sim, tmp_path):
    run_signal(str(sim / FILES["genome"]), [str(sim / FILES["fragments"])], [], tmp_path / "signal",
               SignalSettings(call_peaks=False))
    with pyBigWig.open(str(sim / FILES["signal"])) as simulated, \
            pyBigWig.open(str(tmp_path / "signal" / "coverage.bw")) as piled:
        for chrom in ("chrS1", "chrS2"):
            expected = np.nan_to_num(np.array(simulated.values(chrom, 0, 60_000)))
            observed = np.nan_to_num(np.array(piled.values(chrom, 0, 60_000)))
            assert expected.sum() > 0
            np.testing.assert_array_equal(observed, expected)
