"""A streaming bigWig writer: fixedStep or run-length blocks, bounded memory, chosen zoom levels.

Values arrive a block of bases at a time (NaN: no value).  They are rounded to
``precision`` decimal places (``None`` keeps them as given), cut into stretches
without NaN, and each stretch into sections of at most :data:`SECTION` bases;
a section is stored as a fixedStep block (4 bytes per base before compression)
or, where equal values run long (at most one run per 12 bases), as bedGraph
runs (12 bytes per run), then zlib-compressed.  Rounding is what makes both
compress: a forget-gate track at 2 decimal places keeps at most 101 distinct
values.

Zoom levels (summaries a browser reads when zoomed out) start at
:data:`FIRST_REDUCTION` bases per record and grow 4-fold, up to ``max_zooms``
levels and no coarser than the longest chromosome.  Their records are computed
as the bases go by and spooled to temporary files, so the memory held does not
grow with chromosome length: only one block of values, the open bin of each
level and 24 bytes per written data block (for the index) are kept.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from gategenome.core.runs import true_runs
from gategenome.io import bigwig_format as fmt

#: Bases read at a time (a multiple of every reduction up to it).
BLOCK = 1 << 20
#: Most bases per data section.
SECTION = 16384
#: zlib level: 1 is much faster than the default 6, for somewhat larger gate tracks.
LEVEL = 1
#: Zoom records per compressed zoom block.
ZOOM_ITEMS = 1024
#: Bases per record of the finest zoom level; each next level is 4 times coarser.
FIRST_REDUCTION = 128
#: Default most zoom levels.
MAX_ZOOMS = 10

_BEDGRAPH = np.dtype([("start", "<u4"), ("end", "<u4"), ("value", "<f4")])
_ZOOM = np.dtype([("chrom", "<u4"), ("start", "<u4"), ("end", "<u4"), ("count", "<u4"), ("min", "<f4"),
                  ("max", "<f4"), ("sum", "<f4"), ("squares", "<f4")])
# per-bin statistics carried between blocks: start, end, count, min, max, sum, sum of squares
_STATS = np.dtype([("start", "<i8"), ("end", "<i8"), ("count", "<i8"), ("min", "<f8"), ("max", "<f8"), ("sum", "<f8"),
                   ("squares", "<f8")])


def zoom_reductions(sizes: Mapping[str, int], max_zooms: int) -> list[int]:
    """Bases per record of each zoom level: 128, 512, ... up to ``max_zooms`` levels,
    none coarser than the longest chromosome."""
    longest = max([int(n) for n in sizes.values()] + [1])
    levels, reduction = [], FIRST_REDUCTION
    while len(levels) < max_zooms and reduction < longest:
        levels.append(reduction)
        reduction *= 4
    return levels


def quantize(values: np.ndarray, precision: int | None) -> np.ndarray:
    """``values`` as float32, rounded to ``precision`` decimal places (``None``: unchanged)."""
    values = np.asarray(values, dtype=np.float32)
    if precision is None:
        return values
    return np.round(values, precision).astype(np.float32)


class _Blocks:
    """Index entries of written blocks, in a growing array (24 bytes each)."""

    def __init__(self):
        self.array = np.zeros(1024, dtype=fmt.BLOCK_DTYPE)
        self.size = 0

    def add(self, chrom: int, start: int, end: int, offset: int, size: int) -> None:
        if self.size == self.array.size:
            self.array = np.resize(self.array, self.array.size * 2)
        self.array[self.size] = (chrom, start, end, offset, size)
        self.size += 1

    def view(self, shift: int = 0) -> np.ndarray:
        out = self.array[:self.size].copy()
        out["offset"] += shift
        return out


class _ZoomLevel:
    """One zoom level: bins of ``reduction`` bases summarised from the level below, spooled to a file."""

    def __init__(self, reduction: int, directory: str):
        self.reduction = reduction
        self.file = open(Path(directory) / f"zoom{reduction}", "w+b")
        self.blocks = _Blocks()
        self.pending = np.zeros(0, dtype=_STATS)  # finest bins of the bin still open
        self.records: list[np.ndarray] = []
        self.count = 0
        self.largest = 0

    def add(self, chrom: int, finer: np.ndarray, final: bool) -> np.ndarray:
        """Summarise the closed bins of the level below (``finer``, sorted, of one chromosome) into this
        level's bins; ``final``: the chromosome ends.  Returns this level's closed bins, for the next."""
        bins = np.concatenate([self.pending, finer]) if self.pending.size else finer
        if bins.size == 0:
            return bins
        index = bins["start"] // self.reduction
        if final:
            self.pending = bins[:0]
        else:  # the last bin may continue in the next block: at most 3 finer bins wait
            keep = index == index[-1]
            self.pending, bins, index = bins[keep], bins[~keep], index[~keep]
        if bins.size == 0:
            return bins
        edges = np.flatnonzero(np.diff(index, prepend=index[0] - 1))
        closed = np.zeros(edges.size, dtype=_STATS)
        closed["start"] = index[edges] * self.reduction
        closed["end"] = bins["end"][np.append(edges[1:], bins.size) - 1]
        closed["count"] = np.add.reduceat(bins["count"], edges)
        closed["min"] = np.minimum.reduceat(bins["min"], edges)
        closed["max"] = np.maximum.reduceat(bins["max"], edges)
        closed["sum"] = np.add.reduceat(bins["sum"], edges)
        closed["squares"] = np.add.reduceat(bins["squares"], edges)
        out = np.zeros(closed.size, dtype=_ZOOM)
        out["chrom"] = chrom
        for field in ("start", "end", "count", "min", "max", "sum", "squares"):
            out[field] = closed[field]
        self.records.append(out)
        self.count += out.size
        if self.count >= ZOOM_ITEMS:
            self.flush(everything=False)
        return closed

    def flush(self, everything: bool = True) -> None:
        """Compress and spool full blocks of records (all of them with ``everything``)."""
        if not self.records:
            return
        records = np.concatenate(self.records)
        whole = records.size if everything else records.size // ZOOM_ITEMS * ZOOM_ITEMS
        for first in range(0, whole, ZOOM_ITEMS):
            part = records[first:first + ZOOM_ITEMS]
            # a block never spans chromosomes
            for chrom in np.unique(part["chrom"]):
                piece = part[part["chrom"] == chrom]
                raw = piece.tobytes()
                data = zlib.compress(raw, LEVEL)
                self.largest = max(self.largest, len(raw))
                self.blocks.add(int(chrom), int(piece["start"][0]), int(piece["end"][-1]), self.file.tell(), len(data))
                self.file.write(data)
        rest = records[whole:]
        self.records = [rest] if rest.size else []
        self.count = rest.size


def _fine_bins(values: np.ndarray, offset: int) -> np.ndarray:
    """Statistics of the :data:`FIRST_REDUCTION`-base bins of ``values`` starting at ``offset`` (a multiple of it)."""
    valid = ~np.isnan(values)
    edges = np.arange(0, values.size, FIRST_REDUCTION)
    stats = np.zeros(edges.size, dtype=_STATS)
    stats["start"] = offset + edges
    stats["end"] = np.minimum(stats["start"] + FIRST_REDUCTION, offset + values.size)
    zeroed = np.where(valid, values, np.float32(0))  # float32 sums of 128 values, then float64
    stats["count"] = np.add.reduceat(valid, edges, dtype=np.int64)
    stats["sum"] = np.add.reduceat(zeroed, edges)
    stats["squares"] = np.add.reduceat(zeroed * zeroed, edges)
    stats["min"] = np.minimum.reduceat(np.where(valid, values, np.float32(np.inf)), edges)
    stats["max"] = np.maximum.reduceat(np.where(valid, values, np.float32(-np.inf)), edges)
    return stats[stats["count"] > 0]


def _section(chrom: int, start: int, values: np.ndarray) -> bytes:
    """One compressed data section of the contiguous ``values`` at ``start``: bedGraph runs where
    they take at most a twelfth of fixedStep's bytes (they compress worse), else fixedStep."""
    change = np.flatnonzero(values[1:] != values[:-1]) + 1
    if 12 * (change.size + 1) > values.size:
        head = struct.pack("<IIIIIBBH", chrom, start, start + values.size, 1, 1, 3, 0, values.size)
        return zlib.compress(head + values.astype("<f4").tobytes(), LEVEL)
    run_starts = np.concatenate([[0], change])
    runs = np.zeros(run_starts.size, dtype=_BEDGRAPH)
    runs["start"] = start + run_starts
    runs["end"] = start + np.append(change, values.size)
    runs["value"] = values[run_starts]
    head = struct.pack("<IIIIIBBH", chrom, start, start + values.size, 0, 0, 1, 0, runs.size)
    return zlib.compress(head + runs.tobytes(), LEVEL)


