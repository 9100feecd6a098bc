"""gategenome call: drop detection, null calibration, q-values, BED6+4 output."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from scan_testlib import make_scan_dir

from gategenome.call.drops import call_drops, find_drops, scan_null_threshold
from gategenome.call.settings import CallSettings
from gategenome.cli.main import cli
from gategenome.core.stats import bh_qvalues, empirical_pvalues
from gategenome.io.bed import read_bed
from gategenome.io.scandir.reader import ScanDir


def test_find_drops_matches_a_direct_scan_across_block_edges():
    rng = np.random.default_rng(0)
    values = rng.random(50_000).astype(np.float16)
    values[rng.random(50_000) < 0.01] = np.nan
    f = values.astype(np.float32)
    expected, i = [], 0
    while i < f.size:  # reference: a plain loop
        if f[i] < 0.2:
            j = i
            while j < f.size and f[j] < 0.2:
                j += 1
            if j - i >= 2:
                expected.append((i, j, float(f[i:j].min()), i + int(np.argmin(f[i:j]))))
            i = j
        else:
            i += 1
    for block in (777, 50, 1 << 24):
        drops = find_drops(values, 0.2, min_length=2, block=block)
        got = list(zip(drops.starts.tolist(), drops.ends.tolist(), drops.minima.tolist(), drops.summits.tolist()))
        assert got == expected


def test_find_drops_reads_a_run_longer_than_the_block():
    values = np.full(1_000, 0.9, dtype=np.float16)
    values[100:900] = 0.1
    values[500] = 0.05
    drops = find_drops(values, 0.5, block=64)
    assert drops.starts.tolist() == [100] and drops.ends.tolist() == [900] and drops.summits.tolist() == [500]


def test_pvalues_and_bh_qvalues():
    null = np.array([0.1, 0.2, 0.3, 0.4])
    p = empirical_pvalues(np.array([0.05, 0.25, 0.5]), null)
    np.testing.assert_allclose(p, [5 / 5, 3 / 5, 1 / 5])
    q = bh_qvalues(np.array([0.01, 0.04, 0.03, 0.5]))
    # sorted p 0.01, 0.03, 0.04, 0.5 -> p * n / rank 0.04, 0.06, 0.0533, 0.5 -> running minimum from the top
    np.testing.assert_allclose(q, [0.04, 0.16 / 3, 0.16 / 3, 0.5])


def _constructed(tmp_path):
    """Two chromosomes at f = 0.9 with planted drops; the null is f = 0.9 with shallow dips."""
    rng = np.random.default_rng(1)
    sizes = {"chrA": 30_000, "chrB": 20_000, "chrC": 5_000}
    forget = {c: {s: 0.9 + rng.normal(0, 0.005, n) for s in "+-"} for c, n in sizes.items() if c != "chrC"}
    planted = [("chrA", "+", 1_000, 1_020, 0.10), ("chrA", "-", 25_000, 25_050, 0.20),
               ("chrB", "+", 7_000, 7_010, 0.05)]
    for chrom, strand, start, end, low in planted:
        forget[chrom][strand][start:end] = 0.6
        forget[chrom][strand][start + 5] = low
    forget["chrA"]["+"][5_000:5_010] = np.nan  # a gap breaks nothing
    null = {}
    for chrom in forget:
        arrays = {}
        for strand in "+-":
            values = 0.9 + rng.normal(0, 0.005, 40_000)
            for start in range(500, 40_000, 1_000):  # shallow dips, depth 0.3-0.35
                values[start:start + 20] = 0.7 - rng.random() * 0.05
            values[::10_000] = np.nan
            arrays[strand] = values
        null[chrom] = arrays
    make_scan_dir(tmp_path / "scan", sizes, forget, null=null)
    return tmp_path / "scan", planted


def test_call_finds_the_planted_drops_with_valid_qvalues(tmp_path):
    scan_dir, planted = _constructed(tmp_path)
    intervals, summary = call_drops(scan_dir, CallSettings(fdr=0.1, threshold_quantile=0.01, min_depth=0.0))
    assert 0.65 <= summary["threshold"] <= 0.7  # inside the null's dips (2% of null bases)
    assert 0 < summary["null_drops"] < 2 * 2 * 40 and summary["tested_drops"] == len(planted)
    got = [(iv.chrom, iv.strand, iv.start, iv.end) for iv in intervals]
    assert got == [(c, s, a, b) for c, s, a, b, _ in planted]  # genome order, nothing else
    for iv, (_, _, start, _, low) in zip(intervals, planted):
        signal, p, q, summit = iv.extra
        assert abs(float(signal) - (1 - low)) < 1e-3
        assert int(summit) == 5 and iv.score == round(1000 * float(signal))
        assert -np.log10(0.1) <= float(q) <= float(p) + 1e-9
        assert abs(10 ** -float(p) - 1 / (1 + summary["null_drops"])) < 1e-6  # deeper than every null drop
    assert [iv.name for iv in intervals] == ["drop_1", "drop_2", "drop_3"]


def test_call_cli_writes_bed6_plus_4_and_settings(tmp_path):
    scan_dir, planted = _constructed(tmp_path)
    out = tmp_path / "drops.bed"
    result = CliRunner().invoke(cli, ["call", "--scan-dir", str(scan_dir), "--out", str(out),
                                      "--threshold-quantile", "0.01", "--fdr", "0.1", "--track-line",
                                      "--min-depth", "0"])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0].startswith("track name=") and "type=narrowPeak" in lines[0]
    records = read_bed(out)
    assert len(records) == len(planted) and all(len(r.extra) == 4 for r in records)
    assert json.loads((tmp_path / "drops.json").read_text())["called_drops"] == len(planted)


def test_call_without_null_is_an_error_naming_the_dir(tmp_path):
    sizes = {"chrA": 1_000}
    make_scan_dir(tmp_path / "scan", sizes, {"chrA": {"+": np.full(1_000, 0.9), "-": np.full(1_000, 0.9)}})
    out = tmp_path / "drops.bed"
    result = CliRunner().invoke(cli, ["call", "--scan-dir", str(tmp_path / "scan"), "--out", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert str(tmp_path / "scan") in result.output and "--null-fraction" in result.output
    assert not out.exists()


def test_call_on_a_directory_that_is_not_a_scan(tmp_path):
    (tmp_path / "not_a_scan").mkdir()
    result = CliRunner().invoke(cli, ["call", "--scan-dir", str(tmp_path / "not_a_scan"), "--out", str(tmp_path / "d.bed")])
    assert result.exit_code == 1 and "not a scan directory" in result.output
    assert not (tmp_path / "d.bed").exists()


def test_null_threshold_is_the_exact_quantile(tmp_path):
    rng = np.random.default_rng(2)
    values = rng.random(10_001).astype(np.float16)
    make_scan_dir(tmp_path / "scan", {"c": 10}, {"c": {"+": np.zeros(10), "-": np.zeros(10)}},
                  null={"c": {"+": values, "-": values}})
    threshold, total = scan_null_threshold(ScanDir(tmp_path / "scan"), 0.25)
    pooled = np.sort(np.concatenate([values, values]).astype(np.float32))
    assert total == pooled.size
    assert threshold == pooled[int(np.ceil(0.25 * pooled.size)) - 1]


def test_min_length_selects_calls_but_not_the_null(tmp_path):
    scan_dir, planted = _constructed(tmp_path)
    all_calls, all_summary = call_drops(scan_dir, CallSettings(fdr=0.1, threshold_quantile=0.01, min_depth=0.0))
    long_calls, long_summary = call_drops(scan_dir, CallSettings(fdr=0.1, min_length=15, threshold_quantile=0.01, min_depth=0.0))
    assert long_summary["null_drops"] == all_summary["null_drops"]
    assert [(iv.chrom, iv.start) for iv in long_calls] == [(c, a) for c, _, a, b, _ in planted if b - a >= 15]


def test_min_depth_selects_calls_but_not_the_null(tmp_path):
    scan_dir, planted = _constructed(tmp_path)
    _, all_summary = call_drops(scan_dir, CallSettings(fdr=0.1, threshold_quantile=0.01, min_depth=0.0))
    deep_calls, deep_summary = call_drops(scan_dir, CallSettings(fdr=0.1, min_depth=0.85, threshold_quantile=0.01))
    assert deep_summary["null_drops"] == all_summary["null_drops"] and deep_summary["min_depth"] == 0.85
    assert [(iv.chrom, iv.start) for iv in deep_calls] == [(c, a) for c, _, a, _, low in planted if 1 - low >= 0.85]
    assert len(deep_calls) == 2 and deep_summary["tested_drops"] == 2


def test_call_cli_default_min_depth_leaves_out_shallow_drops(tmp_path):
    scan_dir, planted = _constructed(tmp_path)
    out = tmp_path / "drops.bed"
    result = CliRunner().invoke(cli, ["call", "--scan-dir", str(scan_dir), "--out", str(out),
                                      "--threshold-quantile", "0.01", "--fdr", "0.1"])
    assert result.exit_code == 0, result.output
    depths = sorted(float(r.extra[0]) for r in read_bed(out))
    assert depths and min(depths) >= 0.9 and len(depths) < len(planted)


def test_merge_close_runs_bridges_gaps_up_to_max_gap():
    from gategenome.core.runs import merge_close_runs, true_runs

    mask = np.zeros(30, bool)
    for start, end in [(2, 5), (7, 9), (12, 13), (20, 25)]:
        mask[start:end] = True
    starts, ends = true_runs(mask)  # gaps 2, 3, 7
    assert [list(r) for r in merge_close_runs(starts, ends, 3)] == [[2, 20], [13, 25]]
    assert [list(r) for r in merge_close_runs(starts, ends, 2)] == [[2, 12, 20], [9, 13, 25]]
    assert [list(r) for r in merge_close_runs(starts, ends, -1)] == [[2, 7, 12, 20], [5, 9, 13, 25]]
    assert [list(r) for r in merge_close_runs(starts[:1], ends[:1], 100)] == [[2], [5]]


def test_call_on_a_partial_scan_warns_and_records_the_missing_chromosomes(tmp_path):
    scan_dir, planted = _constructed(tmp_path)  # chrC has no completed shard
    out = tmp_path / "drops.bed"
    result = CliRunner().invoke(cli, ["call", "--scan-dir", str(scan_dir), "--out", str(out),
                                      "--threshold-quantile", "0.01", "--min-depth", "0"])
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.stderr and "1 of 3 chromosome(s) have no completed scan (chrC)" in result.stderr
    summary = json.loads((tmp_path / "drops.json").read_text())
    assert summary["chromosomes_not_scanned"] == ["chrC"] and summary["chromosomes_called"] == ["chrA", "chrB"]


@pytest.mark.parametrize("option", ["--fdr", "--min-depth", "--threshold-quantile"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_call_non_finite_options_are_usage_errors(tmp_path, option, value):
    scan_dir, _ = _constructed(tmp_path)
    out = tmp_path / "drops.bed"
    result = CliRunner().invoke(cli, ["call", "--scan-dir", str(scan_dir), "--out", str(out), option, value])
    assert result.exit_code == 2 and option in result.stderr and not out.exists()


def test_long_runs_of_n_neither_make_nor_join_drops(tmp_path):
    """A chromosome with telomeres and a centromere of N (NaN in the scan), like hg38's, calls like one without."""
    rng = np.random.default_rng(8)
    length, gap = 60_000, (20_000, 40_000)
    forget = {s: 0.9 + rng.normal(0, 0.005, length) for s in "+-"}
    for values in forget.values():
        values[:5_000] = np.nan  # telomeres
        values[-5_000:] = np.nan
        values[gap[0]:gap[1]] = np.nan  # centromere
    forget["+"][10_000:10_020] = 0.2  # one drop on each arm
    forget["+"][45_000:45_020] = 0.2
    forget["+"][gap[0] - 10:gap[0]] = 0.2  # a drop running into the gap stops at it
    null = {s: np.where(rng.random(80_000) < 0.02, 0.5 + 0.1 * rng.random(80_000), 0.9 + rng.normal(0, 0.005, 80_000))
            for s in "+-"}
    make_scan_dir(tmp_path / "scan", {"chrN": length}, {"chrN": forget}, null={"chrN": null})
    calls, summary = call_drops(tmp_path / "scan", CallSettings(fdr=0.5, threshold_quantile=0.01, min_depth=0.0))
    assert [(c.start, c.end) for c in calls] == [(10_000, 10_020), (gap[0] - 10, gap[0]), (45_000, 45_020)]
    assert summary["tested_drops"] == 3


