"""`gategenome prepare` on the whole yeast genome: wall time and agreement with MACS3.

Runs the real command line twice on sacCer3 + SRR1822137 (with the rDNA blacklist
``config/sacCer3.blacklist.bed``): once with the MACS3 peaks, once deriving the
regions from the coverage bigWig.  Each wall time is printed next to a reference
measured in the same run: the time to read the genome's bigWig values once with
pyBigWig plus interpreter start-up (``python -c 'import numpy, pyBigWig'``), so
the ratio says how many "bare reads" prepare costs.

The agreement of the bigWig-derived regions with the MACS3 peaks (chrM dropped,
blacklist cut out of both) is reported as: fraction of peak bases covered,
fraction of region bases inside peaks, and Jaccard (shared / union bases).
``--sweep`` adds the same numbers for other smoothing widths and threshold factors
(how the defaults were chosen).

Usage: python benchmarks/prepare.py [--data DIR] [--sweep]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared/data/yeast_sacCer3_atac_SRR1822137"
BLACKLIST = ROOT / "config/sacCer3.blacklist.bed"
GATEGENOME = [sys.executable, "-m", "gategenome"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def reference_seconds(signal: Path) -> float:
    code = (
        "import numpy, pyBigWig\n"
        f"bw = pyBigWig.open({str(signal)!r})\n"
        "for name, length in bw.chroms().items():\n"
        "    numpy.nan_to_num(bw.values(name, 0, length, numpy=True))\n"
    )
    return min(timed([sys.executable, "-c", code]) for _ in range(3))


def read_chrom_sizes(path: Path) -> dict[str, int]:
    from gategenome.io.fasta import read_chrom_sizes as read

    return read(path)


def agreement(regions_path: Path, peaks_path: Path, sizes: dict[str, int], kept: list[str]) -> dict:
    from gategenome.data.intervals import overlap_summary, resolve_interval_chroms, subtract_intervals
    from gategenome.io.bed import read_bed

    blacklist = resolve_interval_chroms(read_bed(BLACKLIST), sizes, str(BLACKLIST))
    peaks = [iv for iv in resolve_interval_chroms(read_bed(peaks_path), sizes, str(peaks_path)) if iv.chrom in kept]
    return overlap_summary(read_bed(regions_path), subtract_intervals(peaks, blacklist))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--sweep", action="store_true", help="also try other --smooth/--threshold-factor values")
    args = parser.parse_args()
    data = Path(args.data)
    genome, signal = data / "sacCer3.fa", data / "SRR1822137.coverage.bw"
    peaks = data / "SRR1822137.macs3_peaks.narrowPeak"
    base = [
        *GATEGENOME,
        "-q",
        "prepare",
        "--genome",
        str(genome),
        "--signal",
        str(signal),
        "--blacklist",
        str(BLACKLIST),
    ]
    reference = reference_seconds(signal)
    print(f"reference (start-up + one pyBigWig read of the genome): {reference:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        out_peaks, out_signal = Path(tmp) / "peaks", Path(tmp) / "signal"
        seconds = timed([*base, "--peaks", str(peaks), "--out-dir", str(out_peaks)])
        print(
            f"prepare with MACS3 peaks : {seconds:6.2f} s wall  ({seconds / reference:.1f}x reference)  target < 30 s"
        )
        seconds = timed([*base, "--out-dir", str(out_signal)])
        print(
            f"prepare from the bigWig  : {seconds:6.2f} s wall  ({seconds / reference:.1f}x reference)  target < 30 s"
        )
        summary = json.loads((out_signal / "prepare.json").read_text())
        sizes = read_chrom_sizes(out_signal / "chrom.sizes")
        kept = summary["kept_chromosomes"]
        rows = [("defaults", out_signal / "accessible.bed")]
        if args.sweep:
            for smooth in (51, 101, 201):
                for factor in (3.0, 3.5, 4.0, 4.5, 5.0):
                    out = Path(tmp) / f"s{smooth}-f{factor}"
                    subprocess.run(
                        [*base, "--smooth", str(smooth), "--threshold-factor", str(factor), "--out-dir", str(out)],
                        check=True,
                        stderr=subprocess.DEVNULL,
                    )
                    rows.append((f"--smooth {smooth} --threshold-factor {factor}", out / "accessible.bed"))
        print(f"threshold (defaults): {summary['regions']['threshold']}")
        print(
            f"{'bigWig-derived regions':44s} {'regions':>8s} {'bases':>9s} {'peak bases covered':>19s} "
            f"{'region bases in peaks':>22s} {'Jaccard':>8s}"
        )
        for label, path in rows:
            overlap = agreement(path, peaks, sizes, kept)
            count = len(path.read_text().splitlines())
            print(
                f"{label:44s} {count:8d} {overlap['regions_bases']:9d} {overlap['reference_covered']:19.3f} "
                f"{overlap['regions_inside']:22.3f} {overlap['jaccard']:8.3f}"
            )


if __name__ == "__main__":
    main()
