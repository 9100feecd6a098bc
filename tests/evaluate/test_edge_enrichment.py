"""evaluate.edge_enrichment: enrichment near edges over random positions, its bootstrap and its sampler."""

from __future__ import annotations

import numpy as np
import pytest
import scan_fixture
from boundary_brute_force import DISTANCES, brute_edges, brute_prf

from gategenome.evaluate.boundaries import Edges
from gategenome.evaluate.edge_enrichment import PositionSampler, enrichment, valid_runs
from gategenome.evaluate.run import evaluate
from gategenome.evaluate.settings import EvaluateSettings


def test_enrichment_matches_independent_estimate(evaluation, case):
    scan_fixture_gap = scan_fixture.GAP
    for d in DISTANCES:
        e = evaluation.results["enrichment"][str(d)]
        assert e["observed"] == pytest.approx(brute_prf(("+", "-"), None, d)[0])
        # Expected fraction of uniform random valid positions within d of an edge, computed base by base.
        near_bases, valid_bases = 0, 0
        for chrom in scan_fixture.FOLDS["test"]:
            length = scan_fixture.SIZES[chrom]
            valid = np.ones(length, dtype=bool)
            if chrom == scan_fixture_gap[0]:
                valid[scan_fixture_gap[1]:scan_fixture_gap[2]] = False
            near = np.zeros(length, dtype=bool)
            for edge in sum(brute_edges(chrom), []):
                near[max(0, edge - d):edge + d + 1] = True
            near_bases += int((near & valid).sum())
            valid_bases += int(valid.sum())
        expected_random = near_bases / valid_bases
        # 200 replicates of 11 positions: the mean has a standard error of about sqrt(p(1-p)/2200).
        assert e["random"] == pytest.approx(expected_random, abs=4 * np.sqrt(expected_random / 2200) + 0.005)
        assert e["ci_low"] <= e["enrichment"] <= e["ci_high"]
        assert e["enrichment"] > 1.5 and 0 < e["p_value"] < 0.05


def test_enrichment_interval_on_many_calls():
    rng = np.random.default_rng(1)
    edges = {"c": Edges(np.arange(1000, 100_000, 2000), np.arange(2000, 100_000, 2000))}  # an edge every 1000 bp
    at_edges = rng.choice(np.arange(1000, 100_000, 1000), 300) + rng.integers(-20, 21, 300)
    calls = {("c", "+"): np.sort(np.concatenate([at_edges, rng.integers(0, 100_000, 100)])), ("c", "-"): np.zeros(0, int)}
    sampler = PositionSampler({"c": np.array([[0, 100_000]])})
    result = enrichment(calls, edges, sampler, [50], replicates=300, seed=0)["50"]
    random_fraction = 101 / 1000  # bases within 50 of an edge, per 1000
    expected_observed = (300 + 100 * random_fraction) / 400
    assert result["observed"] == pytest.approx(expected_observed, abs=0.03)
    assert result["random"] == pytest.approx(random_fraction, abs=0.01)
    assert result["ci_low"] < expected_observed / random_fraction < result["ci_high"] < 12
    assert result["p_value"] == pytest.approx(1 / 301)


def test_enrichment_is_seeded(case, evaluation):
    again = evaluate(case["drops"], case["scan"], case["regions"], case["folds"], EvaluateSettings(replicates=200, seed=3))
    assert again.results["enrichment"] == evaluation.results["enrichment"]


def test_random_positions_avoid_gaps_and_stay_uniform():
    values = np.ones(1000, dtype=np.float16)
    values[100:300] = np.nan
    values[990:] = np.nan
    runs = valid_runs(values, chunk=64)
    assert runs.tolist() == [[0, 100], [300, 990]]
    sample = PositionSampler({"c": runs}).sample("c", 20_000, np.random.default_rng(0))
    assert not ((sample >= 100) & (sample < 300)).any() and sample.max() < 990 and sample.min() >= 0
    assert (sample < 100).mean() == pytest.approx(100 / 790, abs=0.015)
