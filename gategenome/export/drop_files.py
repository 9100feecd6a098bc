"""The drops as browser files: bigBed 6+4 (narrowPeak fields) and bgzipped, tabix-indexed BED.

Coordinates are 0-based, half-open.  pysam and pybigtools are imported on first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gategenome.errors import InputError
from gategenome.io.bed import Interval

NARROWPEAK_AUTOSQL = """table gategenomeDrops
"Forget-gate drops (BED6+4, narrowPeak layout)"
    (
    string chrom;        "Reference sequence chromosome or scaffold"
    uint   chromStart;   "Start position in chromosome (0-based)"
    uint   chromEnd;     "End position in chromosome"
    string name;         "Drop name"
    uint   score;        "Score 0-1000"
    char[1] strand;      "Scan direction: + (left to right) or - (right to left)"
    float  signalValue;  "Drop depth: 1 - minimum mean forget gate"
    float  pValue;       "-log10 empirical p-value against the shuffled-sequence null"
    float  qValue;       "-log10 q-value (Benjamini-Hochberg)"
    int    peak;         "Summit offset from chromStart (-1 if none)"
    )
"""


def check_span(record: Interval, number: int, path: Path, sizes: Mapping[str, int]) -> None:
    """Raise :class:`InputError` unless record ``number`` of ``path`` is a non-empty interval inside the genome."""
    if record.chrom not in sizes:
        raise InputError(f"{path}: record {number} is on {record.chrom!r}, which the genome lacks; expected one of "
                         f"{', '.join(list(sizes)[:8])}")
    if record.end > sizes[record.chrom] or record.end <= record.start:
        raise InputError(f"{path}: record {number} {record.chrom}:{record.start}-{record.end} is empty or past the "
                         f"chromosome end ({sizes[record.chrom]}); expected 0 <= start < end <= length")


def check_drops(drops: list[Interval], path: Path, sizes: Mapping[str, int]) -> None:
    """Raise :class:`InputError` unless every drop is a BED6+4 record inside the genome of ``sizes``."""
    for number, drop in enumerate(drops, 1):
        check_span(drop, number, path, sizes)
        if drop.strand not in "+-" or len(drop.extra) != 4:
            raise InputError(f"{path}: record {number} has strand {drop.strand!r} and {6 + len(drop.extra)} columns; "
                             "expected BED6+4 (narrowPeak layout) with strand + or -")


def _bed_fields(drop: Interval) -> list[str]:
    score = max(0, min(1000, int(round(drop.score))))
    return [drop.chrom, str(drop.start), str(drop.end), drop.name, str(score), drop.strand, *drop.extra]


def write_tabix_bed(drops: list[Interval], path: Path) -> tuple[Path, Path]:
    """Write sorted drops as bgzipped BED with a tabix index: ``path`` (``.bed.gz``) and ``path.tbi``."""
    import pysam

    plain = path.with_suffix("")  # drops.bed
    with open(plain, "w") as handle:
        for drop in drops:
            handle.write("\t".join(_bed_fields(drop)) + "\n")
    pysam.tabix_index(str(plain), preset="bed", force=True, keep_original=False)
    return path, Path(str(path) + ".tbi")


def write_bigbed(drops: list[Interval], sizes: Mapping[str, int], path: Path) -> Path:
    """Write sorted drops as a bigBed 6+4 with the narrowPeak autoSql."""
    import pybigtools

    used = {drop.chrom for drop in drops}
    chroms = {c: int(n) for c, n in sizes.items() if c in used} or {next(iter(sizes)): int(next(iter(sizes.values())))}
    # bigBed wants records sorted by chromosome name (byte order) then start.
    records = sorted(drops, key=lambda d: (d.chrom.encode(), d.start, d.end))
    writer = pybigtools.open(str(path), "w")
    writer.write(chroms, ((d.chrom, d.start, d.end, "\t".join(_bed_fields(d)[3:])) for d in records),
                 autosql=NARROWPEAK_AUTOSQL)
    return path
