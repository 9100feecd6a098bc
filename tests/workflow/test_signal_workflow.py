"""The workflow from fragments: rule signal pools replicate rows; sheet errors name the sample and column."""

from __future__ import annotations

import json
import shutil

import pytest
from workflow_helpers import TINY, run_snakemake, write_config


@pytest.fixture
def fragments(mini):
    return mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz"


def test_dry_run_pools_replicate_rows_into_one_signal_job(tmp_path, mini, fragments):
    second = tmp_path / "rep2.bedpe.gz"
    shutil.copy(fragments, second)
    write_config(tmp_path, mini["genome"], [
        {"sample": "chrI", "fragments": fragments, "replicate": "r1"},
        {"sample": "chrI", "fragments": second, "replicate": "r2"},
    ], signal={"tn5_shift": True}, **TINY)
    result = run_snakemake(tmp_path, "-n", "-p", "results/chrI/prepare/prepare.json")
    output = result.stdout + result.stderr
    command = next(line for line in output.splitlines() if "gategenome signal" in line)
    assert f"--fragments {fragments}" in command and f"--fragments {second}" in command
    assert "--tn5-shift" in command and "--call-peaks" in command
    prepare = next(line for line in output.splitlines() if "gategenome prepare" in line)
    assert "--signal results/chrI/signal/coverage.bw" in prepare
    assert "--peaks results/chrI/signal/peaks.narrowPeak" in prepare
    assert "--signal-summary results/chrI/signal/signal.json" in prepare


@pytest.mark.parametrize(("rows", "words"), [
    ([{"sample": "s1"}], ["'s1'", "no signal column", "exactly one of"]),
    ([{"sample": "s1", "bigwig": "BW", "fragments": "FR"}], ["'s1'", "bigwig and fragments"]),
    ([{"sample": "s1", "bigwig": "BW"}, {"sample": "s1", "bigwig": "BW"}], ["'s1'", "2 rows with a bigwig"]),
    ([{"sample": "s1", "fragments": "absent.bedpe.gz"}], ["'s1'", "column fragments", "absent.bedpe.gz"]),
    ([{"sample": "s1", "bam": "BAM", "barcodes": "CELLS"}], ["'s1'", "expected a fragments column"]),
    ([{"sample": "s1", "fragments": "FR", "barcodes": "GROUPS"}], ["'s1'", "column barcodes", "group column"]),
    ([{"sample": "s1", "fragments": "FR", "replicate": "a"}, {"sample": "s1", "fragments": "FR", "replicate": "a"}],
     ["'s1'", "replicate 'a'", "distinct replicate label"]),
    ([{"sample": "s1", "fragments": "FR", "replicate": "a/b"}], ["'s1'", "a/b"]),
])
def test_sample_sheet_errors_name_the_sample_and_column(tmp_path, mini, fragments, rows, words):
    (tmp_path / "cells.txt").write_text("AAAC-1\n")
    (tmp_path / "groups.txt").write_text("AAAC-1\tT\n")
    paths = {"BW": mini["signal"], "FR": fragments, "BAM": fragments, "CELLS": tmp_path / "cells.txt",
             "GROUPS": tmp_path / "groups.txt"}
    rows = [{key: paths.get(value, value) for key, value in row.items()} for row in rows]
    write_config(tmp_path, mini["genome"], rows, **TINY)
    result = run_snakemake(tmp_path, "-n", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    message = next((line for line in output.splitlines() if "gategenome workflow configuration" in line),
                   output[-3000:])
    for word in words:
        assert word in message, message


@pytest.mark.slow
def test_whole_workflow_runs_from_a_fragments_file(tmp_path, mini, fragments):
    write_config(tmp_path, mini["genome"], [{"sample": "chrI", "fragments": fragments}],
                 design={"enabled": False, **TINY["design"]}, **{k: v for k, v in TINY.items() if k != "design"})
    run_snakemake(tmp_path, "--cores", "2")
    results = tmp_path / "results" / "chrI"
    assert (results / "drops.bed").exists() and (results / "tracks" / "forget.plus.bw").exists()
    signal = json.loads((results / "signal" / "signal.json").read_text())
    assert signal["inputs"][0]["kept"] == 5771
    prepared = json.loads((results / "prepare" / "prepare.json").read_text())
    assert prepared["regions"]["count"] > 0
    assert prepared["signal_provenance"]["peaks"]["all"]["command"].startswith("macs3 callpeak")
    assert (results / "logs" / "signal.log").exists() and (results / "benchmarks" / "signal.tsv").exists()


def _split_replicates(fragments, tmp_path):
    """Alternate lines of the fragments file into two gzipped replicates (each still sorted)."""
    import gzip

    with gzip.open(fragments, "rt") as handle:
        lines = handle.readlines()
    paths = []
    for index in range(2):
        path = tmp_path / f"rep{index + 1}.bedpe.gz"
        with gzip.open(path, "wt") as handle:
            handle.writelines(lines[index::2])
        paths.append(path)
    return paths


def test_dry_run_scans_calls_and_evaluates_each_replicate(tmp_path, mini, fragments):
    first, second = _split_replicates(fragments, tmp_path)
    write_config(tmp_path, mini["genome"], [
        {"sample": "chrI", "fragments": first, "replicate": "r1"},
        {"sample": "chrI", "fragments": second, "replicate": "r2"},
    ], scan={"null_fraction": 0.2}, **TINY)
    result = run_snakemake(tmp_path, "-n", "-p", "results/chrI/evaluation/report.html")
    lines = (result.stdout + result.stderr).splitlines()
    signals = [line for line in lines if "gategenome signal" in line]
    assert len(signals) == 3  # the pooled signal and one per replicate
    for label, path in (("r1", first), ("r2", second)):
        own = next(line for line in signals if f"results/chrI/replicates/{label}/signal" in line)
        assert f"--fragments {path}" in own and "--no-call-peaks" in own and str(first if label == "r2" else second) not in own
        scan = next(line for line in lines if "gategenome scan" in line and f"replicates/{label}/scan" in line)
        assert "--model results/chrI/model/model.pt" in scan and "--null-fraction 0.2" in scan
        assert f"--signal results/chrI/replicates/{label}/signal/coverage.bw" in scan
        call = next(line for line in lines if "gategenome call" in line and f"replicates/{label}/" in line)
        assert f"--out results/chrI/replicates/{label}/drops.bed" in call
    evaluate = next(line for line in lines if "gategenome evaluate" in line)
    assert "--replicate-drops r1=results/chrI/replicates/r1/drops.bed" in evaluate
    assert "--replicate-drops r2=results/chrI/replicates/r2/drops.bed" in evaluate
    assert "--replicate-scan r2=results/chrI/replicates/r2/scan" in evaluate


def test_dry_run_of_one_replicate_has_no_replicate_jobs(tmp_path, mini, fragments):
    write_config(tmp_path, mini["genome"], [{"sample": "chrI", "fragments": fragments}], **TINY)
    result = run_snakemake(tmp_path, "-n", "-p", "results/chrI/evaluation/report.html")
    output = result.stdout + result.stderr
    assert "results/chrI/replicates/" not in output and "--replicate-drops" not in output
    assert "gategenome evaluate" in output
