"""Per-base accessibility auROC / auPRC of the scan's predictions against the regions.

The scan's predicted accessibility (mean of the scanned strands) is scored
against a 0/1 label per base (inside an accessible region or not), on every
``stride``-th base so at most about ``max_bases`` bases are ranked; the smoothed
ATAC signal, when given, is ranked on the same bases.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from gategenome.core.stats import ranking_metrics
from gategenome.io.bed import Interval
from gategenome.io.scandir import ScanDir


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
        Chromosome -> ``(L,)`` smoothed log1p signal, or None.

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
        label = np.zeros(length, dtype=bool)
        for region in by_chrom.get(chrom, []):
            label[region.start:min(region.end, length)] = True
        stacked = np.stack([np.asarray(scan.accessibility(chrom, s)[::stride], dtype=np.float32) for s in scan.strands])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (gaps) stay NaN
            prediction = np.nanmean(stacked, axis=0)
        keep = np.isfinite(prediction)
        scores.append(prediction[keep])
        labels.append(label[::stride][keep])
        if smoothed is not None:
            signal_scores.append(smoothed[chrom][::stride][keep])
    score = np.concatenate(scores)
    label = np.concatenate(labels)
    result = {"bases": int(len(score)), "stride": stride, "accessible_fraction": float(label.mean()) if len(label) else 0.0,
              "model": ranking_metrics(score, label)}
    if smoothed is not None:
        signal = np.concatenate(signal_scores)
        result["signal"] = ranking_metrics(signal, label)
    return result
