"""Reset elements: designs that drop the forget gate."""

from __future__ import annotations

import numpy as np
import pytest
from design_testlib import independent_check, no_progress, small_model

from gategenome.design.constraints import SequenceConstraints
from gategenome.design.run import run_reset
from gategenome.design.settings import SearchSettings

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_reset_elements_drop_the_forget_gate_below_random(tmp_path):
    model = small_model(4)
    constraints = SequenceConstraints(0.3, 0.7, 20, 4, ["GAATTC"])
    settings = SearchSettings(length=20, count=2, iterations=8, proposals=8, seed=1)
    rows = run_reset(model, str(tmp_path / "r"), settings, constraints, progress=no_progress)
    designs = [r for r in rows if r.kind == "design"]
    randoms = [r for r in rows if r.kind == "random_constrained"]
    assert len(designs) == 2 and all(len(r.sequence) == 20 for r in designs)
    for row in designs:
        independent_check(row.sequence, constraints)
    assert max(r.score for r in designs) < min(r.score for r in randoms)
    with open(tmp_path / "r.tsv") as handle:
        header = handle.readline().rstrip("\n").split("\t")
    assert header[5:8] == ["min_forget", "pass_through", "log10_pass_through"]


def test_reset_objective_subtracts_the_shuffles_of_each_element():
    from gategenome.design.reset import shuffled_element, reset_objective, score_elements

    model = small_model(4)
    elements = ["ACGTTGCAAC", "GGGCCCATAT"]
    plain = reset_objective(model, elements, SearchSettings(seed=2))
    contrast = reset_objective(model, elements, SearchSettings(seed=2, reset_shuffles=3))
    shuffles = [[shuffled_element(e, k, 2) for k in range(3)] for e in elements]
    assert all(sorted(s) == sorted(e) for e, group in zip(elements, shuffles) for s in group)  # same composition
    for e, value, group in zip(elements, contrast, shuffles):
        controls = np.mean([s.min_forget for s in score_elements(model, group, 2)])
        assert value == pytest.approx(plain[elements.index(e)] - controls)
    assert list(reset_objective(model, elements, SearchSettings(seed=2, reset_shuffles=3))) == list(contrast)


def test_the_best_chains_by_the_objective_are_kept(monkeypatch):
    import gategenome.design.reset as reset

    model = small_model(4)
    constraints = SequenceConstraints(0.3, 0.7, 20, 4, [])

    def objective(elements):  # a toy objective: fewer G is better
        return np.array([e.count("G") + 0.01 * e.count("C") for e in elements], dtype=float)

    def run(count):
        settings = SearchSettings(length=20, count=count, iterations=3, proposals=4, seed=3)
        return reset.design_resets(model, settings, constraints, objective=objective)[0]

    monkeypatch.setattr(reset, "CHAINS_PER_ELEMENT", 1)
    every_chain = run(4)  # chains 0-3, best first
    monkeypatch.setattr(reset, "CHAINS_PER_ELEMENT", 2)
    kept = run(2)  # the same four chains, two kept
    assert kept == every_chain[:2]
    values = objective(every_chain)
    assert list(values) == sorted(values) and values[1] < values[3]  # the better half, best first
