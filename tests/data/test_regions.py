"""Accessible regions: peaks, bigWig thresholding, blacklist, overlap."""

from __future__ import annotations

import numpy as np
import pytest

from gategenome.data.intervals import overlap_summary, resolve_interval_chroms, subtract_intervals
from gategenome.data.regions import (
    region_mask,
    regions_from_peaks,
    regions_from_signal,
    signal_threshold,
)
from gategenome.data.settings import PeakRegionSettings, SignalRegionSettings
from gategenome.errors import ConfigError
from gategenome.io.bed import Interval, read_bed
from gategenome.io.bigwig import SignalTrack


class ArrayTrack:
    """A stand-in for SignalTrack over in-memory arrays (counts reads)."""

    def __init__(self, arrays):
        self.arrays = arrays
        self.reads = 0

    def values(self, chrom, start, end, count_nan=True):
        self.reads += 1
        return self.arrays[chrom][start:end].astype(np.float32)


def test_signal_regions_are_independent_of_chunk_size():
    rng = np.random.default_rng(2)
    signal = rng.poisson(0.5, 50_000).astype(np.float32)
    for start in (1_000, 9_990, 20_000, 49_900):  # one across a chunk edge, one at the end
        signal[start : start + 80] += 30
    track = ArrayTrack({"c": signal})
    results = []
    for chunk in (2_000, 10_000, 1_000_000):
        settings = SignalRegionSettings(smooth=21, threshold_factor=4.0, min_length=20, merge_gap=10, chunk_size=chunk)
        threshold = signal_threshold(track, {"c": 50_000}, ["c"], settings)
        assert threshold.mean == pytest.approx(signal.mean(), rel=1e-3)
        results.append(regions_from_signal(track, {"c": 50_000}, ["c"], threshold.value, settings))
    assert results[0] == results[1] == results[2]
    starts = [iv.start for iv in results[0]]
    assert len(starts) == 4
    for found, planted in zip(starts, (1_000, 9_990, 20_000, 49_900)):
        assert abs(found - planted) <= 15
    assert results[0][-1].end <= 50_000


def test_signal_regions_min_length_merge_gap_and_blacklist_stat():
    signal = np.zeros(10_000, dtype=np.float32)
    signal[1000:1030] = 50  # short: dropped with min_length 50
    signal[3000:3100] = 50
    signal[3120:3200] = 50  # joined to the previous one across a 20-base gap
    signal[8000:9000] = 1000  # blacklisted: must not raise the threshold
    track = ArrayTrack({"c": signal})
    settings = SignalRegionSettings(smooth=1, threshold_factor=2.0, min_length=50, merge_gap=30)
    blacklist = [Interval("c", 8000, 9000)]
    threshold = signal_threshold(track, {"c": 10_000}, ["c"], settings, blacklist)
    assert threshold.bases == 9000
    assert threshold.mean == pytest.approx((30 + 100 + 80) * 50 / 9000)
    regions = regions_from_signal(track, {"c": 10_000}, ["c"], threshold.value, settings)
    assert regions == [Interval("c", 3000, 3200), Interval("c", 8000, 9000)]
    assert subtract_intervals(regions, blacklist) == [Interval("c", 3000, 3200)]
    assert regions_from_signal(track, {"c": 10_000}, ["c"], 0.0, settings) == []


def test_real_chri_signal_regions_agree_with_macs3(mini):
    sizes = {"chrI": 230218}
    settings = SignalRegionSettings()
    with SignalTrack(mini["signal"], sizes) as track:
        threshold = signal_threshold(track, sizes, ["chrI"], settings)
        regions = regions_from_signal(track, sizes, ["chrI"], threshold.value, settings)
    overlap = overlap_summary(regions, read_bed(mini["peaks"]))
    # the defaults were chosen on the whole genome; on chrI they still find most peak bases
    assert overlap["reference_covered"] > 0.7 and overlap["regions_inside"] > 0.7, overlap


def test_peaks_are_clipped_renamed_and_merged(caplog):
    sizes = {"chrI": 1000, "chrII": 500}
    raw = [
        Interval("I", 10, 50),
        Interval("chrI", 40, 80),
        Interval("chrI", 95, 100),
        Interval("II", 480, 600),
        Interval("chrZ", 0, 10),
        Interval("chrI", 1000, 1200),
    ]
    peaks = resolve_interval_chroms(raw, sizes, "p.bed")
    assert Interval("chrII", 480, 500) in peaks and all(iv.chrom in sizes for iv in peaks)
    assert "chrZ" in caplog.text and "clipped" in caplog.text
    assert regions_from_peaks(peaks) == [
        Interval("chrI", 10, 80),
        Interval("chrI", 95, 100),
        Interval("chrII", 480, 500),
    ]
    assert regions_from_peaks(peaks, PeakRegionSettings(merge_gap=15, min_length=30)) == [Interval("chrI", 10, 100)]
    with pytest.raises(ConfigError, match="p.bed: 1 record"):
        resolve_interval_chroms(raw, sizes, "p.bed", unknown="error")


def test_subtract_and_overlap():
    regions = [Interval("a", 0, 100), Interval("a", 200, 300), Interval("b", 0, 50)]
    mask = [Interval("a", 10, 20), Interval("a", 90, 210), Interval("a", 250, 260), Interval("c", 0, 5)]
    assert subtract_intervals(regions, mask) == [
        Interval("a", 0, 10),
        Interval("a", 20, 90),
        Interval("a", 210, 250),
        Interval("a", 260, 300),
        Interval("b", 0, 50),
    ]
    summary = overlap_summary([Interval("a", 0, 100)], [Interval("a", 50, 250)])
    assert summary["shared_bases"] == 50
    assert summary["reference_covered"] == pytest.approx(0.25)
    assert summary["regions_inside"] == pytest.approx(0.5)
    assert summary["jaccard"] == pytest.approx(50 / 250)


def test_settings_are_validated():
    with pytest.raises(ConfigError, match="smooth: got 0, expected at least 1"):
        SignalRegionSettings(smooth=0)
    with pytest.raises(ConfigError, match="merge_gap: got -1, expected at least 0"):
        PeakRegionSettings(merge_gap=-1)
    settings = SignalRegionSettings()
    settings.smooth = 0  # changed after creation: validate() checks again
    with pytest.raises(ConfigError, match="smooth"):
        settings.validate()


def test_region_mask_window_and_overlaps():

    regions = [Interval("a", 5, 10), Interval("a", 8, 12), Interval("b", 0, 100), Interval("a", 18, 30)]
    mask = region_mask(regions, "a", 4, 20)
    assert mask.dtype == np.uint8 and mask.shape == (16,)
    assert mask.tolist() == [0] + [1] * 7 + [0] * 6 + [1, 1]
    assert not region_mask(regions, "c", 0, 10).any()
