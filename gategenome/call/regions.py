"""Accessible-region calls from boundary calls: an opening boundary paired with the next closing one.

Walking each chromosome left to right, an ``opening`` boundary starts a region
and the next ``closing`` boundary ends it.  Two openings in a row mean the
closing between them was missed, so the later opening replaces the earlier one
(keeping the earlier would make one region over the closed chromatin between
two regions); a closing boundary with no open region is left unpaired.  The command
pairs every tested candidate, whatever its q-value, and keeps a region when at
least one of its edges is a boundary call: pairing the calls alone joins two
regions over the closed chromatin between them wherever the inner edges missed
the FDR.  The
region runs from the opening boundary's position to the closing one's
(0-based, half-open), so it can be compared base by base with a peak caller's
regions.

Output is BED6: ``chrom start end region_<n> score .``, ``score`` the smaller of
the two boundaries' scores.
"""

from __future__ import annotations

from collections.abc import Iterable

from gategenome.io.bed import Interval


def boundary_position(boundary: Interval) -> int:
    """``start + peak offset`` (column 10) of a boundary record; the midpoint without one."""
    try:
        return boundary.start + int(boundary.extra[3])
    except (IndexError, ValueError):
        return (boundary.start + boundary.end) // 2


def boundary_direction(boundary: Interval) -> str:
    """``opening`` or ``closing`` (column 11); ``""`` when absent."""
    return boundary.extra[4] if len(boundary.extra) > 4 else ""


def boundary_qvalue(boundary: Interval) -> float:
    """q-value of a boundary record (column 9 holds ``-log10 q``)."""
    return 10.0 ** -float(boundary.extra[2])


def pair_regions(boundaries: Iterable[Interval], min_length: int = 1, fdr: float | None = None) -> list[Interval]:
    """Pair each opening boundary with the next closing one on the same chromosome.

    Parameters
    ----------
    boundaries
        Boundary calls (BED6+7 of :mod:`gategenome.call.boundaries`), any order.
    min_length
        Shorter regions are left out.
    fdr
        None: every boundary given is a call.  A number: ``boundaries`` are all
        the tested candidates (any q-value), paired as the model predicts them,
        and a region is kept when at least one of its two edges has
        ``q <= fdr`` (column 9 holds ``-log10 q``).

    Returns
    -------
    list[Interval]
        BED6 regions in input chromosome order, then by start, named ``region_<n>``.
    """
    by_chrom: dict[str, list[Interval]] = {}
    for boundary in boundaries:
        by_chrom.setdefault(boundary.chrom, []).append(boundary)
    regions: list[Interval] = []
    for chrom, records in by_chrom.items():
        opened: Interval | None = None
        for record in sorted(records, key=boundary_position):
            direction = boundary_direction(record)
            if direction == "opening":
                opened = record
            elif direction == "closing" and opened is not None:
                start, end = boundary_position(opened), boundary_position(record)
                called = fdr is None or min(boundary_qvalue(opened), boundary_qvalue(record)) <= fdr
                if end - start >= min_length and called:
                    regions.append(Interval(chrom, start, end, ".", min(opened.score, record.score), "."))
                opened = None
    return [Interval(r.chrom, r.start, r.end, f"region_{n}", r.score, r.strand) for n, r in enumerate(regions, 1)]
