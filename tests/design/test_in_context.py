"""Reset candidates scored inside native closed chromatin from cached upstream states."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from design_testlib import small_model

from gategenome.cli.main import cli
from gategenome.design.context import BEFORE, TAIL, closed_contexts
from gategenome.design.in_context import MARGIN, SHUFFLE_MARGIN, ContextObjective, design_contexts
from gategenome.design.reset import shuffled_element
from gategenome.design.retention import reference_model
from gategenome.model.gates import mean_forget_gate
from gategenome.model.inputs import encode_batch

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _from_scratch(model, context, element):
    """min f over the element and the tail, the whole window run from the zero state."""
    x = encode_batch([context.sequence[:BEFORE] + element + context.sequence[BEFORE:]], model.config, 0.0, "cpu")
    with torch.no_grad():
        gate = mean_forget_gate(model, model(x))[0].double().numpy()
    return gate[BEFORE:BEFORE + len(element) + TAIL].min()


def test_cached_states_give_the_gate_of_the_whole_inserted_window(mini):
    # a model with a convolutional stem: the stem's left context must be carried too
    model = small_model(seed=3, num_layers=2, conv_channels=8, conv_width=5)
    contexts = closed_contexts(str(mini["genome"]), str(mini["peaks"]), 5, seed=2)
    objective = ContextObjective(model, contexts, threshold=0.5)
    elements = ["ACGTACGTTTAGC", "TTTTTAAAAAGGG", "CGCGCGATATATA"]
    got = objective.min_forget(elements)
    assert got.shape == (3, 5)
    want = np.array([[_from_scratch(model, c, e) for c in contexts] for e in elements])
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_the_objective_counts_misses_and_shuffles_that_drop(mini):
    # reference LSTM: A shuts the gate (0), C/G/T keep it >= 0.99; threshold 0.5
    contexts = [c for c in closed_contexts(str(mini["genome"]), str(mini["peaks"]), 60, seed=1)
                if "A" not in c.sequence[BEFORE:BEFORE + TAIL]][:8]
    model = reference_model()
    objective = ContextObjective(model, contexts, threshold=0.5, shuffles=3, seed=2)
    no_a, with_a = "CGTCGTCGTC", "CGTCAGTCGT"
    fractions = objective.drop_fraction([no_a, with_a])
    assert fractions.tolist() == [0.0, 1.0]
    scores = objective([no_a, with_a])
    f = objective.min_forget([no_a])[0]
    # the element without A misses in every context by log(min f) - log(0.5 / MARGIN); its shuffles never drop
    assert scores[0] == pytest.approx(np.mean(np.log(f) - np.log(0.5 / MARGIN)))
    # an A shuts the gate in every context, and in every shuffle too (the A stays): the penalty is large
    assert scores[1] > 10
    assert all("A" in shuffled_element(with_a, k, 2) for k in range(3))


def test_each_context_reads_its_own_shuffles_held_above_the_threshold(mini):
    # a random model whose gates sit near 0.994: with t = 0.99 both hinges are active
    model = small_model(seed=3, num_layers=2)
    contexts = closed_contexts(str(mini["genome"]), str(mini["peaks"]), 4, seed=2)
    t, shuffles, element = 0.99, 2, "ACGTACGTTTAGCATTGCA"
    objective = ContextObjective(model, contexts, threshold=t, shuffles=shuffles, seed=7)
    count = objective.count
    level = min(t * SHUFFLE_MARGIN, np.sqrt(t))  # sqrt(t) here: t * SHUFFLE_MARGIN would be above 1
    own = [[shuffled_element(element, c * shuffles + k, 7) for k in range(shuffles)] for c in range(count)]
    assert count == 4 and len({s for row in own for s in row}) > shuffles  # not the same few shuffles everywhere
    f = objective.min_forget([element])[0]
    f_shuffled = np.array([[objective.min_forget([s])[0, c] for s in own[c]] for c in range(count)])
    want = (np.maximum(np.log(f) - np.log(t / MARGIN), 0).mean()
            + np.maximum(np.log(level) - np.log(f_shuffled), 0).mean())
    assert objective([element])[0] == pytest.approx(want, rel=1e-9)
    assert np.log(level) - np.log(f_shuffled).min() > 0  # the shuffle term is not empty


def test_only_contexts_with_the_gate_open_at_the_insertion_point_are_kept(mini):
    # reference LSTM: the gate at the last upstream base is 0 when it is an A (below 0.5)
    contexts = closed_contexts(str(mini["genome"]), str(mini["peaks"]), 60, seed=5)
    open_ones = [c for c in contexts if c.sequence[BEFORE - 1] != "A"]
    assert 0 < len(open_ones) < len(contexts)
    model = reference_model()
    every = ContextObjective(model, contexts, threshold=0.5)
    assert every.count == len(open_ones)
    first = ContextObjective(model, contexts, threshold=0.5, count=5)
    assert first.tails == [c.sequence[BEFORE:BEFORE + TAIL] for c in open_ones[:5]]


def test_design_contexts_never_overlap_the_tested_windows(mini):
    tested = closed_contexts(str(mini["genome"]), str(mini["peaks"]), 40, seed=0)
    design = design_contexts(str(mini["genome"]), str(mini["peaks"]), 20, 500, 0, tested)
    assert 0 < len(design) <= 20
    width = len(tested[0].sequence)
    for window in design:
        assert all(window.chrom != t.chrom or abs(window.start - t.start) >= width for t in tested)


def test_cli_designs_in_context_by_default_and_between_flanks_with_zero(mini, tmp_path):
    common = ["design", "reset", "--reference", "--element-length", "12", "--count", "2", "--iterations", "2",
              "--genome", str(mini["genome"]), "--accessible", str(mini["peaks"]), "--contexts", "20",
              "--threshold", "0.5", "--min-depth", "0"]
    result = CliRunner().invoke(cli, [*common, "--design-contexts", "6", "--out-prefix", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    designed_in = json.loads((tmp_path / "a.json").read_text())["designed_in"]
    assert designed_in["contexts"] == 6 and designed_in["threshold"] == 0.5 and len(designed_in["drop_fraction"]) == 2
    result = CliRunner().invoke(cli, [*common, "--design-contexts", "0", "--out-prefix", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "b.json").read_text())["designed_in"] == "random flanks"


def test_no_room_for_design_windows_falls_back_to_random_flanks(mini, tmp_path, monkeypatch):
    # a genome whose closed windows are all taken by the test: the search scores between flanks, with a warning
    from gategenome.design import run

    monkeypatch.setattr(run, "design_contexts", lambda *args: [])
    args = ["design", "reset", "--reference", "--element-length", "12", "--count", "2", "--iterations", "2",
            "--genome", str(mini["genome"]), "--accessible", str(mini["peaks"]), "--contexts", "20",
            "--threshold", "0.5", "--min-depth", "0", "--out-prefix", str(tmp_path / "r")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "scored between random flanks" in result.output
    assert json.loads((tmp_path / "r.json").read_text())["designed_in"] == "random flanks"
