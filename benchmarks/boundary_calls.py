"""Boundary calls, region calls, drop summits and the signal-only caller on one fold, side by side.

Runs ``gategenome call``, ``gategenome boundaries`` (with region calls) and
``gategenome evaluate --boundaries --region-calls`` on a scan directory and prints
precision / recall / F1 of every caller against the region edges (any edge, at each
distance) and the base-level Jaccard of the region calls with the regions.

Example (yeast, MACS3 peaks as regions, test fold)::

    python benchmarks/boundary_calls.py --scan-dir scan --regions prep/accessible.bed \\
        --folds prep/folds.json --signal atac.bw --work /tmp/boundary-calls
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CALLERS = (("model", "drop summits (per strand)"), ("boundary_calls", "boundary calls (strands merged)"),
           ("region_calls", "region-call edges"), ("signal", "signal-only caller"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scan-dir", required=True)
    parser.add_argument("--regions", required=True)
    parser.add_argument("--folds", required=True)
    parser.add_argument("--signal", default=None)
    parser.add_argument("--fold", default="test")
    parser.add_argument("--work", required=True, type=Path)
    parser.add_argument("--fdr", default="0.05")
    args = parser.parse_args(argv)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    gg = [sys.executable, "-m", "gategenome"]
    subprocess.run(gg + ["call", "--scan-dir", args.scan_dir, "--out", str(work / "drops.bed"), "--fdr", args.fdr],
                   check=True)
    subprocess.run(gg + ["boundaries", "--scan-dir", args.scan_dir, "--out", str(work / "boundaries.bed"),
                         "--regions-out", str(work / "region_calls.bed"), "--fdr", args.fdr], check=True)
    evaluate = gg + ["evaluate", "--drops", str(work / "drops.bed"), "--scan-dir", args.scan_dir, "--regions",
                     args.regions, "--folds", args.folds, "--fold", args.fold, "--boundaries",
                     str(work / "boundaries.bed"), "--region-calls", str(work / "region_calls.bed"),
                     "--replicates", "100", "--out-dir", str(work / "report")]
    if args.signal:
        evaluate += ["--signal", args.signal]
    subprocess.run(evaluate, check=True)
    results = json.loads((work / "report" / "evaluation.json").read_text())
    distances = list(results["boundaries"]["model"]["any"]["both"])
    counts = results["counts"]
    print(f"{args.fold} fold: {', '.join(results['fold']['chromosomes'])}; "
          f"{counts['edges_left'] + counts['edges_right']} region edges; FDR {args.fdr}")
    print()
    print("| calls | d (bp) | precision | recall | F1 |")
    print("|---|---|---|---|---|")
    for key, label in CALLERS:
        scores = results["boundaries"].get(key)
        if not scores:
            continue
        for d in distances:
            s = scores["any"]["both"][d]
            print(f"| {label} | {d} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
    overlap = results["region_calls"]
    print()
    print(f"region calls: {overlap['regions']} on the fold; base-level Jaccard with the regions {overlap['jaccard']:.3f} "
          f"(precision {overlap['precision']:.3f}, recall {overlap['recall']:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
