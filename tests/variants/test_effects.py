"""Effects of an allele on one strand: alignment of indels to the reference, minima, footprint, drops."""

from __future__ import annotations

import numpy as np
import pytest

from gategenome.variants.effects import StrandEffect, aligned_index, combine, common_ends, strand_effect


def test_common_ends_of_substitutions_insertions_and_deletions():
    assert common_ends("A", "C") == (1, 0)
    assert common_ends("A", "AGG") == (1, 0)      # plus-strand insertion: the anchor is the prefix
    assert common_ends("GGA", "A") == (0, 1)      # minus strand: the anchor is the suffix
    assert common_ends("AAA", "AA") == (2, 0)     # prefix and suffix do not overlap


def test_deleted_bases_have_no_alternative_position_and_later_ones_shift():
    index = aligned_index(10, off=3, ref_len=4, alt_len=1, prefix=1, suffix=0)
    assert index.tolist() == [0, 1, 2, 3, -1, -1, -1, 4, 5, 6]
    inserted = aligned_index(6, off=2, ref_len=1, alt_len=3, prefix=1, suffix=0)
    assert inserted.tolist() == [0, 1, 2, 5, 6, 7]


def test_strand_effect_reads_minimum_footprint_and_accessibility():
    length = 40
    f_ref = np.full(length, 0.9, dtype=np.float32)
    a_ref = np.full(length, 0.2, dtype=np.float32)
    f_alt, a_alt = f_ref.copy(), a_ref.copy()
    f_alt[11] = 0.3                        # a drop right after the SNV at offset 10
    f_alt[11:25] -= 0.01                   # the tracks stay different for 15 bases downstream
    a_alt[10] = 0.5
    effect = strand_effect(f_ref, a_ref, f_alt, a_alt, off=10, ref="A", alt="C", window=3, tol=1e-3)
    assert effect.min_ref == pytest.approx(0.9) and effect.min_alt == pytest.approx(0.29)
    assert effect.access_at == pytest.approx(0.3) and effect.access_max == pytest.approx(0.3)
    assert effect.footprint == 14 and not effect.capped
    row = combine({"+": effect, "-": StrandEffect(0.0, 0.0, 0.9, 0.9, 0, False)}, threshold=0.5)
    assert row["drop"] == "gained" and row["drop_strands"] == "+"
    assert row["d_min_forget"] == pytest.approx(-0.61) and row["d_access"] == pytest.approx(0.15)
    assert row["footprint"] == 14


def test_a_difference_at_the_window_end_marks_the_footprint_capped():
    f = np.full(20, 0.9, dtype=np.float32)
    f_alt = f.copy()
    f_alt[5:] = 0.8
    effect = strand_effect(f, f, f_alt, f, off=4, ref="A", alt="G", window=2, tol=1e-3)
    assert effect.footprint == 15 and effect.capped
