"""The drops to explain: read from a ``drops.bed`` and placed in scan coordinates.

A drop of ``gategenome call`` is BED6+4 (narrowPeak layout): its strand is the
scan direction, column 7 its depth ``1 - min f`` and column 10 the summit's offset
from the start.  The plus strand reads the chromosome left to right; the minus
strand reads the reverse complement, so reference base ``p`` is scan position
``length - 1 - p`` there.  Peaks (``explain --target counts``) are read the same
way: a narrowPeak's column 7 is its signal and column 10 its summit; a record
whose strand is ``.`` (or absent) is read on the plus strand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from gategenome.errors import InputError
from gategenome.io.bed import read_bed
from gategenome.io.chroms import name_lookup


@dataclass(frozen=True)
class Target:
    """One drop to explain.

    Attributes
    ----------
    name
        The drop's name (BED column 4).
    chrom, strand
        Where it is; the strand is the scan direction.
    start, end
        The drop, reference coordinates (0-based, half-open).
    summit
        Reference position of the summit (the base of the minimum gate).
    depth
        ``1 - min f`` from the file (0 when the file has no such column).
    """

    name: str
    chrom: str
    strand: str
    start: int
    end: int
    summit: int
    depth: float

    def scan_summit(self, length: int) -> int:
        """``u``: the summit in scan coordinates of its strand."""
        return self.summit if self.strand == "+" else length - 1 - self.summit


def _summit(path, number: int, interval) -> int:
    if len(interval.extra) >= 4 and interval.extra[3] not in (".", "-1"):
        try:
            offset = int(interval.extra[3])
        except ValueError:
            raise InputError(f"{path}: record {number}: summit offset (column 10) {interval.extra[3]!r} is not an "
                             "integer; expected a drops.bed of gategenome call") from None
        if not 0 <= offset < len(interval):
            raise InputError(f"{path}: record {number}: summit offset {offset} lies outside the drop "
                             f"{interval.chrom}:{interval.start}-{interval.end}")
        return interval.start + offset
    return (interval.start + interval.end) // 2


def _depth(path, number: int, interval) -> float:
    if not interval.extra:
        return 0.0
    try:
        return float(interval.extra[0])
    except ValueError:
        raise InputError(f"{path}: record {number}: depth (column 7) {interval.extra[0]!r} is not a number; "
                         "expected a drops.bed of gategenome call") from None


def read_targets(path: str | os.PathLike, sizes: dict[str, int], top: int = 0,
                 unstranded: str | None = None) -> list[Target]:
    """The drops of a BED file, the ``top`` deepest (0: all), in file order.

    Parameters
    ----------
    path
        ``drops.bed`` of ``gategenome call`` (BED6 at least: the strand is needed).
    sizes
        Chromosome lengths of the genome; the records' names are matched to them as everywhere
        (:func:`gategenome.io.chroms.name_lookup`: ``chrI`` and ``I`` are one chromosome).
    top
        Keep the ``top`` deepest drops (by column 7), 0 for all.
    unstranded
        The scan direction of a record whose strand is ``.`` or absent (peaks); None: such a record is an error.

    Raises
    ------
    InputError
        A record without a ``+``/``-`` strand (unless ``unstranded``), on a chromosome the genome lacks, or
        past its end.  A file without records gives no targets (``call`` found no drop).
    """
    targets = []
    lookup = name_lookup(sizes)
    for number, interval in enumerate(read_bed(path, "drops"), 1):
        strand = unstranded if interval.strand == "." and unstranded else interval.strand
        if strand not in ("+", "-"):
            raise InputError(f"{path}: record {number}: strand {interval.strand!r}; expected '+' or '-' "
                             "(the scan direction of the drop)")
        chrom = lookup(interval.chrom)
        if chrom is None:
            raise InputError(f"{path}: record {number}: chromosome {interval.chrom!r} is not in the genome")
        if interval.end > sizes[chrom] or interval.end <= interval.start:
            raise InputError(f"{path}: record {number}: {interval.chrom}:{interval.start}-{interval.end} is empty "
                             f"or past the chromosome's end ({sizes[chrom]})")
        targets.append(Target(interval.name, chrom, strand, interval.start, interval.end,
                              _summit(path, number, interval), _depth(path, number, interval)))
    if top and len(targets) > top:
        keep = sorted(range(len(targets)), key=lambda i: (-targets[i].depth, i))[:top]
        targets = [targets[i] for i in sorted(keep)]
    return targets
