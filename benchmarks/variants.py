"""Throughput of ``gategenome variants`` against the naive whole-chromosome way, measured in one run.

On a random chromosome and a model of the shape of ``config/dna.yaml`` with one
LSTM layer (:data:`SHAPE`; random weights: the speed does not depend on them), with random SNVs,
insertions and deletions:

(a) the naive way (:func:`gategenome.variants.naive.score_naive`): for each
    allele, the alternative chromosome scanned whole on both strands from scratch
    (the reference once per chromosome), timed on the first ``--naive`` alleles;
(b) ``--context exact``: the reference streamed once (both strands as two rows),
    then each allele's windows from the exact states, batched; timed whole and
    split into the reference stream and the windows;
(c) ``--context BASES`` (``--context-bases``): windows started that far upstream
    from zeros, nothing streamed (an approximation for models that forget).

Prints alleles per second and the ratio to (a), and the projected time for one
million variants on a 3.1 Gb genome: the stream over the genome plus a million
alleles' windows, at the measured rates; with ``--threads 1``, also on two cores as
two one-thread processes that split the chromosomes (the LSTM is sequential in the
bases, and on a shared machine one thread per process is the faster way to use two
cores).

Usage::

    python benchmarks/variants.py [--length 300000] [--alleles 400] [--naive 3] [--threads 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import yaml

from gategenome.io.fasta import Genome
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM
from gategenome.variants.context import reference_states
from gategenome.variants.naive import score_naive
from gategenome.variants.score import STRANDS, chromosome_windows, score_alleles
from gategenome.variants.settings import VariantSettings
from gategenome.variants.vcf import Allele

CONFIG = Path(__file__).resolve().parents[1] / "config" / "dna.yaml"
#: The measured shape: the recipe's model with one plain LSTM layer (the head reads it).
SHAPE = {"num_layers": 1, "head_reads": "last"}
GENOME_BASES = 3.1e9


def random_alleles(sequence: str, count: int, rng: np.random.Generator) -> list[Allele]:
    """Sorted random SNVs (60%), insertions and deletions (20% each, 1-10 bases)."""
    positions = np.sort(rng.choice(np.arange(100, len(sequence) - 100), count, replace=False))
    alleles = []
    for index, pos in enumerate(positions.tolist()):
        kind = rng.random()
        ref = sequence[pos]
        if kind < 0.6:
            alt = str(rng.choice([b for b in "ACGT" if b != ref]))
        elif kind < 0.8:
            alt = ref + "".join(rng.choice(list("ACGT"), int(rng.integers(1, 11))))
        else:
            ref, alt = sequence[pos:pos + int(rng.integers(2, 12))], ref
        alleles.append(Allele(index, 0, "chr1", pos, ref, alt, "chr1", f"v{index}"))
    return alleles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--length", type=int, default=300_000, help="chromosome length")
    parser.add_argument("--alleles", type=int, default=400)
    parser.add_argument("--naive", type=int, default=3, help="alleles timed the naive way")
    parser.add_argument("--context-bases", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    rng = np.random.default_rng(0)
    sequence = "".join(rng.choice(list("ACGT"), args.length))
    tmp = Path(tempfile.mkdtemp(prefix="variants-bench-"))
    (tmp / "genome.fa").write_text(">chr1\n" + "\n".join(sequence[i:i + 60] for i in range(0, len(sequence), 60)) + "\n")
    genome = Genome(tmp / "genome.fa")
    torch.manual_seed(0)
    model = GateLSTM(ModelConfig(**{**yaml.safe_load(CONFIG.read_text())["model"], **SHAPE})).to(device).eval()
    alleles = random_alleles(sequence, args.alleles, rng)
    exact = VariantSettings(context="exact")
    approx = VariantSettings(context=str(args.context_bases))

    began = time.perf_counter()
    score_naive(model, genome, None, alleles[:args.naive], exact, 0.9, device)
    naive_rate = args.naive / (time.perf_counter() - began)

    began = time.perf_counter()
    score_alleles(model, genome, None, alleles, exact, 0.9, device)
    exact_seconds = time.perf_counter() - began
    windows = chromosome_windows(alleles, list(range(len(alleles))), args.length, exact, None)
    began = time.perf_counter()
    reference_states(model, genome, None, "chr1", {s: {w.start for w in windows if w.strand == s} for s in STRANDS},
                     exact, device)
    stream_seconds = time.perf_counter() - began
    stream_rate = args.length / stream_seconds  # chromosome positions per second, both strands
    window_rate = args.alleles / max(exact_seconds - stream_seconds, 1e-9)

    began = time.perf_counter()
    score_alleles(model, genome, None, alleles, approx, 0.9, device)
    approx_rate = args.alleles / (time.perf_counter() - began)

    exact_rate = args.alleles / exact_seconds
    print(f"chromosome {args.length} bases, {args.alleles} alleles, model {CONFIG.name} shape, "
          f"{args.threads} threads, {device}")
    print("| way | alleles/s | x naive | 1M variants, 3.1 Gb genome |")
    print("|---|---|---|---|")
    # the naive cost of an allele grows with its chromosome: 3.1 Gb in 24 chromosomes of 129 Mb on average
    naive_million = 1e6 / naive_rate * (GENOME_BASES / 24) / args.length
    print(f"| naive: whole chromosomes (ref + alt, both strands) | {naive_rate:.3g} | 1 | "
          f"{naive_million / 3600 / 24 / 365:.3g} years (129 Mb chromosomes) |")
    exact_million = GENOME_BASES / stream_rate + 1e6 / window_rate
    print(f"| --context exact (this chromosome, stream included) | {exact_rate:.3g} | {exact_rate / naive_rate:.3g} | "
          f"{exact_million / 3600:.3g} h ({GENOME_BASES / stream_rate / 3600:.3g} h stream + "
          f"{1e6 / window_rate / 3600:.3g} h windows) |")
    print(f"| --context {args.context_bases} (no stream) | {approx_rate:.3g} | {approx_rate / naive_rate:.3g} | "
          f"{1e6 / approx_rate / 3600:.3g} h |")
    print(f"reference stream {stream_rate:.3g} positions/s (both strands); windows {window_rate:.3g} alleles/s")
    if args.threads == 1:  # two one-thread processes, each with half of the chromosomes
        print(f"2 cores (two one-thread processes, chromosomes split between them): --context exact "
              f"{exact_million / 2 / 3600:.3g} h, --context {args.context_bases} {1e6 / approx_rate / 2 / 3600:.3g} h "
              "for one million variants")


if __name__ == "__main__":
    main()
