"""Accessible regions held as start/end arrays per chromosome, not as records.

``prepare`` on a mammalian peaks file meets hundreds of thousands of peaks; one
:class:`~gategenome.io.bed.Interval` per peak costs several hundred bytes, so
memory grew with the genome.  Here peaks are read into ``int64`` columns
(:func:`gategenome.io.bed.read_bed_columns`, 16 bytes per peak), renamed,
clipped, merged and filtered with numpy, and written straight from the arrays.
Results are the same as :func:`~gategenome.data.regions.regions_from_peaks` on
records.  Coordinates are 0-based, half-open.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping

import numpy as np

from gategenome.data.intervals import subtract_intervals
from gategenome.data.regions import merge_columns
from gategenome.data.settings import PeakRegionSettings
from gategenome.errors import ConfigError, InputError
from gategenome.io.atomic import atomic_open
from gategenome.io.bed import Interval, read_bed_columns
from gategenome.io.chroms import name_lookup

log = logging.getLogger(__name__)

#: Chromosome (genome order) -> ``((K,) int64 starts, (K,) int64 ends)``, sorted, disjoint.
RegionArrays = dict[str, tuple[np.ndarray, np.ndarray]]


def read_peak_columns(path: str | os.PathLike, sizes: Mapping[str, int]) -> RegionArrays:
    """Peaks on genome names, clipped to the chromosomes (unmerged, file order per chromosome).

    Records on chromosomes the genome lacks are dropped with one warning, as
    :func:`gategenome.data.intervals.resolve_interval_chroms` does.

    Raises
    ------
    InputError
        Missing or malformed file, or no peak at all.
    ConfigError
        No peak on a genome chromosome.
    """
    columns = read_bed_columns(path, kind="peaks")
    if not columns.count:
        raise InputError(f"{path}: no peak (empty peaks file); expected BED/narrowPeak lines 'chrom start end ...'")
    genome_name = name_lookup(sizes)
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    missing: dict[str, int] = {}
    renamed, clipped = set(), 0
    for chrom, starts in columns.starts.items():
        name = genome_name(chrom)
        if name is None:
            missing[chrom] = len(starts)
            continue
        if name != chrom:
            renamed.add(f"{chrom}->{name}")
        ends = columns.ends[chrom]
        clipped += int(np.count_nonzero((starts > sizes[name]) | (ends > sizes[name])))
        starts, ends = np.minimum(starts, sizes[name]), np.minimum(ends, sizes[name])
        keep = ends > starts
        parts.setdefault(name, []).append((starts[keep], ends[keep]))
    if missing:
        log.warning(
            "%s: %d record(s) on chromosome(s) not in the genome (%s); ignoring them",
            path, sum(missing.values()), ", ".join(list(missing)[:5]),
        )
    if renamed:
        log.info("%s: matched chromosome names %s", path, ", ".join(sorted(renamed)))
    if clipped:
        log.warning("%s: %d record(s) extend past the chromosome end; clipped", path, clipped)
    peaks = {
        name: (np.concatenate([s for s, _ in pieces]), np.concatenate([e for _, e in pieces]))
        for name, pieces in parts.items()
    }
    if not any(len(starts) for starts, _ in peaks.values()):
        raise ConfigError(
            f"{path}: no peak lies on a genome chromosome (first is {columns.first_chrom}); "
            "expected peaks on the FASTA's assembly"
        )
    return peaks


def peak_regions(peaks: RegionArrays, order: Iterable[str], settings: PeakRegionSettings) -> RegionArrays:
    """Regions from peaks: merged within ``merge_gap``, at least ``min_length`` long, on ``order``'s chromosomes."""
    settings.validate()
    regions: RegionArrays = {}
    for chrom in order:
        if chrom in peaks:
            starts, ends = merge_columns(*peaks[chrom], gap=settings.merge_gap)
            keep = ends - starts >= settings.min_length
            regions[chrom] = (starts[keep], ends[keep])
    return regions


def from_intervals(intervals: Iterable[Interval], order: Iterable[str]) -> RegionArrays:
    """Regions (e.g. from :func:`regions_from_signal`) as arrays in ``order``, sorted by start then end."""
    by_chrom: dict[str, list[tuple[int, int]]] = {}
    for iv in intervals:
        by_chrom.setdefault(iv.chrom, []).append((iv.start, iv.end))
    regions: RegionArrays = {}
    for chrom in order:
        pairs = np.array(by_chrom.get(chrom, []), dtype=np.int64).reshape(-1, 2)
        rank = np.lexsort((pairs[:, 1], pairs[:, 0]))
        regions[chrom] = (pairs[rank, 0], pairs[rank, 1])
    return regions


def subtract_blacklist(regions: RegionArrays, blacklist: list[Interval], min_length: int) -> RegionArrays:
    """Cut the blacklist out of the regions, one chromosome at a time; pieces under ``min_length`` dropped."""
    by_chrom: dict[str, list[Interval]] = {}
    for iv in blacklist:
        by_chrom.setdefault(iv.chrom, []).append(iv)
    result: RegionArrays = {}
    for chrom, (starts, ends) in regions.items():
        if chrom not in by_chrom:
            result[chrom] = (starts, ends)
            continue
        cut = subtract_intervals(
            (Interval(chrom, int(s), int(e)) for s, e in zip(starts, ends)), by_chrom[chrom]
        )
        result[chrom] = from_intervals((iv for iv in cut if len(iv) >= min_length), [chrom])[chrom]
    return result


def count_regions(regions: RegionArrays) -> int:
    """Number of regions."""
    return sum(len(starts) for starts, _ in regions.values())


def region_bases(regions: RegionArrays) -> int:
    """Bases covered by the regions."""
    return sum(int((ends - starts).sum()) for starts, ends in regions.values())


def write_regions(path: str | os.PathLike, regions: RegionArrays, batch: int = 65_536) -> int:
    """Write the regions as a three-column BED (atomically, chromosome order of ``regions``); the record count."""
    count = 0
    with atomic_open(path) as handle:
        for chrom, (starts, ends) in regions.items():
            for lo in range(0, len(starts), batch):
                pairs = zip(starts[lo:lo + batch].tolist(), ends[lo:lo + batch].tolist())
                handle.write("".join(f"{chrom}\t{s}\t{e}\n" for s, e in pairs))
            count += len(starts)
    return count
