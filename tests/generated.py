"""Small input files that tests generate (helpers, not tests)."""

from __future__ import annotations

from pathlib import Path

import pyBigWig


def write_bigwig(path: Path, chroms: list[tuple[str, int]], entries=()) -> Path:
    """Write a bigWig with header ``chroms`` and ``(chrom, start, end, value)`` entries."""
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(chroms)
    for chrom, start, end, value in entries:
        bw.addEntries([chrom], [start], ends=[end], values=[value])
    bw.close()
    return path
