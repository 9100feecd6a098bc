"""Sequence-only LSTM against two no-memory baselines on the same test bases, in one run.

The LSTM (a ``model.pt`` from ``gategenome train --config config/dna.yaml``, no
``--signal``) is compared with two models that have no memory, both fitted here on
the same train chromosomes and scored on the same test bases (blacklist masked):

* the 4-mer logistic regression on the ``--kmer-window`` bases ending at the base
  (:class:`gategenome.train.baselines.KmerLogistic`);
* a causal dilated CNN (:class:`gategenome.train.baselines.CnnBaseline`) with
  about the LSTM's number of parameters (its width is searched to match), a
  receptive field of ``--cnn-field`` bases ending at the base, trained with the
  LSTM's windows, loss, optimiser and schedule for as many steps as the LSTM took.

Prints the three per-base auPRCs (and auROCs), each for the forward strand (the
causal prediction) and for the mean of both strands' logits (``scan`` reads both
strands: every base then has context on both sides), and the LSTM's mean forget gate
inside regions, outside and within 50 bp of a region edge, with the ratio
edge / outside.

Example::

    python benchmarks/dna_model.py --genome sacCer3.fa --regions prep/accessible.bed \\
        --folds prep/folds.json --blacklist config/sacCer3.blacklist.bed \\
        --model results/yeast/model_dna/model.pt --threads 1 --out dna_model.json
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import torch

from gategenome.core.allocator import retain_freed_memory
from gategenome.data.folds import read_folds
from gategenome.io.bed import read_bed
from gategenome.io.fasta import Genome
from gategenome.model.checkpoint import load_model
from gategenome.model.cnn import matching_config, parameter_count
from gategenome.model.network import GateLSTM
from gategenome.train.baselines import CnnBaseline, KmerFeatures, KmerLogistic
from gategenome.train.config import TrainConfig, load_config
from gategenome.train.holdout import evaluate_fold, predict_chromosome, strand_averaged_metrics
from gategenome.train.windows import load_chromosomes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genome", required=True)
    parser.add_argument("--regions", required=True)
    parser.add_argument("--folds", required=True)
    parser.add_argument("--blacklist")
    parser.add_argument("--config", default="config/dna.yaml", help="the LSTM's recipe: CNN size and training")
    parser.add_argument("--model", help="the sequence-only LSTM (model.pt) trained with --config")
    parser.add_argument("--kmer", type=int, default=4)
    parser.add_argument("--kmer-window", type=int, default=400)
    parser.add_argument("--cnn-field", type=int, default=1024, help="receptive field of the CNN (bases)")
    parser.add_argument("--cnn-steps", type=int, help="CNN optimisation steps (default: the LSTM's)")
    parser.add_argument("--cnn-cache", help="CNN weights: loaded when the file exists, else trained and saved there")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    torch.set_num_threads(args.threads)
    retain_freed_memory()  # as gategenome train does: the CNN's fit time is comparable to the LSTM's

    model_config, train_config = load_config(args.config)
    train_config = TrainConfig.from_dict({**train_config.to_dict(), "device": "cpu"})
    lstm, summary = None, {}
    if args.model:
        lstm, payload = load_model(args.model)
        if lstm.config.inputs != "dna":
            parser.error(f"--model {args.model}: inputs {lstm.config.inputs!r}, expected a sequence-only (dna) model")
        summary = payload["summary"]
    genome = Genome(args.genome)
    folds = read_folds(args.folds, genome.sizes).folds
    regions = read_bed(args.regions)
    blacklist = read_bed(args.blacklist) if args.blacklist else []
    train = load_chromosomes(genome, folds["train"], regions, None, blacklist)
    test = load_chromosomes(genome, folds["test"], regions, None, blacklist)
    rows = {}

    started = time.perf_counter()
    kmer = KmerLogistic(KmerFeatures(args.kmer, args.kmer_window, causal=True)).fit(train)
    rows["kmer"] = {**kmer.evaluate(test), "seconds": time.perf_counter() - started,
                    "parameters": 4**args.kmer + 1, "field": args.kmer_window}

    lstm_parameters = parameter_count(GateLSTM(model_config))
    cnn_config = matching_config(lstm_parameters, args.cnn_field, model_config.conv_channels or 64, model_config.conv_width)
    steps = args.cnn_steps or int(summary.get("steps", train_config.epochs * train_config.steps_per_epoch))
    started = time.perf_counter()
    cnn = CnnBaseline(cnn_config, train_config, steps)
    if args.cnn_cache and Path(args.cnn_cache).exists():
        cached = torch.load(args.cnn_cache, weights_only=True)
        if cached["config"] != cnn_config.to_dict():
            parser.error(f"--cnn-cache {args.cnn_cache}: another CNN ({cached['config']}); delete it")
        cnn.model.load_state_dict(cached["state_dict"])
        steps, fit_seconds = cached["steps"], cached["seconds"]
    else:
        cnn.fit(train)
        fit_seconds = time.perf_counter() - started
        if args.cnn_cache:
            torch.save({"config": cnn_config.to_dict(), "state_dict": cnn.model.state_dict(), "steps": steps,
                        "seconds": fit_seconds}, args.cnn_cache)
    rows["cnn"] = {**cnn.evaluate(test), "seconds": fit_seconds, "steps": steps,
                   "parameters": parameter_count(cnn.model), "field": args.cnn_field, "config": cnn_config.to_dict()}
    names = {
        "kmer": f"{args.kmer}-mer logistic, {args.kmer_window} bp window",
        "cnn": f"causal CNN, {args.cnn_field} bp field, {steps} steps",
    }
    if lstm is not None:
        started = time.perf_counter()
        result = evaluate_fold(lstm, test, train_config.eval_segment, train_config.eval_burn_in)
        rows["lstm"] = {**result, "seconds": time.perf_counter() - started, "steps": int(summary["steps"]),
                        "parameters": parameter_count(lstm), "train_seconds": summary.get("train_seconds")}
        names["lstm"] = f"LSTM (dna), {rows['lstm']['steps']} steps"
    # the mean of the two strands' predictions (scan reads both): a causal model sees both sides
    scorers = {"kmer": kmer.scores, "cnn": cnn.scores}
    if lstm is not None:
        scorers["lstm"] = lambda chrom: predict_chromosome(lstm, chrom, train_config.eval_segment,
                                                           train_config.eval_burn_in, with_gates=False)[0]
    for key, score in scorers.items():
        both = strand_averaged_metrics(score, test)
        rows[key]["both_strands"] = {"auroc": both["auroc"], "auprc": both["auprc"]}
    report(rows, names, folds["test"], args.out)
    return 0


def report(rows: dict, names: dict, test: list, out: str | None) -> None:
    """Print the table (and the LSTM's gate summary); write the rows as JSON to ``out``."""

    print(f"test fold: {', '.join(test)} ({rows['kmer']['bases']:,} bases)")
    print(f"{'model':44s} {'params':>7s} {'auROC':>7s} {'auPRC':>7s}   both strands: {'auROC':>7s} {'auPRC':>7s}")
    for key, name in names.items():
        row = rows[key]
        both = row.get("both_strands", {"auroc": float("nan"), "auprc": float("nan")})
        print(f"{name:44s} {row['parameters']:7,d} {row['auroc']:7.4f} {row['auprc']:7.4f}   "
              f"{'':14s}{both['auroc']:7.4f} {both['auprc']:7.4f}")
    if "lstm" in rows:
        lstm = rows["lstm"]
        gate = lstm["forget"]
        print(f"LSTM auPRC / k-mer {lstm['auprc'] / rows['kmer']['auprc']:.2f}, / CNN {lstm['auprc'] / rows['cnn']['auprc']:.2f}")
        if "both_strands" in lstm:
            print(f"both strands: LSTM auPRC / k-mer {lstm['both_strands']['auprc'] / rows['kmer']['both_strands']['auprc']:.2f}, "
                  f"/ CNN {lstm['both_strands']['auprc'] / rows['cnn']['both_strands']['auprc']:.2f}")
        print(f"LSTM forget gate: inside {gate['inside']:.3f}, outside {gate['outside']:.3f}, within 50 bp of an edge "
              f"{gate['boundary']:.3f}; edge / outside {gate['boundary'] / gate['outside']:.2f} (target <= 0.5)")
        gate.pop("profile", None)
    if out:
        with open(out, "w") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    sys.exit(main())
