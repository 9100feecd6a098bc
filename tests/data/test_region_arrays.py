"""Regions as arrays: the same regions as the record-based code, and memory that does not grow per peak."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from gategenome.data.intervals import subtract_intervals
from gategenome.data.prepare import run_prepare
from gategenome.data.region_arrays import (
    from_intervals,
    peak_regions,
    read_peak_columns,
    subtract_blacklist,
    write_regions,
)
from gategenome.data.regions import merge_columns, regions_from_peaks
from gategenome.data.settings import PeakRegionSettings, PrepareSettings
from gategenome.errors import ConfigError, InputError
from gategenome.io.bed import Interval, merge_intervals, read_bed

SIZES = {"chr1": 50_000, "chr2": 30_000}


def _random_peaks(rng, count: int) -> list[Interval]:
    chroms = rng.choice(list(SIZES), count)
    starts = rng.integers(0, 50_000, count)
    return [Interval(str(c), int(s), int(s + rng.integers(0, 400))) for c, s in zip(chroms, starts)]


def _write(path, peaks) -> None:
    path.write_text("".join(f"{iv.chrom}\t{iv.start}\t{iv.end}\tp\t0\t.\t1.0\t2.0\t3.0\t10\n" for iv in peaks))


@pytest.mark.parametrize("gap", [0, 7, 50])
def test_merge_columns_is_merge_intervals(gap):
    rng = np.random.default_rng(gap)
    peaks = [iv for iv in _random_peaks(rng, 3000) if iv.chrom == "chr1"]
    starts, ends = merge_columns(np.array([iv.start for iv in peaks]), np.array([iv.end for iv in peaks]), gap)
    assert list(zip(starts.tolist(), ends.tolist())) == [(iv.start, iv.end) for iv in merge_intervals(peaks, gap)]


def test_peak_regions_and_blacklist_match_the_record_code(tmp_path):
    rng = np.random.default_rng(1)
    peaks = _random_peaks(rng, 2000) + [Interval("chrM", 1, 5), Interval("2", 10, 900)]
    _write(tmp_path / "p.narrowPeak", peaks)
    settings = PeakRegionSettings(merge_gap=20, min_length=150)
    columns = read_peak_columns(tmp_path / "p.narrowPeak", SIZES)  # 2 is renamed chr2; past-the-end ones clipped
    arrays = peak_regions(columns, list(SIZES), settings)
    clipped = [Interval("chr2" if iv.chrom == "2" else iv.chrom, iv.start, min(iv.end, SIZES.get(iv.chrom, 30_000)))
               for iv in peaks if iv.chrom != "chrM"]
    expected = regions_from_peaks([iv for iv in clipped if iv.end > iv.start], settings)
    write_regions(tmp_path / "a.bed", arrays)
    assert [(iv.chrom, iv.start, iv.end) for iv in read_bed(tmp_path / "a.bed")] == [
        (iv.chrom, iv.start, iv.end) for iv in expected
    ]
    blacklist = [Interval("chr1", 1000, 9000), Interval("chr2", 20, 25_000)]
    cut = subtract_blacklist(arrays, blacklist, 150)
    want = [iv for iv in subtract_intervals(expected, blacklist) if len(iv) >= 150]
    assert from_intervals(want, list(SIZES)).keys() == cut.keys()
    for chrom, (starts, ends) in from_intervals(want, list(SIZES)).items():
        assert starts.tolist() == cut[chrom][0].tolist() and ends.tolist() == cut[chrom][1].tolist()


def test_read_peak_columns_errors(tmp_path):
    path = tmp_path / "p.bed"
    path.write_text("# only a comment\n")
    with pytest.raises(InputError, match="no peak .empty peaks file"):
        read_peak_columns(path, SIZES)
    path.write_text("chrX\t1\t5\nchrY\t1\t5\n")
    with pytest.raises(ConfigError, match="no peak lies on a genome chromosome .first is chrX"):
        read_peak_columns(path, SIZES)


def _peak_memory(mini, tmp_path, count: int) -> int:
    """Peak traced bytes of ``prepare`` on the chrI fixture with ``count`` random narrowPeak records."""
    rng = np.random.default_rng(count)
    starts = rng.integers(0, 230_000, count)
    peaks = tmp_path / f"p{count}.narrowPeak"
    _write(peaks, [Interval("chrI", int(s), int(s) + 200) for s in starts])
    settings = PrepareSettings(valid_chroms=(), test_chroms=())
    tracemalloc.start()
    try:
        run_prepare(str(mini["genome"]), str(mini["signal"]), str(tmp_path / f"out{count}"), settings, peaks=str(peaks))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_prepare_memory_does_not_grow_by_an_object_per_peak(mini, tmp_path):
    small, large = _peak_memory(mini, tmp_path, 10_000), _peak_memory(mini, tmp_path, 100_000)
    per_peak = (large - small) / 90_000
    # one Interval per narrowPeak record cost ~700 B; int64 columns and their numpy temporaries well under 200 B
    assert per_peak < 200, (small, large, per_peak)
