"""Score boundary calls (forget-gate drops) against the edges of accessible regions.

Definitions (0-based coordinates; a region is the half-open interval ``[start, end)``):

- **Edges.** Overlapping or touching regions are merged first.  A region's *left
  edge* is at ``start`` (its first accessible base) and its *right edge* at ``end``
  (the first closed base after it).  Edges at a chromosome end (``0`` or the
  chromosome length) are not boundaries and are left out.
- **Entry and exit.** A scan enters a region at the edge it reaches first: the
  plus-strand scan (left to right) enters at the left edge and exits at the right
  edge; the minus-strand scan (right to left) enters at the right edge and exits at
  the left edge.
- **Call position.** A call (drop) is represented by its summit, ``start + summit
  offset`` (the midpoint when the offset is negative or missing).  The distance of a
  call at ``p`` to an edge at ``e`` is ``|p - e|``.
- **Precision at d** (for one edge kind and one strand): the fraction of that
  strand's calls within ``d`` bases of an edge of that kind *for that strand*.
  **Recall at d**: the fraction of those edges with at least one of that strand's
  calls within ``d``.  **F1** is their harmonic mean (0 when both are 0).  The
  ``both`` strand rows pool the two strands: calls of either strand over their own
  strand's edges of the kind, and (edge, strand) pairs for recall.
- **Drop beginnings / ends.** A second reading of the same drops: where each drop
  begins in its scan direction (``start`` on plus, ``end`` on minus) is scored
  against entry edges, where it ends against exit edges (:func:`score_drop_ends`).
- **Any edge** ignores strand and kind: precision is the fraction of all calls
  within ``d`` of any edge, recall the fraction of edges with any call within ``d``.

The same scorer is applied to any set of stranded positions, so a signal-only caller
(:mod:`gategenome.evaluate.signal_caller`) is scored exactly like the model's drops.
Their enrichment near edges over random positions is in :mod:`gategenome.evaluate.edge_enrichment`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from gategenome.io.bed import Interval, merge_intervals

log = logging.getLogger(__name__)

STRANDS = ("+", "-")
KINDS = ("entry", "exit")
#: Which region side each scan direction meets first ("entry") and last ("exit").
EDGE_SIDE = {("+", "entry"): "left", ("+", "exit"): "right", ("-", "entry"): "right", ("-", "exit"): "left"}


@dataclass
class Edges:
    """Left and right edges of merged regions on one chromosome.

    Attributes
    ----------
    left, right : numpy.ndarray
        ``(E,)`` int64 sorted edge coordinates (region starts / region ends).
    """

    left: np.ndarray
    right: np.ndarray
    _all: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def side(self, strand: str, kind: str) -> np.ndarray:
        """Edges of ``kind`` (``entry``/``exit``) for a scan on ``strand``."""
        return self.left if EDGE_SIDE[(strand, kind)] == "left" else self.right

    def all(self) -> np.ndarray:
        """Every edge, sorted, ``(2E',)`` (computed once)."""
        if self._all is None:
            self._all = np.unique(np.concatenate([self.left, self.right]))
        return self._all


def region_edges(regions: Iterable[Interval], sizes: Mapping[str, int]) -> dict[str, Edges]:
    """Edges of the merged regions on each chromosome of ``sizes``.

    Parameters
    ----------
    regions
        Accessible regions (any order, may overlap).
    sizes
        Chromosome -> length; only these chromosomes are kept.

    Returns
    -------
    dict[str, Edges]
        One entry per chromosome in ``sizes`` (empty arrays where it has no region).
    """
    by_chrom: dict[str, list[Interval]] = {chrom: [] for chrom in sizes}
    for region in merge_intervals(r for r in regions if r.chrom in sizes):
        by_chrom[region.chrom].append(region)
    edges = {}
    for chrom, length in sizes.items():
        starts = np.array([r.start for r in by_chrom[chrom] if r.start > 0], dtype=np.int64)
        ends = np.array([r.end for r in by_chrom[chrom] if r.end < length], dtype=np.int64)
        edges[chrom] = Edges(np.sort(starts), np.sort(ends))
    return edges


def call_positions(drops: Iterable[Interval], chroms: Iterable[str]) -> dict[tuple[str, str], np.ndarray]:
    """Summit positions of stranded calls, grouped by (chromosome, strand).

    Parameters
    ----------
    drops
        BED6+4 records (narrowPeak layout); the summit offset is the tenth column.
        Calls with strand ``.`` count on both strands.
    chroms
        Chromosomes to keep.

    Returns
    -------
    dict[tuple[str, str], numpy.ndarray]
        ``(chrom, strand)`` -> sorted ``(N,)`` int64 summit coordinates, for every
        chromosome in ``chroms`` and both strands.
    """
    keep = list(chroms)
    grouped: dict[tuple[str, str], list[int]] = {(c, s): [] for c in keep for s in STRANDS}
    for drop in drops:
        if drop.chrom not in keep:
            continue
        summit = drop_summit(drop)
        for strand in (STRANDS if drop.strand == "." else (drop.strand,)):
            grouped[(drop.chrom, strand)].append(summit)
    return {key: np.sort(np.array(values, dtype=np.int64)) for key, values in grouped.items()}


def drop_end_calls(drops: Iterable[Interval], chroms: Iterable[str]) -> tuple[dict, dict]:
    """Where each drop begins and ends in its scan direction, as entry and exit calls.

    The plus-strand scan reaches a drop ``[start, end)`` at ``start`` and leaves it at
    ``end``; the minus-strand scan reaches it at ``end`` and leaves it at ``start``.

    Returns
    -------
    tuple[dict, dict]
        ``(entry_calls, exit_calls)``, each ``(chrom, strand)`` -> sorted ``(N,)`` int64.
    """
    keep = list(chroms)
    entry: dict[tuple[str, str], list[int]] = {(c, s): [] for c in keep for s in STRANDS}
    exit_: dict[tuple[str, str], list[int]] = {(c, s): [] for c in keep for s in STRANDS}
    for drop in drops:
        if drop.chrom not in keep or drop.strand not in STRANDS:
            continue
        first, last = (drop.start, drop.end) if drop.strand == "+" else (drop.end, drop.start)
        entry[(drop.chrom, drop.strand)].append(first)
        exit_[(drop.chrom, drop.strand)].append(last)

    def as_arrays(grouped):
        return {key: np.sort(np.array(values, dtype=np.int64)) for key, values in grouped.items()}

    return as_arrays(entry), as_arrays(exit_)


def score_drop_ends(entry_calls: Mapping, exit_calls: Mapping, edges: Mapping[str, Edges], distances: Sequence[int]) -> dict:
    """Score drop beginnings against entry edges and drop ends against exit edges.

    Returns
    -------
    dict
        As :func:`score_calls`: ``entry`` from the beginnings, ``exit`` from the ends,
        ``any`` from both together (against every edge).
    """
    both = {key: np.sort(np.concatenate([entry_calls[key], exit_calls[key]])) for key in entry_calls}
    return {
        "entry": score_calls(entry_calls, edges, distances)["entry"],
        "exit": score_calls(exit_calls, edges, distances)["exit"],
        "any": score_calls(both, edges, distances)["any"],
    }


def drop_summit(drop: Interval) -> int:
    """``start + summit offset``; the midpoint when the offset is absent or negative."""
    if len(drop.extra) >= 4:
        try:
            offset = int(float(drop.extra[3]))
        except ValueError:
            offset = -1
        if 0 <= offset < max(len(drop), 1):
            return drop.start + offset
    return (drop.start + drop.end) // 2


def nearest_distance(positions: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Distance from each position to the nearest target.

    Parameters
    ----------
    positions
        ``(N,)`` integer coordinates.
    targets
        ``(M,)`` sorted integer coordinates.

    Returns
    -------
    numpy.ndarray
        ``(N,)`` int64 distances; a huge value where ``targets`` is empty.
    """
    positions = np.asarray(positions, dtype=np.int64)
    if len(targets) == 0:
        return np.full(len(positions), np.iinfo(np.int64).max // 4, dtype=np.int64)
    index = np.searchsorted(targets, positions)
    before = targets[np.clip(index - 1, 0, len(targets) - 1)]
    after = targets[np.clip(index, 0, len(targets) - 1)]
    return np.minimum(np.abs(positions - before), np.abs(positions - after))


def _prf(call_hits: int, n_calls: int, edge_hits: int, n_edges: int) -> dict[str, float | int]:
    precision = call_hits / n_calls if n_calls else 0.0
    recall = edge_hits / n_edges if n_edges else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {
        "precision": precision, "recall": recall, "f1": f1,
        "calls": n_calls, "calls_near_edge": call_hits, "edges": n_edges, "edges_found": edge_hits,
    }


def _add_hits(counts: dict[int, list[int]], positions: np.ndarray, targets: np.ndarray) -> None:
    """Add, per distance ``d``, [calls within d of a target, calls, targets within d of a call, targets].

    Parameters
    ----------
    counts
        Distance -> the four running counts, updated in place.
    positions
        ``(C,)`` sorted call positions.
    targets
        ``(T,)`` sorted edge positions.
    """
    to_edge = nearest_distance(positions, targets)
    to_call = nearest_distance(targets, positions)
    for d, c in counts.items():
        c[0] += int((to_edge <= d).sum())
        c[1] += len(positions)
        c[2] += int((to_call <= d).sum())
        c[3] += len(targets)


def score_calls(
    calls: Mapping[tuple[str, str], np.ndarray],
    edges: Mapping[str, Edges],
    distances: Sequence[int],
) -> dict:
    """Precision, recall and F1 of stranded calls against region edges.

    Parameters
    ----------
    calls
        ``(chrom, strand)`` -> sorted ``(N,)`` call positions (see :func:`call_positions`).
    edges
        Chromosome -> :class:`Edges`; only these chromosomes are scored.
    distances
        Tolerances ``d`` in bases.

    Returns
    -------
    dict
        ``result[kind][strand][str(d)]`` with ``kind`` in ``entry``, ``exit`` and
        ``strand`` in ``+``, ``-``, ``both``; plus ``result["any"]["both"][str(d)]``.
        Each leaf holds precision, recall, f1 and the counts behind them.
    """
    empty = np.zeros(0, dtype=np.int64)
    result: dict = {}
    for kind in KINDS:
        result[kind] = {}
        totals = {d: [0, 0, 0, 0] for d in distances}
        for strand in STRANDS:
            counts = {d: [0, 0, 0, 0] for d in distances}
            for chrom, chrom_edges in edges.items():
                positions = calls.get((chrom, strand), empty)
                targets = chrom_edges.side(strand, kind)
                _add_hits(counts, positions, targets)
            result[kind][strand] = {str(d): _prf(*counts[d]) for d in distances}
            for d in distances:
                totals[d] = [a + b for a, b in zip(totals[d], counts[d])]
        result[kind]["both"] = {str(d): _prf(*totals[d]) for d in distances}
    counts = {d: [0, 0, 0, 0] for d in distances}
    for chrom, chrom_edges in edges.items():
        positions = np.sort(np.concatenate([calls.get((chrom, s), empty) for s in STRANDS]))
        targets = chrom_edges.all()
        _add_hits(counts, positions, targets)
    result["any"] = {"both": {str(d): _prf(*counts[d]) for d in distances}}
    return result


#: Distances (bases) at which :func:`distance_summary` reports the fraction of calls.
WITHIN = (10, 25, 50, 100)


def edge_distances(calls: Mapping[tuple[str, str], np.ndarray], edges: Mapping[str, Edges]) -> np.ndarray:
    """Distance of every call to the nearest edge of any kind on its chromosome.

    Parameters
    ----------
    calls
        ``(chrom, strand)`` -> sorted ``(N,)`` call positions (see :func:`call_positions`).
    edges
        Chromosome -> :class:`Edges`; only these chromosomes are measured.

    Returns
    -------
    numpy.ndarray
        ``(C,)`` int64 distances in bases, over the calls of every chromosome of
        ``edges`` (both strands; a chromosome without edges gives a huge value).
    """
    empty = np.zeros(0, dtype=np.int64)
    parts = [nearest_distance(calls.get((chrom, strand), empty), chrom_edges.all())
             for chrom, chrom_edges in edges.items() for strand in STRANDS]
    return np.concatenate([empty, *parts])


def distance_summary(distances: np.ndarray, within: Sequence[int] = WITHIN) -> dict:
    """How far calls sit from the nearest edge: median, quartiles and the fraction within each distance.

    Parameters
    ----------
    distances
        ``(C,)`` distances of the calls to the nearest edge (:func:`edge_distances`).
    within
        Distances ``d`` (bases) for the fractions ``|call - edge| <= d``.

    Returns
    -------
    dict
        ``calls``, ``median``, ``q25``, ``q75`` (None without calls) and
        ``within[str(d)]`` (fraction of the calls).
    """
    distances = np.asarray(distances, dtype=np.int64)
    if distances.size == 0:
        return {"calls": 0, "median": None, "q25": None, "q75": None, "within": {str(d): None for d in within}}
    q25, median, q75 = np.percentile(distances, [25, 50, 75]).tolist()
    return {"calls": int(distances.size), "median": median, "q25": q25, "q75": q75,
            "within": {str(d): float((distances <= d).mean()) for d in within}}
