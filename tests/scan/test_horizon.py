"""scan.horizon: the forgetting horizon, and segmented scans that rely on it."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scan_testlib import as_float32, random_dna, scan_to_dir, small_model, write_fasta

from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM
from gategenome.scan.horizon import forgetting_horizon

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_segments_with_enough_burn_in_match_the_exactscan_to_dir(tmp_path, caplog):
    rng = np.random.default_rng(4)
    genome = write_fasta(tmp_path / "g.fa", {"chr1": random_dna(60_000, rng)})
    model = small_model(tmp_path / "m.pt", forget_bias=0.0)
    exact = scan_to_dir(tmp_path, model, genome, "exact", null_fraction=0)
    parallel = scan_to_dir(tmp_path, model, genome, "seg", null_fraction=0, segments=4, burn_in=2_000)
    horizon = parallel.shard("chr1")["forgetting_horizon"]
    assert horizon is not None and 0 < horizon <= 2_000
    for strand in "+-":
        np.testing.assert_allclose(as_float32(parallel.forget("chr1", strand)), as_float32(exact.forget("chr1", strand)),
                                   atol=2e-3)
    # a burn-in shorter than the horizon is warned about
    caplog.clear()
    scan_to_dir(tmp_path, model, genome, "short", null_fraction=0, segments=4, burn_in=1)
    assert "longer than --burn-in 1" in caplog.text


def test_burn_in_from_the_measured_horizon(tmp_path):
    """--device cuda's default: segments start the measured forgetting horizon early (run here on the CPU)."""
    rng = np.random.default_rng(4)
    genome = write_fasta(tmp_path / "g.fa", {"chr1": random_dna(60_000, rng)})
    model = small_model(tmp_path / "m.pt", forget_bias=0.0)
    exact = scan_to_dir(tmp_path, model, genome, "exact", null_fraction=0)
    auto = scan_to_dir(tmp_path, model, genome, "auto", null_fraction=0, segments=4, burn_in=1,
                       burn_in_from_horizon=True)
    shard = auto.shard("chr1")
    assert shard["burn_in"] == shard["forgetting_horizon"] > 1
    for strand in "+-":
        np.testing.assert_allclose(as_float32(auto.forget("chr1", strand)), as_float32(exact.forget("chr1", strand)),
                                   atol=2e-3)


def test_cuda_defaults_fill_the_batch_and_keep_what_was_given():
    from gategenome.scan.settings import CUDA_BATCH, ScanSettings, cuda_defaults

    chosen = cuda_defaults(ScanSettings(), chroms=16, given=set())
    assert chosen.batch_size == CUDA_BATCH and chosen.segments * 2 * 16 >= CUDA_BATCH
    assert chosen.burn_in_from_horizon
    one = cuda_defaults(ScanSettings(), chroms=1, given=set())
    assert one.segments * 2 >= CUDA_BATCH
    kept = cuda_defaults(ScanSettings(segments=1, batch_size=8), chroms=1, given={"segments", "batch_size"})
    assert (kept.segments, kept.batch_size, kept.burn_in_from_horizon) == (1, 8, False)
    assert not cuda_defaults(ScanSettings(), chroms=1, given={"burn_in"}).burn_in_from_horizon


def test_forgetting_horizon_of_a_long_memory_model_is_unresolved():
    torch.manual_seed(5)
    model = GateLSTM(ModelConfig(inputs="dna", hidden_size=4, forget_bias=30.0)).eval()
    with torch.no_grad():  # input gate shut, forget gate open: the cell keeps its start value forever
        model.lstm_layers[0].bias_hh_l0[:4] = -30.0
    x = np.eye(4, dtype=np.float32)[np.random.default_rng(5).integers(0, 4, 3_000)]
    assert forgetting_horizon(model, x, torch.device("cpu")) is None
