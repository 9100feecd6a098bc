"""The signal contrast test of boundary calls: dispersion, p-values under the null, and the call with a signal."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from click.testing import CliRunner
from scan_testlib import write_bigwig
from test_boundary_calls import LENGTH, REGIONS, _scan

from gategenome.call.boundaries import call_boundaries
from gategenome.call.contrast import contrast_pvalues, estimate_dispersion, side_sums
from gategenome.call.settings import BoundaryCallSettings, CallSettings
from gategenome.cli.main import cli
from gategenome.errors import InputError
from gategenome.io.jsonfile import write_json


def _fragments(rng, length, rate, width):
    """Coverage of fragments of ``width`` bases starting at random (Poisson, ``rate`` per base)."""
    starts = rng.integers(0, length, rng.poisson(rate * length))
    delta = np.zeros(length + width + 1)
    np.add.at(delta, starts, 1)
    np.add.at(delta, starts + width, -1)
    return np.cumsum(delta)[:length]


def _reader(tracks):
    return lambda chrom, start, end: tracks[chrom][start:end]


def test_dispersion_is_one_for_independent_counts_and_larger_not_smaller_with_regions():
    rng = np.random.default_rng(0)
    counts = {"a": rng.poisson(2.0, 400_000).astype(float)}
    assert 1.0 <= estimate_dispersion(_reader(counts), {"a": 400_000}, 100) < 1.25
    length, window = 2_000_000, 200
    background = _fragments(rng, length, 0.6 / 180, 180)
    d_background = estimate_dispersion(_reader({"a": background}), {"a": length}, window)
    pairs = background[:length // (2 * window) * 2 * window].reshape(-1, 2, window).sum(axis=2)
    moments = (pairs[:, 0] - pairs[:, 1]).var() / pairs.sum(axis=1).mean()
    assert 10 < d_background < moments  # fragments are not independent counts; the bulk is tighter than the tail
    with_regions = background.copy()
    for start in range(1_000, length - 1_000, 3_000):  # a 300-base region every 3 kb: 10% of the genome
        with_regions[start:start + 300] += rng.poisson(20.0, 300)
    d_regions = estimate_dispersion(_reader({"a": with_regions}), {"a": length}, window)
    assert d_background <= d_regions < 2 * d_background  # pairs across region edges only make it larger


def test_dispersion_samples_chunks_of_a_large_genome_and_is_one_without_signal():
    rng = np.random.default_rng(1)
    tracks = {f"c{i}": rng.poisson(3.0, 1_000_000).astype(float) for i in range(4)}
    read_chunks = []

    def read(chrom, start, end):
        read_chunks.append(chrom)
        return tracks[chrom][start:end]

    assert 0.8 < estimate_dispersion(read, {c: 1_000_000 for c in tracks}, 100, max_chunks=2) < 1.25
    assert read_chunks == ["c0", "c3"]
    assert estimate_dispersion(_reader({"a": np.zeros(10_000)}), {"a": 10_000}, 100) == 1.0


def test_side_sums_clip_at_the_chromosome_ends():
    values = {"a": np.arange(10, dtype=float)}
    left, right = side_sums(_reader(values), "a", np.array([0, 5, 10]), 3, 10)
    assert left.tolist() == [0, 2 + 3 + 4, 7 + 8 + 9] and right.tolist() == [0 + 1 + 2, 5 + 6 + 7, 0]


def test_contrast_pvalues_hold_their_level_on_background_and_reject_a_region_edge():
    rng = np.random.default_rng(2)
    length, window = 3_000_000, 100
    coverage = _fragments(rng, length, 0.6 / 180, 180)  # the simulator's background
    read = _reader({"a": coverage})
    dispersion = estimate_dispersion(read, {"a": length}, window)
    positions = rng.integers(window, length - window, 20_000)
    left, right = side_sums(read, "a", positions, window, length)
    open_left = rng.random(positions.size) < 0.5
    p = contrast_pvalues(np.where(open_left, left, right), np.where(open_left, right, left), dispersion)
    assert (p <= 0.05).mean() <= 0.05 and (p <= 0.01).mean() <= 0.01
    edge = contrast_pvalues(np.array([20.0 * window]), np.array([0.6 * window]), dispersion)
    assert edge[0] < 1e-6


def test_contrast_pvalues_are_one_where_the_open_side_is_not_higher():
    p = contrast_pvalues(np.array([50.0, 100.0, 0.0]), np.array([100.0, 100.0, 0.0]), 10.0)
    assert p.tolist() == [1.0, 1.0, 1.0]
    more = contrast_pvalues(np.array([400.0, 800.0]), np.array([100.0, 200.0]), 10.0)
    assert 0 < more[1] < more[0] < 0.05  # the same ratio on more counts is more significant


def _signal(regions, seed=5):
    """Coverage: ~20 more inside ``regions`` over a background of 180-base fragments at ~0.6."""
    rng = np.random.default_rng(seed)
    values = _fragments(rng, LENGTH, 0.6 / 180, 180)
    for start, end in regions:
        values[start:end] += rng.poisson(20.0, end - start)
    return values


def test_boundaries_need_the_signal_to_differ_across_them(tmp_path):
    scan_dir = _scan(tmp_path)  # region edges, and 40 background drops with an accessibility bump
    signal = write_bigwig(tmp_path / "signal.bw", {"chrA": _signal(REGIONS)})
    records, summary = call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings(fdr=0.05), signal=signal)
    assert len(records) == 2 * len(REGIONS)
    assert summary["signal_test"]["signal"] == str(signal) and summary["signal_test"]["dispersion"] > 10
    flat = write_bigwig(tmp_path / "flat.bw", {"chrA": _signal([])})
    records, _ = call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings(fdr=0.05), signal=flat)
    assert records == []  # the model's steps alone do not make a call where the signal has no edge
    records, summary = call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings(fdr=0.05, signal_test=False),
                                       signal=flat)
    assert len(records) == 2 * len(REGIONS) and summary["signal_test"] is None


def test_the_signal_named_in_scan_json_is_read_and_a_missing_one_is_an_error(tmp_path):
    scan_dir = _scan(tmp_path)
    meta = json.loads((scan_dir / "scan.json").read_text())
    flat = write_bigwig(tmp_path / "flat.bw", {"chrA": _signal([])})
    write_json(scan_dir / "scan.json", {**meta, "signal": str(flat)})
    assert call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings())[0] == []
    write_json(scan_dir / "scan.json", {**meta, "signal": str(tmp_path / "moved.bw")})
    with pytest.raises(InputError, match="moved.bw.*--signal"):
        call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings())
    out = tmp_path / "b.bed"
    result = CliRunner().invoke(cli, ["boundaries", "--scan-dir", str(scan_dir), "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output and "--no-signal-test" in result.output
    assert not out.exists()
    result = CliRunner().invoke(cli, ["boundaries", "--scan-dir", str(scan_dir), "--out", str(out),
                                      "--signal", str(flat)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == ""


def test_without_any_signal_the_step_alone_is_used_with_a_warning(tmp_path, caplog):
    scan_dir = _scan(tmp_path)
    with caplog.at_level(logging.WARNING, logger="gategenome.call.boundaries"):
        records, summary = call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings())
    assert len(records) == 2 * len(REGIONS) and summary["signal_test"] is None
    assert "accessibility step alone" in caplog.text
