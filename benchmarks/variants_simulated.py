"""Do variants that break planted motifs at region edges move the forget gate more than random ones?

On a simulated genome (``gategenome simulate``: accessible regions planted with
yeast Reb1/Abf1/Rap1 motifs, truth known) and a sequence-only model
(``inputs: dna``), two sets of SNVs are scored with ``gategenome variants``.
The model is given (``--model``) or trained here (``--config``) on a separate
genome of the same default simulator (``--train-seed``, ``--train-chroms``
chromosomes of ``--train-length``; the last two are the valid and test folds),
so the scored genome is never seen in training:

* **motif**: one SNV in each planted motif instance found within ``--edge``
  bases of a planted region's edge (the instance is found by matching the
  motif's IUPAC pattern, either orientation, inside the region); the SNV
  changes a fixed (non-N) base of the motif to a base the pattern does not allow;
* **random**: SNVs at uniformly drawn positions outside planted motif
  instances, matched one to one for the reference base's GC status and the GC
  content of the +-50 bases around it (within 0.04).

It prints the auROC of ``|d_min_forget|`` (the change in the minimum mean forget
gate within the window) separating motif from random variants, with the auROCs
of the other effects for comparison, per motif for ``|d_min_forget|`` and
``|d_access_max|``, and a table of medians.  With a model trained on reads
(``train.target: insertions``; ``--config`` with that target trains one on the
cut sites of the training genome's simulated fragments) it adds chromBPNet's
allele scores: ``|count_lfc|`` and ``profile_jsd`` in the same tables, and the
uniformity of their null p-values on the random SNVs (Kolmogorov-Smirnov against
the uniform distribution) with the fraction of motif SNVs at p < 0.05.

Usage (the result table of docs/variants.md; about 12 min of training on one thread)::

    gategenome simulate --out-dir sim --seed 3 --chroms 4 --length 250000
    python benchmarks/variants_simulated.py --sim-dir sim --config benchmarks/configs/dna_sim_long.yaml \
        --out varsim --threads 1

or with a model trained on the scored genome itself (the first measurement)::

    gategenome simulate --out-dir sim --seed 3 --chroms 4 --length 250000
    echo '{"train": ["chrS1", "chrS2"], "valid": ["chrS3"], "test": ["chrS4"]}' > folds.json
    gategenome train --genome sim/genome.fa --regions sim/truth.accessible.bed --folds folds.json \\
        --config config/dna.yaml --out model/model.pt --threads 1
    python benchmarks/variants_simulated.py --sim-dir sim --model model/model.pt
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from gategenome.io.fasta import Genome
from gategenome.simulate.sequence import MOTIFS

IUPAC = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "S": "CG", "W": "AT", "K": "GT", "M": "AC",
         "N": "ACGT"}
COMPLEMENT = str.maketrans("ACGTRYSWKMN", "TGCAYRSWMKN")


def auroc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Area under the ROC curve of scores (ties count one half), by ranks."""
    scores = np.concatenate([positive, negative])
    order = scores.argsort(kind="stable")
    ranks = np.empty(scores.size)
    ranks[order] = np.arange(1, scores.size + 1)
    for value in np.unique(scores):  # average ranks of ties
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    n_pos, n_neg = positive.size, negative.size
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _patterns() -> list[tuple[str, str]]:
    """``(name, IUPAC pattern)`` of each motif in both orientations."""
    found = []
    for name, pattern in MOTIFS.items():
        found.append((name, pattern))
        reverse = pattern.translate(COMPLEMENT)[::-1]
        if reverse != pattern:
            found.append((name, reverse))
    return found


def motif_sites(genome: Genome, regions: list[tuple[str, int, int]], edge: int) -> list[tuple[str, int, str, int]]:
    """``(chrom, start, pattern, distance to the nearest region edge, motif name)`` of motif instances near edges."""
    sites = []
    for chrom, start, end in regions:
        sequence = genome.fetch(chrom, start, end).decode().upper()
        for name, pattern in _patterns():
            regex = re.compile("(?=(" + "".join(f"[{IUPAC[c]}]" for c in pattern) + "))")
            for match in regex.finditer(sequence):
                site = start + match.start()
                distance = min(site - start, end - (site + len(pattern)))
                if distance <= edge:
                    sites.append((chrom, site, pattern, distance, name))
    return sites


def _gc(sequence: str) -> float:
    return sum(base in "GC" for base in sequence) / max(len(sequence), 1)


