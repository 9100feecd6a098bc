"""The bad-input corpus: malformed files written on demand, and the command lines that use them.

:func:`write_corpus` writes, under one root, a small valid workspace (genome,
signal, regions, folds, a model, a scan directory, existing outputs) and the
malformed inputs beside it: truncated, empty, wrong-format files and files with
hostile names.  :func:`cases` lists, grouped by command, each command line that
must fail, the exit status it must give (1: a ``gategenome: error:`` line, 2: a
click usage error), a text the message must hold, and the paths the command may
write (its outputs).  ``tests/cli/test_cli_fuzz.py`` runs them all.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pysam
import scan_fixture
import torch
from hostile import corrupt_gzip, truncate
from scan_testlib import random_dna, small_model, write_bigwig, write_fasta

from gategenome.model.checkpoint import FORMAT, VERSION

SIZES = {"chrA": 6_000, "chrB": 4_000, "chrC": 4_000}
MARKER = "CODE_RAN"  # a checkpoint carrying code would create this file if it were ever run


@dataclass
class Case:
    """One command line that must fail cleanly.

    Attributes
    ----------
    command
        The subcommand (the group of the case).
    name
        What is wrong, e.g. ``"signal-all-nan"``.
    argv
        Arguments after ``gategenome`` (paths as strings).
    status
        1 (a one-line ``gategenome: error:``) or 2 (a click usage error).
    needle
        Text the error line must contain (a file or option name).
    outputs
        Paths the command may write; nothing else may change.
    """

    command: str
    name: str
    argv: list[str]
    status: int
    needle: str
    outputs: list[Path] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.command}-{self.name}"


class _Code:
    """Unpickling this runs ``open(path, "w")``: a checkpoint carrying code."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _models(root: Path) -> dict[str, Path]:
    """A valid small model and broken ones: text, empty, list state_dict, wrong shapes, carrying code."""
    good = small_model(root / "model.pt", hidden_size=4, num_layers=1)
    payload = torch.load(good, weights_only=True)
    paths = {"model": good}
    paths["model_text"] = root / "model_text.pt"
    paths["model_text"].write_text("this is not a checkpoint\n")
    paths["model_empty"] = root / "model_empty.pt"
    paths["model_empty"].write_bytes(b"")
    paths["model_truncated"] = root / "model_truncated.pt"
    paths["model_truncated"].write_bytes(good.read_bytes()[:200])
    paths["model_list"] = root / "model_list.pt"
    torch.save({**payload, "state_dict": list(payload["state_dict"].values())}, paths["model_list"])
    shape = dict(payload["state_dict"])
    first = next(iter(shape))
    shape[first] = torch.zeros(2, 2)
    paths["model_shape"] = root / "model_shape.pt"
    torch.save({**payload, "state_dict": shape}, paths["model_shape"])
    paths["model_code"] = root / "model_code.pt"
    torch.save({"format": FORMAT, "version": VERSION, "config": payload["config"],
                "state_dict": payload["state_dict"], "summary": {"x": _Code(root / MARKER)}}, paths["model_code"])
    paths["model_pickle"] = root / "model_pickle.pt"
    paths["model_pickle"].write_bytes(pickle.dumps({"format": FORMAT}))
    return paths


def _signals(root: Path, good_signal: Path) -> dict[str, Path]:
    """bigWigs with NaN only, negative only, truncated, and a text file named .bw."""
    paths = {
        "signal_nan": write_bigwig(root / "nan.bw", {c: np.full(n, np.nan) for c, n in SIZES.items()}),
        "signal_negative": write_bigwig(root / "negative.bw", {c: np.full(n, -2.0) for c, n in SIZES.items()}),
    }
    paths["signal_truncated"] = root / "truncated.bw"
    paths["signal_truncated"].write_bytes(good_signal.read_bytes()[:300])
    paths["signal_text"] = root / "text.bw"
    paths["signal_text"].write_text("chrA\t0\t100\t5\n")
    return paths


def _configs(root: Path) -> dict[str, Path]:
    """--config files with type errors, a NaN, and text that is not YAML."""
    texts = {
        "config_hidden_string": 'model:\n  hidden_size: "eight"\n',
        "config_window_string": "train:\n  window: abc\n",
        "config_lr_nan": "train:\n  lr: .nan\n",
        "config_window_float": "train:\n  window: 4096.7\n",
        "config_hidden_float": "model:\n  hidden_size: 3.5\n",
        "config_rc_string": 'train:\n  rc_augment: "no"\n',
        "config_not_yaml": "model: [unclosed\n",
        "config_list": "- model\n- train\n",
    }
    paths = {}
    for key, text in texts.items():
        paths[key] = root / f"{key}.yaml"
        paths[key].write_text(text)
    return paths


