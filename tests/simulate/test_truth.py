"""simulate.truth: the planted regions' boundaries are their strand-aware edges."""

from __future__ import annotations

from gategenome.io.bed import read_bed
from gategenome.simulate.run import FILES


def test_boundaries_are_strand_aware_region_edges(sim):
    regions = {iv.name: iv for iv in read_bed(sim / FILES["accessible"])}
    for boundary in read_bed(sim / FILES["boundaries"]):
        name, kind = boundary.name.split(":")
        region = regions[name]
        expected = {
            ("+", "entry"): region.start, ("+", "exit"): region.end,
            ("-", "entry"): region.end - 1, ("-", "exit"): region.start - 1,
        }[(boundary.strand, kind)]
        assert (boundary.start, boundary.end) == (expected, expected + 1)
