"""The constructed scan case of :mod:`scan_fixture` and its evaluation, shared by the evaluate tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import scan_fixture

from gategenome.evaluate.run import evaluate
from gategenome.evaluate.settings import EvaluateSettings


@pytest.fixture(scope="session")
def case(tmp_path_factory) -> dict[str, Path]:
    return scan_fixture.build(tmp_path_factory.mktemp("evaluate"))


@pytest.fixture(scope="session")
def evaluation(case):
    settings = EvaluateSettings(replicates=200, seed=3)
    return evaluate(case["drops"], case["scan"], case["regions"], case["folds"], settings, case["metrics"], case["signal"])
