"""Example loci for the report: strong drops at region edges and one far from any edge.

Each locus carries the arrays its plot needs (forget gate and accessibility of
both strands, the smoothed signal) and the regions and drops inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gategenome.evaluate.boundaries import drop_summit, nearest_distance
from gategenome.io.bed import Interval
from gategenome.io.scandir.reader import ScanDir


def pick_loci(drops: list[Interval], edges: dict, count: int, spacing: int,
              sizes: dict[str, int]) -> list[tuple[str, int, str]]:
    """A few loci to show: the strongest drops within 100 bp of an edge, and the strongest beyond 250 bp.

    Drops closer than ``spacing / 2`` to a chromosome end (telomeres) are passed over.

    Returns
    -------
    list[tuple[str, int, str]]
        Up to ``count`` ``(chrom, summit, label)``, at least ``spacing`` apart.
    """
    candidates = [(drop, drop_summit(drop)) for drop in drops if drop.chrom in edges]
    candidates = [(d, s) for d, s in candidates if spacing // 2 <= s < sizes[d.chrom] - spacing // 2]
    by_chrom: dict[str, list[int]] = {}
    for i, (drop, _) in enumerate(candidates):
        by_chrom.setdefault(drop.chrom, []).append(i)
    distances: dict[int, int] = {}
    for chrom, index in by_chrom.items():  # one vectorised lookup per chromosome
        summits = np.array([candidates[i][1] for i in index])
        distances.update(zip(index, nearest_distance(summits, edges[chrom].all()).tolist()))
    near, far = [], []
    for i, (drop, summit) in enumerate(candidates):
        distance = distances[i]
        if distance <= 100:
            near.append((-drop.score, drop.chrom, summit, "strong drop, summit within 100 bp of a region edge"))
        elif distance > 250:
            far.append((-drop.score, drop.chrom, summit, "strong drop, summit over 250 bp from any region edge"))
    picked: list[tuple[str, int, str]] = []
    for _, chrom, summit, label in sorted(near)[: 10 * count] + sorted(far)[:1]:
        if len(picked) >= max(1, count - 1) and "over 250 bp" not in label:
            continue
        if all(c != chrom or abs(s - summit) > spacing for c, s, _ in picked):
            picked.append((chrom, summit, label))
    return picked[:count]


def locus_arrays(scan: ScanDir, chrom: str, centre: int, width: int, regions: list[Interval],
                 drops: list[Interval], smoothed: Mapping[str, np.ndarray] | None, label: str) -> dict[str, Any]:
    """One locus of ``width`` bases around ``centre`` (moved inside the chromosome).

    Returns
    -------
    dict
        ``chrom``, ``start``, ``end``, ``label``, ``regions`` and ``drops`` inside
        it, ``forget{strand}`` and ``accessibility{strand}`` ``(W,)`` float32, and
        ``signal`` ``(W,)`` when ``smoothed`` has the chromosome.
    """
    length = scan.sizes[chrom]
    start = max(0, min(centre - width // 2, length - width))
    end = min(length, start + width)
    locus: dict[str, Any] = {"chrom": chrom, "start": start, "end": end, "label": label,
                             "regions": [(r.start, r.end) for r in regions if r.chrom == chrom and r.end > start and r.start < end],
                             "drops": [(d.start, d.end, d.strand) for d in drops if d.chrom == chrom and d.end > start and d.start < end]}
    for strand in scan.strands:
        locus[f"forget{strand}"] = np.asarray(scan.forget(chrom, strand)[start:end], dtype=np.float32)
        locus[f"accessibility{strand}"] = np.asarray(scan.accessibility(chrom, strand)[start:end], dtype=np.float32)
    if smoothed is not None and chrom in smoothed:
        region = getattr(smoothed, "region", None)  # a SmoothedSignal smooths only the stretch shown
        locus["signal"] = region(chrom, start, end) if region else smoothed[chrom][start:end]
    return locus
