"""Synthesis constraints: the checker and the constrained random builder."""

from __future__ import annotations

import numpy as np
import pytest
from design_testlib import independent_check

from gategenome.design.constraints import (
    SequenceConstraints,
    gc_fraction,
    longest_homopolymer,
    random_sequence,
    window_gc,
)


def test_constraint_checker_catches_each_violation():
    constraints = SequenceConstraints(0.4, 0.6, 10, 3, ["GGATC", "RAATTY"])
    assert constraints.satisfied("ACGTACGTACGTACGT")
    assert any("GC" in v for v in constraints.violations("ACGTACGTAATATTACGT"))
    assert any("homopolymer" in v for v in constraints.violations("ACGGGGTACGTACGCA"))
    # GGATC only as its reverse complement GATCC on the given strand
    assert constraints.violations("ACGATCCATGCA") == ["contains GGATC"]
    assert "contains RAATTY" in constraints.violations("ACGCGAATTCGCGC")  # IUPAC R/Y
    assert longest_homopolymer("AAACCCCG") == 4
    assert gc_fraction("GGCA") == 0.75
    assert np.allclose(window_gc("GGAA", 2), [1.0, 0.5, 0.0])


@pytest.mark.parametrize(
    "constraints",
    [
        SequenceConstraints(0.35, 0.65, 50, 6, ["GAATTC", "GGATCC"]),
        SequenceConstraints(0.0, 0.3, 20, 2, ["TTT", "W"[0] + "SW"]),
        SequenceConstraints(0.6, 0.9, 12, 1, ["CGC"]),
    ],
)
def test_random_sequences_meet_constraints_over_many_seeds(constraints):
    for seed in range(25):
        sequence = random_sequence(400, constraints, np.random.default_rng(seed), prefix="")
        assert sequence is not None and len(sequence) == 400
        independent_check(sequence, constraints)


def test_gc_counts_the_whole_sequence_writer_included():
    # every 50 bp window holds exactly 20 G/C (period 50), yet the writer A makes the whole 800/2001 = 0.3998
    unit = "GC" * 10 + "AT" * 15
    sequence = "A" + unit * 40
    constraints = SequenceConstraints(0.4, 0.65, 50, None, [])
    windows = [sum(b in "GC" for b in sequence[i : i + 50]) for i in range(len(sequence) - 49)]
    assert min(windows) == 20
    assert constraints.violations(sequence) == ["GC 0.3998 over the whole sequence outside 0.4-0.65"]
    assert constraints.satisfied(unit * 40)
