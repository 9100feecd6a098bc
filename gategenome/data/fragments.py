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

import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gategenome.errors import InputError
from gategenome.io.chroms import name_lookup, normalise_name
from gategenome.io.reading import open_binary, open_text, reading

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


#: The one group of a barcode file without a group column (its signal is the bulk output, no prefix).
BULK = "all"


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
    with reading(path, "a text file of barcodes (and groups)"), open_text(path) as handle:
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
            group = fields[1] if width == 2 else BULK
            if width == 2 and group == BULK:
                raise InputError(f"{path}: line {number}: group {BULK!r} names the bulk signal of a one-column "
                                 f"file; expected another group name")
            if group not in index:
                index[group] = len(groups)
                groups.append(group)
            if barcodes.setdefault(fields[0], index[group]) != index[group]:
                raise InputError(f"{path}: line {number}: barcode {fields[0]} is in two groups; expected one")
    if not barcodes:
        raise InputError(f"{path}: no barcodes; expected one barcode (and optionally a group) per line")
    return barcodes, groups


_SKIP = ("#", "track ", "track\t", "browser ", "browser\t")
_SORTED = "expected fragments sorted by chromosome and start (sort -k1,1 -k2,2n)"
#: First bytes of a line that may be a comment, header or blank line (checked one by one).
_SUSPECT = np.array([ord(c) for c in "#tb \n"], dtype=np.uint8)
#: Bytes of text read per batch for each line of ``chunk``.
_BYTES_PER_LINE = 24


def _bad_line(path, number, line, expected):
    shown = line.rstrip("\n")
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return InputError(f"{path}: line {number}: {expected}, got {shown!r}")


class _Batch:
    """Complete lines of text split into columns (``cols[k]``: field ``k`` of every data line, "" if absent).

    A batch whose lines are all data with the same number of tab-separated fields
    is split with one ``str.split`` over the whole text (the common case);
    otherwise line by line, skipping comment, header and blank lines.
    """

    def __init__(self, data: bytes, first: int):
        self.first = first
        data = data.replace(b"\r\n", b"\n") if b"\r" in data else data
        self.text = data.decode()
        arr = np.frombuffer(data, dtype=np.uint8)
        newlines = np.flatnonzero(arr == 10)
        starts = np.concatenate([[0], newlines[:-1] + 1])
        tabs = np.searchsorted(np.flatnonzero(arr == 9), newlines)
        per_line = np.diff(tabs, prepend=0)
        width = int(per_line[0]) + 1 if per_line.size else 0
        if per_line.size and (per_line == width - 1).all() and not np.isin(arr[starts], _SUSPECT).any():
            flat = self.text.replace("\n", "\t").split("\t")
            n = newlines.size
            self.numbers = np.arange(first, first + n)
            self.cols = [flat[k:n * width:width] for k in range(min(width, 5))]
            self.widths = np.full(n, width)
        else:
            lines = self.text.split("\n")[:-1]
            numbers = [first + i for i, line in enumerate(lines) if line.strip() and not line.startswith(_SKIP)]
            rows = [lines[n - first].split("\t") for n in numbers]
            self.numbers = np.array(numbers, dtype=np.int64)
            self.widths = np.array([len(row) for row in rows], dtype=np.int64)
            top = min(int(self.widths.max()), 5) if rows else 1
            self.cols = [[row[k] if len(row) > k else "" for row in rows] for k in range(top)]

    def line(self, number: int) -> str:
        """The text of line ``number`` (for messages)."""
        return self.text.split("\n")[number - self.first]


def _plain_number(value: str) -> bool:
    """Whether ``value`` is ASCII digits only (no sign, ``_``, space or digit of another script) and fits int64."""
    return value.isascii() and value.isdigit() and int(value) < 1 << 63