def test_find_drops_filters_by_depth_block_by_block_as_after_the_whole():
    rng = np.random.default_rng(8)
    values = (0.9 + rng.normal(0, 0.05, 50_000)).astype(np.float16)
    values[rng.random(50_000) < 0.002] = 0.05
    values[20_000:20_050] = np.nan
    whole = find_drops(values, 0.85, min_length=2, block=values.size)
    whole = whole.subset(whole.depths >= 0.5)
    for block in (97, 1_000, values.size):
        filtered = find_drops(values, 0.85, min_length=2, block=block, min_depth=0.5)
        assert 0 < len(filtered.starts) < 200
        for name in ("starts", "ends", "minima", "summits"):
            assert np.array_equal(getattr(filtered, name), getattr(whole, name)), (block, name)


def test_a_null_as_busy_as_the_genome_warns_to_call_boundaries(tmp_path, caplog):
    # the genome and its shuffled null close the gate alike (a composition-driven gate): nothing
    # passes the FDR, the summary says how the rates compare, and a warning points to boundaries
    rng = np.random.default_rng(3)

    def dips(length):
        values = 0.9 + rng.normal(0, 0.005, length)
        for start in range(300, length, 1_000):
            values[start:start + 60] = rng.uniform(0.0, 0.05, 60)  # 6% of bases: the 5% quantile lies in them
        return values

    sizes = {"chrA": 40_000}
    forget = {"chrA": {s: dips(40_000) for s in "+-"}}
    null = {"chrA": {s: dips(40_000) for s in "+-"}}
    make_scan_dir(tmp_path / "scan", sizes, forget, null=null)
    with caplog.at_level("WARNING"):
        intervals, summary = call_drops(tmp_path / "scan", CallSettings())
    assert intervals == [] and summary["tested_drops"] > 0
    assert 0.8 < summary["rate_over_null"] < 1.25
    assert any("gategenome boundaries" in r.getMessage() for r in caplog.records)


def test_a_genome_far_busier_than_its_null_does_not_warn(tmp_path, caplog):
    scan_dir, _ = _constructed(tmp_path)
    with caplog.at_level("WARNING"):
        _, summary = call_drops(scan_dir, CallSettings(fdr=0.1, threshold_quantile=0.01, min_depth=0.0))
    assert summary["called_drops"] == 3 and not any("boundaries" in r.getMessage() for r in caplog.records)
