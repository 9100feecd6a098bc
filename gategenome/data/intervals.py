"""Interval arithmetic on BED records: genome names, subtraction, overlap.

:class:`IntervalIndex` answers "which bases of ``[start, end)`` are covered" from
the intervals alone, so per-base labels and masks are made for one window at a
time instead of whole chromosomes.  Coordinates are 0-based, half-open.
"""

from __future__ import annotations

import bisect
import logging
import os
from collections.abc import Iterable, Mapping

import numpy as np

from gategenome.errors import ConfigError, InputError
from gategenome.io.bed import Interval, iter_bed, merge_intervals, read_bed
from gategenome.io.chroms import name_lookup

log = logging.getLogger(__name__)


class IntervalIndex:
    """Union of intervals on one chromosome, queried window by window.

    Parameters
    ----------
    starts, ends
        ``(K,)`` interval bounds, any order, may overlap; empty ones are ignored.
    length
        Chromosome length: intervals are clipped to ``[0, length)``.
    """

    def __init__(self, starts: np.ndarray, ends: np.ndarray, length: int):
        starts = np.clip(np.asarray(starts, dtype=np.int64).reshape(-1), 0, length)
        ends = np.clip(np.asarray(ends, dtype=np.int64).reshape(-1), 0, length)
        keep = ends > starts
        starts, ends = starts[keep], ends[keep]
        order = np.argsort(starts, kind="stable")
        starts, reach = starts[order], np.maximum.accumulate(ends[order]) if ends.size else ends
        first = np.r_[True, starts[1:] > reach[:-1]] if starts.size else np.zeros(0, dtype=bool)
        last = np.r_[first[1:], True] if starts.size else first
        #: ``(R,)`` int64 starts and ends of the merged (disjoint, sorted) runs.
        self.starts, self.ends = starts[first], reach[last]
        self.length = int(length)

    @property
    def covered(self) -> int:
        """Number of bases covered."""
        return int((self.ends - self.starts).sum())

    def mask(self, start: int, end: int) -> np.ndarray:
        """Bool per base of ``[start, end)`` clipped to ``[0, length)``: True where covered."""
        start, end = max(0, int(start)), min(self.length, int(end))
        out = np.zeros(max(0, end - start), dtype=bool)
        first = int(np.searchsorted(self.ends, start, side="right"))
        last = int(np.searchsorted(self.starts, end, side="left"))
        for run_start, run_end in zip(self.starts[first:last], self.ends[first:last]):
            out[max(run_start, start) - start:min(run_end, end) - start] = True
        return out


def resolve_interval_chroms(
    intervals: Iterable[Interval],
    sizes: Mapping[str, int],
    label: str,
    unknown: str = "warn",
) -> list[Interval]:
    """Rename intervals to the genome's chromosome names and clip them to the chromosomes.

    Names are matched exactly, then through :func:`gategenome.io.chroms.normalise_name`
    (so a BED with ``I`` works against a FASTA with ``chrI``).

    Parameters
    ----------
    intervals
        Records as read from a BED file.
    sizes
        Genome chromosome name -> length.
    label
        File path for messages.
    unknown
        ``"warn"``: drop records on chromosomes the genome lacks, with one warning;
        ``"error"``: raise.

    Returns
    -------
    list[Interval]
        Three-column intervals on genome names, clipped to ``[0, length)``; empty
        ones after clipping are dropped.
    """
    genome_name = name_lookup(sizes)
    result: list[Interval] = []
    missing: dict[str, int] = {}
    renamed: set[str] = set()
    clipped = 0
    for iv in intervals:
        name = genome_name(iv.chrom)
        if name is None:
            missing[iv.chrom] = missing.get(iv.chrom, 0) + 1
            continue
        if name != iv.chrom:
            renamed.add(f"{iv.chrom}->{name}")
        start, end = min(iv.start, sizes[name]), min(iv.end, sizes[name])
        if (start, end) != (iv.start, iv.end):
            clipped += 1
        if end > start:
            result.append(Interval(name, start, end))
    if missing:
        message = (
            f"{label}: {sum(missing.values())} record(s) on chromosome(s) not in the genome "
            f"({', '.join(list(missing)[:5])})"
        )
        if unknown == "error":
            raise ConfigError(message + "; expected the genome's chromosome names")
        log.warning("%s; ignoring them", message)
    if renamed:
        log.info("%s: matched chromosome names %s", label, ", ".join(sorted(renamed)))
    if clipped:
        log.warning("%s: %d record(s) extend past the chromosome end; clipped", label, clipped)
    return result