def write_corpus(root: Path) -> dict[str, Path]:
    """Write the valid workspace and every malformed input under ``root``; name -> path."""
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    paths: dict[str, Path] = {"root": root}
    paths["genome"] = write_fasta(root / "genome.fa", {c: random_dna(n, rng) for c, n in SIZES.items()})
    paths["signal"] = write_bigwig(root / "signal.bw", {c: rng.poisson(2.0, n).astype(float) for c, n in SIZES.items()})
    paths["regions"] = root / "regions.bed"
    paths["regions"].write_text("chrA\t1000\t1400\nchrB\t500\t900\nchrC\t2000\t2300\n")
    paths["folds"] = root / "folds.json"
    paths["folds"].write_text(json.dumps({"train": ["chrA"], "valid": ["chrB"], "test": ["chrC"]}))
    paths.update(_models(root))
    paths.update(_signals(root, paths["signal"]))
    paths.update(_configs(root))
    paths["evaluate"] = root / "evaluate"
    paths.update({f"eval_{key}": value for key, value in scan_fixture.build(paths["evaluate"]).items()})

    paths["empty"] = root / "empty.bed"
    paths["empty"].write_text("")
    paths["fragments_unsorted"] = root / "fragments_unsorted.tsv"
    paths["fragments_unsorted"].write_text("chrA\t200\t300\nchrA\t50\t100\n")
    paths["fragments_unknown"] = root / "fragments_unknown.tsv"
    paths["fragments_unknown"].write_text("../../etc/passwd\t1\t50\n")
    paths["vcf_headerless"] = root / "headerless.vcf"
    paths["vcf_headerless"].write_text("chrA\t100\t.\tA\tC\t.\t.\t.\n")
    paths["vcf_clash"] = root / "clash.tsv"  # PREFIX.tsv of --out PREFIX=clash
    paths["vcf_clash"].write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    paths["vcf_unknown"] = root / "unknown.vcf"
    paths["vcf_unknown"].write_text("##fileformat=VCFv4.2\n##contig=<ID=chrZ>\n"
                                    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchrZ\t100\t.\tA\tC\t.\t.\t.\n")
    paths["hostile_empty"] = root / "regions;$(touch PWNED)`touch PWNED2`.bed"
    paths["hostile_empty"].write_text("")
    paths["regions_unknown"] = root / "regions_unknown.bed"
    paths["regions_unknown"].write_text("chrA\t10\t100\n../../etc/passwd\t0\t10\n")
    paths["regions_train_only"] = root / "regions_train_only.bed"
    paths["regions_train_only"].write_text("chrA\t1000\t1400\n")
    paths["genome_all_n"] = root / "all_n.fa"
    paths["genome_all_n"].write_text(">chrA\n" + "N" * 6_000 + "\n>chrB\n" + "n" * 4_000 + "\n")
    pysam.faidx(str(paths["genome_all_n"]))  # built beforehand: a missing .fai is (rightly) built beside the FASTA
    paths["drops_nostrand"] = root / "drops_nostrand.bed"
    paths["drops_nostrand"].write_text("chrA\t3000\t3010\tdrop_1\t500\t.\t0.5\t3\t2\t4\n")
    paths["drops_unknown"] = root / "drops_unknown.bed"
    paths["drops_unknown"].write_text("chrZ\t3000\t3010\tdrop_1\t500\t+\t0.5\t3\t2\t4\n")
    paths["drops_summit"] = root / "drops_summit.bed"
    paths["drops_summit"].write_text("chrA\t3000\t3010\tdrop_1\t500\t+\t0.5\t3\t2\t40\n")
    paths["drops_past_end"] = root / "drops_past_end.bed"
    paths["drops_past_end"].write_text("chrB\t3990\t4010\tdrop_1\t500\t-\t0.5\t3\t2\t4\n")
    paths["blocker"] = root / "a_regular_file"
    paths["blocker"].write_text("not a directory\n")
    paths["empty_dir"] = root / "empty_dir"
    paths["empty_dir"].mkdir()

    paths["link_scan"] = root / "link_to_scan"  # an output reached through a link into an input directory
    paths["link_scan"].symlink_to(paths["eval_scan"], target_is_directory=True)
    paths["elsewhere"] = root / "elsewhere"  # what a link standing for an output directory points at
    paths["elsewhere"].mkdir()
    (paths["elsewhere"] / "keep.txt").write_text("the user's file\n")
    paths["link_elsewhere"] = root / "link_elsewhere"
    paths["link_elsewhere"].symlink_to(paths["elsewhere"], target_is_directory=True)
    paths["hub"] = root / "hub"  # another product's directories: outputs may not land inside
    paths["hub"].mkdir()
    (paths["hub"] / "hub.txt").write_text("hub x\n")
    (paths["hub"] / "export.json").write_text("{}\n")
    # Valid JSON that is not what multiqc-files reads: a key missing or of another type.
    lengths = {"fragments": 2, "fraction_under_147": 0.5, "modes": {}, "histogram": [0, 1, 1]}
    mqc_json = {
        "summary_no_groups": {"format": "gategenome-signal", "qc": {"inputs": []}},
        "summary_histogram_text": {"format": "gategenome-signal", "qc": {"inputs": [], "groups": {
            "all": {"fragment_lengths": {**lengths, "histogram": "0,1,1"}}}}},
        "summary_no_lengths": {"format": "gategenome-signal", "qc": {"inputs": [], "groups": {"all": {"frip": {}}}}},
        "summary_input_unnamed": {"format": "gategenome-signal", "qc": {"inputs": [
            {"fragment_lengths": lengths}, {"fragment_lengths": lengths}], "groups": {}}},
        "summary_of_train": {"test": {"auroc": 0.9, "auprc": 0.5}},
        "metrics_no_folds": {"keep": True},
        "metrics_auprc_text": {"test": {"auroc": 0.9, "auprc": "high"}},
        "evaluation_pair_unnamed": {"boundary_reproducibility": [{"calls_a": 3, "calls_b": 4}]},
        "evaluation_pairs_object": {"boundary_reproducibility": {"a": "r1", "b": "r2"}},
    }
    for key, value in mqc_json.items():
        paths[f"mqc_{key}"] = root / f"{key}.json"
        paths[f"mqc_{key}"].write_text(json.dumps(value))

    paths["prepared"] = root / "prepared"
    paths["prepared"].mkdir()
    (paths["prepared"] / "prepare.json").write_text('{"format": "gategenome-prepare"}\n')

    # What review reads, on the corpus genome: forget-gate tracks and one boundary call.
    paths["review_tracks"] = root / "review_tracks"
    paths["review_tracks"].mkdir()
    for name in ("forget.plus.bw", "forget.minus.bw"):
        write_bigwig(paths["review_tracks"] / name, {c: np.full(n, 0.5) for c, n in SIZES.items()})
    paths["review_boundaries"] = root / "review_boundaries.bed"
    paths["review_boundaries"].write_text("chrA\t2990\t3010\tboundary_1\t500\t+\t0.01\t3\t2\t10\topening\n")

    # Outputs that exist before the failing runs: they must come out unchanged.
    paths["existing"] = root / "existing"
    paths["existing"].mkdir()
    (paths["existing"] / "drops.bed").write_text("chrA\t1\t2\tkeep\t0\t+\t0\t0\t0\t-1\n")
    (paths["existing"] / "drops.json").write_text('{"keep": true}\n')
    (paths["existing"] / "model.pt").write_bytes(b"PK existing model bytes")
    (paths["existing"] / "model.resume.pt").write_bytes(b"PK\x03\x04 a corrupt resume checkpoint")
    (paths["existing"] / "metrics.json").write_text('{"keep": true}\n')
    return write_trust_corpus(paths)


def cases(p: dict[str, Path]) -> list[Case]:
    """Every failing command line of the corpus, grouped by command."""
    return (_signal(p) + _boundaries(p) + _variants(p) + _variants_gather(p) + _explain(p) + _prepare(p) + _train(p) + _scan(p) + _call(p) + _evaluate(p) + _design(p) + _simulate(p)
            + _tracks_gather_export(p) + _trust(p) + _outputs(p) + _multiqc_review(p))


def _s(*items) -> list[str]:
    return [str(item) for item in items]


def _signal(p):
    out = p["root"] / "out" / "signal"
    run = lambda fragments, *extra, out_dir=out: _s("signal", "--genome", p["genome"], "--fragments", fragments,  # noqa: E731
                                                    "--no-call-peaks", *extra, "--out-dir", out_dir)
    return [
        Case("signal", "fragments-empty", run(p["empty"]), 1, "empty.bed", [out]),
        Case("signal", "fragments-unsorted", run(p["fragments_unsorted"]), 1, "line 2", [out]),
        Case("signal", "fragments-unknown-chromosome", run(p["fragments_unknown"]), 1, "fragments_unknown.tsv", [out]),
        Case("signal", "fragments-binary", run(p["signal_truncated"]), 1, "truncated.bw", [out]),
        Case("signal", "qvalue-nan", run(p["fragments_unsorted"], "--qvalue", "nan"), 2, "--qvalue"),
        Case("signal", "out-dir-under-file", run(p["fragments_unsorted"], out_dir=p["blocker"] / "signal"), 1,
             "--out-dir"),
    ]


def _boundaries(p):
    out = p["root"] / "out" / "boundaries.bed"
    run = lambda *extra, scan=p["eval_scan"], out_path=out: _s("boundaries", "--scan-dir", scan,  # noqa: E731
                                                               "--out", out_path, *extra)
    return [
        Case("boundaries", "scan-dir-empty", run(scan=p["empty_dir"]), 1, "empty_dir", [out]),
        Case("boundaries", "fdr-nan", run("--fdr", "nan"), 2, "--fdr"),
        Case("boundaries", "out-is-its-settings-json", run(out_path=p["root"] / "out" / "b.json"), 1, "b.json"),
        Case("boundaries", "out-under-file", run(out_path=p["blocker"] / "b.bed"), 1, "--out"),
        Case("boundaries", "signal-empty", run("--signal", p["empty"]), 1, "empty.bed", [out]),
        Case("boundaries", "signal-truncated", run("--signal", p["signal_truncated"]), 1, "truncated.bw", [out]),
    ]


def _variants(p):
    out = p["root"] / "out" / "variants" / "v"
    run = lambda vcf, *extra, model=p["model"], prefix=out: _s(  # noqa: E731
        "variants", "--model", model, "--genome", p["genome"], "--vcf", vcf, "--threshold", "0.5", "--no-progress",
        "--device", "cpu", *extra, "--out", prefix)
    return [
        Case("variants", "vcf-without-header", run(p["vcf_headerless"]), 1, "headerless.vcf", [out.parent]),
        Case("variants", "vcf-unknown-chromosome", run(p["vcf_unknown"]), 1, "chrZ", [out.parent]),
        Case("variants", "vcf-empty", run(p["empty"]), 1, "empty.bed", [out.parent]),
        Case("variants", "model-text", run(p["vcf_unknown"], model=p["model_text"]), 1, "model_text.pt", [out.parent]),
        Case("variants", "threshold-nan", run(p["vcf_unknown"], "--threshold", "nan"), 2, "--threshold"),
        Case("variants", "output-is-the-vcf", run(p["vcf_clash"], prefix=p["root"] / "clash"), 1, "same file"),
        Case("variants", "out-under-file", run(p["vcf_unknown"], prefix=p["blocker"] / "v"), 1, "--out"),
        Case("variants", "chrom-of-unindexed-vcf", run(p["vcf_unknown"], "--chrom", "chrA"), 1, "--chrom",
             [out.parent]),
    ]


def _explain(p):
    out = p["root"] / "out" / "explain"
    run = lambda drops, *extra, model=p["model"], out_dir=out: _s(  # noqa: E731
        "explain", "--model", model, "--genome", p["genome"], "--drops", drops, "--no-progress", "--no-motifs",
        "--device", "cpu", *extra, "--out-dir", out_dir)
    good = p["existing"] / "drops.bed"
    return [
        Case("explain", "drops-without-strand", run(p["drops_nostrand"]), 1, "drops_nostrand.bed", [out]),
        Case("explain", "drops-unknown-chromosome", run(p["drops_unknown"]), 1, "chrZ", [out]),
        Case("explain", "drops-summit-outside", run(p["drops_summit"]), 1, "summit", [out]),
        Case("explain", "drops-past-chromosome-end", run(p["drops_past_end"]), 1, "drops_past_end.bed", [out]),
        Case("explain", "drops-missing", run(p["root"] / "no_drops.bed"), 1, "no_drops.bed", [out]),
        Case("explain", "model-text", run(good, model=p["model_text"]), 1, "model_text.pt", [out]),
        Case("explain", "flank-zero", run(good, "--flank", "0"), 2, "--flank"),
        Case("explain", "method-unknown", run(good, "--method", "shap"), 2, "--method"),
        Case("explain", "context-word", run(good, "--context", "horizon"), 1, "--context", [out]),
        Case("explain", "layer-missing", run(good, "--layer", "5"), 2, "--layer", [out]),
        Case("explain", "target-unknown", run(good, "--target", "peaks"), 2, "--target"),
        Case("explain", "model-part-unknown", run(good, "--target", "counts", "--model-part", "enzyme"), 2,
             "--model-part"),
        Case("explain", "counts-of-a-regions-model", run(good, "--target", "counts"), 1, "--model", [out]),
        Case("explain", "bias-part-of-drops", run(good, "--model-part", "bias"), 1, "--model-part", [out]),
        Case("explain", "out-dir-is-the-drops", run(good, out_dir=good), 2, "--out-dir"),
        Case("explain", "out-dir-under-file", run(good, out_dir=p["blocker"] / "explain"), 1, "--out-dir"),
    ]


def _variants_gather(p):
    out = p["root"] / "out" / "variants-gather" / "v"
    run = lambda *parts, prefix=out: _s("variants-gather", "--out", prefix, *parts)  # noqa: E731
    return [
        Case("variants_gather", "part-missing", run(p["root"] / "no_part"), 1, "no_part", [out.parent]),
        Case("variants_gather", "part-not-outputs", run(p["empty_dir"] / "v"), 1, "empty_dir", [out.parent]),
        Case("variants_gather", "output-is-a-part", run(out, out), 1, "same file"),
        Case("variants_gather", "out-under-file", run(p["root"] / "no_part", prefix=p["blocker"] / "v"), 1, "--out"),
    ]


def _prepare(p):
    out = p["root"] / "out" / "prepare"
    base = lambda signal, *extra, genome=p["genome"]: _s("prepare", "--genome", genome, "--signal", signal,  # noqa: E731
                                                         *extra, "--out-dir", out)
    return [
        Case("prepare", "signal-all-nan", base(p["signal_nan"]), 1, "nan.bw", [out]),
        Case("prepare", "signal-all-negative", base(p["signal_negative"]), 1, "negative value", [out]),
        Case("prepare", "signal-truncated", base(p["signal_truncated"]), 1, "truncated.bw", [out]),
        Case("prepare", "signal-text", base(p["signal_text"]), 1, "text.bw", [out]),
        Case("prepare", "peaks-empty", base(p["signal"], "--peaks", p["empty"]), 1, "empty.bed", [out]),
        Case("prepare", "genome-all-n", base(p["signal"], genome=p["genome_all_n"]), 1, "all N", [out]),
        Case("prepare", "genome-empty", base(p["signal"], genome=p["empty"]), 1, "empty.bed", [out]),
        Case("prepare", "threshold-factor-nan", base(p["signal"], "--threshold-factor", "nan"), 2, "--threshold-factor"),
        Case("prepare", "out-dir-under-file", _s("prepare", "--genome", p["genome"], "--signal", p["signal"],
                                                 "--out-dir", p["blocker"] / "prep"), 1, "--out-dir"),
    ]


def _train(p):
    out = p["root"] / "out" / "train" / "model.pt"

    def run(*extra, regions=p["regions"], model_out=out):
        return _s("train", "--genome", p["genome"], "--signal", p["signal"], "--regions", regions, "--folds", p["folds"],
                  "--out", model_out, "--no-progress", "--device", "cpu", "--threads", "1", *extra)

    cases = [
        Case("train", "regions-empty", run(regions=p["empty"]), 1, "empty.bed", [out.parent]),
        Case("train", "regions-hostile-name-empty", run(regions=p["hostile_empty"]), 1, "PWNED", [out.parent]),
        Case("train", "regions-unknown-chromosome", run(regions=p["regions_unknown"]), 1, "regions_unknown.bed",
             [out.parent]),
        Case("train", "regions-none-on-valid-fold", run(regions=p["regions_train_only"]), 1, "valid", [out.parent]),
        Case("train", "out-under-file", run(model_out=p["blocker"] / "model.pt"), 1, "--out"),
        Case("train", "metrics-under-file", run("--metrics", p["blocker"] / "m.json"), 1, "--metrics", [out.parent]),
        Case("train", "resume-corrupt", run("--resume", model_out=p["existing"] / "model.pt"),
             1, "model.resume.pt"),
    ]
    for key in ("config_hidden_string", "config_window_string", "config_lr_nan", "config_window_float",
                "config_hidden_float", "config_rc_string", "config_not_yaml", "config_list"):
        cases.append(Case("train", key.replace("_", "-"), run("--config", p[key]), 1, p[key].name, [out.parent]))
    return cases


def _scan(p):
    out = p["root"] / "out" / "scan"
    run = lambda model, *extra, out_dir=out: _s("scan", "--model", model, "--genome", p["genome"],  # noqa: E731
                                                "--out-dir", out_dir, "--device", "cpu", *extra)
    cases = [Case("scan", key.replace("_", "-"), run(p[key]), 1, p[key].name, [out])
             for key in ("model_text", "model_empty", "model_truncated", "model_list", "model_shape", "model_code",
                         "model_pickle")]
    return cases + [
        Case("scan", "model-is-a-directory", run(p["empty_dir"]), 2, "--model"),
        Case("scan", "null-fraction-nan", run(p["model"], "--null-fraction", "nan"), 2, "--null-fraction"),
        Case("scan", "out-dir-under-file", run(p["model"], out_dir=p["blocker"] / "scan"), 1, "--out-dir"),
    ]


def _call(p):
    out = p["existing"] / "drops.bed"
    run = lambda *extra, scan=p["eval_scan"], bed=out: _s("call", "--scan-dir", scan, "--out", bed, *extra)  # noqa: E731
    return [
        Case("call", "fdr-nan", run("--fdr", "nan"), 2, "--fdr"),
        Case("call", "min-depth-nan", run("--min-depth", "nan"), 2, "--min-depth"),
        Case("call", "threshold-quantile-inf", run("--threshold-quantile", "inf"), 2, "--threshold-quantile"),
        Case("call", "fdr-negative-infinity", run("--fdr", "-inf"), 2, "--fdr"),
        Case("call", "scan-dir-empty", run(scan=p["empty_dir"]), 1, "empty_dir"),
        Case("call", "out-under-file", run(bed=p["blocker"] / "drops.bed"), 1, "--out"),
    ]


def _evaluate(p):
    out = p["root"] / "out" / "evaluate"

    def run(*extra, regions=p["eval_regions"], out_dir=out):
        return _s("evaluate", "--drops", p["eval_drops"], "--scan-dir", p["eval_scan"], "--regions", regions,
                  "--folds", p["eval_folds"], "--out-dir", out_dir, *extra)

    return [
        Case("evaluate", "regions-empty", run(regions=p["empty"]), 1, "empty.bed", [out]),
        Case("evaluate", "regions-unknown-chromosome", run(regions=p["regions_unknown"]), 1, "regions_unknown.bed",
             [out]),
        Case("evaluate", "signal-threshold-nan", run("--signal-threshold", "nan"), 2, "--signal-threshold"),
        Case("evaluate", "flank-negative", run("--flank", "-1"), 2, "--flank"),
        Case("evaluate", "out-dir-under-file", run(out_dir=p["blocker"] / "report"), 1, "--out-dir"),
        Case("evaluate", "replicate-drops-alone", run("--replicate-drops", f"r1={p['eval_drops']}"), 2,
             "--replicate-drops", [out]),
        Case("evaluate", "replicate-drops-empty-name", run("--replicate-drops", f"={p['eval_drops']}",
                                                           "--replicate-drops", f"r2={p['eval_drops']}"), 1,
             "NAME=PATH", [out]),
        Case("evaluate", "replicate-drops-is-output", run("--replicate-drops", f"r1={p['eval_drops']}",
                                                          "--replicate-drops", f"r2={out / 'evaluation.json'}"), 1,
             "--replicate-drops r2", [out]),
    ]


def _design(p):
    prefix = p["root"] / "out" / "design" / "d"
    outputs = [prefix.parent]

    def run(goal, *extra, out=prefix, model=("--reference",)):
        return _s("design", goal, *model, "--iterations", "2", "--device", "cpu", *extra, "--out-prefix", out)

    return [
        Case("design", "length-huge", run("memory", "--length", "1000000000"), 2, "--length"),
        Case("design", "gc-min-nan", run("memory", "--length", "100", "--gc-min", "nan"), 2, "--gc-min"),
        Case("design", "signal-value-inf", run("memory", "--length", "100", "--signal-value", "inf"), 2,
             "--signal-value"),
        Case("design", "reset-empty-boundaries", run("reset", "--element-length", "20", "--boundaries", p["empty"],
                                                     "--genome", p["genome"]), 1, "empty.bed", outputs),
        Case("design", "out-prefix-under-file", run("memory", "--length", "100", out=p["blocker"] / "d"), 1,
             "--out-prefix"),
        Case("design", "reset-empty-accessible", run("reset", "--element-length", "20", "--accessible", p["empty"],
                                                     "--genome", p["genome"]), 1, "empty.bed", outputs),
        Case("design", "accessible-without-genome", run("reset", "--element-length", "20", "--accessible",
                                                        p["empty"]), 1, "--genome", outputs),
        Case("design", "accessible-memory-goal", run("memory", "--length", "100", "--accessible", p["empty"],
                                                     "--genome", p["genome"]), 2, "--accessible", outputs),
        Case("design", "contexts-zero", run("reset", "--element-length", "20", "--contexts", "0"), 2, "--contexts"),
        Case("design", "threshold-nan", run("reset", "--element-length", "20", "--threshold", "nan"), 2,
             "--threshold"),
        Case("design", "reset-shuffles-negative", run("reset", "--element-length", "20", "--reset-shuffles", "-1"), 2,
             "--reset-shuffles"),
        Case("design", "max-identity-above-1", run("memory", "--length", "100", "--max-identity", "1.5"), 2, "--max-identity"),
        Case("design", "model-text", run("memory", "--length", "100", model=("--model", p["model_text"])), 1, "model_text.pt",
             outputs),
        Case("design", "model-code", run("memory", "--length", "100", model=("--model", p["model_code"])), 1, "model_code.pt",
             outputs),
    ]


def _simulate(p):
    out = p["root"] / "out" / "simulate"
    run = lambda *extra, out_dir=out: _s("simulate", "--out-dir", out_dir, *extra)  # noqa: E731
    return [
        Case("simulate", "length-huge", run("--length", "1000000000"), 2, "--length"),
        Case("simulate", "depth-inf", run("--depth", "inf"), 2, "--depth"),
        Case("simulate", "depth-nan", run("--depth", "nan"), 2, "--depth"),
        Case("simulate", "too-many-bases", run("--chroms", "100", "--length", "20000000"), 1, "--chroms", [out]),
        Case("simulate", "out-dir-under-file", run(out_dir=p["blocker"] / "sim"), 1, "--out-dir"),
    ]


def _tracks_gather_export(p):
    return [
        Case("tracks", "out-dir-under-file", _s("tracks", "--scan-dir", p["eval_scan"], "--out-dir",
                                                p["blocker"] / "tracks"), 1, "--out-dir"),
        Case("gather", "out-dir-under-file", _s("gather", "--out-dir", p["blocker"] / "gathered", p["eval_scan"]),
             1, "--out-dir"),
        Case("export", "out-dir-under-file", _s("export", "--scan-dir", p["eval_scan"], "--drops", p["eval_drops"],
                                                "--genome", p["genome"], "--out-dir", p["blocker"] / "hub"),
             1, "--out-dir"),
    ]


# --- products that do not belong together, and malformed files of every input option -------------------------------

def _noise(n: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    return "".join(f"chrA\t{s}\t{s + int(rng.integers(20, 200))}\n" for s in np.sort(rng.integers(0, 5_000, n)))


def _run(*argv) -> None:
    from click.testing import CliRunner

    from gategenome.cli.main import cli

    result = CliRunner().invoke(cli, ["-q", *[str(a) for a in argv]])
    assert result.exit_code == 0, result.output


def _bam(path: Path, sizes: dict[str, int], pairs: int = 0) -> Path:
    """A sorted, indexed paired-end BAM with ``pairs`` pairs on chrA."""
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": c, "LN": n} for c, n in sizes.items()]}
    unsorted = path.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        for i in range(pairs):
            for mate in (0, 1):
                read = pysam.AlignedSegment(out.header)
                read.query_name, read.reference_id = f"r{i}", 0
                read.reference_start = (i * 7) % 5_000 + 100 * mate
                read.query_sequence, read.cigarstring, read.mapping_quality = "A" * 50, "50M", 60
                read.query_qualities = pysam.qualitystring_to_array("I" * 50)
                read.flag = 1 | 2 | (64 | 32 if mate == 0 else 128 | 16)
                read.next_reference_id, read.next_reference_start = 0, (i * 7) % 5_000 + 100 * (1 - mate)
                read.template_length = 150 if mate == 0 else -150
                out.write(read)
    pysam.sort("-o", str(path), str(unsorted))
    unsorted.unlink()
    pysam.index(str(path))
    return path


def write_trust_corpus(p: dict[str, Path]) -> dict[str, Path]:
    """Products of another model or assembly, and malformed files for every input option (added to ``p``)."""
    root = p["root"] / "trust"
    root.mkdir()
    (p["root"] / "out" / "trust").mkdir(parents=True)  # the cases' outputs go below it
    rng = np.random.default_rng(5)
    q: dict[str, Path] = {}
    other = dict(SIZES, chrA=SIZES["chrA"] + 100)
    q["genome_other"] = write_fasta(root / "other.fa", {c: random_dna(n, rng) for c, n in other.items()})
    q["genome_binary"] = root / "binary.fa"
    q["genome_binary"].write_bytes(bytes(rng.integers(0, 256, 3_000, dtype=np.uint8)))
    q["genome_gzip_corrupt"] = corrupt_gzip(root / "genome.fa.gz", p["genome"].read_text())
    q["signal_other"] = write_bigwig(root / "signal_other.bw", {c: np.ones(n) for c, n in other.items()})
    q["signal_elsewhere"] = write_bigwig(root / "signal_elsewhere.bw", {"chrZ": np.ones(500)})
    q["model_b"] = small_model(root / "model_b.pt", hidden_size=4, num_layers=1, seed=1)
    q["model_sig"] = small_model(root / "model_sig.pt", inputs="dna+signal", hidden_size=4, num_layers=1)

    texts = {
        "fragments_arabic": "chrA\t\u0661\u0660\t\u0662\u0660\u0660\n",  # Arabic-Indic digits: int() takes them
        "fragments_underscore": "chrA\t1_0\t200\n",
        "fragments_huge": "chrA\t10\t123456789012345678901\n",
        "fragments_barcoded": "chrA\t10\t100\tAAA\t1\nchrA\t20\t120\tCCC\t1\n",
        "barcodes_all": "AAA\tall\nCCC\tB\n",
        "bed_arabic": "chrA\t\u0661\u0660\u0660\t\u0662\u0660\u0660\n",
        "drops_arabic": "chrA\t\u0663\u0660\u0660\u0660\t3010\tdrop_1\t500\t+\t0.5\t3\t2\t4\n",
        "json_truncated": '{"train": ["chrA"',
        "folds_unknown": json.dumps({"train": ["chrC"], "valid": [], "test": ["chrZ"]}),
        "config_duplicate": "seed: 1\nseed: 2\n",
        "config_duplicate_train": "train:\n  lr: 0.01\n  lr: 0.02\n",
        "config_target_insertions": "train:\n  target: insertions\n  bias_steps: 0\n",
    }
    suffix = {"json_truncated": ".json", "folds_unknown": ".json", "config_duplicate": ".yaml",
              "config_duplicate_train": ".yaml", "config_target_insertions": ".yaml"}
    for key, text in texts.items():
        q[key] = root / f"{key}{suffix.get(key, '.tsv' if key.startswith(('fragments', 'barcodes')) else '.bed')}"
        q[key].write_text(text, encoding="utf-8")
    q["fragments_gzip_corrupt"] = corrupt_gzip(root / "fragments.tsv.gz", _noise(6_000, 1))
    q["bed_gzip_corrupt"] = corrupt_gzip(root / "regions.bed.gz", _noise(6_000, 2))
    q["bam_other"] = _bam(root / "other.bam", other)
    q["bam_corrupt"] = _bam(root / "corrupt.bam", SIZES, pairs=3_000)
    data = bytearray(q["bam_corrupt"].read_bytes())
    middle = len(data) // 2
    data[middle:middle + 300] = bytes(b ^ 0x5A for b in data[middle:middle + 300])
    index = Path(str(q["bam_corrupt"]) + ".bai")
    q["bam_corrupt"].write_bytes(bytes(data))
    index.touch()  # still newer than the BAM: the index is fine, a block of reads is not

    base = pysam.FastaFile(str(p["genome"])).fetch("chrA", 99, 100)
    alt = "C" if base != "C" else "G"
    head = "##fileformat=VCFv4.2\n##contig=<ID=chrA,length={}>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    vcfs = {
        "vcf_ok": head.format(SIZES["chrA"]) + f"chrA\t100\t.\t{base}\t{alt}\t.\t.\t.\n",
        "vcf_pos0": head.format(SIZES["chrA"]) + f"chrA\t0\t.\t{base}\t{alt}\t.\t.\t.\n",
        "vcf_past_end": head.format(SIZES["chrA"]) + f"chrA\t{SIZES['chrA'] + 50}\t.\tA\tC\t.\t.\t.\n",
        "vcf_contig_other": head.format(other["chrA"]) + f"chrA\t100\t.\t{base}\t{alt}\t.\t.\t.\n",
    }
    for key, text in vcfs.items():
        q[key] = root / f"{key}.vcf"
        q[key].write_text(text)
    import gzip

    q["vcf_plain_gzip"] = root / "plain.vcf.gz"
    q["vcf_plain_gzip"].write_bytes(gzip.compress(vcfs["vcf_ok"].encode()))
    records = "".join(f"chrA\t{pos}\t.\tA\tC\t.\t.\t.\n" for pos in range(1, 5_000))
    plain = root / "many.vcf"
    plain.write_text(head.format(SIZES["chrA"]) + records)
    pysam.tabix_compress(str(plain), str(plain) + ".gz", force=True)
    plain.unlink()
    q["vcf_bgzip_corrupt"] = Path(str(plain) + ".gz")
    data = bytearray(q["vcf_bgzip_corrupt"].read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    q["vcf_bgzip_corrupt"].write_bytes(bytes(data))

    def scan(model, genome, out, *extra):
        _run("scan", "--model", model, "--genome", genome, "--out-dir", out, "--no-progress", "--device", "cpu",
             "--chunk-size", 512, "--null-fraction", 0, "--no-tracks", *extra)
        return out

    q["scan_a"] = scan(p["model"], p["genome"], root / "scan_a")
    q["scan_b"] = scan(q["model_b"], p["genome"], root / "scan_b")
    q["shard_b_model_b"] = scan(q["model_b"], p["genome"], root / "shard_b", "--chrom", "chrB")
    q["scan_other_genome"] = scan(p["model"], q["genome_other"], root / "scan_other", "--chrom", "chrA")
    q["tracks_b"] = root / "tracks_b"
    _run("tracks", "--scan-dir", q["scan_b"], "--out-dir", q["tracks_b"])
    import shutil

    q["scan_truncated"] = root / "scan_truncated"
    shutil.copytree(p["eval_scan"], q["scan_truncated"])
    truncate(q["scan_truncated"] / "chroms" / "chrA.plus.forget.npy")
    q["scan_bad_json"] = root / "scan_bad_json"
    shutil.copytree(p["eval_scan"], q["scan_bad_json"])
    truncate(q["scan_bad_json"] / "scan.json", 30)

    def variants(model, out):
        _run("variants", "--model", model, "--genome", p["genome"], "--vcf", q["vcf_ok"], "--threshold", 0.5,
             "--footprint-max", 100, "--no-progress", "--device", "cpu", "--out", out)
        return out

    q["part_a"] = variants(p["model"], root / "parts" / "a")
    q["part_b"] = variants(q["model_b"], root / "parts" / "b")
    q["part_bad_json"] = root / "parts" / "bad"
    for suffix in (".vcf.gz", ".vcf.gz.tbi", ".tsv", ".json"):
        shutil.copy(str(q["part_a"]) + suffix, str(q["part_bad_json"]) + suffix)
    truncate(Path(str(q["part_bad_json"]) + ".json"), 20)
    p.update(q)
    return p



def _trust(p):
    """Every input option of every command: another model's or assembly's product, malformed, corrupt."""
    out = p["root"] / "out" / "trust"
    genome, model = p["genome"], p["model"]
    signal = lambda *extra, fragments=p["fragments_unsorted"]: _s(  # noqa: E731
        "signal", "--genome", genome, "--fragments", fragments, "--no-call-peaks", *extra, "--out-dir", out / "signal")
    variants = lambda *extra, vcf=p["vcf_ok"], model=model: _s(  # noqa: E731
        "variants", "--model", model, "--genome", genome, "--vcf", vcf, "--no-progress", "--device", "cpu",
        "--footprint-max", "100", *extra, "--out", out / "variants" / "v")
    threshold = ("--threshold", "0.5")
    export = lambda *extra, scan=p["scan_a"], genome=genome: _s(  # noqa: E731
        "export", "--scan-dir", scan, "--drops", p["existing"] / "drops.bed", "--genome", genome, *extra,
        "--out-dir", out / "hub")
    prepare = lambda *extra, genome=genome, signal=p["signal"]: _s(  # noqa: E731
        "prepare", "--genome", genome, "--signal", signal, *extra, "--out-dir", out / "prepare")
    train = lambda *extra, genome=genome, signal=p["signal"], regions=p["regions"]: _s(  # noqa: E731
        "train", "--genome", genome, "--signal", signal, "--regions", regions, "--folds", p["folds"], "--out",
        out / "train" / "model.pt", "--no-progress", "--device", "cpu", "--threads", "1", *extra)
    scan = lambda *extra, model=p["model_sig"], genome=genome, signal=p["signal"]: _s(  # noqa: E731
        "scan", "--model", model, "--genome", genome, "--signal", signal, "--device", "cpu", "--no-progress",
        *extra, "--out-dir", out / "scan")
    explain = lambda *extra, model=model, genome=genome, drops=p["existing"] / "drops.bed": _s(  # noqa: E731
        "explain", "--model", model, "--genome", genome, "--drops", drops, "--no-progress", "--no-motifs",
        "--device", "cpu", *extra, "--out-dir", out / "explain")
    evaluate = lambda *extra, drops=p["eval_drops"], scan=p["eval_scan"], regions=p["eval_regions"], \
        folds=p["eval_folds"]: _s("evaluate", "--drops", drops, "--scan-dir", scan, "--regions", regions, "--folds",  # noqa: E731
                                  folds, *extra, "--out-dir", out / "evaluate")
    design = lambda *extra: _s("design", "reset", "--reference", "--element-length", "20", "--iterations", "2",  # noqa: E731
                               "--device", "cpu", *extra, "--out-prefix", out / "design" / "d")
    insertions = ("--config", p["config_target_insertions"], "--insertions")  # train.target insertions
    outputs = [out]
    c = lambda command, name, argv, needle, status=1: Case(command, name, argv, status, needle, outputs)  # noqa: E731
    return [
        # signal: --genome, --fragments, --bam, --barcodes, --config
        c("signal", "fragments-non-ascii-digits", signal(fragments=p["fragments_arabic"]), "line 1"),
        c("signal", "fragments-underscore-number", signal(fragments=p["fragments_underscore"]), "line 1"),
        c("signal", "fragments-20-digit-coordinate", signal(fragments=p["fragments_huge"]), "line 1"),
        c("signal", "fragments-gzip-corrupt", signal(fragments=p["fragments_gzip_corrupt"]), "fragments.tsv.gz"),
        c("signal", "fragments-twice", signal("--fragments", p["fragments_unsorted"]), "the same file"),
        c("signal", "barcode-group-all", signal("--barcodes", p["barcodes_all"], fragments=p["fragments_barcoded"]),
          "'all'"),
        c("signal", "bam-other-assembly", _s("signal", "--genome", genome, "--bam", p["bam_other"], "--no-call-peaks",
                                             "--out-dir", out / "signal"), "other.bam"),
        c("signal", "bam-corrupt-block", _s("signal", "--genome", genome, "--bam", p["bam_corrupt"], "--no-call-peaks",
                                            "--out-dir", out / "signal"), "corrupt.bam"),
        c("signal", "genome-binary", _s("signal", "--genome", p["genome_binary"], "--fragments",
                                        p["fragments_unsorted"], "--no-call-peaks", "--out-dir", out / "signal"),
          "binary.fa"),
        c("signal", "config-duplicate-key", signal("--config", p["config_duplicate"]), "appears twice"),
        # variants: --model, --genome, --signal, --vcf, --scan-dir, --config
        c("variants", "vcf-pos-0", variants(*threshold, vcf=p["vcf_pos0"]), "vcf_pos0.vcf"),
        c("variants", "vcf-past-chromosome-end", variants(*threshold, vcf=p["vcf_past_end"]), "vcf_past_end.vcf"),
        c("variants", "vcf-plain-gzip", variants(*threshold, vcf=p["vcf_plain_gzip"]), "plain.vcf.gz"),
        c("variants", "vcf-bgzip-corrupt", variants(*threshold, vcf=p["vcf_bgzip_corrupt"]), "many.vcf.gz"),
        c("variants", "vcf-contig-other-length", variants(*threshold, vcf=p["vcf_contig_other"]), "not compatible"),
        c("variants", "scan-dir-of-another-model", variants("--scan-dir", p["scan_b"]), "model_checksum"),
        c("variants", "scan-dir-of-another-genome", variants("--scan-dir", p["scan_other_genome"]), "genome_checksum"),
        c("variants", "scan-dir-corrupt-json", variants("--scan-dir", p["scan_bad_json"]), "scan.json"),
        c("variants", "signal-other-assembly", variants(*threshold, "--signal", p["signal_other"],
                                                        model=p["model_sig"]), "not compatible"),
        c("variants", "genome-binary", _s("variants", "--model", model, "--genome", p["genome_binary"], "--vcf",
                                          p["vcf_ok"], *threshold, "--out", out / "variants" / "v"), "binary.fa"),
        c("variants", "model-truncated", variants(*threshold, model=p["model_truncated"]), "model_truncated.pt"),
        c("variants", "config-duplicate-key", variants(*threshold, "--config", p["config_duplicate"]), "appears twice"),
        # variants-gather: parts
        c("variants_gather", "parts-of-two-models", _s("variants-gather", "--out", out / "vg" / "v", p["part_a"],
                                                       p["part_b"]), "model_checksum"),
        c("variants_gather", "part-corrupt-summary", _s("variants-gather", "--out", out / "vg" / "v", p["part_a"],
                                                        p["part_bad_json"]), "bad.json"),
        # gather: shards
        c("gather", "shards-of-two-models", _s("gather", "--out-dir", out / "gathered", p["scan_a"],
                                               p["shard_b_model_b"]), "model_checksum"),
        c("gather", "shard-corrupt-json", _s("gather", "--out-dir", out / "gathered", p["scan_bad_json"]),
          "scan.json"),
        # export: --scan-dir, --drops, --genome, --tracks-dir, --signal, --boundaries, --region-calls, --config
        c("export", "genome-of-another-assembly", export(genome=p["genome_other"]), "genome_checksum"),
        c("export", "tracks-dir-of-another-model", export("--tracks-dir", p["tracks_b"]), "model_checksum"),
        c("export", "signal-other-lengths", export("--signal", p["signal_other"]), "not compatible"),
        c("export", "signal-no-shared-chromosome", export("--signal", p["signal_elsewhere"]), "no chromosome shared"),
        c("export", "scan-dir-corrupt-json", export(scan=p["scan_bad_json"]), "scan.json"),
        c("export", "drops-non-ascii-digits", _s("export", "--scan-dir", p["scan_a"], "--drops", p["drops_arabic"],
                                                 "--genome", genome, "--out-dir", out / "hub"), "drops_arabic.bed"),
        c("export", "boundaries-gzip-corrupt", export("--boundaries", p["bed_gzip_corrupt"]), "regions.bed.gz"),
        c("export", "region-calls-non-ascii", export("--region-calls", p["bed_arabic"]), "bed_arabic.bed"),
        c("export", "config-duplicate-key", export("--config", p["config_duplicate"]), "appears twice"),
        # prepare: --genome, --signal, --peaks, --blacklist, --folds, --config, --signal-summary
        c("prepare", "signal-other-assembly", prepare(signal=p["signal_other"]), "not compatible"),
        c("prepare", "signal-no-shared-chromosome", prepare(signal=p["signal_elsewhere"]), "no chromosome shared"),
        c("prepare", "genome-gzip-corrupt", prepare(genome=p["genome_gzip_corrupt"]), "genome.fa.gz"),
        c("prepare", "peaks-gzip-corrupt", prepare("--peaks", p["bed_gzip_corrupt"]), "regions.bed.gz"),
        c("prepare", "blacklist-non-ascii", prepare("--blacklist", p["bed_arabic"]), "bed_arabic.bed"),
        c("prepare", "folds-truncated", prepare("--folds", p["json_truncated"]), "json_truncated.json"),
        c("prepare", "signal-summary-truncated", prepare("--signal-summary", p["json_truncated"]),
          "json_truncated.json"),
        c("prepare", "config-duplicate-key", prepare("--config", p["config_duplicate"]), "appears twice"),
        # train: --genome, --signal, --regions, --folds, --blacklist, --config, --insertions
        c("train", "insertions-other-assembly", train(*insertions, p["signal_other"]), "not compatible"),
        c("train", "insertions-no-shared-chromosome", train(*insertions, p["signal_elsewhere"]),
          "no chromosome shared"),
        c("train", "insertions-not-a-bigwig", train(*insertions, p["genome_binary"]), "binary.fa"),
        c("train", "insertions-with-target-regions", train("--insertions", p["signal_other"]), "train.target"),
        c("train", "insertions-is-the-signal", train(*insertions, p["signal"]), "the same file as --insertions"),
        c("train", "signal-other-assembly", train(signal=p["signal_other"]), "not compatible"),
        c("train", "regions-non-ascii", train(regions=p["bed_arabic"]), "bed_arabic.bed"),
        c("train", "regions-gzip-corrupt", train(regions=p["bed_gzip_corrupt"]), "regions.bed.gz"),
        c("train", "blacklist-gzip-corrupt", train("--blacklist", p["bed_gzip_corrupt"]), "regions.bed.gz"),
        c("train", "genome-binary", train(genome=p["genome_binary"]), "binary.fa"),
        c("train", "config-duplicate-key", train("--config", p["config_duplicate_train"]), "appears twice"),
        # scan: --model, --genome, --signal, --config
        c("scan", "signal-other-assembly", scan(signal=p["signal_other"]), "not compatible"),
        c("scan", "signal-no-shared-chromosome", scan(signal=p["signal_elsewhere"]), "no chromosome shared"),
        c("scan", "genome-binary", scan(genome=p["genome_binary"]), "binary.fa"),
        c("scan", "config-duplicate-key", scan("--config", p["config_duplicate"]), "appears twice"),
        # explain: --model, --genome, --signal, --drops, --config
        c("explain", "signal-other-assembly", explain("--signal", p["signal_other"], model=p["model_sig"]),
          "not compatible"),
        c("explain", "drops-non-ascii-digits", explain(drops=p["drops_arabic"]), "drops_arabic.bed"),
        c("explain", "drops-gzip-corrupt", explain(drops=p["bed_gzip_corrupt"]), "regions.bed.gz"),
        c("explain", "genome-binary", explain(genome=p["genome_binary"]), "binary.fa"),
        c("explain", "config-duplicate-key", explain("--config", p["config_duplicate"]), "appears twice"),
        # boundaries, call, tracks: --scan-dir, --signal, --config
        c("boundaries", "signal-other-lengths", _s("boundaries", "--scan-dir", p["scan_a"], "--signal",
                                                   p["signal_other"], "--out", out / "b.bed"), "not compatible"),
        c("boundaries", "scan-dir-truncated-array", _s("boundaries", "--scan-dir", p["scan_truncated"], "--out",
                                                       out / "b.bed"), "scan_truncated"),
        c("boundaries", "config-duplicate-key", _s("boundaries", "--scan-dir", p["scan_a"], "--config",
                                                   p["config_duplicate"], "--out", out / "b.bed"), "appears twice"),
        c("call", "scan-dir-truncated-array", _s("call", "--scan-dir", p["scan_truncated"], "--out",
                                                 out / "drops.bed"), "scan_truncated"),
        c("call", "scan-dir-corrupt-json", _s("call", "--scan-dir", p["scan_bad_json"], "--out", out / "drops.bed"),
          "scan.json"),
        c("call", "config-duplicate-key", _s("call", "--scan-dir", p["scan_a"], "--config", p["config_duplicate"],
                                             "--out", out / "drops.bed"), "appears twice"),
        c("tracks", "scan-dir-truncated-array", _s("tracks", "--scan-dir", p["scan_truncated"], "--out-dir",
                                                   out / "tracks"), "chrA.plus.forget.npy"),
        c("tracks", "scan-dir-corrupt-json", _s("tracks", "--scan-dir", p["scan_bad_json"], "--out-dir",
                                                out / "tracks"), "scan.json"),
        c("tracks", "config-duplicate-key", _s("tracks", "--scan-dir", p["scan_a"], "--config", p["config_duplicate"],
                                               "--out-dir", out / "tracks"), "appears twice"),
        # evaluate: --drops, --scan-dir, --regions, --folds, --metrics, --signal, --boundaries, --region-calls, --config
        c("evaluate", "signal-other-lengths", evaluate("--signal", p["signal_other"]), "not compatible"),
        c("evaluate", "drops-non-ascii-digits", evaluate(drops=p["drops_arabic"]), "drops_arabic.bed"),
        c("evaluate", "regions-gzip-corrupt", evaluate(regions=p["bed_gzip_corrupt"]), "regions.bed.gz"),
        c("evaluate", "folds-unknown-chromosome", evaluate(folds=p["folds_unknown"]), "folds_unknown.json"),
        c("evaluate", "folds-truncated", evaluate(folds=p["json_truncated"]), "json_truncated.json"),
        c("evaluate", "scan-dir-truncated-array", evaluate(scan=p["scan_truncated"]), "chrA.plus.forget.npy"),
        c("evaluate", "metrics-truncated", evaluate("--metrics", p["json_truncated"]), "json_truncated.json"),
        c("evaluate", "boundaries-non-ascii", evaluate("--boundaries", p["bed_arabic"]), "bed_arabic.bed"),
        c("evaluate", "region-calls-gzip-corrupt", evaluate("--region-calls", p["bed_gzip_corrupt"]),
          "regions.bed.gz"),
        c("evaluate", "explain-report-missing", evaluate("--explain-report", p["root"] / "no_report.html"),
          "no_report.html"),
        c("evaluate", "config-duplicate-key", evaluate("--config", p["config_duplicate"]), "appears twice"),
        # design: --model, --boundaries, --genome, --accessible, --config
        c("design", "reset-boundaries-non-ascii", design("--boundaries", p["bed_arabic"], "--genome", genome),
          "bed_arabic.bed"),
        c("design", "reset-accessible-gzip-corrupt", design("--accessible", p["bed_gzip_corrupt"], "--genome", genome),
          "regions.bed.gz"),
        c("design", "reset-genome-binary", design("--boundaries", p["regions"], "--genome", p["genome_binary"]),
          "binary.fa"),
        c("design", "reset-model-truncated", _s("design", "reset", "--model", p["model_truncated"],
                                                "--element-length", "20", "--out-prefix", out / "design" / "d"),
          "model_truncated.pt"),
        c("design", "memory-boundaries-has-no-effect", _s("design", "memory", "--reference", "--length", "100",
                                                          "--boundaries", p["regions"], "--out-prefix", out / "d"),
          "--boundaries", status=2),
        c("design", "memory-genome-has-no-effect", _s("design", "memory", "--reference", "--length", "100",
                                                      "--genome", genome, "--out-prefix", out / "d"), "--genome", status=2),
        c("design", "config-duplicate-key", design("--config", p["config_duplicate"]), "appears twice"),
        c("design", "memory-config-duplicate-key", _s("design", "memory", "--reference", "--length", "100", "--config",
                                                      p["config_duplicate"], "--out-prefix", out / "d"), "appears twice"),
        # simulate: --config
        c("simulate", "config-duplicate-key", _s("simulate", "--config", p["config_duplicate"], "--out-dir",
                                                 out / "sim"), "appears twice"),
    ]


def _outputs(p):
    """Every output option of every command pointed at an input, inside an input or another product's
    directory, through a link, or at a directory name: refused before any work, nothing touched."""
    scan, link, hub, prepared = p["eval_scan"], p["link_scan"], p["hub"], p["prepared"]
    model = ["--model", p["model"], "--genome", p["genome"], "--device", "cpu", "--no-progress"]
    signal = lambda out_dir: _s("signal", "--genome", p["genome"], "--fragments", p["fragments_unsorted"],  # noqa: E731
                                "--no-call-peaks", "--out-dir", out_dir)
    boundaries = lambda *extra: _s("boundaries", "--scan-dir", scan, *extra)  # noqa: E731
    variants = lambda prefix, *extra: _s("variants", *model, "--vcf", p["vcf_unknown"], "--threshold", "0.5",  # noqa: E731
                                         *extra, "--out", prefix)
    explain = lambda out_dir: _s("explain", *model, "--drops", p["eval_drops"], "--no-motifs",  # noqa: E731
                                 "--out-dir", out_dir)
    prepare = lambda out_dir: _s("prepare", "--genome", p["genome"], "--signal", p["signal"],  # noqa: E731
                                 "--out-dir", out_dir)
    train = lambda *extra: _s("train", "--genome", p["genome"], "--signal", p["signal"], "--regions",  # noqa: E731
                              p["regions"], "--folds", p["folds"], "--no-progress", "--device", "cpu", *extra)
    scan_cmd = lambda out_dir: _s("scan", *model[:-1], "--out-dir", out_dir)  # noqa: E731
    evaluate = lambda out_dir: _s("evaluate", "--drops", p["eval_drops"], "--scan-dir", scan, "--regions",  # noqa: E731
                                  p["eval_regions"], "--folds", p["eval_folds"], "--out-dir", out_dir)
    design = lambda prefix, *extra: _s("design", "reset", "--reference", "--element-length", "20",  # noqa: E731
                                       "--iterations", "2", *extra, "--out-prefix", prefix)
    export = lambda out_dir: _s("export", "--scan-dir", scan, "--drops", p["eval_drops"], "--genome",  # noqa: E731
                                p["genome"], "--out-dir", out_dir)
    return [
        Case("signal", "out-dir-inside-a-scan", signal(scan / "signal"), 1, "scan"),
        Case("signal", "out-dir-inside-a-hub", signal(hub / "signal"), 1, "hub"),
        Case("signal", "out-dir-is-a-prepared-directory", signal(prepared), 1, "prepared"),
        Case("boundaries", "out-is-the-signal", boundaries("--signal", p["signal"], "--out", p["signal"]), 1,
             "signal.bw"),
        Case("boundaries", "regions-out-is-the-signal", boundaries("--signal", p["signal"], "--out",
                                                                   p["root"] / "out" / "b.bed", "--regions-out",
                                                                   p["signal"]), 1, "signal.bw"),
        Case("boundaries", "out-inside-the-scan", boundaries("--out", scan / "chroms" / "chrA.bed"), 1, "--scan-dir"),
        Case("boundaries", "out-through-a-link-into-the-scan", boundaries("--out", link / "b.bed"), 1, "--scan-dir"),
        Case("call", "out-inside-the-scan", _s("call", "--scan-dir", scan, "--out", scan / "drops.bed"), 1,
             "--scan-dir"),
        Case("call", "out-through-a-link-into-the-scan", _s("call", "--scan-dir", scan, "--out", link / "d.bed"), 1,
             "--scan-dir"),
        Case("call", "out-inside-a-hub", _s("call", "--scan-dir", scan, "--out", hub / "d.bed"), 1, "hub"),
        Case("variants", "out-makes-the-scan-json", variants(scan / "scan", "--scan-dir", scan), 1, "scan"),
        Case("variants", "out-is-a-directory-name", variants(str(p["root"] / "out") + "/"), 1, "directory"),
        Case("variants", "out-through-a-link-into-the-scan", variants(link / "v", "--scan-dir", scan), 1, "scan"),
        Case("variants", "out-inside-a-prepared-directory", variants(prepared / "v"), 1, "prepared"),
        Case("variants_gather", "out-is-a-directory-name", _s("variants-gather", "--out",
                                                              str(p["root"] / "out") + "/", p["root"] / "no_part"),
             1, "directory"),
        Case("variants_gather", "out-inside-a-scan", _s("variants-gather", "--out", scan / "g",
                                                        p["root"] / "no_part"), 1, "scan"),
        Case("variants_gather", "out-through-a-link-into-a-scan", _s("variants-gather", "--out", link / "g",
                                                                     p["root"] / "no_part"), 1, "scan"),
        Case("explain", "out-dir-inside-the-scan", explain(scan / "explain"), 1, "scan"),
        Case("explain", "out-dir-is-a-hub", explain(hub), 1, "hub"),
        Case("explain", "out-dir-through-a-link-into-a-scan", explain(link / "explain"), 1, "scan"),
        Case("prepare", "out-dir-is-a-scan", prepare(scan), 1, "scan"),
        Case("prepare", "out-dir-inside-a-hub", prepare(hub / "prep"), 1, "hub"),
        Case("train", "out-is-the-regions", train("--out", p["regions"]), 1, "--regions"),
        Case("train", "metrics-is-the-folds", train("--out", p["root"] / "out" / "m.pt", "--metrics", p["folds"]), 1,
             "--folds"),
        Case("train", "curves-is-the-genome", train("--out", p["root"] / "out" / "m.pt", "--curves", p["genome"]), 1,
             "--genome"),
        Case("train", "out-inside-a-scan", train("--out", scan / "model.pt"), 1, "scan"),
        Case("scan", "out-dir-inside-another-scan", scan_cmd(scan / "sub"), 1, "scan"),
        Case("scan", "out-dir-is-a-hub", scan_cmd(hub), 1, "hub"),
        Case("evaluate", "out-dir-is-the-scan", evaluate(scan), 1, "scan"),
        Case("evaluate", "out-dir-inside-the-scan", evaluate(scan / "report"), 1, "scan"),
        Case("evaluate", "out-dir-through-a-link-into-the-scan", evaluate(link / "report"), 1, "scan"),
        Case("design", "out-prefix-makes-the-genome", design(p["genome"].with_suffix(""), "--genome", p["genome"],
                                                             "--accessible", p["regions"]), 1, "--genome"),
        Case("design", "out-prefix-is-a-directory-name", design(str(p["root"] / "out") + "/"), 1, "directory"),
        Case("design", "out-prefix-inside-a-scan", design(scan / "d"), 1, "scan"),
        Case("simulate", "out-dir-inside-a-scan", _s("simulate", "--out-dir", scan / "sim"), 1, "scan"),
        Case("simulate", "out-dir-is-a-hub", _s("simulate", "--out-dir", hub), 1, "hub"),
        Case("tracks", "out-dir-is-a-hub", _s("tracks", "--scan-dir", scan, "--out-dir", hub), 1, "hub"),
        Case("tracks", "out-dir-inside-a-prepared-directory", _s("tracks", "--scan-dir", scan, "--out-dir",
                                                                 prepared / "t"), 1, "prepared"),
        Case("gather", "out-dir-is-a-link", _s("gather", "--out-dir", p["link_elsewhere"], scan), 1,
             "symbolic link"),
        Case("gather", "out-dir-is-the-shard", _s("gather", "--out-dir", scan, scan), 1, "same file"),
        Case("gather", "out-dir-holds-the-shard", _s("gather", "--out-dir", p["evaluate"], scan), 1, "holds"),
        Case("export", "out-dir-is-a-link", export(p["link_elsewhere"]), 1, "symbolic link"),
        Case("export", "out-dir-holds-the-drops", export(p["evaluate"]), 1, "holds"),
        Case("export", "out-dir-is-a-scan", export(scan), 1, "scan"),
    ]


def _multiqc_review(p):
    mqc = p["root"] / "out" / "mqc"
    page = p["root"] / "out" / "review.html"
    review = lambda igv_js, out=page: _s("review", "--genome", p["genome"], "--signal", p["signal"],  # noqa: E731
                                         "--tracks-dir", p["eval_scan"], "--boundaries", p["eval_drops"],
                                         "--igv-js", igv_js, "--out", out)
    # a review that would succeed but for the one hostile option given (--igv-js: any readable file)
    reviewed = lambda *extra: _s(  # noqa: E731
        "review", "--genome", p["genome"], "--signal", p["signal"], "--tracks-dir", p["review_tracks"],
        "--boundaries", p["review_boundaries"], "--igv-js", p["regions"], *extra, "--out", page)
    multiqc = lambda option, path: _s("multiqc-files", "--sample", "s", option, path, "--out-dir", mqc)  # noqa: E731
    signal = lambda tss: _s("signal", "--genome", p["genome"], "--fragments", p["fragments_unsorted"],  # noqa: E731
                            "--no-call-peaks", "--tss", tss, "--out-dir", p["root"] / "out" / "signal")
    return [
        Case("multiqc_files", "metrics-not-json", _s("multiqc-files", "--sample", "s", "--metrics", p["signal"],
                                                     "--out-dir", mqc), 1, "--metrics", [mqc]),
        Case("multiqc_files", "out-dir-under-file", _s("multiqc-files", "--sample", "s", "--metrics",
                                                       p["eval_metrics"], "--out-dir", p["blocker"] / "mqc"),
             1, "--out-dir"),
        Case("multiqc_files", "signal-summary-truncated", multiqc("--signal-summary", p["json_truncated"]), 1,
             "json_truncated.json", [mqc]),
        Case("multiqc_files", "evaluation-binary", multiqc("--evaluation", p["genome_binary"]), 1, "binary.fa", [mqc]),
        Case("multiqc_files", "evaluation-yaml", multiqc("--evaluation", p["config_list"]), 1,
             "config_list.yaml", [mqc]),
        Case("multiqc_files", "drops-bigwig", multiqc("--drops", p["signal"]), 1, "signal.bw", [mqc]),
        Case("multiqc_files", "drops-non-ascii-digits", multiqc("--drops", p["drops_arabic"]), 1, "line 1", [mqc]),
        Case("multiqc_files", "boundaries-gzip-corrupt", multiqc("--boundaries", p["bed_gzip_corrupt"]), 1,
             "regions.bed.gz", [mqc]),
        Case("multiqc_files", "region-calls-fasta", multiqc("--region-calls", p["genome"]), 1, "genome.fa", [mqc]),
        Case("multiqc_files", "signal-summary-without-groups", multiqc("--signal-summary", p["mqc_summary_no_groups"]),
             1, "no key 'qc.groups'", [mqc]),
        Case("multiqc_files", "signal-summary-histogram-text",
             multiqc("--signal-summary", p["mqc_summary_histogram_text"]), 1,
             "'qc.groups.all.fragment_lengths.histogram' is a string", [mqc]),
        Case("multiqc_files", "signal-summary-without-fragment-lengths",
             multiqc("--signal-summary", p["mqc_summary_no_lengths"]), 1, "no key 'qc.groups.all.fragment_lengths'",
             [mqc]),
        Case("multiqc_files", "signal-summary-input-without-file",
             multiqc("--signal-summary", p["mqc_summary_input_unnamed"]), 1, "no key 'qc.inputs[0].file'", [mqc]),
        Case("multiqc_files", "signal-summary-is-metrics", multiqc("--signal-summary", p["mqc_summary_of_train"]), 1,
             "summary_of_train.json: format None", [mqc]),
        Case("multiqc_files", "metrics-without-folds", multiqc("--metrics", p["mqc_metrics_no_folds"]), 1,
             "no key 'valid' or 'test'", [mqc]),
        Case("multiqc_files", "metrics-auprc-text", multiqc("--metrics", p["mqc_metrics_auprc_text"]), 1,
             "'test.auprc' is a string", [mqc]),
        Case("multiqc_files", "evaluation-pair-without-names",
             multiqc("--evaluation", p["mqc_evaluation_pair_unnamed"]), 1, "no key 'boundary_reproducibility[0].a'", [mqc]),
        Case("multiqc_files", "evaluation-pairs-not-a-list", multiqc("--evaluation", p["mqc_evaluation_pairs_object"]),
             1, "'boundary_reproducibility' is an object", [mqc]),
        Case("review", "igv-js-missing", review(p["root"] / "absent" / "igv.min.js"), 1, "--igv-js", [page]),
        Case("review", "out-under-file", review(p["regions"], out=p["blocker"] / "review.html"), 1, "--out"),
        Case("review", "variants-binary", reviewed("--variants", p["genome_binary"]), 1, "binary.fa", [page]),
        Case("review", "variants-not-a-variants-table", reviewed("--variants", p["regions"]), 1, "no column", [page]),
        Case("review", "config-duplicate-key", reviewed("--config", p["config_duplicate"]), 1, "appears twice", [page]),
        Case("signal", "tss-gzip-corrupt", signal(p["bed_gzip_corrupt"]), 1, "regions.bed.gz",
             [p["root"] / "out" / "signal"]),
        Case("signal", "tss-bigwig", signal(p["signal"]), 1, "signal.bw", [p["root"] / "out" / "signal"]),
    ]
