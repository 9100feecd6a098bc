"""Read access to a scan directory: memory-mapped arrays, never a whole genome in RAM.

Accessibility is stored as ``uint8`` levels (format version 2) or float16 (version 1,
still read); :meth:`ScanDir.accessibility` gives probabilities either way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from gategenome.errors import InputError
from gategenome.io.jsonfile import read_json_object
from gategenome.io.scandir.layout import FORMAT, KINDS, array_path, dequantise_probability, null_path, shard_path


class LevelArray:
    """A memory-mapped ``uint8`` probability-level array read as probabilities.

    Indexing (an int, a slice, an index array) returns float32 probabilities (NaN
    where there is no value); ``np.asarray`` decodes the whole array.

    Parameters
    ----------
    levels
        ``(L,)`` ``uint8`` levels, memory-mapped (see :func:`~gategenome.io.scandir.layout.quantise_probability`).
    """

    ndim = 1
    dtype = np.dtype(np.float32)

    def __init__(self, levels: np.ndarray):
        self.levels = levels

    @property
    def shape(self) -> tuple[int]:
        return self.levels.shape

    @property
    def size(self) -> int:
        return self.levels.size

    def __len__(self) -> int:
        return self.levels.shape[0]

    def __getitem__(self, index) -> np.ndarray:
        return dequantise_probability(self.levels[index])

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        values = dequantise_probability(self.levels)
        return values if dtype is None else values.astype(dtype, copy=False)



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
        return read_json_object(shard_path(self.path, chrom), f"the shard marker of {chrom} written by 'gategenome scan'")

    def array(self, chrom: str, strand: str, kind: str) -> np.ndarray | LevelArray:
        """Memory-mapped ``(L,)`` array of one chromosome and strand: float16, or for
        accessibility stored as levels a :class:`LevelArray` (float32 probabilities).

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
        levels = kind == "accessibility"
        return _load(array_path(self.path, chrom, strand, kind), self.sizes[chrom], f"the {kind} array of {chrom}", levels)

    def check_arrays(self) -> None:
        """Raise :class:`InputError` unless every array of every completed chromosome opens with its
        chromosome's length (a missing or truncated ``.npy`` is named before any work starts)."""
        for chrom in self.sizes:
            for strand in self.strands:
                for kind in KINDS:
                    self.array(chrom, strand, kind)

    def forget(self, chrom: str, strand: str) -> np.ndarray:
        """Mean forget gate, ``(L,)`` float16 (NaN where no value)."""
        return self.array(chrom, strand, "forget")

    def accessibility(self, chrom: str, strand: str) -> np.ndarray | LevelArray:
        """Predicted probability of accessibility, ``(L,)``: a :class:`LevelArray` (float32 values
        within 0.002, format version 2) or a float16 array (version 1)."""
        return self.array(chrom, strand, "accessibility")

    def null_forget(self, chrom: str, strand: str) -> np.ndarray | None:
        """Null mean forget gate of one chromosome and strand, ``(M,)`` float16, or None.

        The scan of dinucleotide-shuffled windows of the chromosome (see the module
        docstring); ``None`` when the scan made no null for it.
        """
        path = null_path(self.path, chrom, strand)
        if chrom not in self.sizes or not path.exists():
            return None
        return _load(path, None, f"the null array of {chrom}")


def _load(path: Path, length: int | None, what: str, levels: bool = False) -> np.ndarray | LevelArray:
    """Memory-map one float16 array (or, with ``levels``, also a ``uint8`` level array, as a :class:`LevelArray`);
    a missing, truncated or mis-sized file is an :class:`InputError`."""
    try:
        array = np.load(path, mmap_mode="r")
    except FileNotFoundError:
        raise InputError(f"{path}: missing; expected {what} written by 'gategenome scan' (scan the chromosome again)") from None
    except (ValueError, OSError, EOFError) as exc:
        detail = " ".join(str(exc).split())[:120]
        raise InputError(f"{path}: truncated or not a .npy array ({detail}); expected {what} written by "
                         "'gategenome scan' (scan the chromosome again)") from None
    dtypes = (np.float16, np.uint8) if levels else (np.float16,)
    if array.ndim != 1 or array.dtype not in dtypes or (length is not None and array.shape[0] != length):
        raise InputError(f"{path}: {array.dtype} array of shape {array.shape}; expected {what}, "
                         f"{' or '.join(np.dtype(d).name for d in dtypes)} of length {length if length is not None else 'M'}")
    return LevelArray(array) if array.dtype == np.uint8 else array


def read_block(array: np.ndarray | LevelArray, start: int, end: int) -> np.ndarray:
    """``array[start:end]`` of a memory-mapped ``.npy``, read with ``pread``.

    The pages of a map stay in the process's resident memory once touched, so
    reading a whole chromosome through its map makes the peak RSS grow with the
    chromosome (2 bytes per base per float16 array); a positioned read costs only
    the block.  Arrays that are not maps are sliced; a :class:`LevelArray`
    (accessibility levels) gives float32 probabilities.

    Returns
    -------
    numpy.ndarray
        ``(min(end, L) - start,)`` values, read-only.
    """
    if isinstance(array, LevelArray):
        return dequantise_probability(read_block(array.levels, start, end))
    if not isinstance(array, np.memmap) or array.filename is None:
        return np.asarray(array[start:end])
    count = max(0, min(end, array.shape[0]) - start)
    fd = os.open(array.filename, os.O_RDONLY)
    try:
        data = os.pread(fd, count * array.itemsize, array.offset + start * array.itemsize)
    finally:
        os.close(fd)
    return np.frombuffer(data, dtype=array.dtype, count=count)
