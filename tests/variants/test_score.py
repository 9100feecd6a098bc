"""Exactness: windows with context equal whole reference and alternative chromosomes scanned from scratch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from variants_testlib import model, small_genome

from gategenome.variants.context import reference_states
from gategenome.variants.naive import naive_tracks, score_naive
from gategenome.variants.score import chromosome_windows, score_alleles
from gategenome.variants.settings import VariantSettings
from gategenome.variants.vcf import Allele
from gategenome.variants.windows import run_rows, window_inputs

CPU = torch.device("cpu")


def _alleles(chroms: dict[str, str]) -> list[Allele]:
    a, b = chroms["chrA"], chroms["chrB"]
    other = {"A": "C", "C": "G", "G": "T", "T": "A"}
    return [
        Allele(0, 0, "chrA", 2500, a[2500], other[a[2500]], "chrA", "snv"),
        Allele(1, 0, "chrA", 3100, a[3100], a[3100] + "GGATTACA", "chrA", "ins"),
        Allele(2, 0, "chrA", 4000, a[4000:4013], a[4000], "chrA", "del"),
        Allele(3, 0, "chrA", 10, a[10:12], other[a[10]] + other[a[11]], "chrA", "mnv_near_start"),
        Allele(4, 0, "chrB", 2990, b[2990:2994], b[2990] + "T", "chrB", "near_end"),
    ]


@pytest.mark.usefixtures("one_torch_thread")
def test_exact_context_equals_whole_chromosome_scans(tmp_path):
    genome, chroms = small_genome(tmp_path)
    net = model()
    alleles = _alleles(chroms)
    settings = VariantSettings(context="exact", window=40, footprint_max=600, grid=256, chunk_size=700, batch_size=4)
    rows, context = score_alleles(net, genome, None, alleles, settings, 0.5, CPU)
    naive = score_naive(net, genome, None, alleles, settings, 0.5, CPU)
    assert context is None
    for row, expected, allele in zip(rows, naive, alleles):
        for key, value in expected.items():
            if isinstance(value, float):
                assert row[key] == pytest.approx(value, abs=1e-4), (allele.vcf_id, key)
            else:
                assert row[key] == value, (allele.vcf_id, key)
    # the variants do move the gates, far downstream: a long-memory model
    assert max(abs(r["d_min_forget"]) for r in rows) > 1e-3
    assert max(r["footprint"] for r in rows) > 100


@pytest.mark.usefixtures("one_torch_thread")
def test_window_tracks_equal_whole_chromosome_tracks_for_an_indel(tmp_path):
    genome, chroms = small_genome(tmp_path)
    net = model()
    alleles = _alleles(chroms)
    settings = VariantSettings(context="exact", window=40, footprint_max=600, grid=256, chunk_size=1000)
    windows = [w for w in chromosome_windows(alleles, [1, 2], genome.sizes["chrA"], settings, None)]
    needed = {s: {w.start for w in windows if w.strand == s} for s in "+-"}
    states = reference_states(net, genome, None, "chrA", needed, settings, CPU)
    compared = 0
    for window in windows:
        assert window.start > 0  # the state comes from the reference stream, not zeros
        x_ref, _, x_alt, _ = window_inputs(genome, None, "chrA", window, net.config)
        state = states[(window.strand, window.start)]
        (f_ref, f_alt), (a_ref, a_alt) = run_rows(net, [x_ref, x_alt], type(state).cat([state, state]), CPU)
        _, (whole_f_ref, whole_a_ref), (whole_f_alt, whole_a_alt) = naive_tracks(
            net, genome, None, alleles[window.allele], window.strand, settings, CPU)
        s, shift = window.start, len(window.alt) - len(window.ref)
        np.testing.assert_allclose(f_ref, whole_f_ref[s:window.end], atol=1e-4)
        np.testing.assert_allclose(a_ref, whole_a_ref[s:window.end], atol=1e-4)
        np.testing.assert_allclose(f_alt, whole_f_alt[s:window.end + shift], atol=1e-4)
        np.testing.assert_allclose(a_alt, whole_a_alt[s:window.end + shift], atol=1e-4)
        compared += 1
    assert compared == 4


@pytest.mark.usefixtures("one_torch_thread")
def test_a_zero_state_window_without_context_is_not_exact_for_a_long_memory_model(tmp_path):
    """The check above can fail: a window started from zeros differs from the whole scan."""
    genome, chroms = small_genome(tmp_path)
    net = model()
    alleles = _alleles(chroms)[:3]
    exact = VariantSettings(context="exact", window=40, footprint_max=600)
    short = VariantSettings(context="50", window=40, footprint_max=600)
    naive = score_naive(net, genome, None, alleles, exact, 0.5, CPU)
    rows, context = score_alleles(net, genome, None, alleles, short, 0.5, CPU)
    assert context == 50
    worst = max(abs(r["min_forget_ref"] - n["min_forget_ref"]) for r, n in zip(rows, naive))
    assert worst > 1e-3


@pytest.mark.usefixtures("one_torch_thread")
def test_horizon_context_matches_whole_chromosomes_for_a_short_memory_model(tmp_path):
    genome, chroms = small_genome(tmp_path)
    net = model(forget_bias=-2.0)
    alleles = _alleles(chroms)
    settings = VariantSettings(context="horizon", window=40, footprint_max=300, footprint_tol=1e-6)
    rows, context = score_alleles(net, genome, None, alleles, settings, 0.5, CPU)
    naive = score_naive(net, genome, None, alleles, settings, 0.5, CPU)
    assert 0 < context < 1000
    for row, expected in zip(rows, naive):
        for key in ("d_access", "d_access_max", "d_min_forget", "min_forget_ref", "min_forget_alt"):
            assert row[key] == pytest.approx(expected[key], abs=1e-4), key


@pytest.mark.usefixtures("one_torch_thread")
def test_dna_signal_model_with_measured_signal_is_exact_too(tmp_path):
    from scan_testlib import write_bigwig

    from gategenome.io.bigwig import SignalTrack

    genome, chroms = small_genome(tmp_path)
    rng = np.random.default_rng(1)
    tracks = {name: rng.poisson(2.0, len(seq)).astype(np.float64) for name, seq in chroms.items()}
    signal = SignalTrack(write_bigwig(tmp_path / "atac.bw", tracks), genome.sizes)
    net = model(inputs="dna+signal")
    alleles = _alleles(chroms)
    settings = VariantSettings(context="exact", window=40, footprint_max=400, grid=256)
    rows, _ = score_alleles(net, genome, signal, alleles, settings, 0.5, CPU)
    naive = score_naive(net, genome, signal, alleles, settings, 0.5, CPU)
    for row, expected in zip(rows, naive):
        for key in ("d_access", "d_access_max", "d_min_forget", "min_forget_ref", "min_forget_alt"):
            assert row[key] == pytest.approx(expected[key], abs=1e-4), key
        assert row["footprint"] == expected["footprint"]
    signal.close()
