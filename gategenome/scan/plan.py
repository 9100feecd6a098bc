"""Scan planning: settings, jobs (one row's work), their schedule onto batch rows.

A job is one strand of one stretch of a chromosome (:class:`GenomeJob`) or one
dinucleotide-shuffled null window (:class:`NullJob`); it reads its sequence in scan
order (the minus strand as the reverse complement) and writes its outputs back at
reference coordinates.  :func:`plan_steps` packs jobs onto ``batch_size`` rows,
``chunk_size`` bases at a time, handing a row to the next job (with a fresh state)
when its job ends.  See :mod:`gategenome.scan.stream` for the computation.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gategenome.core.encode import UNKNOWN_CODE, encode_codes, reverse_complement_codes
from gategenome.core.runs import complement_intervals, true_runs
from gategenome.core.shuffle import dinucleotide_shuffle
from gategenome.errors import ConfigError
from gategenome.io.fasta import Genome
from gategenome.io.scandir import ArrayWriter, array_path, null_path

_READ_BLOCK = 1 << 22


@dataclass
class ScanSettings:
    """How to scan (saved in ``scan.json``).

    Attributes
    ----------
    strands
        ``["+", "-"]``, ``["+"]`` or ``["-"]``.
    chunk_size
        Bases per chunk and row; the result does not depend on it.
    batch_size
        Rows (jobs) computed together.
    layer
        LSTM layer whose mean forget gate is written (-1: the last).
    segments
        Pieces per chromosome scanned in parallel (1: exact streaming).
    burn_in
        Bases each piece starts early when ``segments > 1``.
    n_reset
        A run of at least this many unknown bases is skipped and the state reset.
    null_fraction
        Fraction of each chromosome's scanned bases sampled for the null.
    null_window
        Length of each shuffled null window.
    null_burn_in
        Leading bases of each null window left out (start-up transient).
    null_signal
        Signal of the null windows for ``dna+signal`` models: ``"mean"`` (the
        window's mean everywhere: no signal edges at all, so null drops come from
        the shuffled DNA alone) or ``"permute"`` (the window's values in random
        order: an edge at nearly every base, which a model trained to close its
        gate at region edges answers with drops everywhere, so nothing is called).
    seed
        Seed of the null windows, shuffles and signal permutations.
    horizon_tol
        Agreement tolerance of the forgetting-horizon measurement.
    horizon_max
        Longest stretch the forgetting horizon is measured over.
    """

    strands: list[str] = field(default_factory=lambda: ["+", "-"])
    chunk_size: int = 8192
    batch_size: int = 32
    layer: int = -1
    segments: int = 1
    burn_in: int = 10000
    n_reset: int = 1000
    null_fraction: float = 0.05
    null_window: int = 50000
    null_burn_in: int = 2000
    null_signal: str = "mean"
    seed: int = 0
    horizon_tol: float = 1e-3
    horizon_max: int = 100000

    def __post_init__(self) -> None:
        bad = [s for s in self.strands if s not in ("+", "-")]
        if bad or not self.strands:
            raise ConfigError(f"strands: got {self.strands!r}, expected '+', '-' or both")
        for name in ("chunk_size", "batch_size", "segments", "n_reset", "null_window", "horizon_max"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"--{name.replace('_', '-')}: got {getattr(self, name)!r}, expected a positive integer")
        for name in ("burn_in", "null_burn_in"):
            if int(getattr(self, name)) < 0:
                raise ConfigError(f"--{name.replace('_', '-')}: got {getattr(self, name)!r}, expected >= 0")
        if not 0.0 <= self.null_fraction <= 1.0:
            raise ConfigError(f"--null-fraction: got {self.null_fraction!r}, expected a number in [0, 1]")
        if self.null_signal not in ("permute", "mean"):
            raise ConfigError(f"--null-signal: got {self.null_signal!r}, expected permute or mean")
        if self.null_burn_in >= self.null_window:
            raise ConfigError(f"null_burn_in {self.null_burn_in} must be shorter than null_window {self.null_window}")


# --------------------------------------------------------------------------- jobs


class Job:
    """One row's work: a sequence read in scan order and where its outputs go."""

    chrom: str
    strand: str
    length: int

    def read(self, source: Sources, start: int, end: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Codes ``(n,)`` uint8 and raw signal ``(n,)`` (or None) of scan positions ``[start, end)``."""
        raise NotImplementedError

    def emit(self, sinks: Sinks, start: int, forget: np.ndarray, access: np.ndarray) -> None:
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

    @property
    def length(self) -> int:
        return self.end - self.start

    def _reference(self, a: int, b: int) -> tuple[int, int]:
        if self.strand == "+":
            return self.start + a, self.start + b
        return self.end - b, self.end - a

    def read(self, source, a, b):
        lo, hi = self._reference(a, b)
        codes = encode_codes(source.genome.fetch(self.chrom, lo, hi))
        signal = source.signal_values(self.chrom, lo, hi)
        if self.strand == "-":
            codes = reverse_complement_codes(codes)
            signal = None if signal is None else signal[::-1]
        return codes, signal

    def emit(self, sinks, a, forget, access):
        lo, hi = self._reference(a, a + forget.shape[0])
        if self.strand == "-":
            forget, access = forget[::-1], access[::-1]
        keep_lo, keep_hi = max(lo, self.out_start), min(hi, self.out_end)
        if keep_lo >= keep_hi:
            return
        part = slice(keep_lo - lo, keep_hi - lo)
        sinks.writer(self.chrom, self.strand, "forget").write(keep_lo, forget[part])
        sinks.writer(self.chrom, self.strand, "accessibility").write(keep_lo, access[part])


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

    def emit(self, sinks, a, forget, access):
        skip = max(self.burn_in - a, 0)
        if skip < forget.shape[0]:
            sinks.writer(self.chrom, self.strand, "null").write(self.out_offset + a + skip - self.burn_in, forget[skip:])


@dataclass
class Sources:
    genome: Genome
    signal: Any | None  # SignalTrack

    def signal_values(self, chrom: str, start: int, end: int) -> np.ndarray | None:
        return None if self.signal is None else self.signal.values(chrom, start, end)


class Sinks:
    """Per-chromosome array writers, committed when all the chromosome's jobs are done.

    Arrays are declared up front (:meth:`open`) but their files are created on
    first write (or at completion); writers hold no open file between writes.
    """

    def __init__(self, out_dir: Path, on_complete):
        self.out_dir = out_dir
        self.specs: dict[str, dict[tuple[str, str], tuple[int, list[tuple[int, int]]]]] = defaultdict(dict)
        self.writers: dict[tuple[str, str, str], ArrayWriter] = {}
        self.pending: dict[str, int] = defaultdict(int)
        self.on_complete = on_complete

    def open(self, chrom: str, strand: str, kind: str, length: int, gaps: list[tuple[int, int]]) -> None:
        """Declare an array of ``length`` whose ``gaps`` (no job writes there) are NaN."""
        self.specs[chrom][(strand, kind)] = (length, gaps)

    def writer(self, chrom: str, strand: str, kind: str) -> ArrayWriter:
        key = (chrom, strand, kind)
        if key not in self.writers:
            length, gaps = self.specs[chrom][(strand, kind)]
            path = null_path(self.out_dir, chrom, strand) if kind == "null" else array_path(self.out_dir, chrom, strand, kind)
            writer = ArrayWriter(path, length)
            for start, end in gaps:
                writer.fill(start, end, np.nan)
            self.writers[key] = writer
        return self.writers[key]

    def job_done(self, job: Job) -> None:
        self.pending[job.chrom] -= 1
        if self.pending[job.chrom] == 0:
            self.complete(job.chrom)

    def complete(self, chrom: str) -> None:
        """Commit every array of ``chrom`` (creating those no job wrote) and report it done."""
        for strand, kind in list(self.specs.get(chrom, {})):
            self.writer(chrom, strand, kind).commit()
            del self.writers[(chrom, strand, kind)]
        self.specs.pop(chrom, None)
        self.on_complete(chrom)

    def discard(self) -> None:
        for writer in self.writers.values():
            writer.discard()
        self.writers.clear()


# ---------------------------------------------------------------------- planning


def unknown_runs(genome: Genome, chrom: str, min_length: int) -> list[tuple[int, int]]:
    """Runs of at least ``min_length`` unknown (non-ACGT) bases, read in blocks.

    Returns
    -------
    list of tuple
        ``(start, end)`` 0-based half-open, in order.
    """
    length = genome.sizes[chrom]
    runs: list[tuple[int, int]] = []
    carry = None  # start of a run that reached the end of the previous block
    for block in range(0, length, _READ_BLOCK):
        block_end = min(block + _READ_BLOCK, length)
        starts, ends = true_runs(encode_codes(genome.fetch(chrom, block, block_end)) == UNKNOWN_CODE)
        here = list(zip((starts + block).tolist(), (ends + block).tolist()))
        if carry is not None:
            if here and here[0][0] == block:
                here[0] = (carry, here[0][1])
            else:
                here.insert(0, (carry, block))
            carry = None
        if here and here[-1][1] == block_end and block_end < length:
            carry = here.pop()[0]
        runs += [(start, end) for start, end in here if end - start >= min_length]
    return runs


def scan_segments(
    genome: Genome, chrom: str, n_reset: int, region: tuple[int, int] | None = None
) -> list[tuple[int, int]]:
    """Stretches of a chromosome scanned as separate jobs (split at long N runs).

    Parameters
    ----------
    genome
        The genome.
    chrom
        Chromosome name.
    n_reset
        Minimum length of an unknown-base run that is skipped (state reset after it).
    region
        Restrict to ``(start, end)``.

    Returns
    -------
    list of tuple
        ``(start, end)`` in order.
    """
    length = genome.sizes[chrom]
    pieces = complement_intervals(unknown_runs(genome, chrom, n_reset), length)
    if region is not None:
        lo, hi = region
        pieces = [(max(s, lo), min(e, hi)) for s, e in pieces if min(e, hi) > max(s, lo)]
    return pieces


def _split(pieces: list[tuple[int, int]], parts: int) -> list[tuple[int, int, int, int]]:
    """Cut stretches into about ``parts`` pieces; returns (piece, stretch) bounds."""
    total = sum(e - s for s, e in pieces)
    size = max(1, math.ceil(total / parts))
    out = []
    for s, e in pieces:
        for a in range(s, e, size):
            out.append((a, min(a + size, e), s, e))
    return out


def genome_jobs(chrom: str, pieces: list[tuple[int, int]], settings: ScanSettings) -> list[GenomeJob]:
    """Jobs of one chromosome: per strand, per stretch (and per segment with burn-in)."""
    jobs = []
    for strand in settings.strands:
        if settings.segments <= 1:
            jobs += [GenomeJob(chrom, strand, s, e, s, e) for s, e in pieces]
            continue
        for a, b, s, e in _split(pieces, settings.segments):
            if strand == "+":
                jobs.append(GenomeJob(chrom, strand, max(s, a - settings.burn_in), b, a, b))
            else:
                jobs.append(GenomeJob(chrom, strand, a, min(e, b + settings.burn_in), a, b))
    return jobs


def null_jobs(
    chrom: str, pieces: list[tuple[int, int]], settings: ScanSettings
) -> tuple[list[NullJob], int, list[tuple[int, int]]]:
    """Seeded shuffled-window jobs of one chromosome, the null array length per strand,
    and the one-base NaN separators between windows (so no drop spans two windows)."""
    total = sum(e - s for s, e in pieces)
    usable = [(s, e) for s, e in pieces if e - s > settings.null_burn_in]
    if settings.null_fraction <= 0 or not usable:
        return [], 0, []
    chrom_seed = zlib.crc32(chrom.encode())
    rng = np.random.default_rng([settings.seed, chrom_seed])
    lengths = np.array([e - s for s, e in usable], dtype=np.float64)
    count = max(1, math.ceil(settings.null_fraction * total / settings.null_window))
    jobs, offset, separators = [], 0, []
    for index in range(count):
        if index:
            separators.append((offset, offset + 1))
            offset += 1
        s, e = usable[int(rng.choice(len(usable), p=lengths / lengths.sum()))]
        window = min(settings.null_window, e - s)
        start = int(rng.integers(s, e - window + 1))
        kept = window - settings.null_burn_in
        for strand in settings.strands:
            seed = (settings.seed, chrom_seed, index)
            jobs.append(NullJob(chrom, strand, start, window, seed, settings.null_burn_in, offset,
                                signal_mode=settings.null_signal))
        offset += kept
    return jobs, offset, separators


@dataclass
class Step:
    """One chunk batch: ``keep[r]`` is the previous row continued by row ``r`` (-1:
    new job, zero state); ``pieces[r] = (job, start, end)`` in scan positions."""

    keep: list[int]
    pieces: list[tuple[Job, int, int]]

    @property
    def length(self) -> int:
        return max(end - start for _, start, end in self.pieces)


def plan_steps(jobs: list[Job], batch_size: int, chunk_size: int) -> Iterator[Step]:
    """Schedule jobs onto ``batch_size`` rows, longest first, ``chunk_size`` bases a step."""
    queue = deque(sorted(jobs, key=lambda job: -job.length))
    slots: list[list] = []  # [job, position]
    while True:
        keep, fresh = [], []
        for index, slot in enumerate(slots):
            if slot[1] < slot[0].length:
                keep.append(index)
                fresh.append(slot)
            elif queue:
                keep.append(-1)
                fresh.append([queue.popleft(), 0])
        while len(fresh) < batch_size and queue:
            keep.append(-1)
            fresh.append([queue.popleft(), 0])
        if not fresh:
            return
        pieces = []
        for slot in fresh:
            end = min(slot[1] + chunk_size, slot[0].length)
            pieces.append((slot[0], slot[1], end))
            slot[1] = end
        slots = fresh
        yield Step(keep, pieces)
