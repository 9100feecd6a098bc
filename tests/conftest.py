"""Shared fixtures: the real yeast data in ../shared/data (skipped with a reason where absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
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
