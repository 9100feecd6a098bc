"""Speed and memory of ``gategenome signal`` on the yeast fragments, against pysam reading the same file.

For each input size (the SRR1822137 fragments, and the same file with every line
repeated ``--repeat`` times: same genome, more fragments) it measures, each in a
fresh process so that its peak RSS is its own:

* ``pysam``: reading the bgzip + tabix copy of the file with ``pysam.TabixFile``
  and converting start and end to int (the reference: reading alone);
* ``read``: gategenome's parsing and checking of the fragments (no pileup);
* ``signal``: the whole step (parse, pile up, write both bigWigs; no MACS3).

It prints fragments per second, the ratio to pysam, peak RSS, and the time for
100 million fragments projected from a straight line through the two sizes
(fixed cost per genome + cost per fragment).

    python benchmarks/signal_command.py [--repeat 4] [--runs 3]

Each measurement is the fastest of ``--runs`` fresh processes (on a shared
machine the slowest runs measure the neighbours).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAST = ROOT.parent / "shared" / "data" / "yeast_sacCer3_atac_SRR1822137"
FRAGMENTS = YEAST / "SRR1822137.fragments.bedpe.gz"
GENOME = YEAST / "sacCer3.fa"


def _peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM of its own address space (``ru_maxrss`` would include the
    parent's memory from before ``exec``)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(mode: str, path: str, out_dir: str) -> None:
    """Run one measurement in this process and print {seconds, fragments, rss_mb} as JSON."""
    started = time.perf_counter()
    if mode == "pysam":
        import pysam

        count = 0
        with pysam.TabixFile(path, parser=pysam.asTuple()) as tabix:
            for contig in tabix.contigs:
                for row in tabix.fetch(contig):
                    int(row[1]), int(row[2])
                    count += 1
    elif mode == "read":
        from gategenome.data.fragments import FragmentCounts, read_fragment_file
        from gategenome.io.fasta import Genome

        with Genome(str(GENOME)) as genome:
            sizes = dict(genome.sizes)
        counts = FragmentCounts()
        for _ in read_fragment_file(path, sizes, counts):
            pass
        count = counts.kept
    else:
        from gategenome.data.settings import SignalSettings
        from gategenome.data.signal import run_signal

        summary = run_signal(str(GENOME), [path], [], out_dir, SignalSettings(call_peaks=False))
        count = summary["inputs"][0]["kept"]
    seconds = time.perf_counter() - started
    rss_mb = _peak_rss_mb()
    print(json.dumps({"seconds": seconds, "fragments": count, "rss_mb": rss_mb}))


def _measure(mode: str, path: Path, out_dir: Path, runs: int) -> dict:
    """The fastest of ``runs`` fresh processes (the largest peak RSS)."""
    measured = [_measure_once(mode, path, out_dir) for _ in range(runs)]
    best = min(measured, key=lambda m: m["seconds"])
    return {**best, "rss_mb": max(m["rss_mb"] for m in measured)}


def _measure_once(mode: str, path: Path, out_dir: Path) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", mode, str(path), str(out_dir)],
                            capture_output=True, text=True, check=False, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"{mode} on {path} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _inputs(scratch: Path, repeat: int) -> list[tuple[Path, Path]]:
    """(plain gzip, bgzip + tabix) copies at 1x and ``repeat`` x the fragments."""
    import pysam

    with gzip.open(FRAGMENTS, "rt") as handle:
        lines = handle.readlines()
    made = []
    for times in (1, repeat):
        plain = scratch / f"x{times}.bedpe"
        with open(plain, "w") as out:
            for line in lines:
                out.write(line * times)
        indexed = Path(pysam.tabix_index(str(plain), preset="bed", force=True, keep_original=True))
        gz = scratch / f"x{times}.gzip.bedpe.gz"
        with open(plain, "rb") as source, gzip.open(gz, "wb") as out:
            out.write(source.read())
        plain.unlink()
        made.append((gz, indexed))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=4, help="the larger input repeats every fragment this often")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the fastest is kept")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for gz, indexed in _inputs(scratch, args.repeat):
            reference = _measure("pysam", indexed, scratch / "unused", args.runs)
            read = _measure("read", gz, scratch / "unused", args.runs)
            signal = _measure("signal", gz, scratch / f"out_{gz.stem}", args.runs)
            rows.append((reference, read, signal))
    print(f"{'fragments':>10} {'pysam frag/s':>13} {'read frag/s':>12} {'signal frag/s':>14} "
          f"{'read/pysam':>10} {'signal/pysam':>12} {'signal RSS MB':>14} {'pysam RSS MB':>13}")
    for reference, read, signal in rows:
        rates = [m["fragments"] / m["seconds"] for m in (reference, read, signal)]
        print(f"{signal['fragments']:>10,} {rates[0]:>13,.0f} {rates[1]:>12,.0f} {rates[2]:>14,.0f} "
              f"{rates[1] / rates[0]:>10.2f} {rates[2] / rates[0]:>12.2f} {signal['rss_mb']:>14.0f} "
              f"{reference['rss_mb']:>13.0f}")
    (_, _, small), (_, _, large) = rows
    per_fragment = (large["seconds"] - small["seconds"]) / (large["fragments"] - small["fragments"])
    fixed = small["seconds"] - per_fragment * small["fragments"]
    print(f"signal: {fixed:.1f} s per genome (12.2 Mb: pile-up arrays, bigWig writing) + "
          f"{per_fragment * 1e6:.2f} us per fragment -> 100 million fragments on this genome: "
          f"{(fixed + per_fragment * 1e8) / 60:.1f} min")
    print(f"peak RSS: {small['rss_mb']:.0f} MB at {small['fragments']:,} fragments, "
          f"{large['rss_mb']:.0f} MB at {large['fragments']:,} ({large['rss_mb'] / small['rss_mb']:.2f}x for "
          f"{large['fragments'] / small['fragments']:.0f}x the fragments)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5])
    else:
        main()
