"""Accessible regions: the per-base training target.

Regions come from a peaks file (BED or narrowPeak) when one is given, otherwise
from the ATAC-seq bigWig itself:

1. a centred moving average of the signal over ``smooth`` bases (vectorised
   with a cumulative sum; chromosomes are read in chunks with a halo, so memory
   stays bounded whatever the chromosome length);
2. a fold-enrichment threshold: accessible where the smoothed signal is at least
   ``threshold_factor`` times the genome-wide mean signal of the kept,
   non-blacklisted bases (one extra pass over the bigWig computes the mean).
   Like MACS's fold enrichment over the background lambda, this does not depend
   on sequencing depth.  (Thresholding ``log1p`` values at a multiple of their
   mean would: ``k * log(c)`` is the power ``c**k``, so deeper data would need a
   different factor.  Since ``log1p`` is monotone, the regions are the same
   whether the threshold is read on the raw or the ``log1p`` scale.)
3. runs above the threshold closer than ``merge_gap`` are joined and runs
   shorter than ``min_length`` dropped.

The defaults of :class:`~gategenome.data.settings.SignalRegionSettings`
(``smooth=101``, ``threshold_factor=4``, ``merge_gap=50``, ``min_length=100``) were chosen by agreement with MACS3 peaks on the yeast
SRR1822137 data (``benchmarks/prepare.py --sweep``).

Regions are cut out where a blacklist BED says so (:mod:`gategenome.data.intervals`);
which chromosomes are kept is :mod:`gategenome.data.chromosomes`.  Coordinates are
0-based, half-open.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from gategenome.core.runs import moving_average, true_runs
from gategenome.data.settings import PeakRegionSettings, SignalRegionSettings
from gategenome.io.bed import Interval, merge_intervals

log = logging.getLogger(__name__)


def regions_from_peaks(
    peaks: Iterable[Interval],
    settings: PeakRegionSettings | None = None,
) -> list[Interval]:
    """Accessible regions from peaks already on genome names and clipped.

    Parameters
    ----------
    peaks
        Peak intervals (e.g. from :func:`resolve_interval_chroms`).
    settings
        Merge gap and minimum length.

    Returns
    -------
    list[Interval]
        Merged three-column regions, at least ``min_length`` long.
    """
    settings = settings or PeakRegionSettings()
    settings.validate()
    return [iv for iv in merge_intervals(peaks, gap=settings.merge_gap) if len(iv) >= settings.min_length]


def _smoothed_chunks(
    track, chrom: str, length: int, settings: SignalRegionSettings, count_nan: bool = True
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(start, smoothed)`` over ``chrom`` in chunks, exact across chunk edges.

    Each chunk is read with a halo of ``smooth`` bases on both sides; NaN bases
    are counted (when ``count_nan``) in the chunk itself only, never twice.
    """
    halo = settings.smooth
    for start in range(0, length, settings.chunk_size):
        end = min(start + settings.chunk_size, length)
        lo, hi = max(0, start - halo), min(length, end + halo)
        raw = np.concatenate(
            [
                track.values(chrom, lo, start, count_nan=False),
                track.values(chrom, start, end, count_nan=count_nan),
                track.values(chrom, end, hi, count_nan=False),
            ]
        )
        smoothed = moving_average(raw, settings.smooth)
        yield start, smoothed[start - lo : start - lo + (end - start)]


@dataclass
class SignalThreshold:
    """The genome-wide threshold of :func:`regions_from_signal` and how it was computed.

    Attributes
    ----------
    value
        Threshold on the smoothed signal (``factor * mean``).
    factor
        The fold enrichment asked for.
    mean
        Mean signal over the counted bases.
    bases
        Bases counted (kept chromosomes minus blacklist).
    nonzero_bases
        Counted bases with non-zero smoothed signal.
    """

    value: float
    factor: float
    mean: float
    bases: int
    nonzero_bases: int

    def as_dict(self) -> dict:
        """Plain-dict form for ``prepare.json``."""
        return asdict(self)


