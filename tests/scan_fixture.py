"""A small constructed scan directory with known truth, for evaluate/export tests.

Three chromosomes: ``chrA`` and ``chrB`` form the test fold, ``chrC`` the training
fold.  Forget gates sit at 0.95 and dip to 0.2 over 30 bases where each strand's
scan enters a region; the drops are planted at known distances from the edges.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scan_testlib

SIZES = {"chrA": 20_000, "chrB": 15_000, "chrC": 12_000}
FOLDS = {"train": ["chrC"], "valid": [], "test": ["chrA", "chrB"]}
REGIONS = {
    "chrA": [(0, 300), (2_000, 2_600), (5_000, 5_400), (8_000, 8_900), (12_000, 12_500), (16_000, 17_000)],
    "chrB": [(1_000, 1_500), (4_000, 4_800), (9_000, 9_300), (13_000, 15_000)],
    "chrC": [(1_000, 1_600), (4_000, 4_500), (7_000, 8_000)],
}
GAP = ("chrA", 10_000, 10_500)  # a run of N: NaN in the scan


def _scan_arrays(chrom: str, length: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    forget = {s: np.full(length, 0.95, dtype=np.float32) for s in "+-"}
    access = np.full(length, 0.15, dtype=np.float32)
    for start, end in REGIONS[chrom]:
        access[start:end] = 0.85
        if start > 0:
            forget["+"][start:start + 30] = 0.2
        if end < length:
            forget["-"][end - 30:end] = 0.2
    access += rng.normal(0, 0.1, length).astype(np.float32)
    arrays = {}
    for strand, name in (("+", "plus"), ("-", "minus")):
        values = forget[strand] + rng.normal(0, 0.01, length).astype(np.float32)
        acc = np.clip(access, 0, 1).copy()
        if chrom == GAP[0]:
            values[GAP[1]:GAP[2]] = np.nan
            acc[GAP[1]:GAP[2]] = np.nan
        arrays[f"{name}.forget"] = values.astype(np.float16)
        arrays[f"{name}.accessibility"] = acc.astype(np.float16)
    return arrays


def drops() -> list[tuple[str, int, int, str, int, str, float, float, float, int]]:
    """Planted drops: (chrom, start, end, name, score, strand, signal, p, q, summit offset)."""
    rows = [
        ("chrA", 1_990, 2_030, "+", 10),    # summit 2000: entry (+) at 2000, distance 0
        ("chrA", 5_030, 5_080, "+", 10),    # summit 5040: 40 from entry 5000
        ("chrA", 8_880, 8_900, "-", 10),    # summit 8890: 10 from minus entry 8900
        ("chrA", 12_440, 12_480, "-", 20),  # summit 12460: 40 from minus entry 12500
        ("chrA", 16_150, 16_200, "+", 20),  # summit 16170: 170 from entry 16000
        ("chrA", 3_500, 3_560, "+", 30),    # far from any edge
        ("chrA", 14_000, 14_040, "-", -1),  # no summit: midpoint 14020, far
        ("chrB", 3_940, 3_970, "+", 10),    # summit 3950: 50 from entry 4000
        ("chrB", 4_810, 4_830, "+", 5),     # summit 4815: 15 from the right edge (exit on +)
        ("chrB", 9_280, 9_320, "-", 10),    # summit 9290: 10 from minus entry 9300
        ("chrB", 12_700, 12_740, "+", 10),  # summit 12710: 290 from entry 13000
        ("chrC", 1_000, 1_030, "+", 5),     # training fold: never scored
    ]
    out = []
    for i, (chrom, start, end, strand, summit) in enumerate(rows):
        out.append((chrom, start, end, f"drop{i + 1}", 900 - 50 * i, strand, 0.7, 5.0, 3.0, summit))
    return out


def build(root: Path, with_signal: bool = True) -> dict[str, Path]:
    """Write scan dir, drops.bed, accessible.bed, folds.json, metrics.json (and signal.bw) under ``root``."""
    rng = np.random.default_rng(7)
    scan = root / "scan"
    (scan / "chroms").mkdir(parents=True)
    (scan / "scan.json").write_text(json.dumps({"format": "gategenome-scan", "version": 1, "strands": ["+", "-"],
                                                "chroms": SIZES, "model": "model.pt", "device": "cpu"}))
    for chrom, length in SIZES.items():
        for key, values in _scan_arrays(chrom, length, rng).items():
            np.save(scan / "chroms" / f"{chrom}.{key}.npy", values)
        (scan / "chroms" / f"{chrom}.json").write_text(json.dumps({"chrom": chrom, "length": length}))
    paths = {"scan": scan, "drops": root / "drops.bed", "regions": root / "accessible.bed",
             "folds": root / "folds.json", "metrics": root / "metrics.json"}
    paths["drops"].write_text("".join("\t".join(str(v) for v in row) + "\n" for row in drops()))
    paths["regions"].write_text("".join(f"{c}\t{s}\t{e}\n" for c in SIZES for s, e in REGIONS[c]))
    paths["folds"].write_text(json.dumps(FOLDS))
    paths["metrics"].write_text(json.dumps({
        "test": {"auroc": 0.91, "auprc": 0.7, "forget": {"inside": 0.9, "outside": 0.93, "boundary": 0.5}},
        "best_epoch": 2, "history": [{"epoch": 1, "loss": 0.6, "bce": 0.6, "valid_auroc": 0.8, "valid_auprc": 0.5},
                                     {"epoch": 2, "loss": 0.4, "bce": 0.4, "valid_auroc": 0.9, "valid_auprc": 0.6}]}))
    if with_signal:
        signal = {}
        for chrom, length in SIZES.items():
            values = rng.poisson(0.3, length).astype(np.float64)
            for start, end in REGIONS[chrom]:
                values[start:end] += rng.poisson(12, end - start)
            signal[chrom] = values
        paths["signal"] = scan_testlib.write_bigwig(root / "signal.bw", signal)
    return paths


def write_fasta(path: Path, sizes: dict[str, int], seed: int = 0) -> Path:
    """A random FASTA (and .fai) with these chromosomes."""
    rng = np.random.default_rng(seed)
    return scan_testlib.write_fasta(path, {chrom: scan_testlib.random_dna(n, rng) for chrom, n in sizes.items()})


def write_gate_tracks(scan: Path) -> dict[str, Path]:
    """forget.plus.bw / forget.minus.bw / accessibility.bw of a scan directory (``gategenome tracks``)."""
    from gategenome.export.settings import TrackSettings
    from gategenome.export.tracks import run_tracks

    return run_tracks(scan, None, TrackSettings(workers=1))
