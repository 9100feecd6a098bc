"""Peak memory of `gategenome train` against genome size: the growth factor from a small genome to a large one.

For each size, a genome is simulated with `gategenome simulate` (several runs
joined when one run cannot make it: simulate writes at most 50 Mb per chromosome
and 100 Mb per run), then `gategenome train --threads 1` runs a fixed number of
steps of a small model in a subprocess whose peak resident memory is read with
``os.wait4``; the genome cache is built in that same run (its cost is included).
The first size is the reference: the table ends with the ratio of each peak RSS
to it, measured in the same run.  Not run in CI (minutes to tens of minutes).

    python benchmarks/train_memory.py --work /tmp/trainmem --sizes 25 250

Chromosomes: ``max(3, ceil(size / 50 Mb))`` of equal length (25 Mb: 3 x 8.3 Mb;
250 Mb: 5 x 50 Mb); folds: the last two chromosomes are valid and test, the rest
train; regions: the simulated truth.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gategenome.io.bigwig import write_bigwig  # noqa: E402

MAX_CHROM, MAX_RUN = 50_000_000, 100_000_000
CONFIG = """model:
  inputs: dna+signal
  hidden_size: 8
  num_layers: 1
train:
  window: 2048
  batch_size: 8
  epochs: 1
  steps_per_epoch: {steps}
  warmup_steps: 1
  eval_segment: 4096
  eval_burn_in: 256
  eval_batch: 64
"""


def gategenome(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "gategenome", *map(str, args)], env=env, check=True,
                          capture_output=True, text=True, **kwargs)


def simulate(directory: Path, size: int, seed: int) -> list[str]:
    """A genome of ``size`` bases in ``directory`` (genome.fa, atac.bw, regions.bed); its chromosome names."""
    count = max(3, math.ceil(size / MAX_CHROM))
    length = size // count
    per_run = max(1, MAX_RUN // length)
    pieces = []
    for run, first in enumerate(range(0, count, per_run)):
        piece = directory / f"piece{run}"
        if not (piece / "simulate.json").exists():
            gategenome("simulate", "--out-dir", piece, "--chroms", min(per_run, count - first), "--length", length,
                       "--seed", seed + run)
        pieces.append(piece)
    if len(pieces) == 1:
        for name in ("genome.fa", "atac.bw"):
            target = directory / name
            if not target.exists():
                target.symlink_to(pieces[0] / name)
        shutil.copy(pieces[0] / "truth.accessible.bed", directory / "regions.bed")
        return [line.split("\t")[0] for line in (pieces[0] / "genome.fa.fai").read_text().splitlines()]
    return _join(directory, pieces)


def _join(directory: Path, pieces: list[Path]) -> list[str]:
    """One genome from several simulate runs, chromosomes renamed chr1, chr2, ... (streamed, bounded memory)."""
    import pyBigWig

    names, sizes, rename = [], {}, {}
    for index, piece in enumerate(pieces):
        for line in (piece / "genome.fa.fai").read_text().splitlines():
            old, length = line.split("\t")[:2]
            new = f"chr{len(names) + 1}"
            names.append(new)
            sizes[new] = int(length)
            rename[(index, old)] = new
    if not (directory / "genome.fa").exists():
        with open(directory / "genome.fa.tmp", "w") as out:
            for index, piece in enumerate(pieces):
                with open(piece / "genome.fa") as handle:
                    for line in handle:
                        out.write(f">{rename[(index, line[1:].split()[0])]}\n" if line.startswith(">") else line)
        os.replace(directory / "genome.fa.tmp", directory / "genome.fa")
    if not (directory / "atac.bw").exists():
        sources = [pyBigWig.open(str(piece / "atac.bw")) for piece in pieces]
        readers = {new: (lambda start, end, bw=sources[index], old=old: bw.values(old, start, end, numpy=True))
                   for (index, old), new in rename.items()}
        write_bigwig(directory / "atac.bw", sizes, readers)
        for bw in sources:
            bw.close()
    with open(directory / "regions.bed", "w") as out:
        for index, piece in enumerate(pieces):
            for line in (piece / "truth.accessible.bed").read_text().splitlines():
                chrom, rest = line.split("\t", 1)
                out.write(f"{rename[(index, chrom)]}\t{rest}\n")
    return names


def peak_rss(command: list[str]) -> tuple[int, float, str]:
    """Peak RSS (bytes), wall seconds and stderr of ``command``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr}")
    return usage.ru_maxrss * 1024, time.perf_counter() - started, stderr


