"""Scan planning: a chromosome's stretches and jobs, and their schedule onto batch rows.

:func:`plan_chromosome` cuts a chromosome at long runs of N into stretches and
makes its jobs (:mod:`gategenome.scan.jobs`): per strand and stretch, and the
seeded shuffled null windows.  :func:`plan_steps` packs jobs onto ``batch_size``
rows, ``chunk_size`` bases at a time, handing a row to the next job (with a fresh
state) when its job ends.  See :mod:`gategenome.scan.compute` for the computation.
"""

from __future__ import annotations

import heapq
import math
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from gategenome.core.encode import UNKNOWN_CODE, encode_codes
from gategenome.core.runs import complement_intervals, true_runs
from gategenome.io.fasta import Genome
from gategenome.scan.jobs import GenomeJob, Job, NullJob
from gategenome.scan.settings import ScanSettings

_READ_BLOCK = 1 << 20  # bases; the temporaries of a block are the scan planner's largest


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
class ChromosomePlan:
    """The work of one chromosome.

    Attributes
    ----------
    pieces
        Stretches scanned, ``(start, end)`` in order (the chromosome less its long N runs).
    jobs
        Scan jobs (every strand and stretch).
    null
        Null-window jobs.
    null_length
        Length of the null array per strand.
    null_gaps
        One-base NaN separators between null windows.
    """

    pieces: list[tuple[int, int]]
    jobs: list[GenomeJob]
    null: list[NullJob]
    null_length: int
    null_gaps: list[tuple[int, int]]

    @property
    def bases(self) -> int:
        """Bases scanned per strand."""
        return sum(end - start for start, end in self.pieces)

    @property
    def null_bases(self) -> int:
        """Null bases per strand (window bases after their burn-in)."""
        return self.null_length - len(self.null_gaps)


def plan_chromosome(
    genome: Genome, chrom: str, settings: ScanSettings, region: tuple[int, int] | None = None
) -> ChromosomePlan:
    """Stretches and jobs of one chromosome (restricted to ``region`` ``(start, end)`` if given)."""
    pieces = scan_segments(genome, chrom, settings.n_reset, region)
    null, null_length, null_gaps = null_jobs(chrom, pieces, settings)
    return ChromosomePlan(pieces, genome_jobs(chrom, pieces, settings), null, null_length, null_gaps)


@dataclass
class Step:
    """One chunk batch: ``keep[r]`` is the previous row continued by row ``r`` (-1:
    new job, zero state); ``pieces[r] = (job, start, end)`` in scan positions."""

    keep: list[int]
    pieces: list[tuple[Job, int, int]]

    @property
    def length(self) -> int:
        return max(end - start for _, start, end in self.pieces)


def schedule_steps(lengths: list[int], rows: int, chunk_size: int) -> int:
    """Steps :func:`plan_steps` takes for jobs of ``lengths`` on ``rows`` rows (its makespan).

    A job of ``n`` bases holds its row for ``ceil(n / chunk_size)`` steps; a freed
    row takes the longest job left (list scheduling, longest first).
    """
    loads = [0] * max(1, rows)
    for length in sorted(lengths, reverse=True):
        heapq.heapreplace(loads, loads[0] + -(-length // chunk_size))
    return max(loads)


def batch_rows(lengths: list[int], batch_size: int, chunk_size: int) -> int:
    """The fewest rows, at most ``batch_size``, that scan jobs of ``lengths`` in as few steps as ``batch_size`` rows.

    Rows beyond that only start every job early to leave it waiting at the end: a
    chromosome's strand is sequential, so the longest one sets the number of steps,
    and the last steps run a few rows, where the fused LSTM costs more per base;
    fewer rows, each refilled as
    its job ends, keep every step full for the same number of steps.  The result is
    the same for any number of rows.
    """
    if not lengths:
        return 1
    rows = min(batch_size, len(lengths))
    target = schedule_steps(lengths, rows, chunk_size)
    total = sum(-(-length // chunk_size) for length in lengths)
    for fewer in range(max(1, -(-total // target)), rows):
        if schedule_steps(lengths, fewer, chunk_size) <= target:
            return fewer
    return rows


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
