"""The exact write/read retention test and the reference LSTM: arithmetic, streamed cells, renormalisation."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from design_testlib import small_model

from gategenome.design.retention import cell_states, measure_retention, reference_model
from gategenome.model.inputs import encode_batch

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize("length", [100, 1000, 2000, 5000])
def test_reference_retention_is_0_9995_to_the_L(length):
    [result] = measure_retention(reference_model(), "A", ["T" * length], control="T")
    expected = 0.9995**length
    assert abs(result.at_end / expected - 1) < 1e-3
    assert result.half_life == (None if length < 1386 else 1386)  # log(0.5)/log(0.9995) = 1385.94


def test_reference_gc_filler_follows_per_base_rates():
    filler = "TTCTG" * 40
    [result] = measure_retention(reference_model(), "A", [filler])
    expected = 0.9995 ** filler.count("T") * 0.999 ** filler.count("C") * 0.99 ** filler.count("G")
    assert abs(result.at_end / expected - 1) < 1e-3
    [reset] = measure_retention(reference_model(), "A", ["TTTTATTTT"])
    assert reset.at_end < 1e-6  # A resets the cell before writing


@pytest.mark.parametrize(
    "config",
    [
        {"num_layers": 2, "conv_channels": 4, "inputs": "dna+signal"},
        {"coupled": True},
        {"num_layers": 1},
    ],
)
def test_cell_states_match_the_fused_final_state(config):
    model = small_model(1, **config)
    x = encode_batch(["ACGTTGCAAT" * 30, "GGGCCCATAT" * 30], model.config, 2.0)
    with torch.no_grad():
        cells, state = cell_states(model, x)
        final = torch.cat([c for _, c in model(x).final.layers], dim=-1)
        # streaming in two chunks gives the same cells
        first, middle = cell_states(model, x[:, :100])
        second, _ = cell_states(model, x[:, 100:], middle)
    assert torch.allclose(cells[:, -1], final, atol=1e-5)
    assert torch.allclose(torch.cat([first, second], dim=1), cells, atol=1e-5)
    assert torch.allclose(torch.cat([c for _, c in state.layers], dim=-1), final, atol=1e-5)


def test_retention_far_below_float64_rounding_stays_exact():
    # G holds with 0.99: 0.99^4000 = 3e-18, under the 1e-16 rounding of a float64 cell difference
    [result] = measure_retention(reference_model(), "A", ["G" * 4000])
    assert abs(result.log10_at_end / (4000 * np.log10(0.99)) - 1) < 1e-6
    assert np.all(np.diff(result.log10_curve) < 0)


def test_renormalised_curve_matches_the_direct_difference():
    model = small_model(6, num_layers=2, conv_channels=3).double()
    writer, control, filler = "GGAC", "TTTT", "ACGTTTGCAT" * 40
    [result] = measure_retention(model, writer, [filler], control)
    x = encode_batch([writer + filler, control + filler], model.config, dtype=torch.float64)
    with torch.no_grad():
        cells, _ = cell_states(model, x)
    diff = (cells[0] - cells[1]).abs().sum(dim=-1).numpy()[len(writer) - 1 :]
    direct = np.log10(diff / diff[result.settle])  # held from where the stem no longer sees the writer
    visible = np.log10(diff / diff[0]) > -6  # before any renormalisation and above float64 noise
    assert visible.sum() > 20
    assert np.allclose(result.log10_curve[visible], direct[visible], atol=1e-6)


def test_write_span_is_the_stem_window_and_the_curve_is_held_from_there():
    from gategenome.design.retention import write_span

    assert write_span(small_model(1)) == 0
    model = small_model(1, conv_channels=4, conv_width=7)
    assert write_span(model) == 6
    [result] = measure_retention(model, "ACG", ["TTGCA" * 40], "TTT")
    assert result.settle == 6 and result.log10_curve[6] == 0.0
    assert result.log10_hold == pytest.approx(-np.abs(result.log10_curve[6:]).max())