def signal_threshold(
    track,
    sizes: Mapping[str, int],
    chroms: Sequence[str],
    settings: SignalRegionSettings,
    blacklist: Sequence[Interval] = (),
    progress=None,
) -> SignalThreshold:
    """First pass: the mean signal over the kept, non-blacklisted bases.

    Blacklisted bases do not count (the collapsed rDNA would otherwise raise the
    threshold for every other region).  The mean of the smoothed signal is the
    mean of the signal up to edge effects, but computing it from the same
    smoothed chunks keeps it exactly consistent with the second pass.

    Parameters
    ----------
    track
        A :class:`gategenome.io.bigwig.SignalTrack` (anything with ``values``).
    sizes
        Genome chromosome -> length.
    chroms
        Chromosomes to include.
    settings
        Smoothing and threshold factor.
    blacklist
        Intervals on genome names to leave out of the statistic.
    progress
        Optional callable ``progress(bases)`` called after each chunk.

    Returns
    -------
    SignalThreshold
    """
    total, bases, nonzero = 0.0, 0, 0
    by_chrom: dict[str, list[Interval]] = {}
    for iv in blacklist:
        by_chrom.setdefault(iv.chrom, []).append(iv)
    for chrom in chroms:
        for start, smoothed in _smoothed_chunks(track, chrom, sizes[chrom], settings):
            keep = np.ones(len(smoothed), dtype=bool)
            for iv in by_chrom.get(chrom, ()):
                lo, hi = max(iv.start - start, 0), min(iv.end - start, len(smoothed))
                if hi > lo:
                    keep[lo:hi] = False
            values = smoothed[keep]
            total += float(values.sum(dtype=np.float64))
            bases += int(values.size)
            nonzero += int(np.count_nonzero(values))
            if progress is not None:
                progress(len(smoothed))
    mean = total / bases if bases else 0.0
    return SignalThreshold(settings.threshold_factor * mean, settings.threshold_factor, mean, bases, nonzero)


def regions_from_signal(
    track,
    sizes: Mapping[str, int],
    chroms: Sequence[str],
    threshold: float,
    settings: SignalRegionSettings,
    progress=None,
) -> list[Interval]:
    """Second pass: runs of smoothed signal at or above ``threshold``.

    Parameters
    ----------
    track
        A :class:`gategenome.io.bigwig.SignalTrack`.
    sizes
        Genome chromosome -> length.
    chroms
        Chromosomes to call regions on, in output order.
    threshold
        From :func:`signal_threshold`; a threshold of 0 (no signal anywhere)
        yields no regions.
    settings
        Merge gap and minimum length.
    progress
        Optional callable ``progress(bases)`` called after each chunk.

    Returns
    -------
    list[Interval]
        Three-column regions in ``chroms`` order, sorted by start.
    """
    arrays = signal_region_arrays(track, sizes, chroms, threshold, settings, progress)
    return [
        Interval(chrom, start, end)
        for chrom, (starts, ends) in arrays.items()
        for start, end in zip(starts.tolist(), ends.tolist())
    ]


def signal_region_arrays(
    track,
    sizes: Mapping[str, int],
    chroms: Sequence[str],
    threshold: float,
    settings: SignalRegionSettings,
    progress=None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """:func:`regions_from_signal` as ``(K,)`` int64 start and end arrays per chromosome (``chroms`` order).

    Runs are kept as arrays, never as records, so memory grows by 16 bytes per run.
    """
    regions: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if threshold <= 0:
        log.warning("the signal is zero everywhere on the kept chromosomes; no accessible regions")
        return regions
    for chrom in chroms:
        found_starts, found_ends = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for start, smoothed in _smoothed_chunks(track, chrom, sizes[chrom], settings, count_nan=False):
            starts, ends = true_runs(smoothed >= threshold)
            found_starts.append(start + np.asarray(starts, dtype=np.int64))
            found_ends.append(start + np.asarray(ends, dtype=np.int64))
            if progress is not None:
                progress(len(smoothed))
        starts, ends = merge_columns(np.concatenate(found_starts), np.concatenate(found_ends), settings.merge_gap)
        keep = ends - starts >= settings.min_length
        regions[chrom] = (starts[keep], ends[keep])
    return regions


def merge_columns(starts: np.ndarray, ends: np.ndarray, gap: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Merge overlapping intervals, and those closer than ``gap`` bases (as :func:`merge_intervals`).

    Returns
    -------
    tuple
        ``(R,)`` int64 starts and ends of the merged runs, sorted.
    """
    if not len(starts):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((ends, starts))
    starts, reach = starts[order], np.maximum.accumulate(ends[order])
    first = np.r_[True, starts[1:] > reach[:-1] + gap]
    last = np.r_[first[1:], True]
    return starts[first], reach[last]


def region_mask(regions: Iterable[Interval], chrom: str, start: int, end: int) -> np.ndarray:
    """Per-base target of ``chrom[start:end]``: 1 inside a region, 0 outside.

    Parameters
    ----------
    regions
        Accessible regions (e.g. ``read_bed("accessible.bed")``); other
        chromosomes are ignored, overlaps are fine.
    chrom
        Chromosome name.
    start, end
        0-based half-open window.

    Returns
    -------
    numpy.ndarray
        ``(end - start,)`` uint8.
    """
    edges = np.zeros(end - start + 1, dtype=np.int32)
    for iv in regions:
        if iv.chrom != chrom or iv.end <= start or iv.start >= end:
            continue
        edges[max(iv.start, start) - start] += 1
        edges[min(iv.end, end) - start] -= 1
    return (np.cumsum(edges[:-1]) > 0).astype(np.uint8)