def break_position(name: str, pattern: str, rule: str) -> int:
    """Index in ``pattern`` (motif ``name`` in either orientation) of the fixed base an SNV changes.

    ``middle``: the middle fixed base of ``pattern``. ``gc``: the fixed C or G of the
    motif nearest its middle (a strong base is the rarer, more informative one in the
    AT-rich yeast-like background), ties to the first in the motif's forward
    orientation, so both strands of a site get the same base; the middle fixed base
    if the motif has no fixed C or G.
    """
    fixed = [k for k, letter in enumerate(pattern) if len(IUPAC[letter]) == 1]
    forward = MOTIFS[name]
    strong = [k for k, letter in enumerate(forward) if letter in "GC"]
    if rule == "middle" or not strong:
        return fixed[len(fixed) // 2]
    k = min(strong, key=lambda k: abs(2 * k - (len(forward) - 1)))
    return k if pattern == forward else len(forward) - 1 - k


def make_variants(genome: Genome, regions, edge: int, seed: int, rule: str = "middle") -> tuple[list, list]:
    """Motif-breaking SNVs ``(chrom, pos0, ref, alt, motif)`` and GC-matched random SNVs ``(chrom, pos0, ref, alt)``."""
    rng = np.random.default_rng(seed)
    sites = motif_sites(genome, regions, edge)
    occupied = {(c, s + k) for c, s, p, _, _ in sites for k in range(len(p))}
    motif, random = [], []
    names = list(genome.sizes)
    lengths = np.array([genome.sizes[c] for c in names], dtype=float)
    for chrom, site, pattern, _, name in sites:
        pos = site + break_position(name, pattern, rule)
        ref = genome.fetch(chrom, pos, pos + 1).decode().upper()
        alt = str(rng.choice([b for b in "ACGT" if b != ref]))
        gc_ref, gc_local = ref in "GC", _gc(genome.fetch(chrom, max(0, pos - 50), pos + 51).decode().upper())
        for _ in range(10000):  # a random position with the same GC status and local GC content
            c = names[int(rng.choice(len(names), p=lengths / lengths.sum()))]
            p = int(rng.integers(200, genome.sizes[c] - 200))
            base = genome.fetch(c, p, p + 1).decode().upper()
            if (c, p) in occupied or base not in "ACGT" or (base in "GC") != gc_ref:
                continue
            if abs(_gc(genome.fetch(c, p - 50, p + 51).decode().upper()) - gc_local) <= 0.04:
                motif.append((chrom, pos, ref, alt, name))
                random.append((c, p, base, str(rng.choice([b for b in "ACGT" if b != base]))))
                occupied.add((c, p))
                break
    return motif, random


def write_vcf(path: Path, genome: Genome, variants: list[tuple[str, int, str, str, str]]) -> None:
    """A sorted VCF of ``(chrom, pos0, ref, alt, id)``."""
    order = {c: i for i, c in enumerate(genome.sizes)}
    lines = ["##fileformat=VCFv4.2"] + [f"##contig=<ID={c},length={n}>" for c, n in genome.sizes.items()]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    for chrom, pos, ref, alt, name in sorted(variants, key=lambda v: (order[v[0]], v[1])):
        lines.append(f"{chrom}\t{pos + 1}\t{name}\t{ref}\t{alt}\t.\t.\t.")
    path.write_text("\n".join(lines) + "\n")


def read_table(path: Path) -> dict[str, dict[str, str]]:
    rows = path.read_text().splitlines()
    header = rows[0].split("\t")
    return {fields[2]: dict(zip(header, fields)) for fields in (row.split("\t") for row in rows[1:])}


def train_model(out: Path, config: str, seed: int, chroms: int, length: int, threads: int) -> str:
    """Simulate a training genome (the default simulator, another seed) and train a sequence-only model on it;
    a config with ``train.target: insertions`` learns the cut sites of the genome's simulated fragments."""
    import yaml

    sim = out / "train-sim"
    run = [sys.executable, "-m", "gategenome"]
    subprocess.run(run + ["simulate", "--out-dir", str(sim), "--seed", str(seed), "--chroms", str(chroms),
                          "--length", str(length)], check=True)
    reads = []
    if (yaml.safe_load(Path(config).read_text()) or {}).get("train", {}).get("target") == "insertions":
        subprocess.run(run + ["signal", "--genome", str(sim / "genome.fa"), "--fragments",
                              str(sim / "fragments.bedpe.gz"), "--no-call-peaks", "--out-dir", str(out / "signal")],
                       check=True)
        reads = ["--insertions", str(out / "signal" / "cutsites.bw")]
    names = [f"chrS{i}" for i in range(1, chroms + 1)]
    folds = out / "folds.json"
    folds.write_text(json.dumps({"train": names[:-2], "valid": [names[-2]], "test": [names[-1]]}))
    model = out / "model" / "model.pt"
    subprocess.run(run + ["train", "--genome", str(sim / "genome.fa"), "--regions", str(sim / "truth.accessible.bed"),
                          "--folds", str(folds), "--config", config, "--out", str(model), "--threads", str(threads),
                          *reads], check=True)
    return str(model)


def effect_columns(table: dict[str, dict[str, str]]) -> list[str]:
    """The effects compared: the gate and accessibility ones, then the profile scores where the table has them."""
    columns = ["d_min_forget", "d_access", "d_access_max", "footprint", "count_lfc", "profile_jsd"]
    first = next(iter(table.values()), {})
    return [column for column in columns if column in first]


def p_value_checks(table: dict[str, dict[str, str]], column: str) -> tuple[float, float, float]:
    """``(KS statistic, KS p, motif fraction at p < 0.05)`` of a p-value column: the random SNVs' p-values
    against the uniform distribution, and how many motif-breaking SNVs the p-value flags."""
    from scipy.stats import kstest

    random_p = np.array([float(row[column]) for name, row in table.items() if name.startswith("random")])
    motif_p = np.array([float(row[column]) for name, row in table.items() if name.startswith("motif")])
    test = kstest(random_p, "uniform")
    return float(test.statistic), float(test.pvalue), float((motif_p < 0.05).mean()) if motif_p.size else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sim-dir", required=True, type=Path, help="gategenome simulate output: the scored genome")
    parser.add_argument("--model", help="sequence-only model (default: train one with --config)")
    parser.add_argument("--signal", help="the coverage bigWig a dna+signal --model reads (read as measured)")
    parser.add_argument("--null-alleles", type=int, default=500,
                        help="random SNVs of the p-values' null (target insertions models)")
    parser.add_argument("--config", help="train a model with this config on a separate simulated genome")
    parser.add_argument("--train-seed", type=int, default=11, help="seed of the simulated training genome")
    parser.add_argument("--train-chroms", type=int, default=32, help="its chromosomes (last two: valid, test)")
    parser.add_argument("--train-length", type=int, default=250_000, help="length of each")
    parser.add_argument("--edge", type=int, default=60, help="motif instances within this many bases of an edge")
    parser.add_argument("--break-at", choices=("middle", "gc"), default="middle",
                        help="the motif base each SNV changes: the middle fixed base, or the fixed C/G nearest it")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="keep the VCF and outputs here")
    args = parser.parse_args()
    if (args.model is None) == (args.config is None):
        parser.error("give --model, or --config to train one")
    out = args.out or Path(tempfile.mkdtemp(prefix="variants-sim-"))
    out.mkdir(parents=True, exist_ok=True)
    if args.model is None:
        args.model = train_model(out, args.config, args.train_seed, args.train_chroms, args.train_length, args.threads)
    genome = Genome(args.sim_dir / "genome.fa")
    regions = [(f[0], int(f[1]), int(f[2])) for f in (line.split("\t") for line in
               (args.sim_dir / "truth.accessible.bed").read_text().splitlines() if line)]
    motif, random = make_variants(genome, regions, args.edge, args.seed, args.break_at)
    labelled = [(*v[:4], f"motif{i}_{v[4]}") for i, v in enumerate(motif)]
    labelled += [(*v, f"random{i}") for i, v in enumerate(random)]
    write_vcf(out / "variants.vcf", genome, labelled)
    command = [sys.executable, "-m", "gategenome", "variants", "--model", args.model, "--genome",
               str(args.sim_dir / "genome.fa"), "--vcf", str(out / "variants.vcf"), "--out", str(out / "scored"),
               "--threads", str(args.threads), "--no-progress", "--device", "cpu",
               "--null-alleles", str(args.null_alleles), *(["--signal", args.signal] if args.signal else [])]
    subprocess.run(command, check=True)
    table = read_table(out / "scored.tsv")
    print(f"{len(motif)} motif-breaking SNVs (motifs within {args.edge} bp of a planted region edge), "
          f"{len(random)} GC-matched random SNVs; model {args.model}")
    print("| effect | auROC motif vs random | median motif | median random |")
    print("|---|---|---|---|")
    columns = effect_columns(table)
    for column in columns:
        pos = np.array([abs(float(row[column])) for k, row in table.items() if k.startswith("motif")])
        neg = np.array([abs(float(row[column])) for k, row in table.items() if k.startswith("random")])
        print(f"| abs({column}) | {auroc(pos, neg):.3f} | {np.median(pos):.4g} | {np.median(neg):.4g} |")
    for column in [c for c in ("d_min_forget", "d_access_max", "count_lfc", "profile_jsd") if c in columns]:
        negative = np.array([abs(float(row[column])) for k, row in table.items() if k.startswith("random")])
        for name in MOTIFS:
            pos = np.array([abs(float(row[column])) for k, row in table.items() if k.endswith(f"_{name}")])
            if pos.size:
                print(f"| abs({column}), {name} only ({pos.size}) | {auroc(pos, negative):.3f} | "
                      f"{np.median(pos):.4g} | {np.median(negative):.4g} |")
    drops = {k: sum(1 for n, row in table.items() if n.startswith(k) and row["drop"] != "none")
             for k in ("motif", "random")}
    print(f"drop gained or lost: motif {drops['motif']}/{len(motif)}, random {drops['random']}/{len(random)}")
    for column in ("count_lfc_p", "profile_jsd_p"):
        if column in next(iter(table.values()), {}):
            statistic, pvalue, flagged = p_value_checks(table, column)
            print(f"{column}: random SNVs vs uniform KS D {statistic:.3f} (p {pvalue:.3f}); "
                  f"motif SNVs at p < 0.05: {flagged:.3f}")


if __name__ == "__main__":
    main()
