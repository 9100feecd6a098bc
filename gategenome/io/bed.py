"""BED and narrowPeak reading and writing.

Coordinates are 0-based, half-open.  ``track``, ``browser`` and ``#`` lines are
skipped on reading.  Writers go through :func:`gategenome.io.atomic.atomic_open`.
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gategenome.errors import InputError
from gategenome.io.atomic import atomic_open
from gategenome.io.reading import open_text, reading


@dataclass(frozen=True, order=True)
class Interval:
    """One BED record (0-based, half-open).

    ``extra`` holds the columns after the sixth as strings (e.g. narrowPeak's
    signalValue, pValue, qValue, peak).
    """

    chrom: str
    start: int
    end: int
    name: str = "."
    score: float = 0.0
    strand: str = "."
    extra: tuple[str, ...] = field(default=(), compare=False)

    def __len__(self) -> int:
        return self.end - self.start

    def to_line(self) -> str:
        """The record as a tab-separated line without newline (at least 3 columns)."""
        columns = [self.chrom, str(self.start), str(self.end)]
        if self.name != "." or self.score or self.strand != "." or self.extra:
            score = int(self.score) if float(self.score).is_integer() else self.score
            columns += [self.name, str(score), self.strand]
        columns += list(self.extra)
        return "\t".join(columns)


def read_bed(path: str | os.PathLike, kind: str = "BED") -> list[Interval]:
    """Read a BED (3+ columns) or narrowPeak file, plain or gzip-compressed.

    Parameters
    ----------
    path
        The file.
    kind
        Word used in error messages ("BED", "peaks", "blacklist").

    Returns
    -------
    list[Interval]
        Records in file order.

    Raises
    ------
    InputError
        Missing file, or a malformed line (the message gives the line number).
    """
    return list(iter_bed(path, kind))


def iter_bed(path: str | os.PathLike, kind: str = "BED") -> Iterator[Interval]:
    """:func:`read_bed` one record at a time, for callers that keep only some (every line is checked)."""
    for fields, start, end, score, strand in _checked_lines(path, kind):
        name = fields[3] if len(fields) > 3 else "."
        yield Interval(fields[0], start, end, name, score, strand, tuple(fields[6:]))


def _checked_lines(path: str | os.PathLike, kind: str) -> Iterator[tuple[list[str], int, int, float, str]]:
    """Every record line of ``path``, split and checked (:func:`_parse_fields`); headers and blanks skipped."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: {kind} file not found")
    with reading(path, f"a plain or gzip text {kind} file"), open_text(path) as handle:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip() or line.startswith(("#", "track", "browser")):
                    continue
                yield _parse_fields(line, path, number, kind)
        except UnicodeDecodeError:
            raise InputError(f"{path}: not a text {kind} file; expected tab-separated BED lines") from None


#: A coordinate: ASCII digits (at most 18: int64), a minus sign allowed (refused below with its own message).
_INTEGER = re.compile(r"-?[0-9]{1,18}")


def _parse_fields(line: str, path: Path, number: int, kind: str) -> tuple[list[str], int, int, float, str]:
    """Split and check one line: ``(fields, start, end, score, strand)``; a malformed line raises."""
    fields = line.rstrip("\n\r").split("\t")
    if len(fields) < 3:
        fields = line.split()
    if len(fields) < 3:
        raise InputError(f"{path}:{number}: malformed {kind} line, expected 'chrom start end', got {line.strip()!r}")
    if not (_INTEGER.fullmatch(fields[1]) and _INTEGER.fullmatch(fields[2])):  # int() also takes 1_0, ١٠, " 7"
        raise InputError(f"{path}:{number}: malformed {kind} line, expected integer start and end in ASCII digits, "
                         f"got {fields[1]!r} {fields[2]!r}")
    start, end = int(fields[1]), int(fields[2])
    if start < 0 or end < start:
        raise InputError(f"{path}:{number}: malformed {kind} line, expected 0 <= start <= end, got {start} {end}")
    try:
        score = float(fields[4]) if len(fields) > 4 and fields[4] != "." else 0.0
    except ValueError:
        raise InputError(
            f"{path}:{number}: malformed {kind} line, expected a numeric score, got {fields[4]!r}"
        ) from None
    strand = fields[5] if len(fields) > 5 else "."
    if strand not in {"+", "-", "."}:
        raise InputError(f"{path}:{number}: malformed {kind} line, expected strand '+', '-' or '.', got {strand!r}")
    return fields, start, end, score, strand


