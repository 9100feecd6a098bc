"""Replicate boundary reproducibility: matching by position and direction, and the IDR mixture on known mixtures."""

from __future__ import annotations

import numpy as np
import pytest

from gategenome.errors import InputError
from gategenome.evaluate.boundary_idr import (
    boundary_reproducibility,
    fit_idr,
    global_idr,
    match_calls,
    read_boundary_calls,
)


def _write(path, calls):
    """calls: (chrom, position, direction, -log10 q)."""
    lines = [f"{c}\t{p - 10}\t{p + 10}\tboundary_{i}\t900\t.\t0.9\t{q + 1:.4f}\t{q:.4f}\t10\t{d}\t+\t0.9\n"
             for i, (c, p, d, q) in enumerate(calls)]
    path.write_text("".join(lines))
    return path


def test_calls_match_one_to_one_within_the_tolerance_and_with_the_same_direction(tmp_path):
    a = read_boundary_calls(_write(tmp_path / "a.bed", [("chr1", 1000, "opening", 5), ("chr1", 2000, "closing", 4),
                                                        ("chr1", 3000, "opening", 3), ("chr2", 1000, "opening", 2)]))
    b = read_boundary_calls(_write(tmp_path / "b.bed", [("chr1", 1020, "opening", 5), ("chr1", 1005, "opening", 4),
                                                        ("chr1", 2010, "opening", 3), ("chr1", 3100, "opening", 2),
                                                        ("chr3", 1000, "opening", 1)]))
    pairs = match_calls(a, b, tolerance=50)
    assert pairs.tolist() == [[0, 1]]  # 1005 is closer than 1020; 2000/2010 differ in direction; 3100 too far
    assert a["score"].tolist() == [3, 2, 1, 0]


def _mixture(rng, reproducible: int, noise: int):
    z = rng.multivariate_normal([2.5, 2.5], [[1, 0.9], [0.9, 1]], reproducible)
    w = rng.normal(0, 1, (noise, 2))
    scores = np.vstack([z, w])
    truth = np.r_[np.ones(reproducible, bool), np.zeros(noise, bool)]
    return scores[:, 0], scores[:, 1], truth


def test_the_mixture_recovers_the_reproducible_share_and_flags_the_noise():
    x, y, truth = _mixture(np.random.default_rng(3), 600, 400)
    fit = fit_idr(x, y)
    assert fit["p"] == pytest.approx(0.6, abs=0.08)
    assert fit["rho"] > 0.7
    idr = global_idr(fit["local_idr"])
    called = idr <= 0.05
    assert 0.7 * truth.sum() <= called.sum() <= truth.sum()
    assert np.mean(~truth[called]) <= 0.08  # the fraction irreproducible among the called is near the target


def test_pure_noise_has_almost_nothing_reproducible():
    rng = np.random.default_rng(4)
    fit = fit_idr(rng.normal(size=500), rng.normal(size=500))
    assert (global_idr(fit["local_idr"]) <= 0.05).sum() <= 25


def test_replicate_files_report_matched_and_reproducible_boundaries(tmp_path):
    rng = np.random.default_rng(5)
    x, y, truth = _mixture(rng, 150, 100)
    positions = np.arange(truth.size) * 1000 + 5000
    directions = np.where(np.arange(truth.size) % 2, "opening", "closing")
    a = _write(tmp_path / "a.bed", [("chrI", int(p), d, float(q)) for p, d, q in zip(positions, directions, x + 10)])
    b = _write(tmp_path / "b.bed", [("chrI", int(p) + int(rng.integers(-20, 21)), d, float(q))
                                    for p, d, q in zip(positions, directions, y + 10)])
    result = boundary_reproducibility(a, b, tolerance=50, threshold=0.05, names=("r1", "r2"))
    assert result["calls_a"] == result["calls_b"] == result["matched"] == truth.size
    assert 0.6 * 150 <= result["reproducible"] <= 160
    assert result["a"] == "r1" and result["model"]["p"] > 0.4


def test_a_file_that_is_not_boundary_calls_is_refused(tmp_path):
    bad = tmp_path / "peaks.bed"
    bad.write_text("chrI\t10\t20\tpeak\t0\t.\n")
    with pytest.raises(InputError, match="line 1: expected a boundary call"):
        read_boundary_calls(bad)


def _argv(case, out, *extra):
    return ["evaluate", "--drops", str(case["drops"]), "--scan-dir", str(case["scan"]), "--regions", str(case["regions"]),
            "--folds", str(case["folds"]), "--replicates", "20", "--out-dir", str(out), *extra]


def test_evaluate_reports_replicate_boundary_reproducibility_in_the_json_and_the_report(case, tmp_path):
    import json

    from click.testing import CliRunner

    from gategenome.cli.main import cli

    rng = np.random.default_rng(6)
    x, y, _ = _mixture(rng, 60, 40)
    positions = np.arange(x.size) * 100 + 500
    a = _write(tmp_path / "a.bed", [("chrA", int(p), "opening", float(q) + 10) for p, q in zip(positions, x)])
    b = _write(tmp_path / "b.bed", [("chrA", int(p) + 5, "opening", float(q) + 10) for p, q in zip(positions, y)])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, _argv(case, out, "--replicate-boundaries", f"r1={a}", "--replicate-boundaries",
                                           f"r2={b}", "--boundary-tolerance", "20"))
    assert result.exit_code == 0, result.output
    (pair,) = json.loads((out / "evaluation.json").read_text())["boundary_reproducibility"]
    assert (pair["a"], pair["b"], pair["matched"], pair["tolerance"]) == ("r1", "r2", 100, 20)
    assert 30 <= pair["reproducible"] <= 70
    assert "Replicate boundary reproducibility" in (out / "report.html").read_text()


def test_evaluate_refuses_a_missing_replicate_boundary_file_before_any_work(case, tmp_path):
    from click.testing import CliRunner

    from gategenome.cli.main import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(cli, _argv(case, out, "--replicate-boundaries", f"r1={case['drops']}",
                                           "--replicate-boundaries", "r2=absent.bed"))
    assert result.exit_code == 1
    assert "--replicate-boundaries r2: absent.bed not found" in result.output
    assert not out.exists()
