"""Layout of a scan directory: per-chromosome, per-strand gate and prediction arrays.

``gategenome scan`` writes, and ``tracks``, ``call``, ``evaluate`` and ``export``
read, this layout::

    DIR/scan.json                              run metadata (model, genome, settings)
    DIR/chroms/{chrom}.json                    shard marker: written last, when the chromosome is complete
    DIR/chroms/{chrom}.{plus|minus}.forget.npy          (L,) float16 mean forget gate
    DIR/chroms/{chrom}.{plus|minus}.accessibility.npy   (L,) float16 predicted P(accessible)
    DIR/null/{chrom}.{plus|minus}.forget.npy            (M,) float16 mean forget gate over
                                                        dinucleotide-shuffled windows (the null)

Arrays are indexed by reference coordinate (0-based) on both strands: the minus
strand is scanned as the reverse complement and mapped back.  Bases with no value
(runs of N) hold NaN.  Arrays are ``.npy`` files opened memory-mapped, so readers
never hold a whole genome in RAM.  Null arrays are the concatenated scans of
shuffled windows; the first bases of each window (the start-up transient) are NaN
and separate the windows.

Writers create each array under a temporary name (:class:`ArrayWriter`), fill it
by positioned writes, and rename it when the chromosome is complete; the shard
marker is written after every array of the chromosome is in place.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from gategenome.errors import InputError
from gategenome.io.jsonfile import read_json_object

FORMAT = "gategenome-scan"
VERSION = 1
STRAND_NAMES = {"+": "plus", "-": "minus"}
KINDS = ("forget", "accessibility")


def array_path(directory: str | os.PathLike, chrom: str, strand: str, kind: str) -> Path:
    """Path of one array: ``DIR/chroms/{chrom}.{plus|minus}.{kind}.npy``."""
    return Path(directory) / "chroms" / f"{chrom}.{STRAND_NAMES[strand]}.{kind}.npy"


def null_path(directory: str | os.PathLike, chrom: str, strand: str) -> Path:
    """Path of a null array: ``DIR/null/{chrom}.{plus|minus}.forget.npy``."""
    return Path(directory) / "null" / f"{chrom}.{STRAND_NAMES[strand]}.forget.npy"


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


class ArrayWriter:
    """A float16 ``.npy`` array written by positioned writes and published atomically.

    The file is created under a temporary name in the destination directory with
    :func:`numpy.lib.format.open_memmap` (which writes the header and sizes the
    file), then filled with ``os.pwrite`` at byte offsets, so writing never maps
    the array into the process's memory.  No file descriptor is held between
    writes, so a genome of thousands of contigs in progress at once cannot run
    out of them.  :meth:`commit` renames it into place; :meth:`discard` removes it.

    Parameters
    ----------
    path
        Final path of the array.
    length
        Number of elements.
    """

    BLOCK = 1 << 22

    def __init__(self, path: str | os.PathLike, length: int):
        self.path = Path(path)
        self.length = int(length)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        array = np.lib.format.open_memmap(self.tmp, mode="w+", dtype=np.float16, shape=(self.length,))
        self.offset = int(array.offset)
        del array

    def fill(self, start: int, end: int, value: float) -> None:
        """Set elements ``[start, end)`` to ``value``."""
        block = np.full(min(self.BLOCK, max(end - start, 0)), value, dtype=np.float16)
        for position in range(start, end, self.BLOCK):
            count = min(self.BLOCK, end - position)
            self.write(position, block[:count])

    def write(self, start: int, values: np.ndarray) -> None:
        """Write ``values`` (cast to float16) at elements ``[start, start + len(values))``."""
        values = np.ascontiguousarray(values, dtype=np.float16)
        if start < 0 or start + values.size > self.length:
            raise ValueError(f"write of {values.size} values at {start} outside array of length {self.length}")
        fd = os.open(self.tmp, os.O_WRONLY)
        try:
            os.pwrite(fd, values.tobytes(), self.offset + 2 * int(start))
        finally:
            os.close(fd)

    def commit(self) -> None:
        """Flush and rename the array to its final path."""
        fd = os.open(self.tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        """Delete the temporary file."""
        self.tmp.unlink(missing_ok=True)
