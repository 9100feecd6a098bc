"""Peak RSS of simulate, call and evaluate on one chromosome of two lengths, against a reference checkout.

For each length (``--sizes``, Mb): ``gategenome simulate --chroms 1`` (with a
centromere of N); then a hand-written scan directory of one chromosome of that
length (``tests/large_scan.py``: forget-gate dips at region edges, a null, the
signal as a bigWig), ``gategenome call`` on it and ``gategenome evaluate`` (its
fold is that chromosome, the signal-only caller tuned on a 300 kb one).  Each
command runs in its own process, once with this checkout and once with
``--reference`` (another checkout, e.g. the code before streaming), and its peak
RSS is read from ``os.wait4`` (the inputs are built by a child process, so
the measuring one stays small: ``ru_maxrss`` carries over the size of the
process a command is forked from).  Prints, per step and checkout, the peak at both
lengths, the growth in bytes per extra base, and the straight line to a 249 Mb
chromosome (hg38's chr1).  Not run in CI.

    python benchmarks/stream_memory.py --sizes 4 40 --reference /path/to/old/checkout --work /tmp/stream
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(tree: Path, args: list[str], log: Path) -> tuple[float, float]:
    """``python -m gategenome ARGS`` with ``tree`` first on the path: ``(wall seconds, peak RSS in MB)``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    with open(log, "w") as handle:
        process = subprocess.Popen([sys.executable, "-m", "gategenome", *args], env=env, stdout=handle,
                                   stderr=subprocess.STDOUT, cwd=log.parent)  # not a checkout: -m imports from cwd
        _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {args[0]} with {tree}\n{log.read_text()[-2000:]}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def build_case(root: Path, size: int) -> dict[str, Path]:
    """The scan directory and inputs of ``tests/large_scan.py``, written by a child process: ``ru_maxrss``
    carries over the size of the process a command is forked from, so this one stays small."""
    code = f"import sys; sys.path.insert(0, {str(ROOT / 'tests')!r}); import large_scan; large_scan.build(*sys.argv[1:2], int(sys.argv[2]))"
    subprocess.run([sys.executable, "-c", code.replace("*sys.argv[1:2]", "__import__('pathlib').Path(sys.argv[1])"),
                    str(root), str(size)], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return {"scan": root / "scan", "regions": root / "regions.bed", "folds": root / "folds.json",
            "signal": root / "signal.bw"}


def measure(tree: Path, work: Path, size: int, case: dict) -> dict[str, tuple[float, float]]:
    """Run simulate, call and evaluate of one length with one checkout."""
    work.mkdir(parents=True, exist_ok=True)
    results = {"simulate": run(tree, ["simulate", "--out-dir", str(work / "sim"), "--chroms", "1", "--length",
                                      str(size), "--gap-length", str(size // 14), "--seed", "1"], work / "simulate.log")}
    drops = work / "drops.bed"
    results["call"] = run(tree, ["call", "--scan-dir", str(case["scan"]), "--out", str(drops)], work / "call.log")
    results["evaluate"] = run(tree, ["evaluate", "--drops", str(drops), "--scan-dir", str(case["scan"]), "--regions",
                                     str(case["regions"]), "--folds", str(case["folds"]), "--signal", str(case["signal"]),
                                     "--replicates", "100", "--out-dir", str(work / "evaluation")], work / "evaluate.log")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs=2, default=(4.0, 40.0), help="Chromosome lengths, Mb.")
    parser.add_argument("--reference", type=Path, help="Another checkout to measure beside this one.")
    parser.add_argument("--work", type=Path, required=True, help="Scratch directory (emptied first).")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    sizes = [int(mb * 1e6) for mb in args.sizes]
    trees = {"this": ROOT, **({"reference": args.reference.resolve()} if args.reference else {})}
    results: dict[tuple[str, int], dict] = {}
    for size in sizes:
        case = build_case(args.work / f"case{size}", size)
        for name, tree in trees.items():
            results[(name, size)] = measure(tree, args.work / f"{name}{size}", size, case)
            print(f"{name} {size / 1e6:g} Mb: " + ", ".join(f"{step} {wall:.1f} s {rss:.0f} MB" for step, (wall, rss)
                                                           in results[(name, size)].items()), file=sys.stderr, flush=True)
    small, large = sizes
    print(f"peak RSS, one chromosome of {small / 1e6:g} and {large / 1e6:g} Mb ({os.cpu_count()} CPUs)")
    print(f"{'step':<10} {'checkout':<10} {'RSS small':>10} {'RSS large':>10} {'x':>6} {'B/extra base':>13} "
          f"{'at 249 Mb':>10} {'wall large':>11}")
    for step in ("simulate", "call", "evaluate"):
        for name in trees:
            a, b = results[(name, small)][step][1], results[(name, large)][step][1]
            per_base = (b - a) * 2 ** 20 / (large - small)
            chr1 = a + (b - a) * (249e6 - small) / (large - small)
            print(f"{step:<10} {name:<10} {a:8.0f}MB {b:8.0f}MB {b / a:6.2f} {per_base:13.2f} {chr1:8.0f}MB "
                  f"{results[(name, large)][step][0]:10.1f}s")


if __name__ == "__main__":
    main()
