"""Boundary calls: merging the two strands' drops, the background null, BED6+7 output and the CLI."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner
from scan_testlib import make_scan_dir

from gategenome.call.boundaries import call_boundaries, cluster_labels, merge_strands
from gategenome.call.null import near_crossing, tail_pvalues
from gategenome.call.settings import BoundaryCallSettings, CallSettings
from gategenome.cli.main import cli
from gategenome.core.stats import empirical_pvalues
from gategenome.io.bed import read_bed
from gategenome.io.scandir.reader import ScanDir

REGIONS = [(3_000, 3_600), (9_000, 9_500), (15_000, 16_200), (24_000, 24_400)]
LENGTH = 30_000
OFFSET = 7  # each strand's gate minimum lies this far past the edge in its scan direction


def _dip(values, summit, depth=0.98, width=12):
    values[summit - width // 2:summit + width // 2] = 0.3
    values[summit] = 1.0 - depth


def _scan(tmp_path, regions=REGIONS, background=40, seed=3):
    """One chromosome: accessibility 0.9 in ``regions`` (0.05 elsewhere, noise), drops of both
    strands at every edge, and ``background`` single-strand drops in the closed chromatin with a
    small accessibility bump (the gate closing on noise)."""
    rng = np.random.default_rng(seed)
    acc = 0.05 + rng.normal(0, 0.01, LENGTH)
    forget = {s: 0.95 + rng.normal(0, 0.005, LENGTH) for s in "+-"}
    for start, end in regions:
        acc[start:end] = 0.9
        _dip(forget["+"], start + OFFSET)  # plus enters at the left edge
        _dip(forget["-"], start - 1 - OFFSET)  # minus leaves at the left edge
        _dip(forget["-"], end - 1 - OFFSET)  # minus enters at the right edge
        _dip(forget["+"], end + OFFSET)  # plus leaves at the right edge
    placed, taken = 0, []
    while placed < background:
        position = int(rng.integers(600, LENGTH - 600))
        if any(s - 800 < position < e + 800 for s, e in regions) or any(abs(position - t) < 200 for t in taken):
            continue
        taken.append(position)
        acc[position:position + int(rng.integers(20, 80))] += rng.uniform(0.02, 0.15)
        _dip(forget["+" if placed % 2 else "-"], position, depth=float(rng.uniform(0.9, 0.99)))
        placed += 1
    null = {s: 0.95 + rng.normal(0, 0.005, 20_000) for s in "+-"}
    for strand in "+-":
        for start in range(300, 20_000, 400):
            null[strand][start:start + 10] = 0.5
    access = {"chrA": {s: np.clip(acc, 0, 1) for s in "+-"}}
    make_scan_dir(tmp_path / "scan", {"chrA": LENGTH}, {"chrA": forget}, access=access, null={"chrA": null})
    return tmp_path / "scan"


def test_cluster_labels_join_neighbours_closer_than_the_distance():
    assert cluster_labels(np.array([10, 40, 89, 200, 249, 400]), 50).tolist() == [0, 0, 0, 1, 1, 2]
    assert cluster_labels(np.zeros(0, dtype=np.int64), 50).size == 0


def test_merge_strands_puts_one_boundary_between_the_two_strands_summits():
    summits = np.array([1_007, 993, 1_010, 5_000])
    strands = np.array(["+", "-", "+", "-"])
    depths = np.array([0.99, 0.97, 0.92, 0.95])
    cand = merge_strands(summits, strands, depths, merge_distance=50, ci_pad=10)
    assert cand.positions.tolist() == [1_000, 5_000]  # the deepest plus (1007) and minus (993) summits
    assert cand.lo.tolist() == [983, 4_990] and cand.hi.tolist() == [1_021, 5_011]
    assert cand.plus.tolist() == [True, False] and cand.minus.tolist() == [True, True]
    np.testing.assert_allclose(cand.depths, [0.99, 0.95])


def test_tail_pvalues_are_empirical_inside_the_null_and_shrink_beyond_it():
    null = np.linspace(0.0, 0.2, 101)
    inside = np.array([0.0, 0.05, 0.2])
    np.testing.assert_allclose(tail_pvalues(inside, null), empirical_pvalues(inside, null))
    beyond = tail_pvalues(np.array([0.25, 0.5, 0.9, -1.0]), null)
    assert beyond[0] < 1 / 102 and beyond[1] < beyond[0] and beyond[2] < beyond[1] and beyond[3] == 1.0


def test_each_edge_gives_one_boundary_with_its_direction_and_both_strands(tmp_path):
    scan_dir = _scan(tmp_path)
    records, summary = call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings(fdr=0.05))
    edges = sorted([(s, "opening") for s, _ in REGIONS] + [(e, "closing") for _, e in REGIONS])
    got = [(r.start + int(r.extra[3]), r.extra[4]) for r in records]
    assert len(got) == len(edges)
    for (position, direction), (edge, expected) in zip(got, edges):
        assert position == edge and direction == expected
    assert all(r.extra[5] == "+-" and r.strand == "." and len(r.extra) == 7 for r in records)
    assert all(r.start <= r.start + int(r.extra[3]) < r.end for r in records)
    assert [r.name for r in records] == [f"boundary_{i}" for i in range(1, len(edges) + 1)]
    assert summary["candidates"] == len(edges) + 40 and summary["null"]["source"] == "background candidates"
    assert summary["null"]["size"] == 40


def test_a_genome_without_regions_gets_no_call(tmp_path):
    scan_dir = _scan(tmp_path, regions=[], background=60)
    records, summary = call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings(fdr=0.1))
    assert summary["candidates"] == 60 and records == []


def test_near_crossing_marks_positions_where_accessibility_crosses_half():
    scan_dir = _scan_with_step(0.2, 0.8)
    scan = ScanDir(scan_dir)
    assert near_crossing(scan, "chrA", np.array([500, 990, 1_200, 1_500]), 100).tolist() == [False, True, False, False]


def _scan_with_step(low, high, root=None):
    import tempfile
    from pathlib import Path

    root = Path(root or tempfile.mkdtemp())
    acc = np.full(2_000, low)
    acc[1_050:] = high
    forget = {s: np.full(2_000, 0.95) for s in "+-"}
    return make_scan_dir(root / "scan", {"chrA": 2_000}, {"chrA": forget}, access={"chrA": {s: acc for s in "+-"}})


def test_boundaries_cli_writes_boundaries_regions_and_settings(tmp_path):
    scan_dir = _scan(tmp_path)
    out, regions = tmp_path / "b" / "boundaries.bed", tmp_path / "b" / "regions.bed"
    result = CliRunner().invoke(cli, ["boundaries", "--scan-dir", str(scan_dir), "--out", str(out),
                                      "--regions-out", str(regions), "--track-line"])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("track name=")
    assert len(read_bed(out)) == 2 * len(REGIONS)
    assert [(r.start, r.end) for r in read_bed(regions)] == REGIONS
    summary = json.loads((tmp_path / "b" / "boundaries.json").read_text())
    assert summary["called"] == 2 * len(REGIONS) and summary["region_calls"] == len(REGIONS)


def test_boundaries_cli_without_null_is_a_one_line_error(tmp_path):
    make_scan_dir(tmp_path / "scan", {"chrA": 1_000}, {"chrA": {"+": np.full(1_000, 0.9), "-": np.full(1_000, 0.9)}})
    out = tmp_path / "boundaries.bed"
    result = CliRunner().invoke(cli, ["boundaries", "--scan-dir", str(tmp_path / "scan"), "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--null-fraction" in result.output and not out.exists()


def test_a_candidate_without_accessibility_on_a_side_is_written_with_no_direction(tmp_path):
    # A drop inside a stretch with no scanned value (a run of N) has no step: it is tested
    # with p = 1 and written with step 0 and direction '.', not a crash on the NaN.
    rng = np.random.default_rng(0)
    acc = np.clip(0.05 + rng.normal(0, 0.01, LENGTH), 0, 1)
    acc[3_000:3_600] = 0.9
    acc[10_000:11_000] = np.nan
    forget = {s: 0.95 + rng.normal(0, 0.005, LENGTH) for s in "+-"}
    _dip(forget["+"], 3_000 + OFFSET)
    _dip(forget["+"], 10_500)
    null = {s: 0.95 + rng.normal(0, 0.005, 20_000) for s in "+-"}
    for strand in "+-":
        for start in range(300, 20_000, 400):
            null[strand][start:start + 10] = 0.5
    scan_dir = make_scan_dir(tmp_path / "scan", {"chrA": LENGTH}, {"chrA": forget},
                             access={"chrA": {s: acc for s in "+-"}}, null={"chrA": null})
    records, _ = call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings(fdr=1.0))
    by_position = {r.start + int(r.extra[3]): r for r in records}
    blank = [r for p, r in by_position.items() if 10_000 <= p < 11_000]
    assert len(blank) == 1 and blank[0].extra[4] == "." and blank[0].score == 0
    assert float(blank[0].extra[0]) == 0.0 and float(blank[0].extra[1]) == 0.0  # -log10 p = 0
    assert any(r.extra[4] == "opening" for r in records)


def test_tail_pvalues_far_beyond_the_null_stay_positive():
    p = tail_pvalues(np.array([1e6]), np.linspace(0.0, 0.01, 50))
    assert p[0] > 0 and np.isfinite(-np.log10(p[0]))


def test_a_p_value_of_one_is_written_as_zero_not_minus_zero():
    from gategenome.call.boundaries import Candidates, _records

    one = np.array([1])
    candidates = Candidates(positions=np.array([50]), lo=np.array([40]), hi=np.array([60]), plus=one.astype(bool),
                            minus=one.astype(bool), depths=np.array([0.5]))
    [record] = _records("chrI", candidates, np.array([np.nan]), np.array([1.0]), np.array([1.0]), 100)
    assert record.extra[1:3] == ("0.0000", "0.0000")
    assert "-0.0000" not in record.to_line()
