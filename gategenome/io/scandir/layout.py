"""Names and paths of a scan directory (see :mod:`gategenome.io.scandir`)."""

from __future__ import annotations

import os
from pathlib import Path

FORMAT = "gategenome-scan"

VERSION = 1

STRAND_NAMES = {"+": "plus", "-": "minus"}

STRAND_ORDER = {"+": 0, "-": 1}

KINDS = ("forget", "accessibility")

#: ``scan.json`` keys that must agree for shards to share a scan directory.
IDENTITY_KEYS = ("model", "genome", "signal", "strands", "layer", "null")

def array_path(directory: str | os.PathLike, chrom: str, strand: str, kind: str) -> Path:
    """Path of one array: ``DIR/chroms/{chrom}.{plus|minus}.{kind}.npy``."""
    return Path(directory) / "chroms" / f"{chrom}.{STRAND_NAMES[strand]}.{kind}.npy"



def null_path(directory: str | os.PathLike, chrom: str, strand: str) -> Path:
    """Path of a null array: ``DIR/null/{chrom}.{plus|minus}.forget.npy``."""
    return Path(directory) / "null" / f"{chrom}.{STRAND_NAMES[strand]}.forget.npy"



def shard_path(directory: str | os.PathLike, chrom: str) -> Path:
    """Path of a chromosome's completion marker: ``DIR/chroms/{chrom}.json``."""
    return Path(directory) / "chroms" / f"{chrom}.json"
