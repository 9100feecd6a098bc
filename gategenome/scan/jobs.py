"""Scan jobs: one row's work, and where it reads and writes.

A job is one strand of one stretch of a chromosome (:class:`GenomeJob`) or one
dinucleotide-shuffled null window (:class:`NullJob`); it reads its sequence in scan
order (the minus strand as the reverse complement) and writes its outputs back at
reference coordinates through the scan-directory writer
(:class:`gategenome.io.scandir.writer.ShardWriter`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gategenome.core.encode import encode_codes, reverse_complement_codes
from gategenome.core.shuffle import dinucleotide_shuffle
from gategenome.io.fasta import Genome
from gategenome.io.scandir.writer import ShardWriter

#: Bases a genome job reads at once (FASTA and bigWig) and serves its chunks from: a bigWig
#: read decompresses whole blocks, so short chunks each read on their own would pay that per chunk.
READ_AHEAD = 1 << 16


def scan_codes(genome: Genome, chrom: str, strand: str, start: int, end: int) -> np.ndarray:
    """``(end - start,)`` base codes of scan positions ``[start, end)`` of one strand (minus: reverse complement)."""
    if strand == "+":
        return encode_codes(genome.fetch(chrom, start, end))
    length = genome.sizes[chrom]
    return reverse_complement_codes(encode_codes(genome.fetch(chrom, length - end, length - start)))


class Job:
    """One row's work: a sequence read in scan order and where its outputs go."""

    chrom: str
    strand: str
    length: int

    def read(self, source: Sources, start: int, end: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Codes ``(n,)`` uint8 and raw signal ``(n,)`` (or None) of scan positions ``[start, end)``."""
        raise NotImplementedError

    def emit(self, writer: ShardWriter, start: int, forget: np.ndarray, access: np.ndarray) -> None:
        """Write the outputs ``(n,)`` of scan positions ``[start, start + n)``."""
        raise NotImplementedError


@dataclass
class GenomeJob(Job):
    """Scan ``[start, end)`` of a chromosome on one strand; keep ``[out_start, out_end)``."""

    chrom: str
    strand: str
    start: int
    end: int
    out_start: int
    out_end: int
    _ahead: tuple | None = field(default=None, repr=False, compare=False)  # (scan start, codes, signal)

    @property
    def length(self) -> int:
        return self.end - self.start

    def _reference(self, a: int, b: int) -> tuple[int, int]:
        if self.strand == "+":
            return self.start + a, self.start + b
        return self.end - b, self.end - a

    def _read_span(self, source, a, b):
        lo, hi = self._reference(a, b)
        codes = encode_codes(source.genome.fetch(self.chrom, lo, hi))
        signal = source.signal_values(self.chrom, lo, hi)
        if self.strand == "-":
            codes = reverse_complement_codes(codes)
            signal = None if signal is None else signal[::-1]
        return codes, signal

    def read(self, source, a, b):
        """Scan positions ``[a, b)``, served from a read of up to :data:`READ_AHEAD` bases (chunks come in order)."""
        ahead = self._ahead
        if ahead is None or a < ahead[0] or b > ahead[0] + ahead[1].shape[0]:
            codes, signal = self._read_span(source, a, min(self.length, max(b, a + READ_AHEAD)))
            ahead = self._ahead = (a, codes, signal)
        start, codes, signal = ahead
        piece = codes[a - start:b - start], None if signal is None else signal[a - start:b - start]
        if b >= self.length:
            self._ahead = None
        return piece

    def emit(self, writer, a, forget, access):
        lo, hi = self._reference(a, a + forget.shape[0])
        if self.strand == "-":
            forget, access = forget[::-1], access[::-1]
        keep_lo, keep_hi = max(lo, self.out_start), min(hi, self.out_end)
        if keep_lo >= keep_hi:
            return
        part = slice(keep_lo - lo, keep_hi - lo)
        writer.writer(self.chrom, self.strand, "forget").write(keep_lo, forget[part])
        writer.writer(self.chrom, self.strand, "accessibility").write(keep_lo, access[part])


@dataclass
class NullJob(Job):
    """Scan a dinucleotide-shuffled copy of ``[start, start + length)``.

    The shuffled codes (and permuted signal) are made on first read and freed when
    the last piece is read.  Outputs after ``burn_in`` go to the null array at
    ``out_offset``.
    """

    chrom: str
    strand: str
    start: int
    length: int
    seed: tuple[int, ...]
    burn_in: int
    out_offset: int
    signal_mode: str = "permute"
    _cache: tuple | None = field(default=None, repr=False)

    def read(self, source, a, b):
        if self._cache is None:
            rng = np.random.default_rng(list(self.seed))
            codes = dinucleotide_shuffle(encode_codes(source.genome.fetch(self.chrom, self.start, self.start + self.length)), rng)
            signal = source.signal_values(self.chrom, self.start, self.start + self.length)
            if signal is not None:
                signal = rng.permutation(signal) if self.signal_mode == "permute" else np.full_like(signal, signal.mean())
            if self.strand == "-":
                codes = reverse_complement_codes(codes)
                signal = None if signal is None else signal[::-1]
            self._cache = (codes, signal)
        codes, signal = self._cache
        piece = (codes[a:b], None if signal is None else signal[a:b])
        if b >= self.length:
            self._cache = None
        return piece

    def emit(self, writer, a, forget, access):
        skip = max(self.burn_in - a, 0)
        if skip < forget.shape[0]:
            writer.writer(self.chrom, self.strand, "null").write(self.out_offset + a + skip - self.burn_in, forget[skip:])


@dataclass
class Sources:
    """Where jobs read: the genome and, for ``dna+signal`` models, the ATAC signal."""

    genome: Genome
    signal: Any | None  # SignalTrack

    def signal_values(self, chrom: str, start: int, end: int) -> np.ndarray | None:
        return None if self.signal is None else self.signal.values(chrom, start, end)
