"""Statistics: per-base ranking metrics (auROC, auPRC), empirical p-values and BH q-values.

Ties are handled as in the usual definitions: all bases with the same score enter
the curve together (one ROC segment, one precision-recall point), so a constant
score has auROC 0.5 and auPRC equal to the positive fraction.

:class:`ScoreHistogram` gives the same two numbers for scores rounded to float16
without holding or sorting them: it counts positives and negatives per float16
value (65,536 bins, 1 MiB), so a whole genome is scored chunk by chunk in
constant memory, and its result equals :func:`ranking_metrics` of the rounded
scores.
"""

from __future__ import annotations

import numpy as np


def _curve_counts(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positives and negatives scored at or above each distinct score, highest score first: ``(T,)`` int64 each."""
    scores = np.asarray(scores).reshape(-1)
    labels = np.asarray(labels).reshape(-1).astype(bool)
    if np.issubdtype(scores.dtype, np.floating) and np.isfinite(scores).all():
        return _sorted_curve_counts(scores, labels)
    scores = scores.astype(np.float64)
    order = np.argsort(-scores, kind="stable")
    ranked = scores[order]
    hits = labels[order]
    tp = np.cumsum(hits, dtype=np.int64)
    fp = np.cumsum(~hits, dtype=np.int64)
    last_of_tie = np.r_[np.nonzero(np.diff(ranked))[0], ranked.size - 1]
    return tp[last_of_tie], fp[last_of_tie]


def _sorted_curve_counts(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_curve_counts` of finite float scores from two sorted copies (all scores, the positives' scores),
    in their own dtype: a few bytes a score instead of the 70 of ranking by ``argsort``."""
    ordered = np.sort(scores)
    positives = np.sort(scores[labels])
    distinct = ordered[np.r_[np.flatnonzero(ordered[1:] != ordered[:-1]), ordered.size - 1]][::-1]
    tp = (positives.size - np.searchsorted(positives, distinct, side="left")).astype(np.int64)
    at_least = (ordered.size - np.searchsorted(ordered, distinct, side="left")).astype(np.int64)
    return tp, at_least - tp


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


#: Number of distinct float16 bit patterns: the bins of :class:`ScoreHistogram`.
_FLOAT16_BINS = 1 << 16


def float16_rank_keys(scores: np.ndarray) -> np.ndarray:
    """Bin of each score rounded to float16, in score order.

    Parameters
    ----------
    scores
        ``(n,)`` finite scores (or infinities) of any float dtype.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` int64 in ``0 .. 65535``: a larger key is a larger rounded score,
        equal rounded scores share a key (``-0`` and ``+0`` too).
    """
    with np.errstate(over="ignore"):  # beyond +-65504: rounded to +-infinity, still ordered
        rounded = np.asarray(scores).astype(np.float16).reshape(-1) + np.float16(0)  # -0 + 0 = +0
    bits = rounded.view(np.uint16).astype(np.int64)
    return np.where(bits >= 0x8000, 0xFFFF - bits, bits + 0x8000)


class ScoreHistogram:
    """Per-class counts of float16-rounded scores: auROC and auPRC in constant memory.

    Add chunks of scores and labels with :meth:`add` (any number, any order);
    :meth:`metrics` gives exactly :func:`ranking_metrics` of all scores rounded to
    float16 (ties are equal rounded scores).

    Attributes
    ----------
    counts
        ``(2, 65536)`` int64: negatives and positives per float16 bin.
    """

    def __init__(self) -> None:
        self.counts = np.zeros((2, _FLOAT16_BINS), dtype=np.int64)

    def add(self, scores: np.ndarray, labels: np.ndarray) -> None:
        """Count ``(n,)`` scores with their ``(n,)`` 0/1 or bool labels."""
        keys = float16_rank_keys(scores)
        hits = np.asarray(labels).reshape(-1).astype(bool)
        self.counts[1] += np.bincount(keys[hits], minlength=_FLOAT16_BINS)
        self.counts[0] += np.bincount(keys[~hits], minlength=_FLOAT16_BINS)

    @property
    def total(self) -> int:
        """Number of scores counted."""
        return int(self.counts.sum())

    def metrics(self) -> dict[str, float]:
        """``{"auroc": ..., "auprc": ...}`` of the counted scores (NaN as in :func:`auroc`, :func:`auprc`)."""
        if self.total == 0:
            return {"auroc": float("nan"), "auprc": float("nan")}
        negatives, positives = self.counts[0, ::-1], self.counts[1, ::-1]
        used = (negatives + positives) > 0
        tp, fp = np.cumsum(positives[used]), np.cumsum(negatives[used])
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
