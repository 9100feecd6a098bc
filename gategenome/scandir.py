"""Layout of a scan directory: per-chromosome, per-strand gate and prediction arrays.

``gategenome scan`` writes, and ``tracks``, ``call``, ``evaluate`` and ``export``
read, this layout::

    DIR/scan.json                              run metadata (model, genome, settings)
    DIR/chroms/{chrom}.json                    shard marker: written last, when the chromosome is complete
    DIR/chroms/{chrom}.{plus|minus}.forget.npy          (L,) float16 mean forget gate
    DIR/chroms/{chrom}.{plus|minus}.accessibility.npy   (L,) float16 predicted P(accessible)

Arrays are indexed by reference coordinate (0-based) on both strands: the minus
strand is scanned as the reverse complement and mapped back.  Bases with no value
(runs of N) hold NaN.  Arrays are ``.npy`` files opened memory-mapped, so readers
never hold a whole genome in RAM.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from gategenome.errors import InputError

FORMAT = "gategenome-scan"
VERSION = 1
STRAND_NAMES = {"+": "plus", "-": "minus"}
KINDS = ("forget", "accessibility")


def array_path(directory: str | os.PathLike, chrom: str, strand: str, kind: str) -> Path:
    """Path of one array: ``DIR/chroms/{chrom}.{plus|minus}.{kind}.npy``."""
    return Path(directory) / "chroms" / f"{chrom}.{STRAND_NAMES[strand]}.{kind}.npy"


def shard_path(directory: str | os.PathLike, chrom: str) -> Path:
    """Path of a chromosome's completion marker: ``DIR/chroms/{chrom}.json``."""
    return Path(directory) / "chroms" / f"{chrom}.json"


class ScanDir:
    """Read access to a scan directory.

    Parameters
    ----------
    directory
        A directory written by ``gategenome scan``.

    Attributes
    ----------
    meta : dict
        Contents of ``scan.json``.
    sizes : dict[str, int]
        Completed chromosomes -> length, in genome order.
    strands : list[str]
        Scanned strands, ``"+"`` and/or ``"-"``.
    """

    def __init__(self, directory: str | os.PathLike):
        self.path = Path(directory)
        meta_path = self.path / "scan.json"
        if not meta_path.exists():
            raise InputError(f"{self.path}: not a scan directory (no scan.json); expected the output of 'gategenome scan'")
        try:
            self.meta: dict[str, Any] = json.loads(meta_path.read_text())
        except json.JSONDecodeError as exc:
            raise InputError(f"{meta_path}: invalid JSON ({exc}); expected scan metadata") from None
        if self.meta.get("format") != FORMAT:
            raise InputError(f"{meta_path}: format {self.meta.get('format')!r}; expected {FORMAT!r}")
        self.strands: list[str] = list(self.meta.get("strands", ["+", "-"]))
        genome_sizes: dict[str, int] = dict(self.meta.get("chroms", {}))
        self.sizes = {name: int(length) for name, length in genome_sizes.items() if shard_path(self.path, name).exists()}
        if not self.sizes:
            raise InputError(f"{self.path}: no completed chromosome in the scan directory; expected at least one chroms/*.json")

    def shard(self, chrom: str) -> dict[str, Any]:
        """Metadata of one chromosome's shard."""
        return json.loads(shard_path(self.path, chrom).read_text())

    def array(self, chrom: str, strand: str, kind: str) -> np.ndarray:
        """Memory-mapped ``(L,)`` float16 array of one chromosome and strand.

        Parameters
        ----------
        chrom
            A completed chromosome.
        strand
            ``"+"`` or ``"-"``.
        kind
            ``"forget"`` or ``"accessibility"``.
        """
        if chrom not in self.sizes:
            raise InputError(f"{self.path}: chromosome {chrom!r} was not scanned; expected one of {', '.join(self.sizes)}")
        if strand not in self.strands:
            raise InputError(f"{self.path}: strand {strand!r} was not scanned; expected one of {', '.join(self.strands)}")
        return np.load(array_path(self.path, chrom, strand, kind), mmap_mode="r")

    def forget(self, chrom: str, strand: str) -> np.ndarray:
        """Mean forget gate, ``(L,)`` float16 (NaN where no value)."""
        return self.array(chrom, strand, "forget")

    def accessibility(self, chrom: str, strand: str) -> np.ndarray:
        """Predicted probability of accessibility, ``(L,)`` float16."""
        return self.array(chrom, strand, "accessibility")
