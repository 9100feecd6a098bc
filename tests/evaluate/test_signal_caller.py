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
