"""evaluate.signal_caller: smoothing and thresholding of the signal-only boundary caller."""

from __future__ import annotations

import numpy as np
import pytest

from gategenome.evaluate.signal_caller import smooth_log_signal, threshold_regions


def test_signal_caller_pieces_by_hand():
    values = np.array([0, 0, 3, 3, 3, 0, 0, 0, 3, 3], dtype=np.float64)
    smoothed = smooth_log_signal(values, 3)
    x = np.log1p(values)
    assert smoothed[0] == pytest.approx(x[:2].sum() / 3) and smoothed[4] == pytest.approx(x[3:6].mean())
    assert threshold_regions(np.log1p(values), 0.5, min_gap=0, min_length=1).tolist() == [[2, 5], [8, 10]]
    assert threshold_regions(np.log1p(values), 0.5, min_gap=4, min_length=1).tolist() == [[2, 10]]
    assert threshold_regions(np.log1p(values), 0.5, min_gap=0, min_length=3).tolist() == [[2, 5]]


def test_chunked_smoothing_is_bit_identical_to_one_moving_average():
    from gategenome.core.runs import moving_average
    from gategenome.evaluate.signal_caller import smooth_track

    rng = np.random.default_rng(4)
    values = rng.poisson(3.0, 20_000).astype(np.float32) * rng.random(20_000).astype(np.float32)
    values[rng.random(20_000) < 0.05] = np.nan
    values[:10] = -1.0
    whole = np.log1p(np.clip(np.nan_to_num(values.astype(np.float64)), 0, None))
    for window, chunk in ((151, 1_000), (150, 333), (1, 4_096), (5_001, 700), (151, 1 << 20)):
        got = smooth_track(lambda a, b: values[a:b], values.size, window, chunk)
        assert got.dtype == np.float32 and np.array_equal(got, moving_average(whole, window)), (window, chunk)


def test_chunked_smoothing_memory_is_the_result_plus_a_chunk():
    import tracemalloc

    from gategenome.evaluate.signal_caller import smooth_track

    length, chunk = 4_000_000, 1 << 16
    values = np.ones(length, dtype=np.float32)
    tracemalloc.start()
    try:
        smooth_track(lambda a, b: values[a:b], length, 151, chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * length + 64 * chunk  # float32 result + chunk temporaries (whole-array smoothing: 32 B/base)


def test_smoothed_signal_holds_one_chromosome_and_smooths_a_stretch_alone(tmp_path):
    from contextlib import nullcontext
    from types import SimpleNamespace

    from gategenome.evaluate.signal_caller import SmoothedSignal, smooth_log_signal

    rng = np.random.default_rng(5)
    data = {"a": rng.poisson(2.0, 5_000).astype(np.float32), "b": rng.poisson(1.0, 3_000).astype(np.float32)}
    opened = []

    def open_track():
        opened.append(1)
        return nullcontext(SimpleNamespace(values=lambda c, s, e, count_nan=True: data[c][s:e]))

    smoothed = SmoothedSignal(open_track, {c: v.size for c, v in data.items()}, 51)
    assert list(smoothed) == ["a", "b"] and len(smoothed) == 2
    first = smoothed["a"]
    assert np.array_equal(first, smooth_log_signal(data["a"], 51)) and smoothed["a"] is first and len(opened) == 1
    smoothed["b"]
    assert smoothed._held[0] == "b" and len(opened) == 2  # "a" was released
    np.testing.assert_allclose(smoothed.region("a", 1_000, 1_200), first[1_000:1_200], rtol=1e-6)
    np.testing.assert_allclose(smoothed.region("a", 0, 30), first[:30], rtol=1e-6)  # at the chromosome's start


def test_chunked_caller_tuning_and_sampling_match_the_whole_chromosomes():
    from contextlib import nullcontext
    from types import SimpleNamespace

    from gategenome.evaluate.boundaries import Edges
    from gategenome.evaluate.signal_caller import (
        SmoothedSignal,
        calls_from_signal,
        smooth_log_signal,
        strided_signal,
        tune_threshold,
    )

    rng = np.random.default_rng(9)
    data = {}
    for chrom, length in (("a", 30_000), ("b", 17_001)):
        values = rng.poisson(0.5, length).astype(np.float32)
        for start in range(500, length - 600, 2_000):
            values[start:start + rng.integers(100, 500)] += 15
        data[chrom] = values
    whole = {chrom: smooth_log_signal(values, 51) for chrom, values in data.items()}
    edges = {chrom: Edges(np.arange(500, len(v) - 600, 2_000), np.arange(800, len(v) - 300, 2_000)) for chrom, v in data.items()}
    track = SimpleNamespace(values=lambda c, s, e, count_nan=True: data[c][s:e])
    for chunk in (333, 4_096, 1 << 20):
        chunked = SmoothedSignal(lambda: nullcontext(track), {c: v.size for c, v in data.items()}, 51, chunk=chunk)
        got, expected = calls_from_signal(chunked, 1.0), calls_from_signal(whole, 1.0)
        assert got.keys() == expected.keys() and all(np.array_equal(got[k], expected[k]) for k in got)
        assert tune_threshold(chunked, edges) == tune_threshold(whole, edges)
        for stride in (1, 7, 1_000):
            assert np.array_equal(strided_signal(chunked, "b", stride), whole["b"][::stride])
        assert chunked._held is None  # nothing chromosome-long was made
