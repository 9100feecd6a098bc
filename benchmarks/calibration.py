"""Does the boundary FDR mean what it says?  Observed false calls against the nominal FDR.

Two checks where the truth is known:

1. **A genome without regions**: ``gategenome simulate --no-regions`` (background
   sequence and signal only); the model is run over it with ``gategenome scan``
   and ``gategenome boundaries`` is asked for calls.  There is no true boundary,
   so every call is false: reported per Mb.
2. **The demo genome** (planted regions, ``truth.accessible.bed``: their starts and ends are the true boundaries): the fraction of
   calls farther than ``--distance`` from any true boundary at each nominal FDR.

Beside the boundary calls (the accessibility-step test and the signal contrast
test, the default), the same calls with the step test alone
(``--no-signal-test``) and the per-strand drops of ``gategenome call`` (their
q-values against the shuffled-sequence null) are measured the same way.

Example::

    python benchmarks/calibration.py --model results/demo/model/model.pt \\
        --demo-scan results/demo/scan --demo-truth demo/truth.accessible.bed --work /tmp/calibration
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from gategenome.call.boundaries import call_boundaries
from gategenome.call.drops import call_drops
from gategenome.call.settings import BoundaryCallSettings, CallSettings
from gategenome.io.bed import read_bed
from gategenome.io.scandir.reader import ScanDir

FDRS = (0.01, 0.05, 0.1)


def _truth(path: Path) -> dict[str, np.ndarray]:
    """Edges (starts and ends) of the planted regions of ``truth.accessible.bed``."""
    by_chrom: dict[str, list[int]] = {}
    for record in read_bed(path, "truth regions"):
        by_chrom.setdefault(record.chrom, []).extend([record.start, record.end])
    return {chrom: np.unique(np.array(v, dtype=np.int64)) for chrom, v in by_chrom.items()}


def _far(records, truth: dict[str, np.ndarray], distance: int, position) -> np.ndarray:
    """``(N,)`` bool: the record's position lies farther than ``distance`` from every true boundary."""
    far = []
    for record in records:
        edges = truth.get(record.chrom)
        p = position(record)
        far.append(edges is None or edges.size == 0 or int(np.min(np.abs(edges - p))) > distance)
    return np.array(far, dtype=bool)


def _qvalue(record) -> float:
    return 10 ** -float(record.extra[2])


def _peak(record) -> int:
    return record.start + int(record.extra[3])


def measure(scan_dir: Path, truth_path: Path, distance: int) -> dict:
    """Calls and false calls at each FDR: boundary calls, the step test alone, per-strand drops."""
    truth = _truth(truth_path)
    boundaries, summary = call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings(fdr=1.0))
    step_only, _ = call_boundaries(scan_dir, CallSettings(), BoundaryCallSettings(fdr=1.0, signal_test=False))
    drops, _ = call_drops(scan_dir, replace(CallSettings(), fdr=1.0))
    result = {"bases": sum(ScanDir(scan_dir).sizes.values()), "true_edges": int(sum(v.size for v in truth.values())),
              "null": summary["null"], "signal_test": summary["signal_test"]}
    for name, records in (("boundaries", boundaries), ("step_only", step_only), ("drops", drops)):
        q = np.array([_qvalue(r) for r in records])
        far = _far(records, truth, distance, _peak)
        result[name] = {fdr: (int((q <= fdr).sum()), int((far & (q <= fdr)).sum())) for fdr in FDRS}
    return result


def _simulate_and_scan(model: Path, work: Path, seed: int, threads: int, chroms: int) -> tuple[Path, Path]:
    sim, scan = work / "noregions", work / "noregions-scan"
    python = [sys.executable, "-m", "gategenome"]
    if not (sim / "truth.accessible.bed").exists():
        subprocess.run(python + ["simulate", "--out-dir", str(sim), "--seed", str(seed), "--chroms", str(chroms),
                                 "--no-regions"], check=True)
    if not (scan / "scan.json").exists():
        subprocess.run(python + ["scan", "--model", str(model), "--genome", str(sim / "genome.fa"), "--signal",
                                 str(sim / "atac.bw"), "--threads", str(threads), "--device", "cpu", "--no-progress",
                                 "--out-dir", str(scan)], check=True)
    return scan, sim / "truth.accessible.bed"


def _cells(counts: tuple[int, int], mb: float, per_mb: bool = True) -> list[str]:
    calls, false = counts
    cells = [str(calls), str(false), f"{false / calls:.3f}" if calls else "-"]
    return cells + [f"{false / mb:.2f}"] if per_mb else cells


def _table(title: str, data: dict) -> str:
    mb = data["bases"] / 1e6
    signal = data["signal_test"]
    lines = [f"{title}: {mb:.1f} Mb, {data['true_edges']} true boundaries (region edges); step null: "
             f"{data['null']['size']} {data['null']['source']}; signal dispersion "
             f"{signal['dispersion'] if signal else '-'}", "",
             "| nominal FDR | boundary calls | false | false fraction | false per Mb "
             "| step test alone: calls | false | false fraction | false per Mb "
             "| drops (per strand) | false | false fraction |", "|---" * 12 + "|"]
    for fdr in FDRS:
        cells = ([str(fdr)] + _cells(data["boundaries"][fdr], mb) + _cells(data["step_only"][fdr], mb)
                 + _cells(data["drops"][fdr], mb, per_mb=False))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, type=Path, help="model.pt the demo scan was made with")
    parser.add_argument("--demo-scan", required=True, type=Path)
    parser.add_argument("--demo-truth", required=True, type=Path)
    parser.add_argument("--work", required=True, type=Path, help="where the genome without regions and its scan go")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--chroms", type=int, default=20, help="500 kb chromosomes of the genome without regions")
    parser.add_argument("--distance", type=int, default=100, help="a call farther than this from a true boundary is false")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    args.work.mkdir(parents=True, exist_ok=True)
    scan, truth = _simulate_and_scan(args.model, args.work, args.seed, args.threads, args.chroms)
    print(_table("genome without planted regions", measure(scan, truth, args.distance)))
    print()
    print(_table("demo genome", measure(args.demo_scan, args.demo_truth, args.distance)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
