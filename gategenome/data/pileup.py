"""Fragment pileup and Tn5 cut sites, one chromosome at a time, written as bigWigs.

For each chromosome the fragments are added to difference arrays of the
chromosome's length (coverage: +1 at ``start``, -1 at ``end``; cut sites: +1 at
``start`` and at ``end - 1``), so memory is a few bytes per base of the longest
chromosome and per group, whatever the number of fragments.  A finished
chromosome is stored on disk as runs of equal value (:class:`RunStore`), and the
bigWigs are written from the runs in genome order afterwards: the input may be
sorted in any chromosome order (``sort -k1,1`` puts chrIX before chrV).

The values are raw counts: coverage = fragments covering the base (``macs3
pileup -f BEDPE``), cut sites = fragment ends at the base.  Bases without any
fragment are left out of the bigWigs (read as no data / zero).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from gategenome.core.runs import value_runs
from gategenome.data.fragments import FragmentChunk
from gategenome.io.bigwig import BLOCK, write_bigwig

log = logging.getLogger(__name__)

#: The two tracks made from fragments.
TRACKS = ("coverage", "cutsites")

#: The usual Tn5 shift: +4 on the fragment start, -5 on its end.
TN5_SHIFT = (4, -5)


def shift_fragments(starts: np.ndarray, ends: np.ndarray, length: int, shift: tuple[int, int] = TN5_SHIFT):
    """Move fragment ends onto the Tn5 insertion centres.

    Parameters
    ----------
    starts, ends
        ``(N,)`` fragment coordinates, 0-based half-open.
    length
        Chromosome length (shifted ends are clipped to ``[0, length]``).
    shift
        Added to starts and ends.

    Returns
    -------
    tuple of numpy.ndarray
        ``(starts, ends, keep)``: shifted coordinates of the fragments still
        non-empty, and the ``(N,)`` bool mask of those fragments.
    """
    starts = np.clip(starts + shift[0], 0, length)
    ends = np.clip(ends + shift[1], 0, length)
    keep = ends > starts
    return starts[keep], ends[keep], keep


class ChromPileup:
    """Coverage and cut-site counts of one chromosome for each group.

    Parameters
    ----------
    chrom, length
        Genome chromosome and its length.
    n_groups
        Number of groups (1 for bulk).
    shift
        Tn5 shift applied to each fragment, or None.
    """

    def __init__(self, chrom: str, length: int, n_groups: int, shift: tuple[int, int] | None = None):
        self.chrom, self.length, self.n_groups, self.shift = chrom, int(length), n_groups, shift
        self.coverage = np.zeros((n_groups, self.length + 1), dtype=np.int32)
        self.cutsites = np.zeros((n_groups, self.length), dtype=np.int32)
        self.fragments = np.zeros(n_groups, dtype=np.int64)

    def add(self, chunk: FragmentChunk) -> None:
        """Add a chunk of fragments of this chromosome."""
        starts, ends, groups = chunk.starts, chunk.ends, chunk.groups
        if self.shift is not None:
            starts, ends, keep = shift_fragments(starts, ends, self.length, self.shift)
            groups = groups[keep]
        for group in range(self.n_groups):
            if self.n_groups > 1:
                mine = groups == group
                g_starts, g_ends = starts[mine], ends[mine]
            else:
                g_starts, g_ends = starts, ends
            if not g_starts.size:
                continue
            self.fragments[group] += g_starts.size
            np.add.at(self.coverage[group], g_starts, 1)
            np.add.at(self.coverage[group], g_ends, -1)
            np.add.at(self.cutsites[group], g_starts, 1)
            np.add.at(self.cutsites[group], g_ends - 1, 1)

    def runs(self, group: int, track: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Non-zero runs ``(starts, ends, values)`` of one group's track (coverage summed up here)."""
        source = self.coverage[group] if track == "coverage" else self.cutsites[group]
        pieces, carry = [], 0
        for block in range(0, self.length, BLOCK):
            part = source[block:min(block + BLOCK, self.length)]
            if track == "coverage":
                part = np.cumsum(part, dtype=np.int64) + carry
                carry = int(part[-1])
            part = part.astype(np.float64)
            part[part == 0] = np.nan
            starts, ends, run_values = value_runs(part)
            pieces.append((starts + block, ends + block, run_values.astype(np.int64)))
        return tuple(np.concatenate(arrays) for arrays in zip(*pieces)) if pieces else _empty_runs()


