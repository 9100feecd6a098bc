"""Read access to a scan directory: memory-mapped arrays, never a whole genome in RAM."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from gategenome.errors import InputError
from gategenome.io.jsonfile import read_json_object
from gategenome.io.scandir.layout import FORMAT, array_path, null_path, shard_path


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
        self.meta: dict[str, Any] = read_json_object(meta_path, "the scan metadata written by 'gategenome scan'")
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

    def null_forget(self, chrom: str, strand: str) -> np.ndarray | None:
        """Null mean forget gate of one chromosome and strand, ``(M,)`` float16, or None.

        The scan of dinucleotide-shuffled windows of the chromosome (see the module
        docstring); ``None`` when the scan made no null for it.
        """
        path = null_path(self.path, chrom, strand)
        if chrom not in self.sizes or not path.exists():
            return None
        return np.load(path, mmap_mode="r")
