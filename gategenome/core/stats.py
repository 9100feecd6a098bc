"""Statistics: per-base ranking metrics (auROC, auPRC), empirical p-values and BH q-values.

Ties are handled as in the usual definitions: all bases with the same score enter
the curve together (one ROC segment, one precision-recall point), so a constant
score has auROC 0.5 and auPRC equal to the positive fraction.
"""

from __future__ import annotations

import numpy as np


def _curve_counts(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    labels = np.asarray(labels).reshape(-1).astype(bool)
    order = np.argsort(-scores, kind="stable")
    ranked = scores[order]
    hits = labels[order]
    tp = np.cumsum(hits, dtype=np.int64)
    fp = np.cumsum(~hits, dtype=np.int64)
    last_of_tie = np.r_[np.nonzero(np.diff(ranked))[0], ranked.size - 1]
    return tp[last_of_tie], fp[last_of_tie]


def _auroc_from_counts(tp: np.ndarray, fp: np.ndarray) -> float:
    positives, negatives = tp[-1], fp[-1]
    if positives == 0 or negatives == 0:
        return float("nan")
    tpr = np.r_[0.0, tp / positives]
    fpr = np.r_[0.0, fp / negatives]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))


def _auprc_from_counts(tp: np.ndarray, fp: np.ndarray) -> float:
    positives = tp[-1]
    if positives == 0:
        return float("nan")
    precision = tp / (tp + fp)
    recall = tp / positives
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def auroc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve.

    Parameters
    ----------
    scores
        ``(n,)`` higher = more likely positive.
    labels
        ``(n,)`` 0/1 or bool.

    Returns
    -------
    float
        auROC, or NaN when only one class is present.
    """
    if np.size(scores) == 0:
        return float("nan")
    return _auroc_from_counts(*_curve_counts(scores, labels))


def auprc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the precision-recall curve (average precision).

    ``sum_k (R_k - R_{k-1}) P_k`` over the distinct score thresholds.

    Returns
    -------
    float
        auPRC, or NaN when there is no positive.
    """
    if np.size(scores) == 0:
        return float("nan")
    return _auprc_from_counts(*_curve_counts(scores, labels))


def ranking_metrics(scores: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """``{"auroc": ..., "auprc": ...}`` from one sort of ``scores`` (see :func:`auroc`, :func:`auprc`)."""
    if np.size(scores) == 0:
        return {"auroc": float("nan"), "auprc": float("nan")}
    tp, fp = _curve_counts(scores, labels)
    return {"auroc": _auroc_from_counts(tp, fp), "auprc": _auprc_from_counts(tp, fp)}


def empirical_pvalues(depths: np.ndarray, null_depths: np.ndarray) -> np.ndarray:
    """``(1 + #{null >= d}) / (1 + #null)`` for every depth ``d``, ``(R,)``."""
    ordered = np.sort(null_depths)
    exceed = ordered.size - np.searchsorted(ordered, depths, side="left")
    return (1.0 + exceed) / (1.0 + ordered.size)


def bh_qvalues(pvalues: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values, ``(R,)``, in the order of ``pvalues``."""
    n = pvalues.size
    if n == 0:
        return pvalues.copy()
    order = np.argsort(pvalues)
    scaled = pvalues[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(n, dtype=np.float64)
    out[order] = np.minimum(q, 1.0)
    return out
