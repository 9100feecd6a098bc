"""Boundaries to the base: a read-profile model's boundary calls and the coverage's peak edges against planted edges.

On a genome simulated from Tn5 fragments (``gategenome simulate``), runs what a
user's reads go through: ``signal`` on the fragments (coverage and cut-site
bigWigs, MACS3 peaks on the coverage), ``prepare``, ``train`` with
``target: insertions`` on the cut sites (a read-profile model; its ``dna+signal``
input is the coverage), ``scan``, ``call`` and ``boundaries``.  On the test-fold
chromosomes it then measures, for every kind of call (the forget-gate drops, the
boundary calls and region calls of ``boundaries``, and the edges where the scan's
predicted insertion rate, mean of the strands, crosses ``--rate-fold`` times the
genome mean: at 4, the edges ``train`` itself pays the gate at), the distance of each call
to the nearest planted region edge (``truth.accessible.bed``): median, IQR and the
fraction within 10/25/50/100 bases (:func:`gategenome.evaluate.boundaries.distance_summary`).
The reference, measured in the same run on the same chromosomes, is the edges of
the MACS3 peaks called from the coverage.

    python benchmarks/boundaries_to_base.py --work /tmp/to-base
    python benchmarks/boundaries_to_base.py --work /tmp/to-base --chroms 5 --length 500000 --epochs 10

Every step's command is printed; a step whose outputs exist is not run again
(delete ``--work`` to start over).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gategenome.evaluate.boundaries import distance_summary, drop_summit, nearest_distance, region_edges  # noqa: E402
from gategenome.io.bed import Interval, read_bed  # noqa: E402


def gategenome(*args: str, done: Path, threads: int) -> None:
    """Run one gategenome command unless ``done`` exists; stop on failure."""
    if done.exists():
        print(f"= (kept) gategenome {' '.join(args)}", flush=True)
        return
    print(f"+ gategenome {' '.join(args)}", flush=True)
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    subprocess.run([sys.executable, "-m", "gategenome", *args], check=True, env=env)


def train_config(path: Path, args: argparse.Namespace) -> None:
    """The model and training sections: a small dna+signal LSTM learning the insertions."""
    path.write_text(
        "model:\n  inputs: dna+signal\n  hidden_size: 32\n"
        f"train:\n  target: insertions\n  window: 2048\n  batch_size: 16\n  epochs: {args.epochs}\n"
        f"  steps_per_epoch: {args.steps}\n  warmup_steps: 10\n  patience: 0\n  bias_steps: {args.bias_steps}\n")


def distances(calls: list[tuple[str, int]], edges) -> np.ndarray:
    """``(C,)`` distance of each ``(chrom, position)`` call to the nearest edge of its chromosome."""
    by_chrom: dict[str, list[int]] = {}
    for chrom, position in calls:
        if chrom in edges:
            by_chrom.setdefault(chrom, []).append(position)
    parts = [nearest_distance(np.array(positions), edges[chrom].all()) for chrom, positions in by_chrom.items()]
    return np.concatenate([np.zeros(0, dtype=np.int64), *parts])


def interval_ends(intervals: list[Interval]) -> list[tuple[str, int]]:
    """Both ends of each interval: its first base and the first base after it."""
    return [(iv.chrom, position) for iv in intervals for position in (iv.start, iv.end)]


def rate_edges(scan_dir: Path, chroms: list[str], fold: float, min_run: int = 20) -> list[tuple[str, int]]:
    """Edges of the runs where the predicted insertion rate exceeds ``fold`` x the mean rate.

    A ``target: insertions`` model's accessibility is ``rate / (rate + mean rate)``, so
    the rate crosses ``fold`` x the mean where the strands' mean accessibility crosses
    ``fold / (fold + 1)``; runs closer than ``min_run`` bases are merged, shorter ones dropped.
    """
    from gategenome.core.runs import merge_close_runs, true_runs
    from gategenome.io.scandir.reader import ScanDir

    scan = ScanDir(scan_dir)
    edges = []
    for chrom in chroms:
        access = np.mean([np.asarray(scan.accessibility(chrom, strand), dtype=np.float32)
                          for strand in scan.strands], axis=0)
        starts, ends = merge_close_runs(*true_runs(access > fold / (fold + 1)), min_run)
        keep = ends - starts >= min_run
        edges += [(chrom, int(position)) for pair in zip(starts[keep], ends[keep]) for position in pair]
    return edges


def line(label: str, summary: dict) -> str:
    if not summary["calls"]:
        return f"{label:<44s} no calls"
    within = "  ".join(f"±{d}: {value:.3f}" for d, value in summary["within"].items())
    return (f"{label:<44s} {summary['calls']:6d} calls  median {summary['median']:6.1f} bp  "
            f"IQR {summary['q25']:5.1f}-{summary['q75']:5.1f}  within {within}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, type=Path, help="working directory (created; reused)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chroms", type=int, default=3)
    parser.add_argument("--length", type=int, default=400_000)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--steps", type=int, default=30, help="training steps per epoch")
    parser.add_argument("--bias-steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rate-fold", type=float, nargs="+", default=[1.0, 2.0, 4.0],
                        help="predicted-rate edges where the rate crosses these multiples of the mean "
                             "(train's edge_rate_fold is 4)")
    args = parser.parse_args()
    work = args.work.absolute()
    work.mkdir(parents=True, exist_ok=True)
    sim, signal, prep, model, scan = (work / name for name in ("sim", "signal", "prepare", "model", "scan"))
    started = time.perf_counter()
    threads = str(args.threads)
    gategenome("simulate", "--out-dir", str(sim), "--seed", str(args.seed), "--chroms", str(args.chroms),
               "--length", str(args.length), done=sim / "simulate.json", threads=args.threads)
    gategenome("signal", "--genome", str(sim / "genome.fa"), "--fragments", str(sim / "fragments.bedpe.gz"),
               "--call-peaks", "--out-dir", str(signal), done=signal / "signal.json", threads=args.threads)
    gategenome("prepare", "--genome", str(sim / "genome.fa"), "--signal", str(signal / "coverage.bw"),
               "--peaks", str(signal / "peaks.narrowPeak"), "--seed", str(args.seed), "--out-dir", str(prep),
               done=prep / "folds.json", threads=args.threads)
    model.mkdir(exist_ok=True)
    train_config(model / "train.yaml", args)
    gategenome("train", "--genome", str(sim / "genome.fa"), "--signal", str(signal / "coverage.bw"),
               "--regions", str(prep / "accessible.bed"), "--folds", str(prep / "folds.json"),
               "--insertions", str(signal / "cutsites.bw"), "--config", str(model / "train.yaml"),
               "--seed", str(args.seed), "--threads", threads, "--device", "cpu", "--no-progress",
               "--out", str(model / "model.pt"), done=model / "model.pt", threads=args.threads)
    test = json.loads((prep / "folds.json").read_text())["test"]
    chrom_args = [arg for chrom in test for arg in ("--chrom", chrom)]
    gategenome("scan", "--model", str(model / "model.pt"), "--genome", str(sim / "genome.fa"),
               "--signal", str(signal / "coverage.bw"), *chrom_args, "--strand", "both", "--seed", str(args.seed),
               "--threads", threads, "--device", "cpu", "--no-tracks", "--no-progress", "--out-dir", str(scan),
               done=scan / "scan.json", threads=args.threads)
    gategenome("call", "--scan-dir", str(scan), "--out", str(work / "drops.bed"), done=work / "drops.bed",
               threads=args.threads)
    gategenome("boundaries", "--scan-dir", str(scan), "--out", str(work / "boundaries.bed"),
               "--regions-out", str(work / "region_calls.bed"), done=work / "boundaries.bed", threads=args.threads)

    sizes = {line.split()[0]: int(line.split()[1]) for line in (sim / "genome.chrom.sizes").read_text().splitlines()}
    test_sizes = {chrom: sizes[chrom] for chrom in test if chrom in sizes}
    edges = region_edges(read_bed(sim / "truth.accessible.bed"), test_sizes)
    peaks = read_bed(signal / "peaks.narrowPeak", "peaks")
    rows = {
        "reference: MACS3 peak edges (coverage)": interval_ends(peaks),
        "model: drop summits": [(drop.chrom, drop_summit(drop)) for drop in read_bed(work / "drops.bed", "drops")],
        "model: boundary calls": [(call.chrom, drop_summit(call))
                                  for call in read_bed(work / "boundaries.bed", "boundary calls")],
        "model: region-call edges": interval_ends(read_bed(work / "region_calls.bed", "region calls")),
    }
    for fold in args.rate_fold:
        rows[f"model: predicted rate {fold:g}x mean, edges"] = rate_edges(scan, list(test_sizes), fold)
    print(f"\ntest chromosomes {', '.join(test_sizes)}: {sum(len(e.left) + len(e.right) for e in edges.values())} "
          f"planted edges; distance of each call to the nearest planted edge")
    results = {}
    for label, calls in rows.items():
        results[label] = distance_summary(distances(calls, edges))
        print(line(label, results[label]))
    reference = results["reference: MACS3 peak edges (coverage)"]["median"]
    for label, summary in results.items():
        if summary["median"] is not None and reference and not label.startswith("reference"):
            print(f"median ratio {label} / peak edges: {summary['median'] / reference:.2f}")
    metrics = json.loads((model / "metrics.json").read_text()) if (model / "metrics.json").exists() else {}
    peaks_test = metrics.get("peaks", {}).get("test", {})
    if peaks_test:
        print(f"model on test peaks: profile JSD median {peaks_test.get('profile_jsd_median')}, "
              f"count Pearson {peaks_test.get('count_pearson')}")
    print(f"{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
