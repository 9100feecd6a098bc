"""Scoring boundary calls and region calls beside the drops."""

from __future__ import annotations

import json

import pytest
import scan_fixture
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.evaluate.calls import base_overlap, region_edge_calls
from gategenome.evaluate.run import evaluate
from gategenome.evaluate.settings import EvaluateSettings
from gategenome.io.bed import Interval


def test_base_overlap_counts_shared_bases_of_the_merged_sets():
    called = [Interval("chrA", 0, 100), Interval("chrA", 50, 150), Interval("chrB", 10, 20), Interval("chrC", 0, 9)]
    truth = [Interval("chrA", 100, 300), Interval("chrB", 0, 15)]
    got = base_overlap(called, truth, ["chrA", "chrB"])
    # called: chrA 0-150 (150), chrB 10-20 (10); truth: chrA 100-300 (200), chrB 0-15 (15); shared 50 + 5
    assert (got["called_bases"], got["region_bases"], got["shared_bases"]) == (160, 215, 55)
    assert abs(got["jaccard"] - 55 / (160 + 215 - 55)) < 1e-12
    assert abs(got["precision"] - 55 / 160) < 1e-12 and abs(got["recall"] - 55 / 215) < 1e-12
    assert base_overlap([], truth, ["chrA"])["jaccard"] == 0.0


def test_region_edge_calls_leave_out_chromosome_ends():
    calls = region_edge_calls([Interval("chrA", 0, 100), Interval("chrA", 500, 1_000)], {"chrA": 1_000})
    assert calls[("chrA", "+")].tolist() == [100, 500] and calls[("chrA", "-")].tolist() == [100, 500]


def _calls(tmp_path):
    """Boundary calls at every test-fold edge but one, plus one far call; region calls = the regions, one halved."""
    boundaries, regions = [], []
    for chrom in scan_fixture.FOLDS["test"]:
        for start, end in scan_fixture.REGIONS[chrom]:
            for position, direction in ((start, "opening"), (end, "closing")):
                if 0 < position < scan_fixture.SIZES[chrom] and (chrom, position) != ("chrB", 9_300):
                    boundaries.append(f"{chrom}\t{position - 10}\t{position + 11}\tb\t900\t.\t0.9\t5\t4\t10\t"
                                      f"{direction}\t+-\t0.95\n")
            regions.append(f"{chrom}\t{start}\t{end if (chrom, start) != ('chrA', 8_000) else 8_450}\tr\t900\t.\n")
    boundaries.append("chrA\t6490\t6511\tb\t900\t.\t0.9\t5\t4\t10\topening\t+\t0.95\n")
    (tmp_path / "boundaries.bed").write_text("".join(boundaries))
    (tmp_path / "regions.bed").write_text("".join(regions))
    return tmp_path / "boundaries.bed", tmp_path / "regions.bed"


def test_evaluate_scores_boundary_and_region_calls(case, tmp_path):
    boundaries, regions = _calls(tmp_path)
    result = evaluate(case["drops"], case["scan"], case["regions"], case["folds"],
                      EvaluateSettings(replicates=20), None, None, boundaries, regions).results
    edges = result["counts"]["edges_left"] + result["counts"]["edges_right"]
    scores = result["boundaries"]["boundary_calls"]["any"]["both"]["100"]
    assert scores["calls"] == 2 * edges and scores["calls_near_edge"] == 2 * (edges - 1)  # counted on both strands
    assert scores["edges_found"] == edges - 1
    region_scores = result["boundaries"]["region_calls"]["any"]["both"]["100"]
    assert region_scores["precision"] < 1.0 and region_scores["edges_found"] == edges - 1  # 8900 moved to 8450
    region_bases = sum(e - s for c in scan_fixture.FOLDS["test"] for s, e in scan_fixture.REGIONS[c])
    overlap = result["region_calls"]
    assert overlap["region_bases"] == region_bases and overlap["shared_bases"] == region_bases - 450
    assert abs(overlap["jaccard"] - (region_bases - 450) / region_bases) < 1e-12


@pytest.mark.slow
def test_evaluate_cli_reports_boundary_and_region_calls(case, tmp_path):
    boundaries, regions = _calls(tmp_path)
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["evaluate", "--drops", str(case["drops"]), "--scan-dir", str(case["scan"]),
                                      "--regions", str(case["regions"]), "--folds", str(case["folds"]),
                                      "--boundaries", str(boundaries), "--region-calls", str(regions),
                                      "--replicates", "20", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "evaluation.json").read_text())
    assert "boundary_calls" in data["boundaries"] and "jaccard" in data["region_calls"]
    html = (out / "report.html").read_text()
    assert "boundary calls" in html and "base Jaccard" in html
