"""Runs of true values and of equal values, interval complements, moving averages."""

from __future__ import annotations

import numpy as np

from gategenome.core.runs import (
    RunJoiner,
    complement_intervals,
    merge_close_runs,
    moving_average,
    true_runs,
    value_runs,
)


def test_true_runs_are_half_open_and_cover_the_ends():
    mask = np.array([1, 1, 0, 0, 1, 0, 1, 1, 1], dtype=bool)
    starts, ends = true_runs(mask)
    assert starts.tolist() == [0, 4, 6] and ends.tolist() == [2, 5, 9]
    assert starts.dtype == np.int64 and ends.dtype == np.int64
    assert [len(x) for x in true_runs(np.zeros(0, dtype=bool))] == [0, 0]
    assert [x.tolist() for x in true_runs(np.zeros(5, dtype=bool))] == [[], []]
    assert [x.tolist() for x in true_runs(np.ones(5, dtype=bool))] == [[0], [5]]


def test_merge_close_runs_bridges_gaps_up_to_max_gap():
    starts, ends = np.array([0, 10, 13, 30]), np.array([5, 12, 20, 40])
    merged = merge_close_runs(starts, ends, 3)
    assert [x.tolist() for x in merged] == [[0, 10, 30], [5, 20, 40]]  # gaps 5, 1, 10: only the 1 is bridged
    assert [x.tolist() for x in merge_close_runs(starts, ends, 5)] == [[0, 30], [20, 40]]
    assert [x.tolist() for x in merge_close_runs(starts, ends, 10)] == [[0], [40]]
    assert [x.tolist() for x in merge_close_runs(starts, ends, -1)] == [starts.tolist(), ends.tolist()]
    assert [x.tolist() for x in merge_close_runs(np.array([3]), np.array([7]), 0)] == [[3], [7]]


def test_complement_intervals_fills_the_gaps_and_the_ends():
    assert complement_intervals([(2, 5), (5, 8), (10, 12)], 15) == [(0, 2), (8, 10), (12, 15)]
    assert complement_intervals([(0, 4), (2, 15)], 15) == []
    assert complement_intervals([], 7) == [(0, 7)]


def test_value_runs_skip_nan_and_merge_equal_values():
    values = np.array([0.5, 0.5, np.nan, np.nan, 0.25, 0.5, 0.5, 0.5], dtype=np.float16)
    starts, ends, run_values = value_runs(values)
    assert starts.tolist() == [0, 4, 5] and ends.tolist() == [2, 5, 8]
    assert run_values.tolist() == [0.5, 0.25, 0.5]


def test_moving_average_matches_convolution():
    rng = np.random.default_rng(1)
    values = rng.poisson(2.0, 1000).astype(np.float32)
    for window in (1, 4, 101):
        # position i averages values[i - window//2 : i - window//2 + window]
        first = window - 1 - window // 2
        expected = np.convolve(values, np.ones(window) / window, mode="full")[first : first + 1000]
        np.testing.assert_allclose(moving_average(values, window), expected, rtol=1e-5, atol=1e-5)


def test_running_window_mean():
    x = np.random.default_rng(0).random(300)
    for causal in (True, False):
        for width in (1, 4, 37):
            left = width - 1 if causal else width // 2
            padded = np.concatenate([np.zeros(left), x, np.zeros(width - 1 - left)])
            expected = np.array([padded[i:i + width].mean() for i in range(len(x))])
            np.testing.assert_allclose(moving_average(x, width, causal, np.float64), expected, atol=1e-12)


def test_run_joiner_gives_the_runs_of_the_whole_mask_whatever_the_blocks():
    rng = np.random.default_rng(3)
    for trial in range(30):
        mask = rng.random(rng.integers(0, 400)) < rng.choice([0.1, 0.5, 0.95])
        cuts = np.sort(rng.integers(0, mask.size + 1, rng.integers(0, 8)))
        joiner = RunJoiner()
        for block in np.split(mask, cuts):  # empty blocks included
            joiner.add(block)
        starts, ends = joiner.finish()
        expected = true_runs(mask)
        assert starts.dtype == np.int64 and np.array_equal(starts, expected[0]) and np.array_equal(ends, expected[1])