def read_regions(path: str | os.PathLike, sizes: Mapping[str, int]) -> list[Interval]:
    """Read an accessible-regions BED for ``train`` or ``evaluate``: every record on the genome, at least one.

    Parameters
    ----------
    path
        BED file, 3+ columns (e.g. ``accessible.bed`` from ``prepare``).
    sizes
        Genome chromosome name -> length; names are matched as in
        :func:`resolve_interval_chroms`.

    Returns
    -------
    list[Interval]
        Three-column regions on genome names, clipped to the chromosomes.

    Raises
    ------
    ConfigError
        A record on a chromosome the genome lacks.
    InputError
        No record (an empty file, or only records of zero length after clipping).
    """
    regions = resolve_interval_chroms(iter_bed(path, kind="regions"), sizes, str(path), unknown="error")
    if not regions:
        raise InputError(
            f"{path}: no accessible region (no BED record of positive length); "
            "expected the regions of 'gategenome prepare' (accessible.bed)"
        )
    return regions


def subtract_intervals(regions: Iterable[Interval], mask: Iterable[Interval]) -> list[Interval]:
    """Remove the bases covered by ``mask`` from ``regions``.

    Parameters
    ----------
    regions
        Intervals to cut (need not be sorted or disjoint).
    mask
        Intervals to remove.

    Returns
    -------
    list[Interval]
        Merged, sorted three-column intervals covering ``regions`` minus ``mask``.
    """
    masks: dict[str, list[Interval]] = {}
    for iv in merge_intervals(mask):
        masks.setdefault(iv.chrom, []).append(iv)
    mask_ends = {chrom: [iv.end for iv in ivs] for chrom, ivs in masks.items()}
    result: list[Interval] = []
    for iv in merge_intervals(regions):
        cuts = masks.get(iv.chrom, [])
        start = iv.start
        # masks are disjoint and sorted, so their ends are sorted too
        for cut in cuts[bisect.bisect_right(mask_ends.get(iv.chrom, []), iv.start) :]:
            if cut.start >= iv.end:
                break
            if cut.start > start:
                result.append(Interval(iv.chrom, start, cut.start))
            start = max(start, cut.end)
        if start < iv.end:
            result.append(Interval(iv.chrom, start, iv.end))
    return result


def overlap_summary(regions: Iterable[Interval], reference: Iterable[Interval]) -> dict[str, float | int]:
    """Base-level agreement between two interval sets.

    Parameters
    ----------
    regions, reference
        Interval sets on the same chromosome names (overlaps within a set are merged).

    Returns
    -------
    dict
        ``regions_bases``, ``reference_bases``, ``shared_bases``,
        ``reference_covered`` (fraction of reference bases inside regions),
        ``regions_inside`` (fraction of region bases inside the reference) and
        ``jaccard`` (shared / union).
    """
    a, b = merge_intervals(regions), merge_intervals(reference)
    a_bases, b_bases = sum(map(len, a)), sum(map(len, b))
    shared = a_bases - sum(map(len, subtract_intervals(a, b)))
    union = a_bases + b_bases - shared
    return {
        "regions_bases": a_bases,
        "reference_bases": b_bases,
        "shared_bases": shared,
        "reference_covered": shared / b_bases if b_bases else 0.0,
        "regions_inside": shared / a_bases if a_bases else 0.0,
        "jaccard": shared / union if union else 0.0,
    }


def read_blacklist(path: str | os.PathLike | None, sizes: Mapping[str, int]) -> list[Interval]:
    """Blacklist regions on the genome's chromosome names (see :func:`resolve_interval_chroms`).

    Parameters
    ----------
    path
        BED file, or ``None`` for no blacklist.
    sizes
        Genome chromosome name -> length.

    Returns
    -------
    list[Interval]
        Clipped regions; records on chromosomes the genome lacks are dropped with a warning.
    """
    if not path:
        return []
    blacklist = resolve_interval_chroms(read_bed(path, kind="blacklist"), sizes, str(path), unknown="warn")
    log.info("%s: %d blacklist region(s), %d bases", path, len(blacklist), sum(map(len, blacklist)))
    return blacklist
