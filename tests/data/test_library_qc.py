"""Library QC counters: fragment-length peaks, peak overlap, ENCODE library complexity and thresholds."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from gategenome.data.library_qc import (
    FragmentLengths,
    LibraryComplexity,
    PeakOverlap,
    judge,
    length_modes,
    log_judgement,
)
from gategenome.io.bed import Interval


def _mixture(rng, modes, weights, size=200_000):
    parts = [rng.normal(mode, mode / 6, int(size * weight)) for mode, weight in zip(modes, weights)]
    return np.clip(np.rint(np.concatenate(parts)).astype(np.int64), 1, 2000)


def test_the_nucleosome_peaks_of_a_mixture_are_found_near_their_modes():
    rng = np.random.default_rng(0)
    histogram = FragmentLengths()
    lengths = _mixture(rng, (60, 190, 380), (0.6, 0.3, 0.1))
    for piece in np.array_split(lengths, 5):
        histogram.add(piece)
    summary = histogram.summary()
    assert summary["fragments"] == lengths.size
    assert summary["fraction_under_147"] == pytest.approx(np.mean(lengths < 147))
    assert summary["over_1000"] == int(np.sum(lengths > 1000))
    assert summary["median"] == int(np.median(lengths))
    found = summary["modes"]
    assert abs(found["nucleosome_free"] - 60) <= 5
    assert abs(found["mono_nucleosome"] - 190) <= 10
    assert abs(found["di_nucleosome"] - 380) <= 20


def test_a_library_without_nucleosomal_fragments_has_no_mono_nucleosome_peak():
    counts = np.bincount(_mixture(np.random.default_rng(1), (60,), (1.0,)), minlength=1001)[:1001]
    modes = length_modes(counts)
    assert modes["nucleosome_free"] is not None
    assert modes["mono_nucleosome"] is None and modes["di_nucleosome"] is None


def test_peak_overlap_matches_a_brute_force_count():
    rng = np.random.default_rng(2)
    peaks = [Interval("chrA", int(s), int(s + w)) for s, w in zip(rng.integers(0, 90_000, 60), rng.integers(50, 900, 60))]
    starts = rng.integers(0, 99_000, 5000)
    ends = starts + rng.integers(1, 800, 5000)
    hits = PeakOverlap(peaks).overlapping("chrA", starts, ends)
    expected = [any(p.start < e and p.end > s for p in peaks) for s, e in zip(starts, ends)]
    assert hits.tolist() == expected
    assert 0 < hits.sum() < hits.size
    assert not PeakOverlap(peaks).overlapping("chrB", starts, ends).any()


def test_library_complexity_follows_the_encode_definitions():
    complexity = LibraryComplexity()
    # chrA: 100-250 x3, 100-300 x1, 120-200 x2, 400-500 x1; chrB: 100-250 x2 (another chromosome), 900-1000 x1
    for chrom, start, end, reads in [("chrA", 100, 250, 3), ("chrA", 100, 300, 1), ("chrA", 120, 200, 2),
                                     ("chrA", 400, 500, 1), ("chrB", 100, 250, 2), ("chrB", 900, 1000, 1)]:
        for _ in range(reads):
            complexity.add(chrom, start, end)
    summary = complexity.summary()
    assert summary["fragments"] == 10 and summary["distinct"] == 6
    assert summary["nrf"] == pytest.approx(6 / 10)
    assert summary["pbc1"] == pytest.approx(3 / 6)
    assert summary["pbc2"] == pytest.approx(3 / 2)
    assert summary["duplicate_fraction"] == pytest.approx(0.4)


def test_values_below_the_encode_standards_are_flagged_and_warned(caplog):
    judged = judge({"frip": 0.12, "nrf": 0.95, "pbc2": None})
    assert set(judged) == {"frip", "nrf"}
    assert not judged["frip"]["passes"] and judged["nrf"]["passes"]
    with caplog.at_level(logging.INFO, logger="gategenome.data.library_qc"):
        log_judgement("sample", judged, {"nucleosome_free": 60, "mono_nucleosome": None})
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "frip 0.12" in warnings[0] and "0.3" in warnings[0]
    assert "mono-nucleosome" in warnings[1]
