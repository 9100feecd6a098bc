"""Replicate agreement: drops within d both ways, Jaccard of drop bases, forget-gate correlation, and the CLI."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import scan_fixture
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.errors import ConfigError
from gategenome.evaluate.boundaries import call_positions
from gategenome.evaluate.replicates import (
    chance_within,
    drops_within,
    parse_named_paths,
    replicate_agreement,
    window_cover,
)

CHROMS = {"chrA": 20_000, "chrB": 15_000}


def _write(path, rows):
    path.write_text("".join(f"{c}\t{s}\t{e}\td{i}\t0\t{strand}\t1\t1\t1\t{summit}\n"
                            for i, (c, s, e, strand, summit) in enumerate(rows)))
    return path


ROWS = [("chrA", 1_000, 1_040, "+", 20), ("chrA", 5_000, 5_030, "-", 10), ("chrB", 300, 360, "+", 30)]


def test_identical_drop_sets_agree_fully(tmp_path):
    a, b = _write(tmp_path / "a.bed", ROWS), _write(tmp_path / "b.bed", ROWS)
    result = replicate_agreement({"r1": a, "r2": b}, CHROMS, [0, 50])
    (pair,) = result["pairs"]
    assert pair["a_within_b"] == {"0": 1.0, "50": 1.0} and pair["b_within_a"] == {"0": 1.0, "50": 1.0}
    assert pair["jaccard"] == 1.0
    assert result["replicates"]["r1"]["count"] == 3
    # by chance: 1 summit per (chrom, strand), each window 2d+1 bases wide
    assert pair["a_within_b_chance"]["0"] == pytest.approx((1 / 20_000 + 1 / 20_000 + 1 / 15_000) / 3)
    assert pair["a_within_b_chance"]["50"] == pytest.approx((101 / 20_000 * 2 + 101 / 15_000) / 3)


def test_disjoint_drop_sets_agree_not_at_all(tmp_path):
    a = _write(tmp_path / "a.bed", ROWS)
    b = _write(tmp_path / "b.bed", [(c, s + 3_000, e + 3_000, strand, summit) for c, s, e, strand, summit in ROWS])
    (pair,) = replicate_agreement({"r1": a, "r2": b}, CHROMS, [50, 100])["pairs"]
    assert pair["a_within_b"] == {"50": 0.0, "100": 0.0} and pair["b_within_a"] == {"50": 0.0, "100": 0.0}
    assert pair["jaccard"] == 0.0


def test_partial_agreement_is_directional_and_strand_aware(tmp_path):
    # b: the first drop shifted by 30 bases, the second on the other strand, the third absent, one extra.
    a = _write(tmp_path / "a.bed", ROWS)
    b = _write(tmp_path / "b.bed", [("chrA", 1_030, 1_070, "+", 20), ("chrA", 5_000, 5_030, "+", 10),
                                    ("chrB", 9_000, 9_010, "+", 5), ("chrB", 9_500, 9_510, "+", 5)])
    (pair,) = replicate_agreement({"a": a, "b": b}, CHROMS, [10, 30])["pairs"]
    assert pair["a_within_b"] == {"10": 0.0, "30": pytest.approx(1 / 3)}
    assert pair["b_within_a"] == {"10": 0.0, "30": pytest.approx(1 / 4)}
    # bases: a covers 40 + 30 + 60, b 40 + 30 + 10 + 10; shared 10 (1030-1040 on +); other-strand overlap not shared.
    assert pair["jaccard"] == pytest.approx(10 / (130 + 90 - 10))


def test_three_replicates_give_three_pairs_and_chromosomes_outside_are_ignored(tmp_path):
    paths = {name: _write(tmp_path / f"{name}.bed", ROWS + [("chrC", 100, 200, "+", 50)]) for name in ("x", "y", "z")}
    result = replicate_agreement(paths, CHROMS, [50])
    assert [(p["a"], p["b"]) for p in result["pairs"]] == [("x", "y"), ("x", "z"), ("y", "z")]
    assert all(p["jaccard"] == 1.0 for p in result["pairs"])
    assert result["replicates"]["x"]["count"] == 3


def test_gate_correlation_of_a_scan_with_itself_and_with_a_shuffled_copy(tmp_path):
    case = scan_fixture.build(tmp_path / "case", with_signal=False)
    other = tmp_path / "shuffled"
    shutil.copytree(case["scan"], other)
    rng = np.random.default_rng(1)
    for path in (other / "chroms").glob("*.forget.npy"):
        values = np.load(path)
        np.save(path, rng.permutation(values))
    drops = {"r1": case["drops"], "r2": case["drops"]}
    same = replicate_agreement(drops, CHROMS, [50], {"r1": case["scan"], "r2": case["scan"]}, max_bases=5_000)
    assert same["pairs"][0]["gate_correlation"]["pearson"] == pytest.approx(1.0)
    assert 4_000 < same["pairs"][0]["gate_correlation"]["bases"] <= 5_000  # the gap's NaN bases are left out
    shuffled = replicate_agreement(drops, CHROMS, [50], {"r1": case["scan"], "r2": other}, max_bases=5_000)
    assert abs(shuffled["pairs"][0]["gate_correlation"]["pearson"]) < 0.1


@pytest.mark.parametrize(("values", "message"), [
    (["=a.bed"], "NAME=PATH"), (["r1="], "NAME=PATH"), (["r1=a.bed", "r1=b.bed"], "given twice")])
def test_bad_names_are_config_errors(values, message):
    with pytest.raises(ConfigError, match=message):
        parse_named_paths(values, "--replicate-drops")


def test_one_replicate_or_a_scan_without_drops_is_refused(tmp_path):
    a = _write(tmp_path / "a.bed", ROWS)
    with pytest.raises(ConfigError, match="two or more"):
        replicate_agreement({"r1": a}, CHROMS, [50])
    with pytest.raises(ConfigError, match="r3"):
        replicate_agreement({"r1": a, "r2": a}, CHROMS, [50], {"r3": tmp_path})


def test_window_cover_merges_overlaps_and_clips_at_the_ends():
    assert window_cover(np.array([], dtype=np.int64), 10, 100) == 0
    assert window_cover(np.array([50]), 10, 100) == 21
    assert window_cover(np.array([50, 55]), 10, 100) == 26
    assert window_cover(np.array([2, 97]), 10, 100) == 13 + 13
    assert window_cover(np.array([0, 99]), 1000, 100) == 100


def test_chance_within_matches_uniform_positions():
    rng = np.random.default_rng(5)
    b = {("chrA", "+"): np.sort(rng.choice(20_000, 40, replace=False))}
    a = {("chrA", "+"): np.sort(rng.choice(20_000, 20_000, replace=True))}
    summits = call_positions([], ["chrA"])
    assert chance_within(summits, b, CHROMS, 50) == 0.0
    assert chance_within(a, b, CHROMS, 50) == pytest.approx(drops_within(a, b, 50), abs=0.01)


def test_named_and_bare_paths():
    assert parse_named_paths(["r1=a/drops.bed", "b.bed"], "--x") == {"r1": "a/drops.bed", "b.bed": "b.bed"}


def _argv(case, out, *extra):
    return ["evaluate", "--drops", str(case["drops"]), "--scan-dir", str(case["scan"]), "--regions", str(case["regions"]),
            "--folds", str(case["folds"]), "--replicates", "20", "--out-dir", str(out), *extra]


def test_cli_scores_replicates_into_the_json_and_the_report(case, tmp_path):
    second = _write(tmp_path / "second.bed", [("chrA", 1_990, 2_030, "+", 10), ("chrB", 600, 640, "-", 5)])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, _argv(case, out, "--replicate-drops", f"r1={case['drops']}",
                                           "--replicate-drops", f"r2={second}",
                                           "--replicate-scan", f"r1={case['scan']}", "--replicate-scan", f"r2={case['scan']}"))
    assert result.exit_code == 0, result.output
    numbers = json.loads((out / "evaluation.json").read_text())["replicates"]
    (pair,) = numbers["pairs"]
    assert (pair["a"], pair["b"]) == ("r1", "r2")
    assert numbers["replicates"]["r1"]["count"] == 11 and numbers["replicates"]["r2"]["count"] == 2
    assert pair["b_within_a"]["50"] == 0.5 and pair["a_within_b"]["50"] == pytest.approx(1 / 11)
    assert pair["gate_correlation"]["pearson"] == pytest.approx(1.0)
    html = (out / "report.html").read_text()
    assert "<h2>Replicates</h2>" in html and "A within ±50 of B" in html


def test_cli_without_replicates_has_no_replicate_section(case, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, _argv(case, out))
    assert result.exit_code == 0, result.output
    assert "replicates" not in json.loads((out / "evaluation.json").read_text())
    assert "<h2>Replicates</h2>" not in (out / "report.html").read_text()


@pytest.mark.parametrize(("extra", "code", "words"), [
    (["--replicate-drops", "r1=X"], 2, ["--replicate-drops", "two or more"]),
    (["--replicate-drops", "r1=X", "--replicate-drops", "r1=X"], 1, ["'r1'", "given twice"]),
    (["--replicate-drops", "r1=X", "--replicate-drops", "r2=absent.bed"], 1, ["--replicate-drops r2", "absent.bed"]),
    (["--replicate-drops", "r1=X", "--replicate-drops", "r2=X", "--replicate-scan", "r2=nowhere"], 1,
     ["nowhere", "not a scan directory"]),
    (["--replicate-drops", "r1=X", "--replicate-drops", "r2=X", "--replicate-scan", "r3=nowhere"], 1,
     ["--replicate-scan", "r3"]),
])
def test_cli_bad_replicates_stop_with_one_line_and_no_output(case, tmp_path, extra, code, words):
    out = tmp_path / "out"
    extra = [str(case["drops"]).join(word.split("X")) if word.endswith("=X") else word for word in extra]
    result = CliRunner().invoke(cli, _argv(case, out, *extra))
    assert result.exit_code == code, result.output
    assert all(word in result.output for word in words), result.output
    assert "Traceback" not in result.output
    assert not (out / "evaluation.json").exists() and not (out / "report.html").exists()


def test_replicate_scans_of_two_assemblies_are_refused(tmp_path):
    from gategenome.errors import InputError

    a, b = _write(tmp_path / "a.bed", ROWS), _write(tmp_path / "b.bed", ROWS)
    scans = {name: scan_fixture.build(tmp_path / name, with_signal=False)["scan"] for name in ("r1", "r2")}
    meta = json.loads((scans["r2"] / "scan.json").read_text())
    meta["chroms"]["chrA"] += 10  # another assembly's chrA
    (scans["r2"] / "scan.json").write_text(json.dumps(meta))
    with pytest.raises(InputError, match=r"r1/scan/scan.json and .*r2/scan/scan.json are not compatible: "
                                         r"the length of chromosome chrA differs"):
        replicate_agreement({"r1": a, "r2": b}, CHROMS, [50], scans)
