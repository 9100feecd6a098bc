"""Ranking metrics (auROC, auPRC) and the empirical p-values and BH q-values of the drop caller."""

from __future__ import annotations

import numpy as np
import pytest

from gategenome.core.stats import (
    ScoreHistogram,
    auprc,
    auroc,
    bh_qvalues,
    empirical_pvalues,
    float16_rank_keys,
    ranking_metrics,
)


def brute_auroc(scores, labels):
    pos, neg = scores[labels == 1], scores[labels == 0]
    diff = pos[:, None] - neg[None, :]
    return ((diff > 0).sum() + 0.5 * (diff == 0).sum()) / (len(pos) * len(neg))


def brute_auprc(scores, labels):
    total = 0.0
    previous_recall = 0.0
    for threshold in np.unique(scores)[::-1]:
        called = scores >= threshold
        tp = (called & (labels == 1)).sum()
        recall = tp / labels.sum()
        total += (recall - previous_recall) * tp / called.sum()
        previous_recall = recall
    return total


def test_metrics_match_their_definitions_with_ties():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 8, 400).astype(float)  # many ties
    labels = (rng.random(400) < 0.2 + scores / 20).astype(int)
    assert auroc(scores, labels) == pytest.approx(brute_auroc(scores, labels), abs=1e-12)
    assert auprc(scores, labels) == pytest.approx(brute_auprc(scores, labels), abs=1e-12)
    assert auroc(np.ones(10), labels[:10]) == pytest.approx(0.5)
    assert auprc(np.ones(10), labels[:10]) == pytest.approx(labels[:10].mean())
    assert np.isnan(auroc(scores, np.zeros(400)))
    both = ranking_metrics(scores, labels)  # one sort, the same two numbers
    assert both["auroc"] == pytest.approx(brute_auroc(scores, labels), abs=1e-12)
    assert both["auprc"] == pytest.approx(brute_auprc(scores, labels), abs=1e-12)


def test_sorted_counts_of_float_scores_equal_the_argsort_ranking_exactly():
    """Finite float scores are ranked from two sorted copies (a few bytes a score); integer scores (and
    non-finite ones) by the stable argsort: the same tie groups and counts, so bit-identical metrics."""
    rng = np.random.default_rng(3)
    for dtype in (np.float16, np.float32, np.float64):
        levels = rng.integers(0, 300, 5000)  # many ties, as the scan's uint8 accessibility levels give
        labels = rng.random(5000) < 0.1 + levels / 600
        scores = (levels / 8).astype(dtype)
        scores[levels == 0] = -0.0  # -0 and +0 tie
        scores[levels == 1] = 0.0
        lean = ranking_metrics(scores, labels)
        assert lean == ranking_metrics(np.where(levels == 1, 0, levels), labels)  # the argsort path (integers)
        assert lean["auroc"] == pytest.approx(brute_auroc(scores.astype(float), labels.astype(int)), abs=1e-12)
    with_nan = np.r_[np.nan, rng.random(50)]  # non-finite: the argsort path, as before
    assert np.isfinite(ranking_metrics(with_nan, rng.random(51) < 0.5)["auroc"])


def test_empirical_pvalues_count_null_depths_at_least_as_deep():
    null = np.array([0.1, 0.2, 0.2, 0.5])
    p = empirical_pvalues(np.array([0.05, 0.2, 0.3, 0.9]), null)
    np.testing.assert_allclose(p, [5 / 5, 4 / 5, 2 / 5, 1 / 5])
    np.testing.assert_allclose(empirical_pvalues(np.array([0.3]), np.zeros(0)), [1.0])


def test_bh_qvalues_match_the_step_up_definition():
    rng = np.random.default_rng(0)
    p = rng.random(50) ** 3
    n = p.size
    ranked = np.sort(p)
    expected_sorted = [min(1.0, min(ranked[j] * n / (j + 1) for j in range(i, n))) for i in range(n)]
    expected = np.empty(n)
    expected[np.argsort(p)] = expected_sorted
    np.testing.assert_allclose(bh_qvalues(p), expected, rtol=1e-12)
    np.testing.assert_allclose(bh_qvalues(np.array([0.01, 0.04, 0.03])), [0.03, 0.04, 0.04])
    assert bh_qvalues(np.zeros(0)).size == 0


def test_float16_keys_order_rounded_scores_and_merge_signed_zero():
    scores = np.array([-np.inf, -70000.0, -2.5, -1e-9, -0.0, 0.0, 1e-9, 3.0, 70000.0], dtype=np.float64)
    keys = float16_rank_keys(scores)
    assert np.all(np.diff(keys) >= 0)
    assert keys[4] == keys[5]  # -0 and +0 tie
    assert keys[1] == keys[0] and keys[-1] > keys[-2]  # beyond the float16 range: rounded to infinity


def test_histogram_equals_the_sort_based_metrics_of_float16_scores_streamed_in_chunks():
    rng = np.random.default_rng(5)
    labels = rng.random(200_000) < 0.07
    scores = (rng.normal(size=labels.size) * 3 + labels * 2.0).astype(np.float32)
    histogram = ScoreHistogram()
    for chunk in np.array_split(np.arange(labels.size), 7):
        histogram.add(scores[chunk], labels[chunk])
    streamed = histogram.metrics()
    exact = ranking_metrics(scores.astype(np.float16), labels)
    assert streamed["auroc"] == pytest.approx(exact["auroc"], abs=1e-12)
    assert streamed["auprc"] == pytest.approx(exact["auprc"], abs=1e-12)
    full = ranking_metrics(scores, labels)  # float32: float16 binning moves the areas by little
    assert streamed["auroc"] == pytest.approx(full["auroc"], abs=1e-3)
    assert streamed["auprc"] == pytest.approx(full["auprc"], abs=1e-3)
    assert histogram.total == labels.size


def test_histogram_of_nothing_or_one_class_is_nan_like_the_sort_based_metrics():
    histogram = ScoreHistogram()
    assert np.isnan(histogram.metrics()["auroc"])
    histogram.add(np.array([0.1, 0.2]), np.array([0, 0]))
    assert np.isnan(histogram.metrics()["auroc"]) and np.isnan(histogram.metrics()["auprc"])
    histogram.add(np.array([0.2]), np.array([1]))
    assert histogram.metrics() == ranking_metrics(np.array([0.1, 0.2, 0.2], np.float16), np.array([0, 0, 1]))
