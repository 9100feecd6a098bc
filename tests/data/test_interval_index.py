"""IntervalIndex: the covered bases of any window, from overlapping, unsorted intervals."""

import numpy as np

from gategenome.data.intervals import IntervalIndex


def test_windows_of_the_union_equal_a_painted_array():
    rng = np.random.default_rng(2)
    length = 5_000
    starts = rng.integers(-50, length, 200)
    ends = starts + rng.integers(-5, 120, 200)  # some empty, some past the end, many overlapping
    painted = np.zeros(length, bool)
    for start, end in zip(starts, ends):
        painted[max(0, start):max(0, min(length, end))] = True
    index = IntervalIndex(starts, ends, length)
    assert np.all(index.starts[1:] > index.ends[:-1]) and index.covered == painted.sum()
    for _ in range(300):
        start = int(rng.integers(-100, length))
        end = start + int(rng.integers(0, 700))
        np.testing.assert_array_equal(index.mask(start, end), painted[max(0, start):min(length, end)])
    assert IntervalIndex(np.zeros(0), np.zeros(0), 10).mask(0, 10).sum() == 0