def _column(batch: _Batch, index: int, lo: int, hi: int, path) -> np.ndarray:
    """Integer field ``index`` of data lines ``lo:hi``; a malformed line is reported with its number.

    Only ASCII digits are numbers: ``1_000``, ``+5``, `` 7`` or digits of another script (which
    Python's ``int`` accepts) are refused, as is a number too large for int64.
    """
    values = batch.cols[index][lo:hi] if index < len(batch.cols) else [""] * (hi - lo)
    joined = "".join(values)
    if joined.isascii() and joined.isdigit():  # one pass over the block: every value is ASCII digits (or empty)
        try:
            return np.fromiter(map(int, values), dtype=np.int64, count=hi - lo)
        except (ValueError, OverflowError):  # an empty field, or a number past int64
            pass
    offset = next(offset for offset, value in enumerate(values) if not _plain_number(value))
    number = int(batch.numbers[lo + offset])
    raise _bad_line(path, number, batch.line(number), "expected 'chrom start end [barcode count]' separated by "
                    "tabs, with integer start, end and count (ASCII digits)")


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


def _segment(state, batch: _Batch, lo: int, hi: int, barcodes, counts) -> FragmentChunk | None:
    """Check one chromosome's data lines ``lo:hi`` of a batch and return its kept fragments."""
    path, length = state.path, int(state.sizes[state.chrom])
    starts = _column(batch, 1, lo, hi, path)
    ends = _column(batch, 2, lo, hi, path)
    wide = batch.widths[lo] > 4
    reads = _column(batch, 4, lo, hi, path) if wide else np.full(starts.size, 2, dtype=np.int64)
    bad = np.flatnonzero((starts < 0) | (ends <= starts) | (ends > length) | (reads < 1))
    if bad.size:
        number = int(batch.numbers[lo + bad[0]])
        raise _bad_line(path, number, batch.line(number),
                        f"expected 0 <= start < end <= {length} (length of {state.chrom}) and count >= 1")
    before = np.concatenate([[state.previous], starts[:-1]])
    unsorted = np.flatnonzero(starts < before)
    if unsorted.size:
        index = unsorted[0]
        raise InputError(f"{path}: line {batch.numbers[lo + index]}: start {starts[index]} after {before[index]} "
                         f"on {state.file_chrom}; {_SORTED}")
    state.previous = int(starts[-1])
    counts.records += starts.size
    if barcodes is None:
        groups = np.zeros(starts.size, dtype=np.int32)
    else:
        narrow = np.flatnonzero(batch.widths[lo:hi] < 4)
        if narrow.size:
            number = int(batch.numbers[lo + narrow[0]])
            raise _bad_line(path, number, batch.line(number), "--barcodes needs a barcode in column 4")
        groups = np.fromiter((barcodes.get(code, -1) for code in batch.cols[3][lo:hi]), dtype=np.int32,
                             count=hi - lo)
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


def _blocks(handle, size: int) -> Iterator[bytes]:
    """Blocks of complete lines (each ending with a newline) of about ``size`` bytes."""
    carry = b""
    while block := handle.read(size):
        data = carry + block
        cut = data.rfind(b"\n") + 1
        carry = data[cut:]
        if cut:
            yield data[:cut]
    if carry:
        yield carry + b"\n"


def read_fragment_file(
    path: str | os.PathLike,
    genome_sizes: Mapping[str, int],
    counts: FragmentCounts,
    barcodes: Mapping[str, int] | None = None,
    chunk: int = CHUNK,
) -> Iterator[FragmentChunk]:
    """Stream a sorted fragments file as chunks of one chromosome each.

    The text is read in blocks of complete lines and split into columns with one
    ``str.split`` per block where every line has the same fields (line by line
    otherwise), so memory is bounded by the block, whatever the file size.

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
        About this many lines are parsed at a time (``chunk`` x 24 bytes of text).

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
    with reading(path, "a plain or gzip text fragments file"), open_binary(path) as handle:
        for data in _blocks(handle, max(chunk, 1) * _BYTES_PER_LINE):
            batch = _Batch(data, first)
            names = np.array(batch.cols[0]) if batch.numbers.size else np.zeros(0, dtype=str)
            cuts = [0, *(np.flatnonzero(names[1:] != names[:-1]) + 1).tolist(), names.size]
            for lo, hi in zip(cuts[:-1], cuts[1:]):
                if lo == hi:
                    continue
                state.enter(str(names[lo]), int(batch.numbers[lo]))
                piece = _segment(state, batch, lo, hi, barcodes, counts)
                if piece is not None:
                    yield piece
            first += data.count(b"\n")
