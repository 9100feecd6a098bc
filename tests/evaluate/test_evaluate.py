"""gategenome evaluate: boundary metrics, enrichment, meta-profile, report, CLI errors.

The constructed case in ``scan_fixture`` has planted drops at known distances from
known region edges; the numbers are checked against a brute-force computation here
and, for a few, against values worked out by hand.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import scan_fixture
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.evaluate.boundaries import PositionSampler, valid_runs
from gategenome.evaluate.run import EvaluateSettings, evaluate, write_report
from gategenome.evaluate.signal_caller import smooth_log_signal, threshold_regions

DISTANCES = (50, 100, 250)


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> dict[str, Path]:
    return scan_fixture.build(tmp_path_factory.mktemp("evaluate"))


@pytest.fixture(scope="module")
def evaluation(case):
    settings = EvaluateSettings(replicates=200, seed=3)
    return evaluate(case["drops"], case["scan"], case["regions"], case["folds"], settings, case["metrics"], case["signal"])


# ---------------------------------------------------------------- brute force

def _summit(row) -> int:
    chrom, start, end, *_rest, offset = row
    return start + offset if offset >= 0 else (start + end) // 2


def _brute_edges(chrom: str) -> tuple[list[int], list[int]]:
    length = scan_fixture.SIZES[chrom]
    left = [s for s, _ in scan_fixture.REGIONS[chrom] if s > 0]
    right = [e for _, e in scan_fixture.REGIONS[chrom] if e < length]
    return left, right


def _brute_kind_edges(chrom: str, strand: str, kind: str) -> list[int]:
    left, right = _brute_edges(chrom)
    plus_side = left if kind == "entry" else right
    minus_side = right if kind == "entry" else left
    return plus_side if strand == "+" else minus_side


def _brute_prf(strands: tuple[str, ...], kind: str | None, d: int) -> tuple[float, float]:
    """Precision and recall by looping over every (call, edge) pair."""
    test = scan_fixture.FOLDS["test"]
    calls = [(row[0], row[5], _summit(row)) for row in scan_fixture.drops() if row[0] in test and row[5] in strands]
    near_calls = 0
    for chrom, strand, p in calls:
        targets = (_brute_kind_edges(chrom, strand, kind) if kind else sum(_brute_edges(chrom), []))
        near_calls += any(abs(p - e) <= d for e in targets)
    found, total = 0, 0
    if kind is None:
        for chrom in test:
            for e in sorted(set(sum(_brute_edges(chrom), []))):
                total += 1
                found += any(c == chrom and abs(p - e) <= d for c, _, p in calls)
    else:
        for strand in strands:
            for chrom in test:
                for e in _brute_kind_edges(chrom, strand, kind):
                    total += 1
                    found += any(c == chrom and s == strand and abs(p - e) <= d for c, s, p in calls)
    return near_calls / len(calls), found / total


@pytest.mark.parametrize("d", DISTANCES)
@pytest.mark.parametrize("kind", ["entry", "exit"])
@pytest.mark.parametrize("strand", ["+", "-", "both"])
def test_boundary_scores_match_brute_force(evaluation, d, kind, strand):
    strands = ("+", "-") if strand == "both" else (strand,)
    precision, recall = _brute_prf(strands, kind, d)
    got = evaluation.results["boundaries"]["model"][kind][strand][str(d)]
    assert got["precision"] == pytest.approx(precision)
    assert got["recall"] == pytest.approx(recall)
    expected_f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert got["f1"] == pytest.approx(expected_f1)


@pytest.mark.parametrize("d", DISTANCES)
def test_any_edge_scores_match_brute_force(evaluation, d):
    precision, recall = _brute_prf(("+", "-"), None, d)
    got = evaluation.results["boundaries"]["model"]["any"]["both"][str(d)]
    assert (got["precision"], got["recall"]) == (pytest.approx(precision), pytest.approx(recall))


@pytest.mark.parametrize("d", DISTANCES)
@pytest.mark.parametrize("kind", ["entry", "exit"])
def test_drop_ends_match_brute_force(evaluation, d, kind):
    test = scan_fixture.FOLDS["test"]
    rows = [r for r in scan_fixture.drops() if r[0] in test]
    # Beginning in scan direction: start on +, end on -; the end is the other coordinate.
    calls = [(r[0], r[5], (r[1] if r[5] == "+" else r[2]) if kind == "entry" else (r[2] if r[5] == "+" else r[1]))
             for r in rows]
    near = sum(any(abs(p - e) <= d for e in _brute_kind_edges(c, s, kind)) for c, s, p in calls)
    pairs = [(c, s, e) for s in "+-" for c in test for e in _brute_kind_edges(c, s, kind)]
    found = sum(any(c == c2 and s == s2 and abs(p - e) <= d for c2, s2, p in calls) for c, s, e in pairs)
    got = evaluation.results["boundaries"]["drop_ends"][kind]["both"][str(d)]
    assert (got["calls_near_edge"], got["calls"], got["edges_found"], got["edges"]) == (near, len(calls), found, len(pairs))


def test_hand_worked_numbers(evaluation):
    # Plus-strand drops on the test fold have summits 2000, 5040, 16170, 3530, 3950, 4815, 12710.
    # Plus-strand entry edges (region starts > 0): chrA 2000 5000 8000 12000 16000, chrB 1000 4000 9000 13000.
    # Within 50 bp: 2000 (0), 5040 (40), 3950 (50) -> precision 3/7, recall 3/9.
    entry = evaluation.results["boundaries"]["model"]["entry"]["+"]["50"]
    assert (entry["calls"], entry["calls_near_edge"], entry["edges"], entry["edges_found"]) == (7, 3, 9, 3)
    # 4815 is 15 bp from chrB's region end 4800: an exit edge for the plus strand, not an entry.
    exit_plus = evaluation.results["boundaries"]["model"]["exit"]["+"]["50"]
    assert exit_plus["calls_near_edge"] == 1
    # At 250 bp, 16170 (170 from 16000) joins; 12710 (290 from 13000) does not.
    assert evaluation.results["boundaries"]["model"]["entry"]["+"]["250"]["calls_near_edge"] == 4
    # The chrC drop (train fold) is not scored; chrA's region at 0 contributes no left edge.
    assert evaluation.results["counts"]["drops"] == 11
    assert evaluation.results["counts"]["edges_left"] == 9


def test_enrichment_matches_independent_estimate(evaluation, case):
    scan_fixture_gap = scan_fixture.GAP
    for d in DISTANCES:
        e = evaluation.results["enrichment"][str(d)]
        assert e["observed"] == pytest.approx(_brute_prf(("+", "-"), None, d)[0])
        # Expected fraction of uniform random valid positions within d of an edge, computed base by base.
        near_bases, valid_bases = 0, 0
        for chrom in scan_fixture.FOLDS["test"]:
            length = scan_fixture.SIZES[chrom]
            valid = np.ones(length, dtype=bool)
            if chrom == scan_fixture_gap[0]:
                valid[scan_fixture_gap[1]:scan_fixture_gap[2]] = False
            near = np.zeros(length, dtype=bool)
            for edge in sum(_brute_edges(chrom), []):
                near[max(0, edge - d):edge + d + 1] = True
            near_bases += int((near & valid).sum())
            valid_bases += int(valid.sum())
        expected_random = near_bases / valid_bases
        # 200 replicates of 11 positions: the mean has a standard error of about sqrt(p(1-p)/2200).
        assert e["random"] == pytest.approx(expected_random, abs=4 * np.sqrt(expected_random / 2200) + 0.005)
        assert e["ci_low"] <= e["enrichment"] <= e["ci_high"]
        assert e["enrichment"] > 1.5 and 0 < e["p_value"] < 0.05


def test_enrichment_interval_on_many_calls():
    from gategenome.evaluate.boundaries import Edges, enrichment

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


def test_meta_profile_orientation(evaluation):
    profiles = evaluation.profiles
    flank = evaluation.results["meta_profile"]["flank"]
    # Both strands dip for the first 30 bases after entering a region, in scan direction.
    for strand in "+-":
        entry = profiles[f"entry{strand}"]
        assert np.all(entry[flank:flank + 30] < 0.3), strand
        assert np.all(entry[flank - 5:flank] > 0.9), strand
        assert entry[flank + 35] > 0.9
        assert np.nanmin(profiles[f"exit{strand}"][flank - 5:flank + 5]) > 0.9
        assert evaluation.results["meta_profile"][f"entry{strand}"]["edges"] == 9


def test_accessibility_and_signal_baseline(evaluation):
    access = evaluation.results["accessibility"]
    assert access["model"]["auroc"] > 0.95 and access["signal"]["auroc"] > 0.95
    labels = np.zeros(sum(scan_fixture.SIZES[c] for c in scan_fixture.FOLDS["test"]))
    assert access["bases"] == len(labels) - (scan_fixture.GAP[2] - scan_fixture.GAP[1])
    # The planted signal is high exactly inside the regions: thresholding it finds the edges.
    signal = evaluation.results["boundaries"]["signal"]["any"]["both"]["100"]
    assert signal["recall"] > 0.9 and signal["precision"] > 0.9
    assert evaluation.results["signal_caller"]["settings"]["tuning"], "threshold tuned on the train fold"


def test_signal_caller_pieces_by_hand():
    values = np.array([0, 0, 3, 3, 3, 0, 0, 0, 3, 3], dtype=np.float64)
    smoothed = smooth_log_signal(values, 3)
    x = np.log1p(values)
    assert smoothed[0] == pytest.approx(x[:2].sum() / 3) and smoothed[4] == pytest.approx(x[3:6].mean())
    assert threshold_regions(np.log1p(values), 0.5, min_gap=0, min_length=1).tolist() == [[2, 5], [8, 10]]
    assert threshold_regions(np.log1p(values), 0.5, min_gap=4, min_length=1).tolist() == [[2, 10]]
    assert threshold_regions(np.log1p(values), 0.5, min_gap=0, min_length=3).tolist() == [[2, 5]]


# ---------------------------------------------------------------- report and CLI

class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.images = 0

    def handle_starttag(self, tag, attrs):
        self.images += tag == "img"
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]


def test_cli_writes_self_contained_report(case, tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, [
        "evaluate", "--drops", str(case["drops"]), "--scan-dir", str(case["scan"]), "--regions", str(case["regions"]),
        "--folds", str(case["folds"]), "--metrics", str(case["metrics"]), "--signal", str(case["signal"]),
        "--replicates", "50", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text()
    links = _Links()
    links.feed(page)
    assert links.images >= 6
    assert links.urls and all(url.startswith(("data:image/png;base64,", "#")) for url in links.urls)
    for text in ("Meta-profile", "Example loci", "Training summary", "signal-only", "entry", "exit"):
        assert text in page
    numbers = json.loads((out / "evaluation.json").read_text())
    assert numbers["settings"]["replicates"] == 50 and numbers["fold"]["chromosomes"] == ["chrA", "chrB"]
    assert numbers["training"]["best_epoch"] == 2
    assert sorted(p.name for p in out.iterdir()) == ["evaluation.json", "report.html"]


def _bad_run(tmp_path, case, **override):
    args = {"--drops": case["drops"], "--scan-dir": case["scan"], "--regions": case["regions"], "--folds": case["folds"]}
    args.update(override)
    out = tmp_path / "out"
    argv = ["evaluate", "--out-dir", str(out)] + [str(x) for pair in args.items() for x in pair]
    result = CliRunner().invoke(cli, argv)
    return result, out


@pytest.mark.parametrize("problem", ["missing-drops", "bad-folds-json", "unknown-fold", "not-a-scan", "other-genome",
                                     "bad-drops-line"])
def test_cli_bad_input(case, tmp_path, problem):
    bad = tmp_path / "bad"
    if problem == "missing-drops":
        override, name = {"--drops": tmp_path / "nope.bed"}, "nope.bed"
    elif problem == "bad-folds-json":
        bad.write_text("{not json")
        override, name = {"--folds": bad}, "bad"
    elif problem == "unknown-fold":
        override, name = {"--fold": "holdout"}, "folds.json"
    elif problem == "not-a-scan":
        bad.mkdir()
        override, name = {"--scan-dir": bad}, "bad"
    elif problem == "other-genome":
        bad.write_text(json.dumps({"test": ["chr1", "chr2"]}))
        override, name = {"--folds": bad}, "bad"
    else:
        bad.write_text("chrA\t10\tx\tdrop\t5\t+\n")
        override, name = {"--drops": bad}, "bad:1"
    result, out = _bad_run(tmp_path, case, **override)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gategenome: error: ") and name in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_unscanned_fold_falls_back_to_the_other_held_out_fold(case, tmp_path):
    folds = tmp_path / "folds.json"
    # chrC is in the genome but was never scanned: score the valid fold (chrB) and say so.
    folds.write_text(json.dumps({"train": ["chrA"], "valid": ["chrB"], "test": ["chrC"]}))
    scan = tmp_path / "scan"
    import shutil

    shutil.copytree(case["scan"], scan)
    (scan / "chroms" / "chrC.json").unlink()
    result = evaluate(case["drops"], scan, case["regions"], folds, EvaluateSettings(replicates=20))
    assert result.results["fold"]["chromosomes"] == ["chrB"]
    assert "no 'test' chromosome was scanned" in result.results["fold"]["fallback"]
    assert result.results["counts"]["drops"] == 4


def test_cli_bad_distances(case, tmp_path):
    result, out = _bad_run(tmp_path, case, **{"--distances": "50,abc"})
    assert result.exit_code == 1 and "--distances" in result.output and not out.exists()


def test_report_written_atomically(evaluation, tmp_path, monkeypatch):
    import gategenome.evaluate.report as report

    def broken(_):
        raise RuntimeError("plot failed")

    monkeypatch.setattr(report, "plot_enrichment", broken)
    with pytest.raises(RuntimeError):
        write_report(evaluation, tmp_path / "r")
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())
