"""ATAC-seq fragments from a fragments file or a paired-end BAM, streamed in chunks.

A fragment is one sequenced DNA molecule between two Tn5 insertions, 0-based
half-open ``[start, end)`` on a genome chromosome.  Two sources:

* a fragments file, plain or gzip/bgzip: BEDPE ``chrom start end`` (MACS3
  ``-f BEDPE``) or 10x-style ``chrom start end barcode count`` (Cell Ranger ATAC,
  ArchR, Signac; ``#`` comment lines skipped).  Every line is one fragment; the
  count column (reads that collapsed into it) is checked and summed, not used as a
  weight, as Signac and ArchR do.  The file must be sorted by chromosome, then by
  start (``sort -k1,1 -k2,2n``), so that chromosomes arrive one at a time;
* a coordinate-sorted, indexed, paired-end BAM (:mod:`gategenome.data.bam`).

Both yield :class:`FragmentChunk` objects of at most ``chunk`` fragments, named by
genome chromosome (names matched as in :mod:`gategenome.io.chroms`), so memory
does not grow with the number of fragments.
"""

from __future__ import annotations

import gzip
import itertools
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gategenome.errors import InputError
from gategenome.io.chroms import name_lookup, normalise_name

log = logging.getLogger(__name__)

#: Lines (or BAM fragments) per chunk handed to the pileup.
CHUNK = 1 << 18


@dataclass
class FragmentChunk:
    """Fragments of one chromosome.

    Attributes
    ----------
    chrom : str
        Genome chromosome name.
    starts, ends : numpy.ndarray
        ``(N,)`` int64, 0-based half-open.
    groups : numpy.ndarray
        ``(N,)`` int32 index of each fragment's group (0 without barcode groups).
    """

    chrom: str
    starts: np.ndarray
    ends: np.ndarray
    groups: np.ndarray


@dataclass
class FragmentCounts:
    """What a source held and what was kept; filled while reading.

    Attributes
    ----------
    records : int
        Fragment lines (or BAM reads) read.
    kept : int
        Fragments handed on.
    reads : int
        Sum of the count column over kept fragments (2 per fragment for BEDPE/BAM).
    mitochondrial : int
        Kept fragments on the mitochondrial chromosome.
    dropped : dict[str, int]
        Reason -> records dropped.
    per_chrom : dict[str, int]
        Genome chromosome -> kept fragments.
    """

    records: int = 0
    kept: int = 0
    reads: int = 0
    mitochondrial: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    per_chrom: dict[str, int] = field(default_factory=dict)

    def drop(self, reason: str, count: int = 1) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + count

    def as_dict(self) -> dict:
        return {
            "records": self.records,
            "kept": self.kept,
            "reads": self.reads,
            "mitochondrial": self.mitochondrial,
            "mitochondrial_fraction": self.mitochondrial / self.kept if self.kept else 0.0,
            "dropped": dict(self.dropped),
            "per_chromosome": dict(self.per_chrom),
        }


