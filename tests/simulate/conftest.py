"""A small simulation shared by the simulate tests."""

from __future__ import annotations

import pytest

from gategenome.simulate.run import run_simulate
from gategenome.simulate.settings import SimulationSettings


@pytest.fixture(scope="session")
def small() -> SimulationSettings:
    """Two chromosomes of 60 kb: seconds to simulate."""
    return SimulationSettings(seed=3, chroms=2, length=60_000, spacing=2_000)


@pytest.fixture(scope="session")
def sim(small, tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    run_simulate(out, small)
    return out
