"""A simulated chromosome drawn and written a piece at a time, with runs of N like an assembly's gaps.

A chromosome of ``length`` bases is laid out as telomeres and a centromere of N
(when ``gap_length`` > 0: ``min(10 kb, length / 10)`` at each end and
``gap_length`` bases centred in the middle, like hg38's chr1 with its 18 Mb
centromere) around sequenced stretches; each stretch is cut into pieces of at
most :data:`PIECE` bases, and each piece is drawn on its own (background,
planted regions, coverage, peaks), written out and forgotten.  Memory therefore
depends on :data:`PIECE`, not on the chromosome: a 249 Mb chromosome is drawn
in about the memory of a 4 Mb one.  A chromosome of at most :data:`PIECE` bases
without gaps is one piece, drawn as a whole chromosome.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

#: Longest piece drawn at once (bases).
PIECE = 1 << 22
#: Longest telomere run of N (bases).
TELOMERE = 10_000


def sequenced_pieces(length: int, gap_length: int, piece: int | None = None) -> list[tuple[int, int]]:
    """Half-open ``(start, end)`` pieces of sequence of one chromosome, in order; the rest is N.

    Parameters
    ----------
    length
        Chromosome length.
    gap_length
        Bases of the centromere's run of N (0: no gap and no telomere).
    piece
        Longest piece; :data:`PIECE` when omitted.

    Returns
    -------
    list[tuple[int, int]]
        Pieces of at most ``piece`` bases, between the runs of N.
    """
    piece = piece or PIECE
    if gap_length > 0:
        telomere = min(TELOMERE, length // 10)
        middle = length // 2
        gap_start = max(telomere, middle - gap_length // 2)
        gap_end = min(length - telomere, gap_start + gap_length)
        stretches = [(telomere, gap_start), (gap_end, length - telomere)]
    else:
        stretches = [(0, length)]
    pieces = []
    for start, end in stretches:
        count = max(1, -(-(end - start) // piece))
        cuts = np.linspace(start, end, count + 1).round().astype(np.int64).tolist()
        pieces += [(lo, hi) for lo, hi in zip(cuts[:-1], cuts[1:]) if hi > lo]
    return pieces


class FastaStream:
    """Write FASTA records a piece of sequence at a time, wrapped at ``width`` bases a line."""

    def __init__(self, handle, width: int = 60):
        self.handle = handle
        self.width = width
        self.carry = b""

    def start(self, name: str) -> None:
        """Begin the record of chromosome ``name``."""
        self.handle.write(f">{name}\n".encode())

    def write(self, raw: bytes) -> None:
        """Append ``raw`` bases to the current record."""
        raw = self.carry + raw
        whole = len(raw) - len(raw) % self.width
        if whole:
            block = np.frombuffer(raw[:whole], dtype=np.uint8).reshape(-1, self.width)
            lines = np.concatenate([block, np.full((block.shape[0], 1), ord("\n"), dtype=np.uint8)], axis=1)
            self.handle.write(lines.tobytes())
        self.carry = raw[whole:]

    def write_n(self, count: int, block: int = PIECE) -> None:
        """Append ``count`` N bases."""
        for start in range(0, count, block):
            self.write(b"N" * min(block, count - start))

    def end(self) -> None:
        """Finish the current record."""
        if self.carry:
            self.handle.write(self.carry + b"\n")
        self.carry = b""


class CoverageFile:
    """Per-base float32 coverage of every chromosome, spilled to a file and read back a block at a time.

    The bigWig writer reads blocks in any order it likes without the whole genome
    in memory.  Bases never written (the runs of N) read as NaN (no value), as do
    zero-coverage bases.
    """

    def __init__(self, path: str | os.PathLike, sizes: dict[str, int]):
        self.path = Path(path)
        self.offsets: dict[str, int] = {}
        total = 0
        for name, length in sizes.items():
            self.offsets[name] = total
            total += int(length)
        with open(self.path, "wb") as handle:
            handle.truncate(4 * total)  # sparse: unwritten bases read as 0.0

    def write(self, chrom: str, start: int, values: np.ndarray) -> None:
        """Store ``(n,)`` coverage of ``chrom`` from ``start``."""
        with open(self.path, "r+b") as handle:
            handle.seek(4 * (self.offsets[chrom] + start))
            handle.write(np.asarray(values, dtype="<f4").tobytes())

    def reader(self, chrom: str):
        """A ``read(start, end)`` for :func:`gategenome.io.bigwig.write_bigwig`: zero coverage as NaN."""

        def read(start: int, end: int) -> np.ndarray:
            values = np.fromfile(self.path, dtype="<f4", count=end - start, offset=4 * (self.offsets[chrom] + start))
            values = values.astype(np.float32)
            values[values == 0] = np.nan
            return values

        return read
