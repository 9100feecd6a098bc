"""Exactness: the batched, state-carrying mutagenesis equals each mutant chromosome scanned from its start."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from variants_testlib import model, small_genome

from gategenome.explain.mutagenesis import alternative_bases, hypothetical_from_deltas, saturation_mutagenesis
from gategenome.explain.naive import naive_mutagenesis
from gategenome.explain.targets import Target
from gategenome.explain.windows import scan_inputs, upstream_states
from gategenome.model.network import StreamState

CPU = torch.device("cpu")


def _batched(net, genome, targets, flank, block, context="exact"):
    rows, states = [], []
    for target in targets:
        length = genome.sizes[target.chrom]
        u = target.scan_summit(length)
        start = u - flank + 1
        x, codes = scan_inputs(genome, None, target.chrom, target.strand, start, u + 1, net.config)
        rows.append((x, codes))
        states.append(upstream_states(net, genome, None, target.chrom, target.strand, [start], context, 700,
                                      CPU)[start])
    x = torch.from_numpy(np.stack([r[0] for r in rows]))
    codes = np.stack([r[1] for r in rows])
    return saturation_mutagenesis(net, x, codes, StreamState.cat(states), block=block)


@pytest.mark.usefixtures("one_torch_thread")
def test_batched_mutagenesis_equals_mutants_scanned_from_scratch(tmp_path):
    genome, _ = small_genome(tmp_path, length=1500)
    net = model()
    flank = 24
    targets = [Target("a", "chrA", "+", 900, 910, 905, 0.5), Target("b", "chrA", "-", 300, 320, 311, 0.4)]
    reference, delta = _batched(net, genome, targets, flank, block=5)  # 24 = 4 blocks of 5 + one of 4
    for row, target in enumerate(targets):
        naive_reference, naive_delta = naive_mutagenesis(net, genome, None, target, flank, chunk_size=700)
        assert reference[row] == pytest.approx(naive_reference, abs=1e-5)
        np.testing.assert_allclose(delta[row], naive_delta, atol=1e-5)
    # the substitutions do move the dip, and bases far upstream move it less than the nearest ones
    assert np.abs(delta).max() > 1e-3
    assert np.abs(delta[:, -5:]).mean() > np.abs(delta[:, :5]).mean()


@pytest.mark.usefixtures("one_torch_thread")
def test_zero_context_differs_from_the_exact_state(tmp_path):
    genome, _ = small_genome(tmp_path, length=1500)
    net = model()
    target = [Target("a", "chrA", "+", 900, 910, 905, 0.5)]
    exact, _ = _batched(net, genome, target, 24, block=8)
    none, _ = _batched(net, genome, target, 24, block=8, context="0")
    assert abs(exact[0] - none[0]) > 1e-4  # the carried state matters for a long-memory model


def test_hypothetical_scores_are_centred_and_zero_at_unknown_bases():
    delta = np.array([[[0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 0.0]]])
    codes = np.array([[0, 4]], dtype=np.uint8)
    hypothetical = hypothetical_from_deltas(delta, codes)
    np.testing.assert_allclose(hypothetical[0, 0], [-1.5, -0.5, 0.5, 1.5])
    assert not hypothetical[0, 1].any()
    np.testing.assert_array_equal(alternative_bases(np.array([2, 4], dtype=np.uint8)), [[3, 0, 1], [1, 2, 3]])
