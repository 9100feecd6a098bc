"""What the simulation planted: the accessible regions and their strand-aware boundaries.

These are the truth the simulated peaks only approximate.  Coordinates are
0-based, half-open.
"""

from __future__ import annotations

from dataclasses import dataclass

from gategenome.io.bed import Interval


@dataclass
class Region:
    """One planted accessible region (0-based, half-open) and what it holds."""

    chrom: str
    start: int
    end: int
    motifs: int
    poly_at: bool
    strength: float


def boundaries(regions: list[Region], first: int = 0) -> list[Interval]:
    """Strand-aware edges of the planted regions as 1-base BED records.

    A boundary is the first base of the new state in the scan direction.  On
    ``+`` (left to right) a region ``[s, e)`` is entered at base ``s`` and left
    at base ``e``; on ``-`` (right to left) it is entered at base ``e - 1`` and
    left at base ``s - 1``.  Names are ``{region}:entry`` / ``{region}:exit``;
    the score is the region strength x 100 (capped at 1000).  ``first`` is the
    genome-wide index of ``regions[0]`` (regions are numbered across chromosomes),
    so the records of a genome can be made a piece of it at a time; records are
    sorted by chromosome name, then position.
    """
    records: list[Interval] = []
    for index, region in enumerate(regions, first):
        name = f"{region.chrom}_r{index}"
        score = min(1000, int(round(region.strength * 100)))
        for position, strand, kind in (
            (region.start, "+", "entry"), (region.end, "+", "exit"),
            (region.end - 1, "-", "entry"), (region.start - 1, "-", "exit"),
        ):
            records.append(Interval(region.chrom, position, position + 1, f"{name}:{kind}", score, strand))
    return sorted(records, key=lambda iv: (iv.chrom, iv.start, iv.strand))


def region_records(regions: list[Region], first: int = 0) -> list[Interval]:
    """The planted regions as BED records: name ``{chrom}_r{index}``, score = strength x 100
    (capped at 1000), then the motif count and whether a poly(dA:dT) stretch was planted (0/1).
    ``first`` is the genome-wide index of ``regions[0]``."""
    return [
        Interval(r.chrom, r.start, r.end, f"{r.chrom}_r{i}", min(1000, int(round(r.strength * 100))), ".",
                 (str(r.motifs), str(int(r.poly_at))))
        for i, r in enumerate(regions, first)
    ]
