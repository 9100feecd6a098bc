"""Score boundary calls and region calls (``gategenome boundaries``) like the drops.

- **Boundary calls** are positions (``start + peak offset``, column 10) with no
  strand; each counts on both strands, so their *any edge* precision / recall / F1
  (:func:`gategenome.evaluate.boundaries.score_calls`) is directly comparable with
  the drop summits' and the signal-only caller's.
- **Region calls** are scored twice: their edges (region starts and ends, away
  from chromosome ends) as boundary calls, and base by base against the
  accessible regions: the **Jaccard index** ``|A & B| / |A | B|`` of the merged
  called bases ``A`` and region bases ``B`` on the scored chromosomes, with the
  base-level precision ``|A & B| / |A|`` and recall ``|A & B| / |B|``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from gategenome.evaluate.boundaries import STRANDS, Edges, call_positions, score_calls
from gategenome.io.bed import Interval, merge_intervals


def region_edge_calls(regions: Iterable[Interval], sizes: Mapping[str, int]) -> dict[tuple[str, str], np.ndarray]:
    """The edges of called regions as boundary calls on both strands (chromosome ends left out).

    Returns
    -------
    dict[tuple[str, str], numpy.ndarray]
        ``(chrom, strand)`` -> sorted ``(E,)`` int64 positions, for every chromosome of ``sizes``.
    """
    edges: dict[str, list[int]] = {chrom: [] for chrom in sizes}
    for region in regions:
        if region.chrom in edges:
            edges[region.chrom] += [p for p in (region.start, region.end) if 0 < p < sizes[region.chrom]]
    return {(chrom, strand): np.unique(np.array(values, dtype=np.int64))
            for chrom, values in edges.items() for strand in STRANDS}


def base_overlap(called: Iterable[Interval], truth: Iterable[Interval], chroms: Iterable[str]) -> dict[str, float | int]:
    """Base-level Jaccard, precision and recall of called regions against true regions.

    Both sets are merged first; only ``chroms`` count.

    Returns
    -------
    dict
        ``jaccard``, ``precision``, ``recall`` and the base counts ``called_bases``,
        ``region_bases``, ``shared_bases``.
    """
    keep = set(chroms)
    a = merge_intervals(r for r in called if r.chrom in keep)
    b = merge_intervals(r for r in truth if r.chrom in keep)
    shared, i, j = 0, 0, 0
    while i < len(a) and j < len(b):  # both sorted by (chrom, start), disjoint within each set
        x, y = a[i], b[j]
        if x.chrom == y.chrom:
            shared += max(0, min(x.end, y.end) - max(x.start, y.start))
            if x.end <= y.end:
                i += 1
            else:
                j += 1
        elif x.chrom < y.chrom:
            i += 1
        else:
            j += 1
    size_a, size_b = sum(len(r) for r in a), sum(len(r) for r in b)
    union = size_a + size_b - shared
    return {"jaccard": shared / union if union else 0.0, "precision": shared / size_a if size_a else 0.0,
            "recall": shared / size_b if size_b else 0.0,
            "called_bases": size_a, "region_bases": size_b, "shared_bases": shared}


def score_boundary_calls(boundaries: Sequence[Interval], sizes: Mapping[str, int], edges: Mapping[str, Edges],
                         distances: Sequence[int]) -> dict:
    """:func:`score_calls` of boundary calls (each on both strands) on the chromosomes of ``sizes``."""
    return score_calls(call_positions([b for b in boundaries if b.chrom in sizes], sizes), edges, distances)


def score_region_calls(called: Sequence[Interval], truth: Sequence[Interval], sizes: Mapping[str, int],
                       edges: Mapping[str, Edges], distances: Sequence[int]) -> tuple[dict, dict]:
    """Edge scores (as :func:`score_calls`) and base overlap (:func:`base_overlap`) of region calls."""
    on_fold = [r for r in called if r.chrom in sizes]
    overlap = base_overlap(on_fold, truth, sizes)
    overlap["regions"] = len(on_fold)
    return score_calls(region_edge_calls(on_fold, sizes), edges, distances), overlap