def measure(directory: Path, names: list[str], steps: int, threads: int) -> dict:
    (directory / "folds.json").write_text(json.dumps({"train": names[:-2], "valid": [names[-2]], "test": [names[-1]]}))
    (directory / "train.yaml").write_text(CONFIG.format(steps=steps))
    out = directory / "train"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "gategenome", "-v", "train", "--genome", str(directory / "genome.fa"),
               "--signal", str(directory / "atac.bw"), "--regions", str(directory / "regions.bed"),
               "--folds", str(directory / "folds.json"), "--config", str(directory / "train.yaml"),
               "--threads", str(threads), "--device", "cpu", "--no-progress", "--out", str(out / "model.pt")]
    rss, seconds, stderr = peak_rss(command)
    metrics = json.loads((out / "metrics.json").read_text())
    cache_bytes = sum(path.stat().st_size for path in (out / "model.cache").rglob("*.npy"))
    size = sum(int(line.split("\t")[1]) for line in (directory / "genome.fa.fai").read_text().splitlines())
    # "...: ready in 12.3 s (...)" once for the sequence, once for the signal
    cache_seconds = sum(float(line.split("ready in ")[1].split(" s")[0]) for line in stderr.splitlines() if "ready in " in line)
    return {"bases": size, "chroms": len(names), "cache_seconds": cache_seconds, "rss": rss, "seconds": seconds, "cache_bytes": cache_bytes,
            "valid_auroc": metrics["valid"]["auroc"], "test_auroc": metrics["test"]["auroc"],
            "test_bases": metrics["test"]["bases"], "threads": metrics["threads"],
            "interop_threads": metrics["interop_threads"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="Directory for the simulated genomes and runs.")
    parser.add_argument("--sizes", type=float, nargs="+", default=[25, 250], help="Genome sizes in Mb; the first is the reference.")
    parser.add_argument("--steps", type=int, default=10, help="Training steps.")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        directory = args.work / f"{size:g}mb"
        directory.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        names = simulate(directory, int(size * 1e6), args.seed)
        print(f"{size:g} Mb: genome ready in {time.perf_counter() - started:.0f} s ({len(names)} chromosomes)", flush=True)
        rows.append(measure(directory, names, args.steps, args.threads))
        print(f"{size:g} Mb: {rows[-1]}", flush=True)
    reference = rows[0]
    print(f"\ngategenome train, {args.steps} steps, --threads {args.threads}, peak RSS of the whole run "
          "(cache build + steps + validation + final metrics on the whole valid and test folds)")
    print(f"{'genome':>10} {'chroms':>6} {'peak RSS':>10} {'x ref':>6} {'wall':>8} {'cache B/base':>12} {'cache s/Mb':>10} "
          f"{'test bases':>11} {'test auROC':>10} {'threads':>7}")
    for row in rows:
        print(f"{row['bases'] / 1e6:>8.1f}Mb {row['chroms']:>6} {row['rss'] / 2**20:>8.0f}MiB {row['rss'] / reference['rss']:>6.2f} "
              f"{row['seconds']:>7.0f}s {row['cache_bytes'] / row['bases']:>12.2f} {row['cache_seconds'] * 1e6 / row['bases']:>10.2f} {row['test_bases']:>11,} "
              f"{row['test_auroc']:>10.4f} {row['threads']}/{row['interop_threads']:>5}")
    growth = rows[-1]["rss"] / reference["rss"]
    print(f"\ngrowth factor {rows[-1]['bases'] / 1e6:.0f} Mb / {reference['bases'] / 1e6:.0f} Mb: {growth:.2f}x "
          f"(goal <= 1.5x); largest peak {max(r['rss'] for r in rows) / 2**30:.2f} GiB (goal < 4 GiB)")


if __name__ == "__main__":
    main()