def _empty_runs():
    empty = np.zeros(0, dtype=np.int64)
    return empty, empty.copy(), empty.copy()


def runs_to_values(runs, start: int, end: int) -> np.ndarray:
    """Dense ``(end - start,)`` int64 values of sorted, disjoint runs over ``[start, end)``."""
    starts, ends, values = runs
    lo = np.searchsorted(ends, start, side="right")
    hi = np.searchsorted(starts, end, side="left")
    s = np.clip(starts[lo:hi], start, end) - start
    e = np.clip(ends[lo:hi], start, end) - start
    size = end - start + 1
    delta = np.bincount(s, weights=values[lo:hi], minlength=size) - np.bincount(e, weights=values[lo:hi], minlength=size)
    return np.rint(np.cumsum(delta[:-1])).astype(np.int64)


class RunStore:
    """Finished chromosomes kept on disk as runs, per source, group and track.

    Parameters
    ----------
    directory
        A scratch directory (created).
    """

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.stored: dict[str, list[Path]] = {}
        self._cache: tuple[str, list] | None = None

    def put(self, source: int, pileup: ChromPileup) -> None:
        """Store a finished chromosome of one source (each source's runs are summed when read)."""
        path = self.directory / f"{sum(map(len, self.stored.values()))}.npz"  # chromosome names may hold '/'
        arrays = {}
        for group in range(pileup.n_groups):
            for track in TRACKS:
                for name, array in zip(("starts", "ends", "values"), pileup.runs(group, track)):
                    arrays[f"{group}.{track}.{name}"] = array
        with open(path, "wb") as handle:
            np.savez(handle, **arrays)
        self.stored.setdefault(pileup.chrom, []).append(path)

    def _load(self, chrom: str) -> list:
        if self._cache is None or self._cache[0] != chrom:
            self._cache = (chrom, [dict(np.load(path)) for path in self.stored[chrom]])
        return self._cache[1]

    def reader(self, chrom: str, group: int, track: str):
        """``read(start, end)`` summing the stored sources; NaN where the sum is 0."""

        def read(start: int, end: int) -> np.ndarray:
            total = np.zeros(end - start, dtype=np.int64)
            for arrays in self._load(chrom):
                runs = tuple(arrays[f"{group}.{track}.{name}"] for name in ("starts", "ends", "values"))
                total += runs_to_values(runs, start, end)
            values = total.astype(np.float32)
            values[total == 0] = np.nan
            return values

        return read


def accumulate(
    chunks: Iterable[FragmentChunk],
    genome_sizes: Mapping[str, int],
    n_groups: int,
    store: RunStore,
    source: int,
    shift: tuple[int, int] | None = None,
) -> np.ndarray:
    """Pile up a source's chunks one chromosome at a time into ``store``.

    Parameters
    ----------
    chunks
        Fragments, each chromosome's chunks together (as the readers yield them).
    genome_sizes
        Genome chromosome -> length.
    n_groups
        Number of groups the chunks' group indices refer to.
    store
        Receives each finished chromosome.
    source
        This source's number in the store.
    shift
        Tn5 shift, or None.

    Returns
    -------
    numpy.ndarray
        ``(n_groups,)`` fragments piled up per group (after the shift).
    """
    totals = np.zeros(n_groups, dtype=np.int64)
    current: ChromPileup | None = None
    for chunk in chunks:
        if current is None or current.chrom != chunk.chrom:
            if current is not None:
                store.put(source, current)
                totals += current.fragments
            log.debug("piling up %s", chunk.chrom)
            current = ChromPileup(chunk.chrom, genome_sizes[chunk.chrom], n_groups, shift)
        current.add(chunk)
    if current is not None:
        store.put(source, current)
        totals += current.fragments
    return totals


def write_pileup_tracks(
    store: RunStore, genome_sizes: Mapping[str, int], outputs: Mapping[tuple[int, str], Path]
) -> dict:
    """Write one bigWig per ``(group, track)`` from the store.

    Parameters
    ----------
    outputs
        ``(group, track) -> bigWig path``.

    Returns
    -------
    dict
        Path -> bigWig entries written.
    """
    sizes = {name: int(length) for name, length in genome_sizes.items()}
    written = {}
    for (group, track), path in outputs.items():
        readers = {chrom: store.reader(chrom, group, track) for chrom in sizes if chrom in store.stored}
        written[str(path)] = write_bigwig(path, sizes, readers)
    return written
