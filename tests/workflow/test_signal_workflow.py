"""The workflow from fragments: rule signal pools replicate rows; sheet errors name the sample and column."""

from __future__ import annotations

import gzip
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
    assert "--config results/chrI/config/signal.yaml" in command and "--call-peaks" in command
    assert "tn5_shift: true" in output  # the signal section, written as that --config YAML
    prepare = next(line for line in output.splitlines() if "gategenome prepare" in line)
    assert "--signal results/chrI/signal/coverage.bw" in prepare
    assert "--peaks results/chrI/signal/peaks.narrowPeak" in prepare
    assert "--signal-summary results/chrI/signal/signal.json" in prepare


@pytest.mark.parametrize("tss", [None, "genes.gtf.gz"])
def test_dry_run_passes_the_configured_tss_to_rule_signal(tmp_path, mini, fragments, tss):
    settings = {}
    if tss:
        with gzip.open(tmp_path / tss, "wt") as handle:
            handle.write('chrI\tSGD\ttranscript\t335\t649\t.\t+\t.\tgene_id "YAL069W";\n')
        settings["tss"] = str(tmp_path / tss)
    write_config(tmp_path, mini["genome"], [{"sample": "chrI", "fragments": fragments}], **settings, **TINY)
    result = run_snakemake(tmp_path, "-n", "-p", "results/chrI/signal/signal.json")
    command = next(line for line in (result.stdout + result.stderr).splitlines() if "gategenome signal" in line)
    if tss:
        assert f"--tss {tmp_path / tss}" in command
    else:
        assert "--tss" not in command


def test_a_missing_tss_file_is_named(tmp_path, mini, fragments):
    write_config(tmp_path, mini["genome"], [{"sample": "chrI", "fragments": fragments}],
                 tss=str(tmp_path / "absent.gtf"), **TINY)
    result = run_snakemake(tmp_path, "-n", check=False)
    assert result.returncode != 0
    message = next(line for line in (result.stdout + result.stderr).splitlines()
                   if "gategenome workflow configuration" in line)
    assert "tss: file not found" in message and "absent.gtf" in message


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
        assert "--model results/chrI/model/model.pt" in scan
        assert f"--config results/chrI/config/replicates/{label}/scan.yaml" in scan
        assert "null_fraction: 0.2" in result.stdout  # the scan section, as scan's settings file
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


@pytest.mark.slow
def test_two_replicate_workflow_scores_replicate_agreement(tmp_path, mini, fragments):
    first, second = _split_replicates(fragments, tmp_path)
    write_config(tmp_path, mini["genome"], [
        {"sample": "chrI", "fragments": first, "replicate": "r1"},
        {"sample": "chrI", "fragments": second, "replicate": "r2"},
    ], **{**TINY, "call": {"fdr": 1.0, "min_depth": 0.0},  # every drop below the null threshold is reported
          "model": {"hidden_size": 16},
          # the drops of the peaks' regions target, what the agreement below is about (a sample made
          # from reads trains on its insertions by default)
          "train": {**TINY["train"], "epochs": 2, "steps_per_epoch": 20, "target": "regions"}})
    run_snakemake(tmp_path, "--cores", "2", "results/chrI/evaluation/report.html")
    results = tmp_path / "results" / "chrI"
    kept = [json.loads((results / "replicates" / label / "signal" / "signal.json").read_text())["inputs"][0]["kept"]
            for label in ("r1", "r2")]
    pooled = json.loads((results / "signal" / "signal.json").read_text())
    assert sum(kept) == sum(item["kept"] for item in pooled["inputs"]) == 5771
    numbers = json.loads((results / "evaluation" / "evaluation.json").read_text())["replicates"]
    (pair,) = numbers["pairs"]
    assert (pair["a"], pair["b"]) == ("r1", "r2")
    assert numbers["replicates"]["r1"]["count"] > 0 and numbers["replicates"]["r2"]["count"] > 0
    for value in (*pair["a_within_b"].values(), *pair["b_within_a"].values(), pair["jaccard"]):
        assert 0.0 <= value <= 1.0
    # halves of one library: their drops agree well beyond what positions at random would
    assert pair["a_within_b"]["100"] > 2 * pair["a_within_b_chance"]["100"]
    assert pair["b_within_a"]["100"] > 2 * pair["b_within_a_chance"]["100"]
    assert pair["gate_correlation"]["bases"] > 0 and -1.0 <= pair["gate_correlation"]["pearson"] <= 1.0
    print("replicate agreement:", json.dumps(numbers))
    assert "<h2>Replicates</h2>" in (results / "evaluation" / "report.html").read_text()


def test_dry_run_trains_a_sample_from_reads_on_its_insertions_and_a_bigwig_sample_on_regions(tmp_path, mini,
                                                                                              fragments):
    write_config(tmp_path, mini["genome"], [
        {"sample": "reads", "fragments": fragments},
        {"sample": "cover", "bigwig": mini["signal"]},
    ], **TINY)
    result = run_snakemake(tmp_path, "-n", "-p", "results/reads/model/model.pt", "results/cover/model/model.pt")
    output = result.stdout + result.stderr
    commands = {sample: next(line for line in output.splitlines()
                             if "gategenome train" in line and f"results/{sample}/model/model.pt" in line)
                for sample in ("reads", "cover")}
    assert "--insertions results/reads/signal/cutsites.bw" in commands["reads"]
    assert "--signal results/reads/signal/coverage.bw" in commands["reads"]
    assert "target: insertions" in output and "the sample comes from reads" in output
    assert "--insertions" not in commands["cover"]
    assert "target: regions" in output and "given as a coverage bigWig" in output
