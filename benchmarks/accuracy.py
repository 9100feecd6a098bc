"""Per-base accuracy on the test fold: trained LSTMs against the baselines.

Measures, on the same held-out chromosomes and with the same blacklist:
the ATAC signal itself as a score, the no-memory k-mer logistic regression in
``dna`` and ``dna+signal`` mode, and each ``model.pt`` given (auROC, auPRC and the
mean forget gate inside / outside / within 50 bp of region boundaries).

Example::

    python benchmarks/accuracy.py --genome sacCer3.fa --signal atac.bw \\
        --regions prep/accessible.bed --folds prep/folds.json --blacklist prep/blacklist.bed \\
        --model dna+signal=runs/sig/model.pt --model dna=runs/dna/model.pt --out accuracy.json
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

import torch

from gategenome.data.folds import read_folds
from gategenome.io.bed import read_bed
from gategenome.io.bigwig import SignalTrack
from gategenome.io.fasta import Genome
from gategenome.model.checkpoint import load_model
from gategenome.train.baselines import KmerFeatures, KmerLogistic, signal_scores
from gategenome.train.holdout import evaluate_fold
from gategenome.train.windows import load_chromosomes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genome", required=True)
    parser.add_argument("--signal", required=True)
    parser.add_argument("--regions", required=True)
    parser.add_argument("--folds", required=True)
    parser.add_argument("--blacklist")
    parser.add_argument("--model", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--kmer", type=int, default=4)
    parser.add_argument("--kmer-window", type=int, default=400)
    parser.add_argument("--centred", action="store_true", help="centre the k-mer window (default: ends at the base)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    torch.set_num_threads(args.threads)

    genome = Genome(args.genome)
    folds = read_folds(args.folds, genome.sizes).folds
    regions = read_bed(args.regions)
    blacklist = read_bed(args.blacklist) if args.blacklist else []
    track = SignalTrack(args.signal, genome.sizes)
    train = load_chromosomes(genome, folds["train"], regions, track, blacklist)
    test = load_chromosomes(genome, folds["test"], regions, track, blacklist)

    rows = {"ATAC signal": signal_scores(test)}
    for mode in ("dna", "dna+signal"):
        started = time.perf_counter()
        features = KmerFeatures(args.kmer, args.kmer_window, not args.centred, use_signal=mode == "dna+signal")
        baseline = KmerLogistic(features).fit(train)
        rows[f"{args.kmer}-mer logistic ({mode})"] = baseline.evaluate(test)
        rows[f"{args.kmer}-mer logistic ({mode})"]["seconds"] = time.perf_counter() - started
    for spec in args.model:
        name, _, path = spec.partition("=")
        model, payload = load_model(path)
        train_config = payload["summary"].get("config", {}).get("train", {})
        rows[f"LSTM {name}"] = evaluate_fold(
            model, test, train_config.get("eval_segment", 16384), train_config.get("eval_burn_in", 1024)
        )

    print(f"test fold: {', '.join(folds['test'])} ({rows['ATAC signal']['bases']:,} bases)")
    print(f"{'score':32s} {'auROC':>7s} {'auPRC':>7s} {'f inside':>9s} {'f outside':>9s} {'f boundary':>10s}")
    for name, row in rows.items():
        gate = row.get("forget")
        gates = f"{gate['inside']:9.4f} {gate['outside']:9.4f} {gate['boundary']:10.4f}" if gate else ""
        print(f"{name:32s} {row['auroc']:7.4f} {row['auprc']:7.4f} {gates}")
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(rows, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
