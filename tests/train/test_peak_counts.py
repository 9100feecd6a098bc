"""Peak count and profile metrics on constructed profiles, against hand computations."""

import math

import numpy as np
import pytest

from gategenome.train.peak_counts import peak_selection_score, peak_windows, profile_metrics


def test_identical_profiles_have_distance_zero_and_correlation_one():
    observed = np.array([[0, 1, 3, 0], [2, 2, 0, 0], [0, 0, 0, 9]], dtype=float)
    metrics = profile_metrics(observed, observed * 1.0)
    assert metrics["profile_jsd_median"] == pytest.approx(0.0, abs=1e-6)
    assert metrics["count_pearson"] == pytest.approx(1.0) and metrics["count_spearman"] == pytest.approx(1.0)
    assert metrics["peaks"] == 3 and metrics["profile_peaks"] == 3


def test_distance_and_correlations_match_a_hand_computation():
    observed = np.array([[4, 0], [0, 1], [3, 3]], dtype=float)
    predicted = np.array([[1, 1], [0, 5], [1, 0]], dtype=float)

    def jsd(p, q):
        p, q = np.asarray(p) / np.sum(p), np.asarray(q) / np.sum(q)
        m = (p + q) / 2
        kl = lambda a, b: sum(x * math.log2(x / y) for x, y in zip(a, b) if x > 0)
        return math.sqrt((kl(p, m) + kl(q, m)) / 2)

    distances = [jsd(o, p) for o, p in zip(observed, predicted)]  # 0.5579 (p=[1,0], q=[.5,.5]), 0, 0.5579
    assert distances[0] == pytest.approx(0.5579, abs=1e-4)
    metrics = profile_metrics(observed, predicted)
    assert metrics["profile_jsd_median"] == pytest.approx(np.median(distances))
    x, y = np.log1p([4, 1, 6]), np.log1p([2, 5, 1])
    assert metrics["count_pearson"] == pytest.approx(np.corrcoef(x, y)[0, 1])
    # ranks (2, 1, 3) against (2, 3, 1): rank differences 0, -2, 2, rho = 1 - 6 * 8 / (3 * 8) = -1
    assert metrics["count_spearman"] == pytest.approx(-1.0)


def test_disjoint_profiles_have_distance_one_and_empty_rows_are_left_out():
    observed = np.array([[5, 0, 0], [0, 0, 0]], dtype=float)
    predicted = np.array([[0, 2, 2], [1, 1, 1]], dtype=float)
    metrics = profile_metrics(observed, predicted)
    assert metrics["profile_jsd_median"] == pytest.approx(1.0)
    assert metrics["profile_peaks"] == 1


def test_selection_score_rewards_counts_and_profiles():
    best = {"count_pearson": 1.0, "profile_jsd_median": 0.0}
    worse = {"count_pearson": 0.5, "profile_jsd_median": 0.0}
    blurred = {"count_pearson": 1.0, "profile_jsd_median": 0.5}
    assert peak_selection_score(best) == 1.0
    assert peak_selection_score(best) > peak_selection_score(worse) > 0
    assert peak_selection_score(blurred) == pytest.approx(0.5)
    assert peak_selection_score({"count_pearson": float("nan"), "profile_jsd_median": 0.2}) == 0.0


class _Chrom:
    def __init__(self, length, regions):
        self.length, self.regions = length, np.array(regions)

    def __len__(self):
        return self.length


def test_peak_windows_are_centred_and_stay_on_the_chromosome():
    chrom = _Chrom(5000, [[100, 300], [2000, 2200], [4800, 4900]])
    found = peak_windows([chrom], window=1000)
    assert [begin for _, begin in found] == [1600]  # centre 2100; the others would run off an end
