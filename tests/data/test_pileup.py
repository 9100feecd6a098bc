"""Fragment pileup and cut sites: equal to the shared yeast bigWigs at every base."""

from __future__ import annotations

import numpy as np
import pyBigWig
import pytest

from gategenome.data.fragments import FragmentChunk
from gategenome.data.pileup import ChromPileup, runs_to_values, shift_fragments
from gategenome.data.settings import SignalSettings
from gategenome.data.signal import run_signal


def _values(path, chrom, length):
    with pyBigWig.open(str(path)) as bw:
        return np.nan_to_num(bw.values(chrom, 0, length, numpy=True))


def _assert_same_bigwig(made, expected):
    with pyBigWig.open(str(made)) as a, pyBigWig.open(str(expected)) as b:
        assert a.chroms() == b.chroms()
        assert a.header()["nBasesCovered"] == b.header()["nBasesCovered"]
        chroms = b.chroms()
    for chrom, length in chroms.items():
        mismatches = np.flatnonzero(_values(made, chrom, length) != _values(expected, chrom, length))
        assert mismatches.size == 0, f"{made} differs from {expected} on {chrom} at {mismatches[:5]}"


def test_mini_fragments_give_the_shared_coverage_and_cutsites(mini, tmp_path):
    fragments = mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz"
    summary = run_signal(str(mini["genome"]), [str(fragments)], [], str(tmp_path / "sig"),
                         SignalSettings(call_peaks=False))
    _assert_same_bigwig(tmp_path / "sig" / "coverage.bw", mini["signal"])
    _assert_same_bigwig(tmp_path / "sig" / "cutsites.bw", mini["cutsites"])
    assert summary["inputs"][0]["kept"] == 5771
    assert summary["groups"]["all"]["fragments"] == 5771
    assert sorted(p.name for p in (tmp_path / "sig").iterdir()) == ["coverage.bw", "cutsites.bw", "qc.png", "signal.json"]


@pytest.mark.slow
def test_whole_yeast_genome_gives_the_shared_bigwigs(yeast, tmp_path):
    fragments = yeast["genome"].parent / "SRR1822137.fragments.bedpe.gz"
    summary = run_signal(str(yeast["genome"]), [str(fragments)], [], str(tmp_path), SignalSettings(call_peaks=False))
    _assert_same_bigwig(tmp_path / "coverage.bw", yeast["signal"])
    _assert_same_bigwig(tmp_path / "cutsites.bw", yeast["cutsites"])
    counts = summary["inputs"][0]
    assert counts["kept"] == 467_908
    assert counts["mitochondrial"] == 16_876  # the README's chrM count


def test_pileup_counts_cover_and_ends():
    pileup = ChromPileup("c", 20, 1)
    pileup.add(FragmentChunk("c", np.array([2, 5, 5]), np.array([6, 9, 20]), np.zeros(3, dtype=np.int32)))
    coverage = runs_to_values(pileup.runs(0, "coverage"), 0, 20)
    cutsites = runs_to_values(pileup.runs(0, "cutsites"), 0, 20)
    expected = np.zeros(20, dtype=np.int64)
    for start, end in [(2, 6), (5, 9), (5, 20)]:
        expected[start:end] += 1
    assert coverage.tolist() == expected.tolist()
    assert cutsites.tolist() == [0, 0, 1, 0, 0, 3, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert runs_to_values(pileup.runs(0, "coverage"), 4, 8).tolist() == expected[4:8].tolist()


def test_tn5_shift_moves_starts_plus_4_and_ends_minus_5_and_drops_empty():
    starts, ends, keep = shift_fragments(np.array([0, 10, 98]), np.array([50, 18, 100]), 100)
    assert keep.tolist() == [True, False, False]
    assert starts.tolist() == [4] and ends.tolist() == [45]
