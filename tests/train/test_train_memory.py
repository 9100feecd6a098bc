"""Training memory does not grow with the genome: peak RSS of `gategenome train` on 2 Mb and 10 Mb.

Each genome is simulated here (random sequence, accessible regions every ~3 kb
with a high signal inside and a low one outside), three chromosomes: train,
valid, test.  The same few training steps run twice on each in a subprocess whose peak
resident memory is read with ``os.wait4`` (the lower of the two).  Holding the folds in memory costs
about 10 bytes per base and scoring held-out folds whole about 90 more, so the
8 Mb difference would add hundreds of MB; the cached, streamed training may add
at most 3 bytes per extra base (fixed buffers and allocator noise are about
+-10 MB between two runs).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyBigWig
import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """model:
  inputs: dna+signal
  hidden_size: 8
  num_layers: 1
train:
  window: 1024
  batch_size: 4
  epochs: 1
  steps_per_epoch: 3
  warmup_steps: 1
  eval_segment: 4096
  eval_burn_in: 128
  eval_batch: 64
  valid_bases: 200000
"""


def simulated_genome(directory: Path, total: int, seed: int = 0) -> dict:
    """Three chromosomes of ``total / 3`` bases with regions, signal and folds; the train inputs."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True)
    names, length = ["chrA", "chrB", "chrC"], total // 3
    with open(directory / "genome.fa", "wb") as fasta:
        for name in names:
            bases = np.frombuffer(b"ACGT", np.uint8)[rng.integers(0, 4, length)].tobytes()
            lines = b"\n".join(bases[i:i + 60] for i in range(0, length, 60))  # wrapped, like real FASTA
            fasta.write(b">" + name.encode() + b"\n" + lines + b"\n")
    bw = pyBigWig.open(str(directory / "atac.bw"), "w")
    bw.addHeader([(name, length) for name in names])
    lines = []
    for name in names:
        starts = np.cumsum(rng.integers(1_500, 4_500, length // 1_500))
        starts = starts[starts < length - 600]
        ends = starts + rng.integers(150, 500, starts.size)
        edges = np.r_[0, np.column_stack([starts, ends]).reshape(-1), length]
        values = np.where(np.arange(edges.size - 1) % 2 == 1, 30.0, 0.5)
        bw.addEntries([name] * (edges.size - 1), edges[:-1].tolist(), ends=edges[1:].tolist(), values=values.tolist())
        lines += [f"{name}\t{a}\t{b}\n" for a, b in zip(starts, ends)]
    bw.close()
    (directory / "regions.bed").write_text("".join(lines))
    (directory / "folds.json").write_text(json.dumps({"train": ["chrA"], "valid": ["chrB"], "test": ["chrC"]}))
    (directory / "train.yaml").write_text(CONFIG)
    return {"genome": directory / "genome.fa", "signal": directory / "atac.bw"}


def train_peak_rss(directory: Path, out: str = "out") -> tuple[int, dict]:
    """Peak RSS (bytes) of `gategenome train --threads 1` on the genome in ``directory``, and its metrics."""
    command = [sys.executable, "-m", "gategenome", "train", "--genome", directory / "genome.fa",
               "--signal", directory / "atac.bw", "--regions", directory / "regions.bed",
               "--folds", directory / "folds.json", "--config", directory / "train.yaml", "--threads", "1",
               "--device", "cpu", "--no-progress", "--out", directory / out / "model.pt"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([str(part) for part in command], env=env, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read()
    assert process.returncode == 0, stderr
    return usage.ru_maxrss * 1024, json.loads((directory / out / "metrics.json").read_text())


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB and os.wait4: Linux")
def test_training_memory_does_not_grow_with_the_genome(tmp_path):
    sizes = (2_000_000, 10_000_000)
    peaks, metrics = {}, {}
    for size in sizes:
        directory = tmp_path / f"g{size}"
        simulated_genome(directory, size)
        runs = [train_peak_rss(directory, f"out{run}") for run in range(2)]  # the lower peak: allocator noise
        peaks[size], metrics[size] = min(peak for peak, _ in runs), runs[0][1]
    growth = peaks[sizes[1]] - peaks[sizes[0]]
    assert growth < 3 * (sizes[1] - sizes[0]), (
        f"peak RSS {peaks[sizes[0]] / 1e6:.0f} MB at 2 Mb, {peaks[sizes[1]] / 1e6:.0f} MB at 10 Mb: "
        f"{growth / (sizes[1] - sizes[0]):.1f} bytes per extra base")
    for size in sizes:
        assert metrics[size]["threads"] == 1 and metrics[size]["interop_threads"] == 1
        assert metrics[size]["test"]["bases"] == size // 3  # the final metrics score the whole test fold
        assert metrics[size]["valid"]["auroc"] > 0.9  # the signal explains the regions
