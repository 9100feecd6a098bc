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

    # Outputs that exist before the failing runs: they must come out unchanged.
    paths["existing"] = root / "existing"
    paths["existing"].mkdir()
    (paths["existing"] / "drops.bed").write_text("chrA\t1\t2\tkeep\t0\t+\t0\t0\t0\t-1\n")
    (paths["existing"] / "drops.json").write_text('{"keep": true}\n')
    (paths["existing"] / "model.pt").write_bytes(b"PK existing model bytes")
    (paths["existing"] / "model.resume.pt").write_bytes(b"PK\x03\x04 a corrupt resume checkpoint")
    (paths["existing"] / "metrics.json").write_text('{"keep": true}\n')
    return paths


def cases(p: dict[str, Path]) -> list[Case]:
    """Every failing command line of the corpus, grouped by command."""
    return (_signal(p) + _boundaries(p) + _variants(p) + _variants_gather(p) + _explain(p) + _prepare(p) + _train(p) + _scan(p) + _call(p) + _evaluate(p) + _design(p) + _simulate(p)
            + _tracks_gather_export(p) + _multiqc_review(p))


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


def _multiqc_review(p):
    mqc = p["root"] / "out" / "mqc"
    page = p["root"] / "out" / "review.html"
    review = lambda igv_js, out=page: _s("review", "--genome", p["genome"], "--signal", p["signal"],  # noqa: E731
                                         "--tracks-dir", p["eval_scan"], "--boundaries", p["eval_drops"],
                                         "--igv-js", igv_js, "--out", out)
    return [
        Case("multiqc_files", "metrics-not-json", _s("multiqc-files", "--sample", "s", "--metrics", p["signal"],
                                                     "--out-dir", mqc), 1, "--metrics", [mqc]),
        Case("multiqc_files", "out-dir-under-file", _s("multiqc-files", "--sample", "s", "--metrics",
                                                       p["eval_metrics"], "--out-dir", p["blocker"] / "mqc"),
             1, "--out-dir"),
        Case("review", "igv-js-missing", review(p["root"] / "absent" / "igv.min.js"), 1, "--igv-js", [page]),
        Case("review", "out-under-file", review(p["regions"], out=p["blocker"] / "review.html"), 1, "--out"),
    ]

