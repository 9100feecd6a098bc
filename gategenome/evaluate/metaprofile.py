"""Meta-profile: the mean forget gate around region edges, in scan direction.

For each scanned strand and each edge kind (entry / exit, see
:mod:`gategenome.evaluate.boundaries`), the forget gate is averaged over all edges at each
signed offset from the edge.  Offsets run along the scan: negative before the scan
reaches the edge, 0 the first base it reads after crossing it.  For the plus strand
offset ``k`` from an edge at coordinate ``e`` is base ``e + k``; for the minus
strand (read right to left) it is base ``e - 1 - k``.  The arrays are read a
block at a time with ``pread``, so memory does not grow with the chromosome.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gategenome.evaluate.boundaries import KINDS
from gategenome.io.scandir.reader import ScanDir, read_block

#: Bases read at a time: memory does not grow with the chromosome.
BLOCK = 1 << 20


class _BlockCache:
    """``array[lo:hi]`` of a memory-mapped array, served from one block read with ``pread`` and kept until
    a request leaves it: the edges come in order, so each block is read about once."""

    def __init__(self, array: np.ndarray, block: int | None = None):
        self.array, self.block = array, block or BLOCK
        self.lo, self.values = 0, np.zeros(0, dtype=array.dtype)

    def __call__(self, lo: int, hi: int) -> np.ndarray:
        if lo < self.lo or hi > self.lo + self.values.size:
            self.lo, self.values = lo, read_block(self.array, lo, max(hi, lo + self.block))
        return self.values[lo - self.lo:hi - self.lo]


def meta_profile(scan: ScanDir, edges: dict, flank: int) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Mean forget gate around entry and exit edges, in scan direction.

    Returns
    -------
    tuple
        ``profiles`` with ``offsets`` ``(2F+1,)`` and ``"{kind}{strand}"`` ``(2F+1,)``
        means (NaN where no edge has data), and a JSON summary: edges used per
        profile, the mean at the edge, the strand-wide mean forget gate, and the
        minimum of each profile with its offset.
    """
    offsets = np.arange(-flank, flank + 1)
    profiles: dict[str, np.ndarray] = {"offsets": offsets}
    summary: dict[str, Any] = {"flank": flank, "genome_mean": {}}
    for strand in scan.strands:
        total, count = np.zeros(len(offsets)), np.zeros(len(offsets))
        means = []
        for chrom in edges:
            forget = scan.forget(chrom, strand)
            for start in range(0, len(forget), BLOCK):
                block = np.asarray(read_block(forget, start, start + BLOCK), dtype=np.float64)
                means.append((np.nansum(block), np.isfinite(block).sum()))
        summary["genome_mean"][strand] = float(sum(m[0] for m in means) / max(1, sum(m[1] for m in means)))
        for kind in KINDS:
            total[:] = 0
            count[:] = 0
            used = 0
            for chrom, chrom_edges in edges.items():
                forget = scan.forget(chrom, strand)
                length, read = len(forget), _BlockCache(forget)
                for edge in chrom_edges.side(strand, kind):
                    # Reference positions at signed scan-direction offsets from the edge.  For the
                    # minus strand, offset k means k bases further along the leftward scan, i.e. the
                    # base at edge - 1 - k (the first base it reads past a right edge is end - 1).
                    positions = edge + offsets if strand == "+" else edge - 1 - offsets
                    inside = (positions >= 0) & (positions < length)
                    if not inside.any():
                        continue
                    values = np.full(len(offsets), np.nan)
                    lo, hi = positions[inside].min(), positions[inside].max() + 1
                    window = np.asarray(read(lo, hi), dtype=np.float64)
                    values[inside] = window[positions[inside] - lo]
                    finite = np.isfinite(values)
                    total[finite] += values[finite]
                    count[finite] += 1
                    used += 1
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
            profiles[f"{kind}{strand}"] = mean
            at_edge = float(mean[flank]) if np.isfinite(mean[flank]) else None
            minimum = int(np.nanargmin(mean)) if np.isfinite(mean).any() else None
            summary[f"{kind}{strand}"] = {
                "edges": used, "at_edge": at_edge,
                "minimum": float(mean[minimum]) if minimum is not None else None,
                "minimum_offset": int(offsets[minimum]) if minimum is not None else None,
            }
    return profiles, summary