def read_barcodes(path: str | os.PathLike) -> tuple[dict[str, int], list[str]]:
    """Read a barcode selection: one column (keep these cells) or ``barcode  group``.

    Returns
    -------
    tuple
        ``(barcode -> group index, group names)``; one column gives the single
        group ``"all"``.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: barcodes file not found")
    groups: list[str] = []
    index: dict[str, int] = {}
    barcodes: dict[str, int] = {}
    width = None
    with open(path) as handle:
        for number, line in enumerate(handle, 1):
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            if len(fields) > 2 or (width is not None and len(fields) != width):
                raise InputError(
                    f"{path}: line {number} has {len(fields)} columns; expected every line to be "
                    f"'barcode' or every line 'barcode<TAB>group'"
                )
            width = len(fields)
            group = fields[1] if width == 2 else "all"
            if group not in index:
                index[group] = len(groups)
                groups.append(group)
            if barcodes.setdefault(fields[0], index[group]) != index[group]:
                raise InputError(f"{path}: line {number}: barcode {fields[0]} is in two groups; expected one")
    if not barcodes:
        raise InputError(f"{path}: no barcodes; expected one barcode (and optionally a group) per line")
    return barcodes, groups


def _open_text(path: Path):
    with open(path, "rb") as handle:
        magic = handle.read(2)
    return gzip.open(path, "rt") if magic == b"\x1f\x8b" else open(path)


_SKIP = ("#", "track ", "track\t", "browser ", "browser\t")
_SORTED = "expected fragments sorted by chromosome and start (sort -k1,1 -k2,2n)"


def _bad_line(path, number, line, expected):
    shown = line.rstrip("\n")
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return InputError(f"{path}: line {number}: {expected}, got {shown!r}")


def _split_batch(lines: list[str], first: int) -> tuple[list[int], list[list[str]]]:
    """Line numbers and tab-split fields of the data lines of a batch."""
    numbers = [first + index for index, line in enumerate(lines) if line.strip() and not line.startswith(_SKIP)]
    if len(numbers) == len(lines):
        return numbers, [line.rstrip("\r\n").split("\t") for line in lines]
    return numbers, [lines[n - first].rstrip("\r\n").split("\t") for n in numbers]


def _column(rows, index: int, path, numbers, lines, first) -> np.ndarray:
    """Integer column ``index`` of every row; a malformed row is reported with its line number."""
    try:
        return np.array([row[index] for row in rows]).astype(np.int64)
    except (ValueError, IndexError):
        for row, number in zip(rows, numbers):
            try:
                int(row[index])
            except (ValueError, IndexError):
                raise _bad_line(path, number, lines[number - first], "expected 'chrom start end [barcode count]' "
                                "separated by tabs, with integer start, end and count") from None
        raise


class _FileState:
    """Where a sorted fragments file is: its current chromosome and last start."""

    def __init__(self, path, genome_sizes):
        self.path = path
        self.sizes = genome_sizes
        self.lookup = name_lookup(genome_sizes)
        self.mito = {name for name in genome_sizes if normalise_name(name) == "m"}
        self.finished: set[str] = set()
        self.file_chrom: str | None = None
        self.chrom: str | None = None
        self.previous = 0

    def enter(self, name: str, number: int) -> None:
        if name == self.file_chrom:
            return
        if name in self.finished:
            raise InputError(f"{self.path}: line {number}: chromosome {name} appears again after other "
                             f"chromosomes; {_SORTED}")
        chrom = self.lookup(name)
        if chrom is None:
            raise InputError(f"{self.path}: line {number}: chromosome {name!r} is not in the genome "
                             f"({', '.join(list(self.sizes)[:6])}...); expected the same assembly")
        if self.file_chrom is not None:
            self.finished.add(self.file_chrom)
        self.file_chrom, self.chrom, self.previous = name, chrom, 0


def _segment(state, rows, numbers, lines, first, barcodes, counts) -> FragmentChunk | None:
    """Check one chromosome's rows of a batch and return its kept fragments."""
    path, length = state.path, int(state.sizes[state.chrom])
    starts = _column(rows, 1, path, numbers, lines, first)
    ends = _column(rows, 2, path, numbers, lines, first)
    wide = len(rows[0]) > 4
    reads = _column(rows, 4, path, numbers, lines, first) if wide else np.full(starts.size, 2, dtype=np.int64)
    bad = np.flatnonzero((starts < 0) | (ends <= starts) | (ends > length) | (reads < 1))
    if bad.size:
        number = numbers[bad[0]]
        raise _bad_line(path, number, lines[number - first],
                        f"expected 0 <= start < end <= {length} (length of {state.chrom}) and count >= 1")
    before = np.concatenate([[state.previous], starts[:-1]])
    unsorted = np.flatnonzero(starts < before)
    if unsorted.size:
        index = unsorted[0]
        raise InputError(f"{path}: line {numbers[index]}: start {starts[index]} after {before[index]} on "
                         f"{state.file_chrom}; {_SORTED}")
    state.previous = int(starts[-1])
    counts.records += starts.size
    if barcodes is None:
        groups = np.zeros(starts.size, dtype=np.int32)
    else:
        narrow = [number for row, number in zip(rows, numbers) if len(row) < 4]
        if narrow:
            raise _bad_line(path, narrow[0], lines[narrow[0] - first], "--barcodes needs a barcode in column 4")
        groups = np.array([barcodes.get(row[3], -1) for row in rows], dtype=np.int32)
        keep = groups >= 0
        counts.drop("barcode not selected", int(starts.size - keep.sum()))
        starts, ends, reads, groups = starts[keep], ends[keep], reads[keep], groups[keep]
    if not starts.size:
        return None
    counts.kept += starts.size
    counts.reads += int(reads.sum())
    counts.per_chrom[state.chrom] = counts.per_chrom.get(state.chrom, 0) + int(starts.size)
    if state.chrom in state.mito:
        counts.mitochondrial += int(starts.size)
    return FragmentChunk(state.chrom, starts, ends, groups)


def read_fragment_file(
    path: str | os.PathLike,
    genome_sizes: Mapping[str, int],
    counts: FragmentCounts,
    barcodes: Mapping[str, int] | None = None,
    chunk: int = CHUNK,
) -> Iterator[FragmentChunk]:
    """Stream a sorted fragments file as chunks of one chromosome each.

    Lines are parsed ``chunk`` at a time with numpy, so the rate is a few
    microseconds per fragment and memory is bounded by the chunk.

    Parameters
    ----------
    path
        BEDPE (3 columns) or 10x-style (``chrom start end barcode count``)
        fragments, plain or gzip/bgzip, tab-separated.
    genome_sizes
        Genome chromosome -> length, in FASTA order.
    counts
        Filled with what was read, kept and dropped.
    barcodes
        Barcode -> group index; fragments of other barcodes are skipped.  None
        keeps every fragment (group 0).
    chunk
        Lines parsed at a time (most fragments per yielded chunk).

    Raises
    ------
    InputError
        A malformed line (its number in the message), a chromosome the genome
        lacks, coordinates outside the chromosome, or unsorted input.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: fragments file not found")
    state = _FileState(path, genome_sizes)
    first = 1
    with _open_text(path) as handle:
        try:
            while lines := list(itertools.islice(handle, chunk)):
                numbers, rows = _split_batch(lines, first)
                names = np.array([row[0] for row in rows]) if rows else np.zeros(0, dtype=str)
                cuts = [0, *(np.flatnonzero(names[1:] != names[:-1]) + 1).tolist(), len(rows)]
                for lo, hi in zip(cuts[:-1], cuts[1:]):
                    if lo == hi:
                        continue
                    state.enter(str(names[lo]), numbers[lo])
                    piece = _segment(state, rows[lo:hi], numbers[lo:hi], lines, first, barcodes, counts)
                    if piece is not None:
                        yield piece
                first += len(lines)
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read ({exc}); expected a plain or gzip text fragments file") from None
