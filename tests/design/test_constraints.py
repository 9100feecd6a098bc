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
    assert constraints.violations("ACGCGAATTCGCGC") == ["contains RAATTY"]  # IUPAC R/Y
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
