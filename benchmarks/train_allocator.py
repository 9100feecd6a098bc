"""Training with and without :func:`gategenome.core.allocator.retain_freed_memory`, in one run.

Runs the same short ``gategenome train`` twice in child processes, once with
glibc's default malloc thresholds (``GATEGENOME_RETAIN_FREED=0``) and once with
freed blocks kept in the heap (the default), and prints for each the wall time,
user and system CPU, minor page faults and peak RSS, then the ratios.  The two
trainings are bit-identical (same seed and thread count): the check compares
their validation auPRC.

Example::

    python benchmarks/train_allocator.py --genome sacCer3.fa --regions prep/accessible.bed \\
        --folds prep/folds.json --blacklist config/sacCer3.blacklist.bed --steps 30
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def run_training(args, config: Path, out: Path, retain: bool) -> dict:
    """One ``gategenome train`` in a child process; its resource use."""
    env = {**os.environ, "GATEGENOME_RETAIN_FREED": "1" if retain else "0"}
    command = [sys.executable, "-m", "gategenome", "-q", "train", "--genome", args.genome, "--regions", args.regions,
               "--folds", args.folds, "--config", str(config), "--threads", str(args.threads), "--out", str(out),
               "--no-progress"]
    if args.blacklist:
        command += ["--blacklist", args.blacklist]
    if args.cache:
        command += ["--cache", args.cache]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"train failed ({'retain' if retain else 'system'} malloc): exit {os.waitstatus_to_exitcode(status)}")
    metrics = json.loads(out.with_name("metrics.json").read_text())
    return {"wall": wall, "user": usage.ru_utime, "system": usage.ru_stime, "minor_faults": usage.ru_minflt,
            "peak_rss_mb": usage.ru_maxrss / 1024, "valid_auprc": metrics["valid"]["auprc"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genome", required=True)
    parser.add_argument("--regions", required=True)
    parser.add_argument("--folds", required=True)
    parser.add_argument("--blacklist")
    parser.add_argument("--cache", help="genome cache directory (built by the first run when missing)")
    parser.add_argument("--config", default=str(ROOT / "config" / "dna.yaml"))
    parser.add_argument("--steps", type=int, default=30, help="optimisation steps of each training")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    with open(args.config) as handle:
        config = yaml.safe_load(handle)
    train = config.setdefault("train", {})
    train.update(epochs=2, steps_per_epoch=max(1, args.steps // 2), gate_start_epoch=1, patience=2)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        short = work / "short.yaml"
        short.write_text(yaml.safe_dump(config))
        rows = {}
        for name, retain in (("system", False), ("retain", True)):
            rows[name] = run_training(args, short, work / name / "model.pt", retain)
    print(f"{'malloc':8s} {'wall s':>8s} {'user s':>8s} {'sys s':>8s} {'faults':>11s} {'peak MB':>8s} {'valid auPRC':>12s}")
    for name, row in rows.items():
        print(f"{name:8s} {row['wall']:8.1f} {row['user']:8.1f} {row['system']:8.1f} {row['minor_faults']:11,d} "
              f"{row['peak_rss_mb']:8.0f} {row['valid_auprc']:12.6f}")
    system, retain = rows["system"], rows["retain"]
    print(f"retain / system: wall {retain['wall'] / system['wall']:.2f}x, CPU "
          f"{(retain['user'] + retain['system']) / (system['user'] + system['system']):.2f}x, system CPU "
          f"{retain['system'] / max(system['system'], 1e-9):.3f}x, peak RSS {retain['peak_rss_mb'] / system['peak_rss_mb']:.2f}x")
    print(f"same weights: {retain['valid_auprc'] == system['valid_auprc']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
