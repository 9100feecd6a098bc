"""Wherever two products meet, they are compared by one rule (:func:`gategenome.io.provenance.require_compatible`).

:data:`PRODUCT_OPTIONS` names the inputs that carry where they came from (a model,
a genome, a scan, tracks, a bigWig, a BAM, a VCF, shards, parts).  Every pair of
them that one command reads is either a meeting point with a case below (the
command, given two products that do not belong together, must refuse with the one
line only ``require_compatible`` writes, naming both files and the key), or is
listed in :data:`NOT_COMPARED` with the reason.  A new command or a new product
option fails :func:`test_every_pair_of_products_is_a_meeting_point` until it is
one or the other.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import click
import hostile
import numpy as np
import pysam
import pytest
import scan_fixture
from click.testing import CliRunner
from scan_testlib import random_dna, small_model, write_bigwig, write_fasta

from gategenome.cli.main import cli

#: Options (and arguments) whose files say where they came from.
PRODUCT_OPTIONS = {"--model", "--genome", "--signal", "--insertions", "--scan-dir", "--tracks-dir", "--bam", "--vcf",
                   "shards", "parts"}

#: Pairs read together that are not compared, and why.
NOT_COMPARED = {
    ("design reset", "--genome", "--model"): "a checkpoint records no genome: any FASTA may be scored",
    ("explain", "--genome", "--model"): "a checkpoint records no genome",
    ("explain", "--model", "--signal"): "a checkpoint records no signal; the signal is compared to --genome",
    ("scan", "--genome", "--model"): "a checkpoint records no genome",
    ("scan", "--model", "--signal"): "a checkpoint records no signal; the signal is compared to --genome",
    ("variants", "--genome", "--model"): "a checkpoint records no genome",
    ("variants", "--model", "--signal"): "a checkpoint records no signal; the signal is compared to --genome",
    ("variants", "--model", "--vcf"): "a VCF records no model",
    ("variants", "--signal", "--vcf"): "both are compared to --genome",
    ("variants", "--scan-dir", "--vcf"): "both are compared to --genome",
    ("export", "--scan-dir", "--signal"): "both are compared to --genome",
    ("export", "--signal", "--tracks-dir"): "both are compared to --genome",
    ("review", "--signal", "--tracks-dir"): "both are compared to --genome",
}

SIZES = {"chrA": 900, "chrB": 700, "chrC": 500}


def run(*args):
    return CliRunner().invoke(cli, ["-q", *[str(a) for a in args]])


def ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict[str, Path]:
    """Products of two models and two assemblies, made by the commands themselves."""
    root = tmp_path_factory.mktemp("meet")
    rng = np.random.default_rng(3)
    w: dict[str, Path] = {"root": root}
    w["genome"] = write_fasta(root / "genome.fa", {c: random_dna(n, rng) for c, n in SIZES.items()})
    w["other_genome"] = write_fasta(root / "other.fa", {"chrA": random_dna(950, rng), "chrB": random_dna(700, rng),
                                                             "chrC": random_dna(500, rng)})
    w["signal"] = write_bigwig(root / "signal.bw", {c: rng.poisson(2.0, n).astype(float) for c, n in SIZES.items()})
    w["signal_other"] = write_bigwig(root / "signal_other.bw", {"chrA": np.ones(950), "chrB": np.ones(700),
                                                                         "chrC": np.ones(500)})
    w["signal_elsewhere"] = write_bigwig(root / "signal_elsewhere.bw", {"chrZ": np.ones(500)})
    w["model"] = small_model(root / "model.pt", hidden_size=4, num_layers=1, seed=0)
    w["model_b"] = small_model(root / "model_b.pt", hidden_size=4, num_layers=1, seed=1)
    w["model_sig"] = small_model(root / "model_sig.pt", inputs="dna+signal", hidden_size=4, num_layers=1)

    def scan(model, genome, out, *extra):
        ok(run("scan", "--model", model, "--genome", genome, "--out-dir", out, "--no-progress", "--device", "cpu",
               "--chunk-size", 128, "--null-fraction", 0.5, "--null-window", 200, *extra))
        return out

    w["shard_a"] = scan(w["model"], w["genome"], root / "shard_a", "--chrom", "chrA", "--no-tracks")
    w["shard_b"] = scan(w["model"], w["genome"], root / "shard_b_same", "--chrom", "chrB", "--no-tracks")
    w["shard_b_model_b"] = scan(w["model_b"], w["genome"], root / "shard_b", "--chrom", "chrB", "--no-tracks")
    w["shard_b_other_genome"] = scan(w["model"], w["other_genome"], root / "shard_b_other", "--chrom", "chrB",
                                     "--no-tracks")
    w["scan"] = scan(w["model"], w["genome"], root / "scan")
    w["scan_b"] = scan(w["model_b"], w["genome"], root / "scan_b")
    w["tracks_b"] = root / "tracks_b"
    ok(run("tracks", "--scan-dir", w["scan_b"], "--out-dir", w["tracks_b"]))
    w["signal_2"] = write_bigwig(root / "signal_2.bw", {c: rng.poisson(3.0, n).astype(float) for c, n in SIZES.items()})
    w["scan_sig"] = scan(w["model_sig"], w["genome"], root / "scan_sig", "--signal", w["signal"], "--no-tracks")
    w["scan_other_genome"] = scan(w["model"], w["other_genome"], root / "scan_other")
    w["drops"] = root / "drops.bed"
    w["drops"].write_text("chrA\t100\t110\tdrop_1\t500\t+\t0.5\t3\t2\t4\n")

    header = "##fileformat=VCFv4.2\n##contig=<ID=chrA,length={}>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    base = pysam.FastaFile(str(w["genome"])).fetch("chrA", 49, 50)
    record = f"chrA\t50\t.\t{base}\t{'A' if base != 'A' else 'C'}\t.\t.\t.\n"
    w["vcf"] = root / "calls.vcf"
    w["vcf"].write_text(header.format(900) + record)
    w["vcf_other"] = root / "calls_other.vcf"
    w["vcf_other"].write_text(header.format(950) + record)

    def variants(model, out):
        ok(run("variants", "--model", model, "--genome", w["genome"], "--vcf", w["vcf"], "--threshold", 0.5,
               "--footprint-max", 100, "--no-progress", "--device", "cpu", "--out", out))
        return out

    w["part"] = variants(w["model"], root / "parts" / "a")
    w["part_model_b"] = variants(w["model_b"], root / "parts" / "b")
    w["part_other_settings"] = root / "parts" / "c"
    ok(run("variants", "--model", w["model"], "--genome", w["genome"], "--vcf", w["vcf"], "--threshold", 0.5,
           "--footprint-max", 100, "--window", 20, "--no-progress", "--device", "cpu", "--out", w["part_other_settings"]))

    w["bam_other"] = root / "other.bam"
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chrA", "LN": 950}, {"SN": "chrB", "LN": 700},
                                                             {"SN": "chrC", "LN": 500}]}
    with pysam.AlignmentFile(str(w["bam_other"]), "wb", header=header):
        pass
    pysam.index(str(w["bam_other"]))

    evaluation = scan_fixture.build(root / "evaluate")
    w["eval_scan"], w["eval_drops"] = evaluation["scan"], evaluation["drops"]
    w["eval_regions"], w["eval_folds"] = evaluation["regions"], evaluation["folds"]
    w["eval_signal_other"] = write_bigwig(root / "eval_signal_other.bw",
                                          {c: np.ones(n + 10) for c, n in scan_fixture.SIZES.items()})
    w["folds"] = root / "folds.json"
    w["folds"].write_text(json.dumps({"train": ["chrA"], "valid": ["chrB"], "test": ["chrC"]}))
    w["boundaries"] = root / "boundaries.bed"
    w["boundaries"].write_text("chrA\t90\t110\tboundary_1\t500\t+\t0.01\t3\t2\t10\topening\n")
    w["tracks_bare"] = root / "tracks_bare"  # the track bigWigs without the record 'tracks' writes beside them
    w["tracks_bare"].mkdir()
    for name in ("forget.plus.bw", "forget.minus.bw"):
        (w["tracks_bare"] / name).write_bytes((w["tracks_b"] / name).read_bytes())
    w["igv_js"] = root / "igv.min.js"
    w["igv_js"].write_text("// igv.js stand-in: the page is never written in these cases\n")
    w["accessible"] = root / "accessible.bed"
    w["accessible"].write_text("chrA\t100\t300\nchrB\t100\t300\nchrC\t100\t300\n")
    w["config_insertions"] = root / "insertions.yaml"
    w["config_insertions"].write_text("train:\n  target: insertions\n  bias_steps: 0\n")
    # both of the genome's assembly, disagreeing on a chromosome the FASTA lacks: only their own meeting sees it
    w["signal_q"] = write_bigwig(root / "signal_q.bw",
                                 {**{c: np.ones(n) for c, n in SIZES.items()}, "chrQ": np.ones(100)})
    w["insertions_q"] = write_bigwig(root / "insertions_q.bw",
                                     {**{c: np.ones(n) for c, n in SIZES.items()}, "chrQ": np.ones(200)})
    return w


def _cases(w: dict[str, Path]) -> dict[tuple[str, str, str], tuple[list, list[str], str]]:
    """(command, option, option) -> (argv, names the message must hold, key that differs)."""
    out = w["root"] / "out"
    variants = ["variants", "--genome", w["genome"], "--vcf", w["vcf"], "--no-progress", "--device", "cpu",
                "--footprint-max", 100, "--out", out / "v" / "v"]
    export = ["export", "--drops", w["drops"], "--out-dir", out / "hub"]
    review = ["review", "--boundaries", w["boundaries"], "--igv-js", w["igv_js"], "--out", out / "review.html"]
    return {
        ("gather", "shards", "shards"): (
            ["gather", "--out-dir", out / "g1", w["shard_a"], w["shard_b_model_b"]], ["shard_a", "shard_b"],
            "model_checksum"),
        ("gather", "shards", "shards") + ("genome",): (
            ["gather", "--out-dir", out / "g2", w["shard_a"], w["shard_b_other_genome"]], ["shard_a", "shard_b_other"],
            "genome_checksum"),
        ("variants", "--model", "--scan-dir"): (
            [*variants, "--model", w["model"], "--scan-dir", w["scan_b"]], ["scan_b", "model.pt"], "model_checksum"),
        ("variants", "--genome", "--scan-dir"): (
            [*variants, "--model", w["model"], "--scan-dir", w["scan_other_genome"]], ["scan_other", "genome.fa"],
            "genome_checksum"),
        ("variants", "--genome", "--vcf"): (
            ["variants", "--model", w["model"], "--genome", w["genome"], "--vcf", w["vcf_other"], "--threshold", 0.5,
             "--no-progress", "--device", "cpu", "--out", out / "v2" / "v"], ["calls_other.vcf", "genome.fa"],
            "length of chromosome chrA"),
        ("variants", "--genome", "--signal"): (
            [*variants, "--model", w["model_sig"], "--signal", w["signal_other"], "--threshold", 0.5],
            ["genome.fa", "signal_other.bw"], "length of chromosome chrA"),
        ("variants", "--genome", "--signal") + ("no-shared",): (
            [*variants, "--model", w["model_sig"], "--signal", w["signal_elsewhere"], "--threshold", 0.5],
            ["genome.fa", "signal_elsewhere.bw"], "chromosomes"),
        ("variants", "--scan-dir", "--signal"): (
            [*variants, "--model", w["model_sig"], "--signal", w["signal_2"], "--scan-dir", w["scan_sig"]],
            ["scan_sig", "signal_2.bw"], "signal_checksum"),
        ("variants-gather", "parts", "parts"): (
            ["variants-gather", "--out", out / "vg" / "v", w["part"], w["part_model_b"]], ["a.json", "b.json"],
            "model_checksum"),
        ("variants-gather", "parts", "parts") + ("settings",): (
            ["variants-gather", "--out", out / "vg2" / "v", w["part"], w["part_other_settings"]], ["a.json", "c.json"],
            "settings.window"),
        ("export", "--genome", "--scan-dir"): (
            [*export, "--scan-dir", w["scan"], "--genome", w["other_genome"]], ["scan", "other.fa"], "genome_checksum"),
        ("export", "--scan-dir", "--tracks-dir"): (
            [*export, "--scan-dir", w["scan"], "--genome", w["genome"], "--tracks-dir", w["tracks_b"]],
            ["scan", "tracks_b"], "model_checksum"),
        ("export", "--genome", "--tracks-dir"): (
            [*export, "--scan-dir", w["scan_other_genome"], "--genome", w["other_genome"], "--tracks-dir",
             w["scan"]], ["scan_other", "scan.json"], "genome_checksum"),
        ("export", "--genome", "--signal"): (
            [*export, "--scan-dir", w["scan"], "--genome", w["genome"], "--signal", w["signal_other"]],
            ["genome.fa", "signal_other.bw"], "length of chromosome chrA"),
        ("export", "--genome", "--signal") + ("no-shared",): (
            [*export, "--scan-dir", w["scan"], "--genome", w["genome"], "--signal", w["signal_elsewhere"]],
            ["genome.fa", "signal_elsewhere.bw"], "chromosomes"),
        ("review", "--genome", "--signal"): (
            [*review, "--genome", w["genome"], "--signal", w["signal_other"], "--tracks-dir", w["tracks_b"]],
            ["genome.fa", "signal_other.bw"], "length of chromosome chrA"),
        ("review", "--genome", "--signal") + ("no-shared",): (
            [*review, "--genome", w["genome"], "--signal", w["signal_elsewhere"], "--tracks-dir", w["tracks_b"]],
            ["genome.fa", "signal_elsewhere.bw"], "chromosomes"),
        ("review", "--genome", "--tracks-dir"): (
            [*review, "--genome", w["other_genome"], "--signal", w["signal_other"], "--tracks-dir", w["tracks_b"]],
            ["tracks.json", "other.fa"], "genome_checksum"),
        ("review", "--genome", "--tracks-dir") + ("scan-directory",): (
            [*review, "--genome", w["other_genome"], "--signal", w["signal_other"], "--tracks-dir", w["scan"]],
            ["scan.json", "other.fa"], "genome_checksum"),
        ("review", "--genome", "--tracks-dir") + ("no-record",): (
            [*review, "--genome", w["other_genome"], "--signal", w["signal_other"], "--tracks-dir", w["tracks_bare"]],
            ["other.fa", "forget.plus.bw"], "length of chromosome chrA"),
        ("scan", "--genome", "--signal"): (
            ["scan", "--model", w["model_sig"], "--genome", w["genome"], "--signal", w["signal_other"], "--out-dir",
             out / "scan", "--device", "cpu", "--no-progress"], ["genome.fa", "signal_other.bw"],
            "length of chromosome chrA"),
        ("explain", "--genome", "--signal"): (
            ["explain", "--model", w["model_sig"], "--genome", w["genome"], "--signal", w["signal_other"], "--drops",
             w["drops"], "--no-motifs", "--no-progress", "--device", "cpu", "--out-dir", out / "explain"],
            ["genome.fa", "signal_other.bw"], "length of chromosome chrA"),
        ("prepare", "--genome", "--signal"): (
            ["prepare", "--genome", w["genome"], "--signal", w["signal_other"], "--out-dir", out / "prep"],
            ["genome.fa", "signal_other.bw"], "length of chromosome chrA"),
        ("train", "--genome", "--signal"): (
            ["train", "--genome", w["genome"], "--signal", w["signal_other"], "--regions", w["accessible"], "--folds",
             w["folds"], "--out", out / "train" / "m.pt", "--device", "cpu", "--no-progress"],
            ["genome.fa", "signal_other.bw"], "length of chromosome chrA"),
        ("train", "--genome", "--insertions"): (
            ["train", "--genome", w["genome"], "--signal", w["signal"], "--insertions", w["signal_other"], "--config",
             w["config_insertions"], "--regions", w["accessible"], "--folds", w["folds"], "--out",
             out / "train" / "m.pt", "--device", "cpu", "--no-progress"],
            ["genome.fa", "signal_other.bw"], "length of chromosome chrA"),
        ("train", "--insertions", "--signal"): (
            ["train", "--genome", w["genome"], "--signal", w["signal_q"], "--insertions", w["insertions_q"], "--config",
             w["config_insertions"], "--regions", w["accessible"], "--folds", w["folds"], "--out",
             out / "train" / "m.pt", "--device", "cpu", "--no-progress"],
            ["signal_q.bw", "insertions_q.bw"], "length of chromosome chrQ"),
        ("signal", "--bam", "--genome"): (
            ["signal", "--genome", w["genome"], "--bam", w["bam_other"], "--no-call-peaks", "--out-dir",
             out / "signal"], ["genome.fa", "other.bam"], "length of chromosome chrA"),
        ("boundaries", "--scan-dir", "--signal"): (
            ["boundaries", "--scan-dir", w["eval_scan"], "--signal", w["eval_signal_other"], "--out",
             out / "b" / "boundaries.bed"], ["scan", "eval_signal_other.bw"], "length of chromosome chrA"),
        ("evaluate", "--scan-dir", "--signal"): (
            ["evaluate", "--drops", w["eval_drops"], "--scan-dir", w["eval_scan"], "--regions", w["eval_regions"],
             "--folds", w["eval_folds"], "--signal", w["eval_signal_other"], "--out-dir", out / "evaluate"],
            ["scan", "eval_signal_other.bw"], "length of chromosome chrA"),
    }


def _placeholder_case_ids() -> list[str]:
    return ["-".join(key) for key in _cases(_Anything())]


class _Anything(dict):
    """Any key -> a placeholder path (the case keys are known without writing the products)."""

    def __missing__(self, key):
        return Path("/placeholder") / key


def _product_pairs() -> set[tuple[str, str, str]]:
    """(command, option, option) for every two product options one command reads (options sorted)."""
    ctx = click.Context(cli)
    pairs = set()
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        subcommands = command.commands.items() if isinstance(command, click.Group) else [(None, command)]
        for sub, leaf in subcommands:
            label = name if sub is None else f"{name} {sub}"
            options = sorted({(param.opts[0] if isinstance(param, click.Option) else param.name)
                              for param in leaf.params} & PRODUCT_OPTIONS)
            pairs.update((label, a, b) for a, b in itertools.combinations(options, 2))
            pairs.update((label, a, a) for a in options if a in ("shards", "parts"))  # several of one kind
    return pairs


def test_every_pair_of_products_is_a_meeting_point():
    covered = {key[:3] for key in _cases(_Anything())}
    for key in covered:  # a case key names a pair in the order _product_pairs uses
        assert list(key[1:3]) == sorted(key[1:3]), key
    missing = sorted(_product_pairs() - covered - set(NOT_COMPARED))
    assert not missing, f"products read together but never compared (add a case or a reason): {missing}"
    stale = sorted(set(NOT_COMPARED) - _product_pairs())
    assert not stale, stale


@pytest.mark.slow
@pytest.mark.parametrize("case_id", _placeholder_case_ids())
def test_products_that_do_not_belong_together_are_refused_by_the_one_rule(world, case_id):
    argv, names, key = next(value for k, value in _cases(world).items() if "-".join(k) == case_id)
    before = hostile.checksums(world["root"])
    result = run(*argv)
    line = hostile.assert_clean_error(result, "are not compatible", f"{key} differs", *names)
    assert "docs/compatibility.md" in line
    after = hostile.checksums(world["root"])
    assert after == before, sorted(set(after.items()) ^ set(before.items()))


@pytest.mark.slow
def test_the_same_products_meet(world):
    """The products of one model on one genome are accepted together (the refusals above are not blanket)."""
    ok(run("gather", "--out-dir", world["root"] / "ok" / "gathered", world["shard_a"], world["shard_b"]))
    ok(run("export", "--drops", world["drops"], "--out-dir", world["root"] / "ok" / "hub", "--scan-dir",
           world["scan"], "--genome", world["genome"], "--signal", world["signal"]))
    threshold = run("variants", "--model", world["model"], "--genome", world["genome"], "--vcf", world["vcf"],
                    "--scan-dir", world["scan"], "--no-progress", "--device", "cpu", "--footprint-max", 100,
                    "--out", world["root"] / "ok" / "v2" / "v")
    ok(threshold)
    summary = json.loads((world["root"] / "ok" / "v2" / "v.json").read_text())
    assert summary["model_checksum"] and summary["genome_checksum"]
