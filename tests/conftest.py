"""Shared fixtures: the real yeast data in ../shared/data (skipped with a reason where absent);
how the suite is shared out between pytest-xdist workers (``make test`` runs two)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

if os.environ.get("PYTEST_XDIST_WORKER"):
    # One OpenMP thread per worker, here and in the commands the tests start: two workers of
    # two spinning OpenMP threads on two cores train 3x slower (docs/train.md, threads).
    os.environ.setdefault("OMP_NUM_THREADS", "1")


if importlib.util.find_spec("xdist"):

    def pytest_xdist_make_scheduler(config, log):
        """``--dist loadfile`` (``make test``), with all of tests/cluster as one file: a module's tests run
        on one worker (its module fixtures are built once), and the SLURM tests share one local cluster."""
        if config.getvalue("dist") != "loadfile":
            return None
        from xdist.scheduler import LoadScopeScheduling

        class ModuleScheduling(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                path = nodeid.split("::", 1)[0]
                return "tests/cluster" if path.startswith("tests/cluster/") else path

        return ModuleScheduling(config, log)


SHARED_DATA = TESTS.parents[1] / "shared" / "data"
MINI = SHARED_DATA / "yeast_chrI_atac_mini"
YEAST = SHARED_DATA / "yeast_sacCer3_atac_SRR1822137"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real test data not found at {path} (expected ../shared/data beside the checkout)")
    return path


@pytest.fixture(scope="session")
def mini() -> dict[str, Path]:
    """Paths of the chrI mini fixture: genome, coverage bigWig, cut-site bigWig, peaks, sizes."""
    root = _require(MINI)
    return {
        "genome": root / "sacCer3_chrI.fa",
        "signal": root / "SRR1822137_chrI.coverage.bw",
        "cutsites": root / "SRR1822137_chrI.cutsites.bw",
        "peaks": root / "SRR1822137_chrI.macs3_peaks.narrowPeak",
        "sizes": root / "sacCer3_chrI.chrom.sizes",
    }


@pytest.fixture(scope="session")
def yeast() -> dict[str, Path]:
    """Paths of the whole-genome yeast data."""
    root = _require(YEAST)
    return {
        "genome": root / "sacCer3.fa",
        "signal": root / "SRR1822137.coverage.bw",
        "cutsites": root / "SRR1822137.cutsites.bw",
        "peaks": root / "SRR1822137.macs3_peaks.narrowPeak",
        "sizes": root / "sacCer3.chrom.sizes",
    }


@pytest.fixture
def one_torch_thread():
    """Tiny LSTMs run fastest on one intra-op thread, and the CI machine has 2 shared cores."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
