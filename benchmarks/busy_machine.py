"""Training beside a busy core: idle and busy wall time of ``gategenome train``, old and new OpenMP waiting.

A short default yeast training (``--epochs`` x ``--steps-per-epoch`` steps, every
other setting at its default, seed 1) runs as ``gategenome train`` in a fresh
process four ways, in one run:

* ``spin``: libgomp's own default, what the command runs with
  (``GOMP_SPINCOUNT=300000``: idle threads spin 300,000 times at each barrier
  before they sleep);
* ``passive``: ``OMP_WAIT_POLICY=PASSIVE`` (threads sleep at once at a barrier);

each alone (idle) and beside one busy single-thread Python loop (busy).  It
prints the wall times, busy / idle per mode (a fair share of 2 cores costs at most
2x) and passive / spin time idle and busy.
Each time is the fastest of ``--runs`` runs; the runs of the modes alternate so
that a drift of the machine's load falls on both.

    python benchmarks/busy_machine.py                       # 200 steps (5 epochs x 40)
    python benchmarks/busy_machine.py --epochs 1 --steps-per-epoch 5 --eval-bases 100000   # a quick check

Run it on an otherwise quiet machine: other load counts as "busy".
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAST = ROOT.parent / "shared" / "data" / "yeast_sacCer3_atac_SRR1822137"
GENOME = YEAST / "sacCer3.fa"
SIGNAL = YEAST / "SRR1822137.coverage.bw"
PEAKS = YEAST / "SRR1822137.macs3_peaks.narrowPeak"
#: Environment of each mode (on top of the caller's, without any OpenMP wait setting).
MODES = {"spin": {"GOMP_SPINCOUNT": "300000"}, "passive": {"OMP_WAIT_POLICY": "PASSIVE"}}
BUSY_LOOP = "while True: pass"


def _environment(mode: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return {**env, **MODES[mode]}


def _gategenome(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "gategenome", "-q", *args], env=env, check=True, cwd=ROOT)


def _train_seconds(work: Path, config: Path, mode: str, busy: bool) -> float:
    """Wall seconds of one training run, with a busy loop beside it when ``busy``."""
    loop = subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) if busy else None
    try:
        started = time.perf_counter()
        _gategenome(["train", "--genome", str(GENOME), "--signal", str(SIGNAL),
                     "--regions", str(work / "prep" / "accessible.bed"), "--folds", str(work / "prep" / "folds.json"),
                     "--config", str(config), "--seed", "1", "--out", str(work / f"model_{mode}" / "model.pt")],
                    _environment(mode))
        return time.perf_counter() - started
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
                     "--out-dir", str(work / "prep")], _environment("spin"))
        config = work / "train.yaml"
        lines = [f"  epochs: {args.epochs}", f"  steps_per_epoch: {args.steps_per_epoch}"]
        if args.eval_bases is not None:
            lines += [f"  valid_bases: {args.eval_bases}", f"  final_bases: {args.eval_bases}"]
        config.write_text("train:\n" + "\n".join(lines) + "\n")
        times: dict[tuple[str, bool], float] = {}
        for _ in range(args.runs):
            for busy in (False, True):
                for mode in MODES:
                    seconds = _train_seconds(work, config, mode, busy)
                    times[mode, busy] = min(times.get((mode, busy), seconds), seconds)
                    print(f"  {mode} {'busy' if busy else 'idle'}: {seconds:.1f} s", file=sys.stderr, flush=True)
    steps = args.epochs * args.steps_per_epoch
    print(f"gategenome train, yeast, defaults but {args.epochs} epochs x {args.steps_per_epoch} steps "
          f"({steps} steps), seed 1, {os.cpu_count()} CPUs, fastest of {args.runs}")
    print(f"{'mode':<7} {'idle s':>8} {'busy s':>8} {'busy/idle':>10}")
    for mode in MODES:
        idle, busy = times[mode, False], times[mode, True]
        print(f"{mode:<7} {idle:8.1f} {busy:8.1f} {busy / idle:10.2f}")
    print(f"passive/spin idle: {times['passive', False] / times['spin', False]:.3f}   "
          f"passive/spin busy: {times['passive', True] / times['spin', True]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
