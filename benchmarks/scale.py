"""How does every command grow with the genome?  Wall time and peak RSS at two genome sizes, extrapolated to hg38.

Simulated genomes (``gategenome simulate``: three chromosomes each, with a
centromere and telomeres of N) of ``25 Mb x --scale`` and ``250 Mb x --scale``
go through the whole pipeline, each command in its own process: simulate,
prepare, train (a fixed small number of steps), scan (both strands and the
null), tracks (the three bigWigs, as the workflow's tracks job), call,
boundaries and evaluate.  A single chromosome of ``249 Mb x --scale``
(hg38's chr1) is simulated and scanned on its own, as the per-chromosome scan
job of a cluster run.  For each step the table gives wall time and peak RSS (of
the process and the children it waited for, from ``wait4``), the growth factor
from the small to the large genome, and the extrapolation to hg38 (3.1 Gb):
wall time and RSS grow linearly through the two measured points.

Below the steps: bytes per base of each bigWig, the disk bytes per base of the
scan directory's arrays, and the hg38 end-to-end projection on one 2-core
machine (the sum of the steps) and on a SLURM cluster of 2-core, 24 GB nodes
with one scan job per chromosome (its wall time is the largest chromosome's,
the measured 249 Mb job; the genome-wide steps stay whole-genome jobs).  A job
whose extrapolated RSS is over 24 GB is marked: it cannot run on such a node.

The per-base rates printed last (MB and seconds per Mb, fixed MB) are those the
workflow's cluster sizing uses (``workflow/rules/common.smk``, ``JOB_COSTS``).

Not run in CI: ``--scale 1`` takes an hour or more on 2 cores; ``--scale 0.1``
(2.5 and 25 Mb, a 24.9 Mb chromosome) takes minutes.

Example::

    python benchmarks/scale.py --scale 0.1 --work /tmp/scale
    python benchmarks/scale.py --scale 1 --steps 20 --work /tmp/scale-full
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HG38 = 3_100_000_000
CHR1 = 248_956_422
NODE_GB = 24.0
STEPS = ("simulate", "prepare", "train", "scan", "tracks", "call", "boundaries", "evaluate")


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants now (from /proc; 0 once gone)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                total += next((int(line.split()[1]) * 1024 for line in handle if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack += [int(child) for child in handle.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run(args: list[str], log: Path) -> tuple[float, float]:
    """Run ``python -m gategenome ARGS``; return ``(wall seconds, peak RSS in GB)``.

    The peak is the larger of the process's own peak (``wait4``: the largest single
    process among it and its children) and the sum over its process tree sampled
    every 0.2 s (parallel workers, such as tracks' three writers, add up).
    """
    command = [sys.executable, "-m", "gategenome", *args]
    start = time.perf_counter()
    peak_tree = [0]
    with open(log, "w") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample():
            while not done.wait(0.2):
                peak_tree[0] = max(peak_tree[0], _tree_rss(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        done.set()
        sampler.join()
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{log.read_text()[-3000:]}")
    peak = max(usage.ru_maxrss * 1024, peak_tree[0]) / 1024 ** 3  # ru_maxrss is in KiB on Linux
    print(f"{args[0]:<10} {wall:9.1f} s {peak:6.2f} GB  ({log.parent.parent.name})", file=sys.stderr, flush=True)
    return wall, peak


def train_config(path: Path, steps: int) -> Path:
    """A small model trained for ``steps`` optimisation steps in one epoch."""
    path.write_text(
        "model:\n  inputs: dna+signal\n  hidden_size: 32\n"
        f"train:\n  window: 2048\n  batch_size: 16\n  epochs: 1\n  steps_per_epoch: {steps}\n"
        "  warmup_steps: 2\n  patience: 0\n"
    )
    return path


def genome_run(work: Path, total: int, steps: int, threads: int, seed: int) -> dict:
    """Every step over a simulated genome of ``total`` bases in three chromosomes."""
    work.mkdir(parents=True, exist_ok=True)
    length = total // 3
    gap = max(0, length // 20)  # a centromere of 5% (hg38: 2-20%)
    sim, prep, model, scan = work / "sim", work / "prep", work / "model.pt", work / "scan"
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    results: dict[str, tuple[float, float]] = {}
    results["simulate"] = run(["simulate", "--out-dir", str(sim), "--chroms", "3", "--length", str(length),
                               "--gap-length", str(gap), "--seed", str(seed)], logs / "simulate.log")
    results["prepare"] = run(["prepare", "--genome", str(sim / "genome.fa"), "--signal", str(sim / "atac.bw"),
                              "--peaks", str(sim / "peaks.narrowPeak"), "--valid-chroms", "chrS2",
                              "--test-chroms", "chrS3", "--out-dir", str(prep)], logs / "prepare.log")
    results["train"] = run(["train", "--genome", str(sim / "genome.fa"), "--signal", str(sim / "atac.bw"),
                            "--regions", str(prep / "accessible.bed"), "--folds", str(prep / "folds.json"),
                            "--config", str(train_config(work / "train.yaml", steps)), "--threads", str(threads),
                            "--device", "cpu", "--no-progress", "--out", str(model)], logs / "train.log")
    results["scan"] = run(["scan", "--model", str(model), "--genome", str(sim / "genome.fa"), "--signal",
                           str(sim / "atac.bw"), "--out-dir", str(scan), "--threads", "1", "--no-progress",
                           "--no-tracks"], logs / "scan.log")
    results["tracks"] = run(["tracks", "--scan-dir", str(scan)], logs / "tracks.log")
    results["call"] = run(["call", "--scan-dir", str(scan), "--out", str(work / "drops.bed")], logs / "call.log")
    results["boundaries"] = run(["boundaries", "--scan-dir", str(scan), "--out", str(work / "boundaries.bed"),
                                 "--regions-out", str(work / "region_calls.bed")], logs / "boundaries.log")
    results["evaluate"] = run(["evaluate", "--drops", str(work / "drops.bed"), "--scan-dir", str(scan), "--regions",
                               str(prep / "accessible.bed"), "--folds", str(prep / "folds.json"), "--signal",
                               str(sim / "atac.bw"), "--out-dir", str(work / "evaluation")], logs / "evaluate.log")
    bigwigs = {path.name: path.stat().st_size / total for path in sorted(scan.glob("*.bw"))}
    arrays = sum(path.stat().st_size for path in (scan / "chroms").glob("*.npy")) if (scan / "chroms").exists() else 0
    return {"bases": total, "steps": results, "bigwig_bytes_per_base": bigwigs, "array_bytes_per_base": arrays / total,
            "drops": sum(1 for _ in open(work / "drops.bed"))}


def chromosome_run(work: Path, length: int, steps: int, seed: int, model: Path) -> dict:
    """The per-chromosome scan job: one chromosome of ``length`` bases, both strands, as a workflow shard."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "logs").mkdir(exist_ok=True)
    sim = work / "sim"
    results = {"simulate": run(["simulate", "--out-dir", str(sim), "--chroms", "1", "--length", str(length),
                                "--gap-length", str(length // 14), "--seed", str(seed)], work / "logs" / "simulate.log")}
    results["scan"] = run(["scan", "--model", str(model), "--genome", str(sim / "genome.fa"), "--signal",
                           str(sim / "atac.bw"), "--chrom", "chrS1", "--out-dir", str(work / "scan"), "--threads", "1",
                           "--no-progress"], work / "logs" / "scan.log")
    return {"bases": length, "steps": results}


def extrapolate(small: float, large: float, small_bases: int, large_bases: int, target: int) -> float:
    """The straight line through ``(small_bases, small)`` and ``(large_bases, large)`` at ``target`` (never falling)."""
    slope = max(0.0, (large - small) / (large_bases - small_bases))  # noise can make a flat cost fall
    return max(0.0, large + slope * (target - large_bases))


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


def table(small: dict, large: dict, chromosome: dict | None) -> str:
    """The one table: steps, growth, hg38 projections, bigWig bytes per base, per-Mb rates."""
    a, b = small["bases"], large["bases"]
    rows = [f"{'step':<10} {'wall ' + _mb(a):>12} {'wall ' + _mb(b):>12} {'x':>5} {'RSS ' + _mb(a):>11} "
            f"{'RSS ' + _mb(b):>11} {'x':>5} {'hg38 wall':>10} {'hg38 RSS':>9} {'24GB node':>9}"]
    total_single, cluster_whole, rates = 0.0, 0.0, {}
    for step in STEPS:
        (wa, ra), (wb, rb) = small["steps"][step], large["steps"][step]
        wall = extrapolate(wa, wb, a, b, HG38)
        rss = extrapolate(ra, rb, a, b, HG38)
        total_single += wall if step != "simulate" else 0.0
        if step not in ("simulate", "scan"):
            cluster_whole += wall
        rates[step] = {"gb_fixed": round(max(0.0, ra - (rb - ra) / (b - a) * a), 3),
                       "mb_per_mb": round(max(0.0, (rb - ra) * 1024 / ((b - a) / 1e6)), 2),
                       "s_per_mb": round(max(0.0, (wb - wa) / ((b - a) / 1e6)), 3)}
        rows.append(f"{step:<10} {wa:>11.1f}s {wb:>11.1f}s {wb / wa:>5.1f} {ra:>9.2f}GB {rb:>9.2f}GB {rb / ra:>5.2f} "
                    f"{_minutes(wall):>10} {rss:>7.1f}GB {'yes' if rss <= NODE_GB else 'NO':>9}")
    rows.append("")
    for name in sorted(set(small["bigwig_bytes_per_base"]) | set(large["bigwig_bytes_per_base"])):
        rows.append(f"bigWig {name:<22} {small['bigwig_bytes_per_base'].get(name, 0):.2f} B/base at {_mb(a)}, "
                    f"{large['bigwig_bytes_per_base'].get(name, 0):.2f} B/base at {_mb(b)}")
    rows.append(f"scan arrays (.npy)            {small['array_bytes_per_base']:.2f} B/base at {_mb(a)}, "
                f"{large['array_bytes_per_base']:.2f} B/base at {_mb(b)}")
    rows.append(f"drops called                  {small['drops']} at {_mb(a)}, {large['drops']} at {_mb(b)}")
    rows.append("")
    rows.append(f"hg38 (3.1 Gb) on one 2-core machine, prepare to evaluate: {_minutes(total_single)}")
    if chromosome is not None:
        wall, rss = chromosome["steps"]["scan"]
        per_mb = wall / (chromosome["bases"] / 1e6)
        chr1_wall = per_mb * CHR1 / 1e6
        rows.append(f"scan job of one {_mb(chromosome['bases'])} chromosome (both strands): {_minutes(wall)}, "
                    f"{rss:.2f} GB peak RSS; at chr1's 249 Mb: {_minutes(chr1_wall)}")
        rows.append(f"hg38 on SLURM, 2-core 24 GB nodes, one scan job per chromosome: {_minutes(cluster_whole + chr1_wall)}"
                    f" (genome-wide steps {_minutes(cluster_whole)} + largest scan job {_minutes(chr1_wall)})")
    rows.append("")
    rows.append("per-Mb rates (fixed GB, MB per Mb, s per Mb): " + json.dumps(rates))
    return "\n".join(rows)


def _mb(bases: int) -> str:
    return f"{bases / 1e6:g}Mb"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="Genome sizes 25 and 250 Mb, and the 249 Mb chromosome, times this (0.1: minutes).")
    parser.add_argument("--steps", type=int, default=20, help="Training steps (one epoch).")
    parser.add_argument("--threads", type=int, default=1,
                        help="Training threads (1: a second thread on a busy machine stalls PyTorch).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, required=True, help="Scratch directory (emptied first).")
    parser.add_argument("--no-chromosome", action="store_true", help="Skip the single-chromosome scan job.")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch files.")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    small = genome_run(args.work / "small", int(25e6 * args.scale), args.steps, args.threads, args.seed)
    large = genome_run(args.work / "large", int(250e6 * args.scale), args.steps, args.threads, args.seed)
    chromosome = None
    if not args.no_chromosome:
        chromosome = chromosome_run(args.work / "chromosome", int(CHR1 * args.scale), args.steps, args.seed,
                                    args.work / "large" / "model.pt")
    (args.work / "scale.json").write_text(json.dumps({"scale": args.scale, "small": small, "large": large,
                                                      "chromosome": chromosome}, indent=1))
    print(f"gategenome at scale {args.scale:g} ({os.cpu_count()} CPUs; train {args.steps} steps, "
          f"{args.threads} threads; scan 1 thread)")
    print(table(small, large, chromosome))
    if not args.keep:
        for sub in ("small", "large", "chromosome"):
            shutil.rmtree(args.work / sub, ignore_errors=True)


if __name__ == "__main__":
    main()
