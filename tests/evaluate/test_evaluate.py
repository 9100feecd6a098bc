"""gategenome evaluate: input errors, the fold fallback and the command line's checks."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.evaluate.run import evaluate
from gategenome.evaluate.settings import EvaluateSettings


def _bad_run(tmp_path, case, **override):
    args = {"--drops": case["drops"], "--scan-dir": case["scan"], "--regions": case["regions"], "--folds": case["folds"]}
    args.update(override)
    out = tmp_path / "out"
    argv = ["evaluate", "--out-dir", str(out)] + [str(x) for pair in args.items() for x in pair]
    result = CliRunner().invoke(cli, argv)
    return result, out


@pytest.mark.parametrize("problem", ["missing-drops", "bad-folds-json", "not-a-scan", "other-genome",
                                     "bad-drops-line", "empty-regions", "unknown-chromosome-regions"])
def test_cli_bad_input(case, tmp_path, problem):
    bad = tmp_path / "bad"
    if problem == "missing-drops":
        override, name = {"--drops": tmp_path / "nope.bed"}, "nope.bed"
    elif problem == "bad-folds-json":
        bad.write_text("{not json")
        override, name = {"--folds": bad}, "bad"
    elif problem == "not-a-scan":
        bad.mkdir()
        override, name = {"--scan-dir": bad}, "bad"
    elif problem == "other-genome":
        bad.write_text(json.dumps({"test": ["chr1", "chr2"]}))
        override, name = {"--folds": bad}, "bad"
    elif problem == "empty-regions":  # train refuses these too
        bad.write_text("")
        override, name = {"--regions": bad}, "bad"
    elif problem == "unknown-chromosome-regions":
        bad.write_text("chrA\t10\t100\nchrZ\t10\t100\n")
        override, name = {"--regions": bad}, "bad"
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
    shutil.copytree(case["scan"], scan)
    (scan / "chroms" / "chrC.json").unlink()
    result = evaluate(case["drops"], scan, case["regions"], folds, EvaluateSettings(replicates=20))
    assert result.results["fold"]["chromosomes"] == ["chrB"]
    assert "no 'test' chromosome was scanned" in result.results["fold"]["fallback"]
    assert result.results["counts"]["drops"] == 4


@pytest.mark.parametrize("option, value", [("--signal-threshold", "nan"), ("--signal-threshold", "inf"),
                                           ("--flank", "-5"), ("--replicates", "0"), ("--replicates", "9"),
                                           ("--signal-window", "0"), ("--distances", "50,abc"), ("--fold", "holdout")])
def test_cli_bad_settings_are_usage_errors(case, tmp_path, option, value):
    result, out = _bad_run(tmp_path, case, **{option: value})
    assert result.exit_code == 2 and option in result.output and not out.exists()
