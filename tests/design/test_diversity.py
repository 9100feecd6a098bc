"""Pairwise identity of designs and the greedy pick of distinct ones."""

from __future__ import annotations

import numpy as np

from gategenome.design.diversity import identity, max_pairwise_identity, pick_distinct


def _random(length: int, seed: int) -> str:
    return "".join(np.random.default_rng(seed).choice(list("ACGT"), length))


def test_identity_sees_a_shifted_repeat_and_not_unrelated_sequence():
    assert identity("TGCGT" * 400, "GCGTT" * 400) > 0.99  # a position-wise count gives 0.2
    assert identity("ACGT" * 50, "ACGT" * 50) == 1.0
    unrelated = identity(_random(2000, 1), _random(2000, 2))
    assert 0.4 < unrelated < 0.7
    mutated = list(_random(2000, 1))
    for i in range(0, 2000, 10):  # 10% of the bases changed
        mutated[i] = {"A": "C", "C": "G", "G": "T", "T": "A"}[mutated[i]]
    assert abs(identity(_random(2000, 1), "".join(mutated)) - 0.9) < 0.01


def test_pick_distinct_keeps_the_best_of_near_copies():
    base = _random(600, 3)
    near = base[:300] + "A" + base[301:]
    other = _random(600, 4)
    picked = pick_distinct([base, near, other], 0.8)
    assert picked == [0, 2]
    assert pick_distinct([base, near, other], 0.8, wanted=1) == [0]
    assert pick_distinct([near, other], 0.8, kept=[base]) == [1]
    assert max_pairwise_identity([base, other]) < 0.8 < max_pairwise_identity([base, near, other])
