"""A scan directory of one long chromosome written by hand, for the call and evaluate memory tests.

``chrT`` (the test fold, ``length`` bases) and ``chrR`` (the train fold, 300 kb):
accessible regions every ~3 kb, the forget gate dipping where each strand's scan
enters one, a 20 kb run of N, a null of shuffled-like windows, the ATAC signal
as a bigWig, and the regions and folds.  Nothing of a model is needed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from scan_testlib import make_scan_dir

from gategenome.io.bigwig import write_bigwig

TRAIN = 300_000


def _chromosome(length: int, rng: np.random.Generator):
    """Regions ``(R, 2)``, forget gate per strand, accessibility and signal of one chromosome."""
    starts = np.cumsum(rng.integers(2_000, 4_000, length // 2_000))
    starts = starts[starts < length - 1_000]
    regions = np.stack([starts, starts + rng.integers(150, 500, starts.size)], axis=1)
    inside = np.zeros(length + 1, dtype=np.int32)
    np.add.at(inside, regions[:, 0], 1)
    np.add.at(inside, regions[:, 1], -1)
    inside = np.cumsum(inside[:-1]) > 0
    forget = {s: (0.95 + rng.normal(0, 0.01, length)).astype(np.float16) for s in "+-"}
    for offset in range(20):
        forget["+"][regions[:, 0] + offset] = 0.02 + 0.01 * offset
        forget["-"][regions[:, 1] - 1 - offset] = 0.02 + 0.01 * offset
    access = np.where(inside, 0.8, 0.2).astype(np.float16)
    signal = np.where(inside, 20.0, 0.5).astype(np.float32) * rng.random(length, dtype=np.float32)
    gap = slice(length // 2, length // 2 + 20_000)
    for values in (*forget.values(), access):
        values[gap] = np.nan
    signal[gap] = np.nan
    return regions, forget, access, signal


def build(root: Path, length: int, seed: int = 0) -> dict[str, Path]:
    """Write the scan directory, ``regions.bed``, ``folds.json`` and ``signal.bw`` under ``root``."""
    rng = np.random.default_rng(seed)
    sizes = {"chrT": length, "chrR": TRAIN}
    forget, access, signal, lines = {}, {}, {}, []
    for chrom, size in sizes.items():
        regions, forget[chrom], acc, signal[chrom] = _chromosome(size, rng)
        access[chrom] = {"+": acc, "-": acc}
        lines += [f"{chrom}\t{start}\t{end}\n" for start, end in regions.tolist()]
    null = {}
    for chrom in sizes:
        values = (0.95 + rng.normal(0, 0.01, 200_000)).astype(np.float16)
        for start in range(500, 200_000, 1_000):
            values[start:start + 15] = 0.3 + 0.3 * rng.random()
        null[chrom] = {"+": values, "-": values}
    root.mkdir(parents=True, exist_ok=True)
    make_scan_dir(root / "scan", sizes, forget, access, null)
    write_bigwig(root / "signal.bw", sizes, {c: (lambda a, b, v=v: v[a:b]) for c, v in signal.items()})
    (root / "regions.bed").write_text("".join(lines))
    (root / "folds.json").write_text(json.dumps({"train": ["chrR"], "valid": [], "test": ["chrT"]}))
    return {"scan": root / "scan", "regions": root / "regions.bed", "folds": root / "folds.json",
            "signal": root / "signal.bw", "root": root}


#: Python expression: this process's peak RSS in bytes (``VmHWM``: unlike ``ru_maxrss``, it does not
#: carry over the size of the test process the child was forked from).
PEAK = "int(next(line for line in open('/proc/self/status') if line.startswith('VmHWM')).split()[1]) * 1024"


def peak_rss(code: str, *args: str) -> tuple[int, str]:
    """Peak RSS (bytes) of ``python -c code args...``, which must succeed and print it last, and its stdout."""
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return int(run.stdout.splitlines()[-1]), run.stdout
