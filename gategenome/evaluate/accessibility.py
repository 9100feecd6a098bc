"""Per-base accessibility auROC / auPRC of the scan's predictions against the regions.

The scan's predicted accessibility (mean of the scanned strands) is scored
against a 0/1 label per base (inside an accessible region or not), on every
``stride``-th base so at most about ``max_bases`` bases are ranked; the smoothed
ATAC signal, when given, is ranked on the same bases.  Only the sampled bases
are gathered: the predictions are read a block at a time, the label is made for
the sampled bases only and the smoothed signal is computed chunk by chunk, so
memory grows with ``max_bases``, not with the chromosome.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from gategenome.core.stats import ranking_metrics
from gategenome.evaluate.signal_caller import strided_signal
from gategenome.io.bed import Interval
from gategenome.io.scandir.reader import ScanDir, read_block

#: Bases read at a time: memory does not grow with the chromosome.
CHUNK = 1 << 20


def accessibility_metrics(scan: ScanDir, sizes: dict[str, int], regions: list[Interval], max_bases: int,
                          smoothed: dict[str, np.ndarray] | None) -> dict[str, Any]:
    """auROC / auPRC of the scan's accessibility (and of the smoothed signal) on the chromosomes of ``sizes``.

    Parameters
    ----------
    scan
        The scan directory.
    sizes
        Chromosome -> length, the chromosomes scored.
    regions
        Accessible regions (the positive bases).
    max_bases
        About how many bases to rank at most (every ``stride``-th base is used).
    smoothed
        Chromosome -> ``(L,)`` smoothed log1p signal (a :class:`gategenome.evaluate.signal_caller.SmoothedSignal`
        is read chunk by chunk), or None.

    Returns
    -------
    dict
        ``bases``, ``stride``, ``accessible_fraction``, ``model`` (and ``signal``)
        ranking metrics.
    """
    total = sum(sizes.values())
    stride = max(1, -(-total // max_bases))
    scores, signal_scores, labels = [], [], []
    by_chrom: dict[str, list[Interval]] = {}
    for region in regions:
        by_chrom.setdefault(region.chrom, []).append(region)
    for chrom, length in sizes.items():
        prediction = _strided_prediction(scan, chrom, length, stride)
        keep = np.isfinite(prediction)
        scores.append(prediction[keep])
        labels.append(_strided_label(by_chrom.get(chrom, []), length, stride)[keep])
        if smoothed is not None:
            signal_scores.append(strided_signal(smoothed, chrom, stride)[keep])
    score = np.concatenate(scores)
    label = np.concatenate(labels)
    result = {"bases": int(len(score)), "stride": stride, "accessible_fraction": float(label.mean()) if len(label) else 0.0,
              "model": ranking_metrics(score, label)}
    if smoothed is not None:
        signal = np.concatenate(signal_scores)
        result["signal"] = ranking_metrics(signal, label)
    return result


def _strided_label(regions: list[Interval], length: int, stride: int) -> np.ndarray:
    """``(ceil(L / stride),)`` bool: whether each ``stride``-th base lies in a region (no per-base label is made)."""
    count = -(-length // stride)
    delta = np.zeros(count + 1, dtype=np.int64)
    starts = np.array([region.start for region in regions], dtype=np.int64)
    ends = np.minimum(np.array([region.end for region in regions], dtype=np.int64), length)
    kept = starts < ends
    np.add.at(delta, -(-starts[kept] // stride), 1)  # first sampled base at or after the start
    np.add.at(delta, -(-ends[kept] // stride), -1)  # first sampled base at or after the end
    return np.cumsum(delta[:-1]) > 0


def _strided_prediction(scan: ScanDir, chrom: str, length: int, stride: int) -> np.ndarray:
    """``(ceil(L / stride),)`` float32 mean predicted accessibility of the scanned strands on every
    ``stride``-th base (NaN in gaps), read a block at a time with ``pread``."""
    arrays = [scan.accessibility(chrom, strand) for strand in scan.strands]
    step = stride * max(1, CHUNK // stride)  # blocks start on a sampled base
    parts = [np.zeros(0, dtype=np.float32)]
    for lo in range(0, length, step):
        stacked = np.stack([np.asarray(read_block(array, lo, lo + step)[::stride], dtype=np.float32) for array in arrays])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (gaps) stay NaN
            parts.append(np.nanmean(stacked, axis=0))
    return np.concatenate(parts)
