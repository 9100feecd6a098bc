"""Exact dinucleotide shuffle."""

import collections
import itertools

import numpy as np
import pytest

from gategenome.core.shuffle import dinucleotide_counts, dinucleotide_shuffle


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shuffle_keeps_dinucleotide_counts_and_ends(seed):
    rng = np.random.default_rng(seed)
    codes = rng.choice(5, 5_000, p=[0.3, 0.2, 0.2, 0.28, 0.02]).astype(np.uint8)
    codes[100:140] = 4  # a run of N
    shuffled = dinucleotide_shuffle(codes, np.random.default_rng(seed + 10))
    assert shuffled.dtype == codes.dtype and shuffled.shape == codes.shape
    np.testing.assert_array_equal(dinucleotide_counts(shuffled), dinucleotide_counts(codes))
    assert shuffled[0] == codes[0] and shuffled[-1] == codes[-1]
    assert np.mean(shuffled != codes) > 0.5


def test_shuffle_is_seeded():
    codes = np.random.default_rng(0).integers(0, 4, 1_000).astype(np.uint8)
    a = dinucleotide_shuffle(codes, np.random.default_rng(7))
    b = dinucleotide_shuffle(codes, np.random.default_rng(7))
    c = dinucleotide_shuffle(codes, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_shuffle_is_uniform_over_sequences_with_the_same_dinucleotides():
    codes = np.array([0, 1, 0, 2, 1, 1, 0, 2, 0], dtype=np.uint8)
    target = dinucleotide_counts(codes, 3)
    # every arrangement with the same dinucleotide counts, by brute force
    valid = {
        p for p in set(itertools.permutations(codes.tolist()))
        if np.array_equal(dinucleotide_counts(np.array(p), 3), target)
    }
    rng = np.random.default_rng(0)
    draws = 12_000
    seen = collections.Counter(tuple(dinucleotide_shuffle(codes, rng).tolist()) for _ in range(draws))
    assert set(seen) == valid
    expected = draws / len(valid)
    chi2 = sum((count - expected) ** 2 / expected for count in seen.values())
    assert chi2 < 3 * len(valid)  # far below what a biased sampler gives, far above chance failure


def test_short_sequences_are_returned_unchanged():
    for codes in (np.array([], dtype=np.uint8), np.array([2], dtype=np.uint8), np.array([1, 3], dtype=np.uint8)):
        np.testing.assert_array_equal(dinucleotide_shuffle(codes, np.random.default_rng(0)), codes)
