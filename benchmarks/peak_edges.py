"""Where the edges of called peaks (or any BED intervals) sit against the planted region edges of a simulation.

Each interval's start and end is a call; its distance to the nearest planted edge
(``truth.accessible.bed``, merged regions) is summarised as median, IQR and the
fraction within 10/25/50/100 bases (:func:`gategenome.evaluate.boundaries.distance_summary`).

    python benchmarks/peak_edges.py --truth demo/truth.accessible.bed demo/peaks.narrowPeak sig/peaks.narrowPeak
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gategenome.evaluate.boundaries import distance_summary, nearest_distance, region_edges  # noqa: E402
from gategenome.io.bed import read_bed  # noqa: E402


def edge_summary(intervals_path: str, truth_path: str) -> dict:
    """:func:`distance_summary` of the starts and ends of the intervals against the truth's region edges."""
    truth = read_bed(truth_path, "truth")
    intervals = read_bed(intervals_path, "intervals")
    sizes = {chrom: max(iv.end for iv in truth + intervals if iv.chrom == chrom) + 1
             for chrom in {iv.chrom for iv in truth}}
    edges = region_edges(truth, sizes)
    parts = [nearest_distance(np.array([iv.start, iv.end]), edges[iv.chrom].all())
             for iv in intervals if iv.chrom in edges]
    return distance_summary(np.concatenate([np.zeros(0, dtype=np.int64), *parts]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", required=True, help="truth.accessible.bed of gategenome simulate")
    parser.add_argument("intervals", nargs="+", help="BED / narrowPeak files")
    args = parser.parse_args()
    print("| intervals | edges | median | IQR | " + " | ".join(f"within ±{d}" for d in (10, 25, 50, 100)) + " |")
    print("|---|---|---|---|---|---|---|---|")
    for path in args.intervals:
        s = edge_summary(path, args.truth)
        print(f"| {path} | {s['calls']:,} | {s['median']:.0f} bp | {s['q25']:.0f}-{s['q75']:.0f} | "
              + " | ".join(f"{s['within'][str(d)]:.3f}" for d in (10, 25, 50, 100)) + " |")


if __name__ == "__main__":
    main()
