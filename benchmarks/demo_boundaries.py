"""Precision/recall of drop calls against the planted boundaries of a simulation.

A call is placed at its summit (start + the narrowPeak ``peak`` offset: the base
where the forget gate is lowest) and matches a true boundary within
``--tolerance`` bases (25 and 100 unless given); with ``--mode interval`` any base of the call counts.
Strand-aware matching also requires the same strand (the scan direction).  Precision = matched calls / calls,
recall = matched boundaries / boundaries.  As a reference measured in the same
run, the calls are moved to uniformly random positions (same chromosomes,
widths and strands, fixed seed) and scored the same way: the ratio says how
much better than chance the calls land on boundaries.  Last, how far each call
sits from the nearest true boundary of either strand: median, IQR and the
fraction within 10/25/50/100 bases (:func:`gategenome.evaluate.boundaries.distance_summary`).

    python benchmarks/demo_boundaries.py --calls results/demo/drops.bed \
        --truth demo/truth.boundaries.bed [--tolerance 25 100]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gategenome.evaluate.boundaries import distance_summary, drop_summit, nearest_distance  # noqa: E402
from gategenome.io.bed import Interval, read_bed  # noqa: E402


def summits(calls: list[Interval]) -> list[Interval]:
    """Each call as its 1-base summit (:func:`gategenome.evaluate.boundaries.drop_summit`)."""
    points = []
    for call in calls:
        summit = drop_summit(call)
        points.append(Interval(call.chrom, summit, summit + 1, call.name, call.score, call.strand))
    return points


def score(calls: list[Interval], truth: list[Interval], tolerance: int, stranded: bool) -> tuple[float, float, int, int]:
    """(precision, recall, matched calls, matched boundaries)."""
    positions: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.empty(0, dtype=np.int64))
    grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
    for boundary in truth:
        grouped[(boundary.chrom, boundary.strand if stranded else ".")].append(boundary.start)
    for key, values in grouped.items():
        positions[key] = np.sort(np.array(values, dtype=np.int64))
    hit_truth: set[tuple[str, str, int]] = set()
    matched_calls = 0
    for call in calls:
        key = (call.chrom, call.strand if stranded else ".")
        sites = positions[key]
        lo = np.searchsorted(sites, call.start - tolerance, side="left")
        hi = np.searchsorted(sites, call.end - 1 + tolerance, side="right")
        if hi > lo:
            matched_calls += 1
            hit_truth.update((key[0], key[1], int(site)) for site in sites[lo:hi])
    precision = matched_calls / len(calls) if calls else 0.0
    recall = len(hit_truth) / len(truth) if truth else 0.0
    return precision, recall, matched_calls, len(hit_truth)


def shuffled(calls: list[Interval], sizes: dict[str, int], seed: int = 0) -> list[Interval]:
    """The calls moved to uniform random positions on their chromosomes."""
    rng = np.random.default_rng(seed)
    moved = []
    for call in calls:
        width = len(call)
        start = int(rng.integers(0, max(1, sizes[call.chrom] - width)))
        moved.append(Interval(call.chrom, start, start + width, call.name, call.score, call.strand))
    return moved


def truth_distances(calls: list[Interval], truth: list[Interval]) -> np.ndarray:
    """``(C,)`` distance of each call's first base to the nearest true boundary of either strand."""
    sites: dict[str, list[int]] = defaultdict(list)
    for boundary in truth:
        sites[boundary.chrom].append(boundary.start)
    by_chrom = {chrom: np.unique(np.array(values, dtype=np.int64)) for chrom, values in sites.items()}
    empty = np.zeros(0, dtype=np.int64)
    return np.array([int(nearest_distance(np.array([call.start]), by_chrom.get(call.chrom, empty))[0])
                     for call in calls], dtype=np.int64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", required=True, help="drops.bed from gategenome call")
    parser.add_argument("--truth", required=True, help="truth.boundaries.bed from gategenome simulate")
    parser.add_argument("--sizes", help="chrom.sizes (default: genome.chrom.sizes beside --truth)")
    parser.add_argument("--tolerance", type=int, nargs="+", default=[25, 100])
    parser.add_argument("--mode", choices=["summit", "interval"], default="summit")
    args = parser.parse_args()
    calls = read_bed(args.calls, "drops")
    if args.mode == "summit":
        calls = summits(calls)
    truth = read_bed(args.truth, "truth")
    sizes_path = Path(args.sizes) if args.sizes else Path(args.truth).parent / "genome.chrom.sizes"
    sizes = {line.split()[0]: int(line.split()[1]) for line in sizes_path.read_text().splitlines() if line.strip()}
    random_calls = shuffled(calls, sizes)
    print(f"calls: {len(calls)} ({args.mode})  true boundaries: {len(truth)}")
    for tolerance in args.tolerance:
        for stranded in (True, False):
            p, r, _, _ = score(calls, truth, tolerance, stranded)
            rp, rr, _, _ = score(random_calls, truth, tolerance, stranded)
            label = "strand-aware" if stranded else "any strand  "
            ratio = f"x{p / rp:.1f}" if rp else "n/a"
            print(f"+-{tolerance:<4d} {label} precision {p:.3f} recall {r:.3f} | random placement precision {rp:.3f} "
                  f"recall {rr:.3f} | precision ratio {ratio}")
    if args.mode == "summit":
        summary = distance_summary(truth_distances(calls, truth))
        if summary["calls"]:
            within = "  ".join(f"+-{d}: {value:.3f}" for d, value in summary["within"].items())
            print(f"distance to the nearest true boundary: median {summary['median']:.1f} bp, IQR "
                  f"{summary['q25']:.1f}-{summary['q75']:.1f} bp; within {within}")


if __name__ == "__main__":
    main()
