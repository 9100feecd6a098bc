"""Reset elements: designs that drop the forget gate."""

from __future__ import annotations

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
    rows = run_reset(model, settings, constraints, str(tmp_path / "r"), no_progress)
    designs = [r for r in rows if r.kind == "design"]
    randoms = [r for r in rows if r.kind == "random_constrained"]
    assert len(designs) == 2 and all(len(r.sequence) == 20 for r in designs)
    for row in designs:
        independent_check(row.sequence, constraints)
    assert max(r.score for r in designs) < min(r.score for r in randoms)
    with open(tmp_path / "r.tsv") as handle:
        header = handle.readline().rstrip("\n").split("\t")
    assert header[5:8] == ["min_forget", "pass_through", "log10_pass_through"]