@dataclass
class BedColumns:
    """Start and end columns of a BED file per chromosome, as arrays rather than records.

    Attributes
    ----------
    starts, ends
        Chromosome (as named in the file, in order of first appearance) ->
        ``(K,)`` int64 bounds, in file order.
    count
        Records read.
    first_chrom
        Chromosome of the first record (``None`` for an empty file).
    """

    starts: dict[str, np.ndarray]
    ends: dict[str, np.ndarray]
    count: int
    first_chrom: str | None


def read_bed_columns(path: str | os.PathLike, kind: str = "BED") -> BedColumns:
    """:func:`read_bed` keeping only chromosome, start and end: 16 bytes per record.

    Every line is checked exactly as :func:`read_bed` checks it (same errors);
    name, score, strand and extra columns are dropped once checked, so a file of
    hundreds of thousands of peaks costs a few megabytes instead of an object
    per record.

    Raises
    ------
    InputError
        Missing file, or a malformed line (the message gives the line number).
    """
    starts: dict[str, array] = {}
    ends: dict[str, array] = {}
    count, first = 0, None
    for fields, start, end, _, _ in _checked_lines(path, kind):
        chrom = fields[0]
        if chrom not in starts:
            starts[chrom], ends[chrom] = array("q"), array("q")
            first = chrom if first is None else first
        starts[chrom].append(start)
        ends[chrom].append(end)
        count += 1
    return BedColumns(
        {chrom: np.frombuffer(values, dtype=np.int64) for chrom, values in starts.items()},
        {chrom: np.frombuffer(values, dtype=np.int64) for chrom, values in ends.items()},
        count,
        first,
    )


def write_bed(path: str | os.PathLike, intervals: Iterable[Interval], track_line: str | None = None) -> int:
    """Write intervals to a BED file atomically.

    Parameters
    ----------
    path
        Output path.
    intervals
        Records to write, in the order given.
    track_line
        Optional ``track ...`` header line (without newline).

    Returns
    -------
    int
        Number of records written.
    """
    count = 0
    with atomic_open(path) as handle:
        if track_line:
            handle.write(track_line.rstrip("\n") + "\n")
        for interval in intervals:
            handle.write(interval.to_line() + "\n")
            count += 1
    return count


def sort_intervals(intervals: Iterable[Interval], chrom_order: list[str]) -> list[Interval]:
    """Sort by chromosome in ``chrom_order`` (genome order), then start, then end."""
    rank = {name: index for index, name in enumerate(chrom_order)}
    return sorted(intervals, key=lambda iv: (rank.get(iv.chrom, len(rank)), iv.chrom, iv.start, iv.end))


def merge_intervals(intervals: Iterable[Interval], gap: int = 0) -> list[Interval]:
    """Merge overlapping intervals, and those closer than ``gap`` bases, per chromosome.

    Returns
    -------
    list[Interval]
        Merged three-column intervals, sorted by chromosome name then start.
    """
    merged: list[Interval] = []
    for iv in sorted(intervals, key=lambda iv: (iv.chrom, iv.start, iv.end)):
        if merged and merged[-1].chrom == iv.chrom and iv.start <= merged[-1].end + gap:
            last = merged[-1]
            merged[-1] = Interval(last.chrom, last.start, max(last.end, iv.end))
        else:
            merged.append(Interval(iv.chrom, iv.start, iv.end))
    return merged
