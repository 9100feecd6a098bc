"""Throughput of ``gategenome explain``'s mutagenesis against the naive way, measured in one run.

On a random chromosome and a model of the shape of ``benchmarks/configs/dna_sim.yaml``
(random weights; the speed does not depend on them, ``--model`` takes a trained one),
drops are placed at random summits on both strands (at least ``--flank`` bases
from the start of the scan), and their dips are attributed over ``--flank`` bases:

(a) naive (:func:`gategenome.explain.naive.naive_mutagenesis`): each of the
    ``3 x flank`` mutant chromosomes scanned from its start to the summit (mutants
    batched 64 as rows), timed on the first ``--naive`` drops;
(b) batched, state-carrying mutagenesis (:func:`gategenome.explain.run.explain_drops`,
    ``--method ism``, exact context): the reference streamed once per strand,
    each mutant scanned only from its own base, ``block`` positions and ``targets``
    drops per forward call;
(c) integrated gradients (``--method ig``), and its agreement with (b): Pearson r of
    the per-base contributions of each drop.

Prints drops explained per second and the ratios to (a), and the largest difference
between (a) and (b) on the drops both computed.

Usage::

    python benchmarks/explain.py [--length 100000] [--drops 64] [--naive 2] [--flank 200] [--threads 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import yaml

from gategenome.explain.naive import naive_mutagenesis
from gategenome.explain.run import explain_drops
from gategenome.explain.settings import ExplainSettings
from gategenome.explain.targets import Target
from gategenome.io.fasta import Genome
from gategenome.model.checkpoint import load_model
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM

CONFIG = Path(__file__).parent / "configs" / "dna_sim.yaml"


def _model(path: str | None) -> GateLSTM:
    if path:
        return load_model(path, torch.device("cpu"))[0].eval()
    torch.manual_seed(0)
    return GateLSTM(ModelConfig(**yaml.safe_load(CONFIG.read_text())["model"])).eval()


def _genome(folder: Path, length: int, seed: int) -> Genome:
    rng = np.random.default_rng(seed)
    sequence = "".join(rng.choice(list("ACGT"), size=length))
    (folder / "g.fa").write_text(">chrR\n" + "\n".join(sequence[i:i + 60] for i in range(0, length, 60)) + "\n")
    return Genome(folder / "g.fa")


def _targets(length: int, count: int, flank: int, seed: int) -> list[Target]:
    rng = np.random.default_rng(seed + 1)
    targets = []
    for index in range(count):
        strand = "+" if index % 2 == 0 else "-"
        u = int(rng.integers(flank, length))
        summit = u if strand == "+" else length - 1 - u
        targets.append(Target(f"d{index}", "chrR", strand, summit, summit + 1, summit, 0.5))
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="trained model.pt (default: random weights, dna_sim.yaml's shape)")
    parser.add_argument("--length", type=int, default=100_000, help="chromosome length")
    parser.add_argument("--drops", type=int, default=64, help="drops explained by (b) and (c)")
    parser.add_argument("--naive", type=int, default=2, help="drops explained by (a)")
    parser.add_argument("--flank", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = _model(args.model)
    device = torch.device("cpu")
    with tempfile.TemporaryDirectory() as folder:
        genome = _genome(Path(folder), args.length, args.seed)
        targets = _targets(args.length, args.drops, args.flank, args.seed)
        started = time.perf_counter()
        naive = [naive_mutagenesis(model, genome, None, t, args.flank) for t in targets[:args.naive]]
        naive_rate = args.naive / (time.perf_counter() - started)
        settings = ExplainSettings(flank=args.flank, method="ism")
        started = time.perf_counter()
        exact = explain_drops(model, genome, None, targets, settings, device)
        ism_rate = args.drops / (time.perf_counter() - started)
        started = time.perf_counter()
        gradients = explain_drops(model, genome, None, targets, ExplainSettings(flank=args.flank, method="ig"), device)
        ig_rate = args.drops / (time.perf_counter() - started)
    worst = 0.0
    for row, (reference, delta) in enumerate(naive):
        hypothetical = delta - delta.mean(axis=-1, keepdims=True)
        worst = max(worst, float(np.abs(hypothetical - exact.hypothetical[row]).max()),
                    abs(reference - float(exact.score[row])))
    pearson = [float(np.corrcoef(a, b)[0, 1]) for a, b in zip(exact.contrib, gradients.contrib)]
    print(f"chromosome {args.length:,} bases, flank {args.flank}, {args.threads} thread(s), "
          f"model {'random' if not args.model else args.model}")
    print(f"(a) naive, each mutant from the chromosome start: {naive_rate:.4f} drops/s ({args.naive} drops)")
    print(f"(b) batched state-carrying mutagenesis:           {ism_rate:.3f} drops/s ({args.drops} drops), "
          f"{ism_rate / naive_rate:.0f}x (a)")
    print(f"(c) integrated gradients:                         {ig_rate:.3f} drops/s, {ig_rate / naive_rate:.0f}x (a), "
          f"{ig_rate / ism_rate:.1f}x (b)")
    print(f"largest |(a) - (b)| over {args.naive} drops: {worst:.2e}")
    print(f"(c) vs (b) per-base contributions: median Pearson r {np.median(pearson):.3f} "
          f"(min {np.min(pearson):.3f}) over {args.drops} drops")


if __name__ == "__main__":
    main()
