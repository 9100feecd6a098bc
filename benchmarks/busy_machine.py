"""Training beside a busy core: idle and busy wall time of ``gategenome train`` with all cores and with the free cores.

A short default yeast training (``--epochs`` x ``--steps-per-epoch`` steps, every
other setting at its default, seed 1) runs as ``gategenome train`` in a fresh
process three ways, in one run:

* ``all-cores``: ``train.threads`` set to torch's default thread count (one per
  core), what training used before it looked at the machine's load;
* ``free-cores``: ``train.threads: 0``, the default: torch's thread count less one
  for each core other processes keep busy when training starts;
* ``one-thread``: ``train.threads: 1``, for reference;

each alone (idle) and beside one busy single-thread Python loop (busy).  It
prints the wall times, busy / idle of each (a fair share of the cores costs at
most cores / (cores - 1), 2x on two cores) and free-cores / all-cores idle (the
cost of looking: 0.2 s of sampling).  Each time is the fastest of ``--runs``
runs; the runs of the modes alternate so that a drift of the machine's load
falls on both.

    python benchmarks/busy_machine.py                       # 200 steps (5 epochs x 40)
    python benchmarks/busy_machine.py --epochs 1 --steps-per-epoch 5 --eval-bases 100000   # a quick check

Run it on an otherwise quiet machine: other load counts as "busy".
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

import torch

ROOT = Path(__file__).resolve().parents[1]
YEAST = ROOT.parent / "shared" / "data" / "yeast_sacCer3_atac_SRR1822137"
GENOME = YEAST / "sacCer3.fa"
SIGNAL = YEAST / "SRR1822137.coverage.bw"
PEAKS = YEAST / "SRR1822137.macs3_peaks.narrowPeak"
#: ``train.threads`` of each mode.
MODES = {"all-cores": torch.get_num_threads(), "free-cores": 0, "one-thread": 1}
BUSY_LOOP = "while True: pass"


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _gategenome(args: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "gategenome", "-q", *args], env=_environment(), check=True, cwd=ROOT)


def _train_seconds(work: Path, config: Path, mode: str, busy: bool) -> tuple[float, int]:
    """Wall seconds and torch threads of one training run, with a busy loop beside it when ``busy``."""
    loop = subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) if busy else None
    try:
        if loop is not None:
            time.sleep(0.5)
        started = time.perf_counter()
        _gategenome(["train", "--genome", str(GENOME), "--signal", str(SIGNAL),
                     "--regions", str(work / "prep" / "accessible.bed"), "--folds", str(work / "prep" / "folds.json"),
                     "--config", str(config), "--seed", "1", "--threads", str(MODES[mode]),
                     "--out", str(work / f"model_{mode}" / "model.pt")])
        seconds = time.perf_counter() - started
        return seconds, json.loads((work / f"model_{mode}" / "metrics.json").read_text())["threads"]
    finally:
        if loop is not None:
            loop.kill()
            loop.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--steps-per-epoch", type=int, default=40)
    parser.add_argument("--runs", type=int, default=1, help="each time is the fastest of this many runs")
    parser.add_argument("--eval-bases", type=int, default=None,
                        help="valid_bases and final_bases (default: the settings' defaults); small for a quick check")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="busy_machine.") as tmp:
        work = Path(tmp)
        _gategenome(["prepare", "--genome", str(GENOME), "--signal", str(SIGNAL), "--peaks", str(PEAKS),
                     "--out-dir", str(work / "prep")])
        config = work / "train.yaml"
        lines = [f"  epochs: {args.epochs}", f"  steps_per_epoch: {args.steps_per_epoch}"]
        if args.eval_bases is not None:
            lines += [f"  valid_bases: {args.eval_bases}", f"  final_bases: {args.eval_bases}"]
        config.write_text("train:\n" + "\n".join(lines) + "\n")
        times: dict[tuple[str, bool], float] = {}
        threads: dict[tuple[str, bool], int] = {}
        for _ in range(args.runs):
            for busy in (False, True):
                for mode in MODES:
                    seconds, threads[mode, busy] = _train_seconds(work, config, mode, busy)
                    times[mode, busy] = min(times.get((mode, busy), seconds), seconds)
                    print(f"  {mode} {'busy' if busy else 'idle'}: {seconds:.1f} s, {threads[mode, busy]} thread(s)",
                          file=sys.stderr, flush=True)
    steps = args.epochs * args.steps_per_epoch
    print(f"gategenome train, yeast, defaults but {args.epochs} epochs x {args.steps_per_epoch} steps "
          f"({steps} steps), seed 1, {os.cpu_count()} CPUs, fastest of {args.runs}")
    print(f"{'mode':<11} {'idle s':>8} {'busy s':>8} {'busy/idle':>10} {'threads idle/busy':>18}")
    for mode in MODES:
        idle, busy = times[mode, False], times[mode, True]
        print(f"{mode:<11} {idle:8.1f} {busy:8.1f} {busy / idle:10.2f} "
              f"{threads[mode, False]:>16}/{threads[mode, True]}")
    print(f"free-cores/all-cores idle: {times['free-cores', False] / times['all-cores', False]:.3f}   "
          f"busy: {times['free-cores', True] / times['all-cores', True]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