class BigWigWriter:
    """Write a bigWig chromosome by chromosome, block by block.

    Parameters
    ----------
    path
        Output file (written in place; wrap with :func:`gategenome.io.atomic.atomic_path`).
    sizes
        Chromosome -> length, in the header's order.
    precision
        Decimal places kept (``None``: values as given, as float32).
    max_zooms
        Most zoom levels.
    """

    def __init__(self, path: str | os.PathLike, sizes: Mapping[str, int], precision: int | None = None,
                 max_zooms: int = MAX_ZOOMS):
        self.sizes = {name: int(length) for name, length in sizes.items()}
        self.ids = {name: index for index, name in enumerate(self.sizes)}
        self.precision = precision
        self.reductions = zoom_reductions(self.sizes, max_zooms)
        self.file = open(path, "wb")
        self._spool = tempfile.mkdtemp(prefix=".zoom.", dir=Path(path).parent)
        self.zooms = [_ZoomLevel(r, self._spool) for r in self.reductions]
        self.blocks = _Blocks()
        self.largest = 0
        self.summary = [0, np.inf, -np.inf, 0.0, 0.0]  # bases, min, max, sum, sum of squares
        self.entries = 0
        self._prefix = len(self.reductions) * fmt.ZOOM_HEADER_SIZE + fmt.HEADER_SIZE
        self.file.write(b"\0" * (self._prefix + fmt.SUMMARY_SIZE))
        self._chrom_tree = self.file.tell()
        self.file.write(fmt.chrom_tree(list(self.sizes.items()), self._chrom_tree) if self.sizes else b"")
        self._full_data = self.file.tell()
        self.file.write(b"\0" * 8)  # number of blocks, patched at close

    def add_chromosome(self, chrom: str, read: Callable[[int, int], np.ndarray]) -> None:
        """Write every value of ``chrom`` (``read(start, end)`` gives ``(end - start,)`` values, NaN: none)."""
        chrom_id, length = self.ids[chrom], self.sizes[chrom]
        for block in range(0, length, BLOCK):
            end = min(block + BLOCK, length)
            values = quantize(read(block, end), self.precision)
            if values.shape != (end - block,):
                raise ValueError(f"{chrom}:{block}-{end}: got {values.shape[0]} values, expected {end - block}")
            fine = _fine_bins(values, block)
            self._add_values(chrom_id, block, values, fine)
            for zoom in self.zooms:  # each level from the closed bins of the one below
                fine = zoom.add(chrom_id, fine, final=end == length)

    def _add_values(self, chrom_id: int, offset: int, values: np.ndarray, fine: np.ndarray) -> None:
        if fine.size:
            self.summary[0] += int(fine["count"].sum())
            self.summary[1] = min(self.summary[1], float(fine["min"].min()))
            self.summary[2] = max(self.summary[2], float(fine["max"].max()))
            self.summary[3] += float(fine["sum"].sum())
            self.summary[4] += float(fine["squares"].sum())
        valid = ~np.isnan(values)
        for run_start, run_end in zip(*true_runs(valid)):
            for start in range(int(run_start), int(run_end), SECTION):
                stop = min(start + SECTION, int(run_end))
                data = _section(chrom_id, offset + start, values[start:stop])
                self.largest = max(self.largest, 24 + 12 * (stop - start))
                self.blocks.add(chrom_id, offset + start, offset + stop, self.file.tell(), len(data))
                self.file.write(data)
                self.entries += 1

    def close(self) -> None:
        """Write the indexes and zoom levels and patch the header."""
        try:
            self._finish()
        finally:
            self.file.close()
            for zoom in self.zooms:
                zoom.file.close()
            shutil.rmtree(self._spool, ignore_errors=True)

    def _finish(self) -> None:
        handle = self.file
        full_index = handle.tell()
        handle.write(fmt.rtree_index(self.blocks.view(), full_index, ZOOM_ITEMS))
        zoom_headers = []
        largest = self.largest
        for zoom in self.zooms:
            zoom.flush()
            largest = max(largest, zoom.largest)
            data_offset = handle.tell()
            handle.write(struct.pack("<I", zoom.blocks.size))
            zoom.file.seek(0)
            shutil.copyfileobj(zoom.file, handle, 1 << 20)
            index_offset = handle.tell()
            handle.write(fmt.rtree_index(zoom.blocks.view(data_offset + 4), index_offset, ZOOM_ITEMS))
            zoom_headers.append(fmt.zoom_header(zoom.reduction, data_offset, index_offset))
        bases, low, high, total, squares = self.summary
        if not bases:
            low = high = 0.0
        handle.seek(0)
        handle.write(fmt.header(len(self.zooms), self._chrom_tree, self._full_data, full_index, self._prefix,
                                max(largest, 1)))
        handle.write(b"".join(zoom_headers))
        handle.write(fmt.total_summary(bases, low, high, total, squares))
        handle.seek(self._full_data)
        handle.write(struct.pack("<Q", self.blocks.size))
