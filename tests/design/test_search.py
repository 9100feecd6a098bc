"""The streamed search objective and annealing against the exact test."""

from __future__ import annotations

import numpy as np
import pytest
from design_testlib import small_model

from gategenome.design.constraints import SequenceConstraints, random_sequence
from gategenome.design.memory import plan_memory
from gategenome.design.retention import measure_retention
from gategenome.design.search import SUB, anneal, difference_score
from gategenome.design.settings import SearchSettings

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize("stem", [{}, {"conv_channels": 4, "conv_width": 5}])
def test_search_objective_agrees_with_the_exact_test(stem):
    model = small_model(7, num_layers=2, hidden_size=6, inputs="dna+signal", **stem)
    settings = SearchSettings(length=600, count=2, iterations=4, proposals=4, seed=3, unit_max_k=3, signal_value=1.0)
    constraints = SequenceConstraints(0.3, 0.7, 40, 5, ["GGATCC"])
    plan = plan_memory(model, settings, constraints)
    fillers = [
        random_sequence(600, constraints, np.random.default_rng(k), prefix=plan.writer)[len(plan.writer) :]
        for k in range(3)
    ]
    quick = difference_score(model, plan, fillers, settings)
    measured = measure_retention(model, plan.writer, fillers, plan.control, 1.0)
    ends = sorted(set(range(SUB, 601, SUB)) | {600, measured[0].settle})  # the chunk ends the search reads
    exact = [-np.abs(r.log10_curve[ends]).max() for r in measured]
    assert np.allclose(quick, exact, atol=0.02 * max(1.0, abs(min(exact))))
    assert all(q <= 1e-6 for q in quick)  # a hold never exceeds 1
    assert all(q >= r.log10_hold - 1e-3 for q, r in zip(quick, measured))  # every base is at least as strict
    results = anneal(model, plan, fillers[:2], settings, constraints)
    assert np.allclose([v for _, v in results], difference_score(model, plan, [f for f, _ in results], settings))
    assert all(v >= q - 1e-9 for (_, v), q in zip(results, quick[:2]))  # never worse than the start
