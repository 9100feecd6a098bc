"""Boundary scores of the :mod:`scan_fixture` case, by looping over every (call, edge) pair.

The evaluate tests compare the vectorised scores with these.
"""

from __future__ import annotations

import scan_fixture

DISTANCES = (50, 100, 250)


def summit(row) -> int:
    chrom, start, end, *_rest, offset = row
    return start + offset if offset >= 0 else (start + end) // 2


def brute_edges(chrom: str) -> tuple[list[int], list[int]]:
    length = scan_fixture.SIZES[chrom]
    left = [s for s, _ in scan_fixture.REGIONS[chrom] if s > 0]
    right = [e for _, e in scan_fixture.REGIONS[chrom] if e < length]
    return left, right


def brute_kind_edges(chrom: str, strand: str, kind: str) -> list[int]:
    left, right = brute_edges(chrom)
    plus_side = left if kind == "entry" else right
    minus_side = right if kind == "entry" else left
    return plus_side if strand == "+" else minus_side


def brute_prf(strands: tuple[str, ...], kind: str | None, d: int) -> tuple[float, float]:
    """Precision and recall by looping over every (call, edge) pair."""
    test = scan_fixture.FOLDS["test"]
    calls = [(row[0], row[5], summit(row)) for row in scan_fixture.drops() if row[0] in test and row[5] in strands]
    near_calls = 0
    for chrom, strand, p in calls:
        targets = (brute_kind_edges(chrom, strand, kind) if kind else sum(brute_edges(chrom), []))
        near_calls += any(abs(p - e) <= d for e in targets)
    found, total = 0, 0
    if kind is None:
        for chrom in test:
            for e in sorted(set(sum(brute_edges(chrom), []))):
                total += 1
                found += any(c == chrom and abs(p - e) <= d for c, _, p in calls)
    else:
        for strand in strands:
            for chrom in test:
                for e in brute_kind_edges(chrom, strand, kind):
                    total += 1
                    found += any(c == chrom and s == strand and abs(p - e) <= d for c, s, p in calls)
    return near_calls / len(calls), found / total
