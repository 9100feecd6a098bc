"""Region calls: an opening boundary paired with the next closing one."""

from __future__ import annotations

import math

from gategenome.call.regions import boundary_position, boundary_qvalue, pair_regions
from gategenome.io.bed import Interval


def _boundary(chrom, position, direction, score=500, q=0.01):
    start = position - 10
    return Interval(chrom, start, position + 11, "b", score, ".",
                    ("0.5", "3", f"{-math.log10(q):.4f}", str(position - start), direction, "+-", "0.95"))


def test_pairs_opening_with_the_next_closing_and_skips_unpaired_ones():
    boundaries = [
        _boundary("chrA", 900, "closing"),            # nothing open: unpaired
        _boundary("chrA", 1_000, "opening"),          # its closing was missed: replaced by the next opening
        _boundary("chrA", 1_200, "opening", 700),
        _boundary("chrA", 1_500, "closing", 600),
        _boundary("chrA", 1_800, "closing"),          # unpaired
        _boundary("chrA", 3_000, "opening"),          # never closed
        _boundary("chrB", 50, "opening", 900),
        _boundary("chrB", 400, "closing", 800),
    ]
    regions = pair_regions(reversed(boundaries))  # input order does not matter within a chromosome
    got = sorted((r.chrom, r.start, r.end, r.score) for r in regions)
    assert got == [("chrA", 1_200, 1_500, 600), ("chrB", 50, 400, 800)]
    assert {r.name for r in regions} == {"region_1", "region_2"} and all(r.strand == "." for r in regions)


def test_boundary_position_reads_the_peak_offset_or_the_midpoint():
    assert boundary_position(_boundary("chrA", 1_000, "opening")) == 1_000
    assert boundary_position(Interval("chrA", 100, 200)) == 150


def test_with_an_fdr_candidates_pair_as_predicted_and_a_region_needs_one_called_edge():
    candidates = [
        _boundary("chrA", 1_000, "opening", q=0.01),
        _boundary("chrA", 1_300, "closing", q=0.4),   # not a call: still closes the first region
        _boundary("chrA", 2_000, "opening", q=0.3),
        _boundary("chrA", 2_400, "closing", q=0.02),
        _boundary("chrA", 5_000, "opening", q=0.2),   # neither edge called: no region
        _boundary("chrA", 5_300, "closing", q=0.5),
    ]
    got = [(r.start, r.end) for r in pair_regions(candidates, fdr=0.05)]
    assert got == [(1_000, 1_300), (2_000, 2_400)]
    calls_only = [c for c in candidates if boundary_qvalue(c) <= 0.05]
    assert [(r.start, r.end) for r in pair_regions(calls_only)] == [(1_000, 2_400)]  # joined over closed chromatin
    assert len(pair_regions(candidates)) == 3
