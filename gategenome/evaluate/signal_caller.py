"""A signal-only boundary caller: edges of thresholded, smoothed ATAC signal.

This is the baseline the model's drops are compared with.  The ATAC bigWig is read
as ``log1p(signal)``, smoothed with a centred moving average of ``window`` bases, and
every run of bases above a threshold is a called region (runs closer than ``min_gap``
merged, runs shorter than ``min_length`` dropped).  The called regions' edges are the
caller's boundary calls; each is put on both strands, so the scorer in
:mod:`gategenome.evaluate.boundaries` treats them exactly like forget-gate drops.

The threshold is chosen on the training chromosomes (never the evaluated ones): the
candidate thresholds are quantiles of the smoothed signal there, and the one with the
best any-edge F1 at the tuning distance wins.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np

from gategenome.core.runs import merge_close_runs, moving_average, true_runs
from gategenome.evaluate.boundaries import STRANDS, Edges, score_calls

log = logging.getLogger(__name__)

#: Quantiles of the smoothed signal tried as thresholds when tuning.
TUNING_QUANTILES = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99)


def smooth_log_signal(values: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average of ``log1p(values)`` (:func:`gategenome.core.runs.moving_average`).

    Parameters
    ----------
    values
        ``(L,)`` raw signal (NaN and negative read as 0).
    window
        Window width in bases (1 = no smoothing); zeros are assumed beyond the ends.

    Returns
    -------
    numpy.ndarray
        ``(L,)`` float32.
    """
    x = np.log1p(np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64)), 0, None))
    return moving_average(x, window)


def threshold_regions(smoothed: np.ndarray, threshold: float, min_gap: int = 50, min_length: int = 50) -> np.ndarray:
    """Runs of ``smoothed > threshold`` as ``(R, 2)`` int64 half-open intervals.

    Runs separated by fewer than ``min_gap`` bases are merged; runs shorter than
    ``min_length`` are then dropped.
    """
    starts, ends = merge_close_runs(*true_runs(smoothed > threshold), min_gap - 1)
    runs = np.stack([starts, ends], axis=1)
    return runs[(runs[:, 1] - runs[:, 0]) >= min_length]


def region_calls(runs: np.ndarray, length: int) -> np.ndarray:
    """Sorted edge positions of called runs (chromosome ends excluded), ``(E,)``."""
    edges = np.concatenate([runs[:, 0], runs[:, 1]]) if len(runs) else np.zeros(0, dtype=np.int64)
    return np.unique(edges[(edges > 0) & (edges < length)])


def calls_from_signal(
    smoothed: Mapping[str, np.ndarray],
    threshold: float,
    min_gap: int = 50,
    min_length: int = 50,
) -> dict[tuple[str, str], np.ndarray]:
    """Boundary calls of the signal-only caller, on both strands.

    Parameters
    ----------
    smoothed
        Chromosome -> ``(L,)`` smoothed log1p signal.
    threshold
        Regions are where the smoothed signal exceeds this.

    Returns
    -------
    dict[tuple[str, str], numpy.ndarray]
        ``(chrom, strand)`` -> sorted edge positions (the same on both strands).
    """
    calls = {}
    for chrom, values in smoothed.items():
        edges = region_calls(threshold_regions(values, threshold, min_gap, min_length), len(values))
        for strand in STRANDS:
            calls[(chrom, strand)] = edges
    return calls


def tune_threshold(
    smoothed: Mapping[str, np.ndarray],
    edges: Mapping[str, Edges],
    distance: int = 100,
    min_gap: int = 50,
    min_length: int = 50,
) -> tuple[float, list[dict[str, float]]]:
    """Pick the threshold with the best any-edge F1 at ``distance`` on these chromosomes.

    Parameters
    ----------
    smoothed
        Training chromosomes -> smoothed log1p signal.
    edges
        The same chromosomes -> region edges.

    Returns
    -------
    tuple
        The best threshold and the tuning table (threshold, quantile, f1) tried.
    """
    pooled = np.concatenate([values[:: max(1, len(values) // 200_000)] for values in smoothed.values()])
    candidates = sorted({float(np.quantile(pooled, q)) for q in TUNING_QUANTILES})
    table = []
    best = (-1.0, candidates[0] if candidates else 0.0)
    for threshold in candidates:
        calls = calls_from_signal(smoothed, threshold, min_gap, min_length)
        f1 = score_calls(calls, edges, [distance])["any"]["both"][str(distance)]["f1"]
        table.append({"threshold": threshold, "quantile": float((pooled <= threshold).mean()), "f1": f1})
        if f1 > best[0]:
            best = (f1, threshold)
    log.info("signal-only caller: threshold %.3f (log1p, smoothed) has the best training F1 %.3f", best[1], best[0])
    return best[1], table


def read_smoothed(track, sizes: Mapping[str, int], window: int) -> dict[str, np.ndarray]:
    """Smoothed log1p signal of whole chromosomes from a :class:`SignalTrack`."""
    return {chrom: smooth_log_signal(track.values(chrom, 0, length), window) for chrom, length in sizes.items()}


def signal_baseline(
    track,
    eval_sizes: Mapping[str, int],
    eval_edges: Mapping[str, Edges],
    train_sizes: Mapping[str, int],
    train_edges: Mapping[str, Edges],
    distances: Sequence[int],
    window: int = 151,
    threshold: float | None = None,
    min_gap: int = 50,
    min_length: int = 50,
) -> dict:
    """Run and score the signal-only caller.

    Returns
    -------
    dict
        ``settings`` (window, threshold, how it was chosen, tuning table),
        ``scores`` (as :func:`gategenome.evaluate.boundaries.score_calls`), ``calls``
        (number of boundary calls per strand) and, under ``smoothed``, the evaluated
        chromosomes' smoothed signal (for plots; not serialised).
    """
    table: list[dict[str, float]] = []
    chosen = "given"
    if threshold is None:
        if train_sizes:
            threshold, table = tune_threshold(read_smoothed(track, train_sizes, window), train_edges,
                                              100 if 100 in distances else distances[0], min_gap, min_length)
            chosen = "tuned on training chromosomes (best any-edge F1)"
        else:
            threshold = 1.0
            chosen = "default (no training chromosome to tune on)"
            log.warning("signal-only caller: no training chromosome to tune on; using threshold %.2f", threshold)
    smoothed = read_smoothed(track, eval_sizes, window)
    calls = calls_from_signal(smoothed, threshold, min_gap, min_length)
    return {
        "settings": {"window": window, "threshold": float(threshold), "threshold_choice": chosen,
                     "min_gap": min_gap, "min_length": min_length, "tuning": table},
        "scores": score_calls(calls, eval_edges, distances),
        "calls": int(sum(len(calls[(c, "+")]) for c in eval_sizes)),
        "call_positions": calls,
        "smoothed": smoothed,
    }
