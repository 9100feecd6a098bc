"""Region calls: an opening boundary paired with the next closing one."""

from __future__ import annotations

from gategenome.call.regions import boundary_position, pair_regions
from gategenome.io.bed import Interval


def _boundary(chrom, position, direction, score=500):
    start = position - 10
    return Interval(chrom, start, position + 11, "b", score, ".",
                    ("0.5", "3", "2", str(position - start), direction, "+-", "0.95"))


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
