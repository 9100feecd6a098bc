"""ATAC-seq signal from bigWig files through pyBigWig.

Chromosome names are matched to the genome's (see :mod:`gategenome.io.chroms`);
a chromosome the bigWig lacks reads as zero signal with a warning, and NaN (no
data) reads as zero, counted and logged.  Coordinates are 0-based, half-open.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from gategenome.errors import InputError
from gategenome.io.chroms import match_chromosomes

log = logging.getLogger(__name__)

_BIGWIG_MAGIC = (0x888FFC26).to_bytes(4, "little")


class SignalTrack:
    """A bigWig signal aligned to a genome's chromosome names.

    Parameters
    ----------
    path
        bigWig file.
    genome_sizes
        Genome chromosome name -> length, in genome order.

    Attributes
    ----------
    mapping : dict[str, str]
        Genome chromosome name -> bigWig chromosome name.
    missing : list[str]
        Genome chromosomes the bigWig does not have (read as zeros).
    """

    def __init__(self, path: str | os.PathLike, genome_sizes: Mapping[str, int]):
        self.path = Path(path)
        if not self.path.exists():
            raise InputError(f"{self.path}: bigWig not found")
        with open(self.path, "rb") as handle:
            magic = handle.read(4)
        if magic != _BIGWIG_MAGIC:
            raise InputError(f"{self.path}: not a bigWig file (bad magic number); expected a bigWig signal track")
        import pyBigWig

        try:
            self._bw = pyBigWig.open(str(self.path))
        except RuntimeError:
            self._bw = None
        if self._bw is None or not self._bw.isBigWig():
            raise InputError(f"{self.path}: cannot open as bigWig; expected a valid bigWig signal track")
        self.mapping = match_chromosomes(genome_sizes, self._bw.chroms(), str(self.path))
        self.missing = [name for name in genome_sizes if name not in self.mapping]
        if not self.mapping:
            raise InputError(
                f"{self.path}: shares no chromosome with the genome "
                f"(bigWig has {', '.join(list(self._bw.chroms())[:5])}...; genome has "
                f"{', '.join(list(genome_sizes)[:5])}...); expected the same assembly"
            )
        if self.missing:
            log.warning(
                "%s: no signal for %d genome chromosome(s) (%s); reading them as zero",
                self.path,
                len(self.missing),
                ", ".join(self.missing[:10]),
            )
        self.nan_count = 0

    def values(self, chrom: str, start: int, end: int, count_nan: bool = True) -> np.ndarray:
        """Signal of ``chrom[start:end]``.

        Parameters
        ----------
        chrom
            Genome (FASTA) chromosome name.
        start, end
            0-based half-open interval.
        count_nan
            Add this read's NaN bases to :attr:`nan_count` (pass ``False`` when
            re-reading bases already counted).

        Returns
        -------
        numpy.ndarray
            ``(end - start,)`` float32; missing data is 0.
        """
        if chrom not in self.mapping or end <= start:
            return np.zeros(max(end - start, 0), dtype=np.float32)
        try:
            values = self._bw.values(self.mapping[chrom], int(start), int(end), numpy=True).astype(np.float32)
        except RuntimeError as exc:
            raise InputError(
                f"{self.path}: cannot read {self.mapping[chrom]}:{start}-{end} ({exc}); expected a valid bigWig"
            ) from None
        nan = np.isnan(values)
        count = int(nan.sum())
        if count:
            if count_nan:
                self.nan_count += count
            log.debug("%s: %d NaN value(s) in %s:%d-%d read as 0", self.path, count, chrom, start, end)
            values[nan] = 0.0
        return values

    def close(self) -> None:
        """Close the bigWig and log the number of NaN values replaced."""
        if self.nan_count:
            log.info("%s: %d base(s) without data read as zero signal", self.path, self.nan_count)
        self._bw.close()

    def __enter__(self) -> SignalTrack:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
