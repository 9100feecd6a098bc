"""bigWig files: ATAC-seq signal in (through pyBigWig), tracks out (:mod:`gategenome.io.bigwig_writer`).

Chromosome names are matched to the genome's (see :mod:`gategenome.io.chroms`);
a chromosome the bigWig lacks reads as zero signal with a warning, and NaN (no
data) reads as zero, counted and logged.  Values an ATAC-seq coverage cannot
take (infinite or negative) also read as zero, and are counted and reported with
a warning when the track is closed.  Coordinates are 0-based, half-open.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from gategenome.errors import InputError
from gategenome.io.atomic import atomic_path
from gategenome.io.bigwig_writer import BLOCK, MAX_ZOOMS, BigWigWriter
from gategenome.io.chroms import match_chromosomes
from gategenome.io.provenance import Product, require_compatible
from gategenome.io.reading import reading

log = logging.getLogger(__name__)

__all__ = ["BLOCK", "SignalTrack", "write_bigwig"]

_BIGWIG_MAGIC = (0x888FFC26).to_bytes(4, "little")


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null: libBigWig prints its own lines ("[bwOpen] bwg->hdr is NULL!")
    about a file it cannot open, before our one-line error says the same."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real descriptor 2 (embedded interpreters)
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class SignalTrack:
    """A bigWig signal aligned to a genome's chromosome names.

    Parameters
    ----------
    path
        bigWig file.
    genome_sizes
        Genome chromosome name -> length, in genome order.
    genome_label
        What the genome is (its path), named when the two are not the same assembly.

    Attributes
    ----------
    mapping : dict[str, str]
        Genome chromosome name -> bigWig chromosome name.
    missing : list[str]
        Genome chromosomes the bigWig does not have (read as zeros).
    """

    def __init__(self, path: str | os.PathLike, genome_sizes: Mapping[str, int], genome_label: str = "the genome"):
        self.path = Path(path)
        if not self.path.exists():
            raise InputError(f"{self.path}: bigWig not found")
        with open(self.path, "rb") as handle:
            magic = handle.read(4)
        if magic != _BIGWIG_MAGIC:
            raise InputError(f"{self.path}: not a bigWig file (bad magic number); expected a bigWig signal track")
        import pyBigWig

        with _quiet_stderr():
            try:
                self._bw = pyBigWig.open(str(self.path))
            except RuntimeError:
                self._bw = None
        if self._bw is None or not self._bw.isBigWig():
            raise InputError(f"{self.path}: cannot open as bigWig; expected a valid bigWig signal track")
        with reading(self.path, "a bigWig signal track"):
            declared = self._bw.chroms()
        require_compatible(Product(genome_label, chroms=genome_sizes), Product(self.path, chroms=declared), shared=True)
        self.mapping = match_chromosomes(genome_sizes, declared, str(self.path))
        self.missing = [name for name in genome_sizes if name not in self.mapping]
        if self.missing:
            log.warning(
                "%s: no signal for %d genome chromosome(s) (%s); reading them as zero",
                self.path,
                len(self.missing),
                ", ".join(self.missing[:10]),
            )
        self.nan_count = 0
        self.infinite_count = 0
        self.negative_count = 0

    def describe_values(self) -> str:
        """What was read that is not a positive value, for messages (e.g. ``"3 negative values read as zero"``)."""
        parts = [f"{count} {what} value(s)" for count, what in
                 ((self.negative_count, "negative"), (self.infinite_count, "infinite"), (self.nan_count, "NaN/no-data"))
                 if count]
        return ", ".join(parts) + " read as zero" if parts else "all values read are zero"

    def values(self, chrom: str, start: int, end: int, count_nan: bool = True) -> np.ndarray:
        """Signal of ``chrom[start:end]``.

        Parameters
        ----------
        chrom
            Genome (FASTA) chromosome name.
        start, end
            0-based half-open interval.
        count_nan
            Add this read's NaN, infinite and negative bases to
            :attr:`nan_count`, :attr:`infinite_count` and :attr:`negative_count`
            (pass ``False`` when re-reading bases already counted).

        Returns
        -------
        numpy.ndarray
            ``(end - start,)`` float32, finite and non-negative; missing data,
            infinite and negative values are 0.
        """
        if chrom not in self.mapping or end <= start:
            return np.zeros(max(end - start, 0), dtype=np.float32)
        with reading(self.path, f"a valid bigWig (reading {self.mapping[chrom]}:{start}-{end})"):
            values = self._bw.values(self.mapping[chrom], int(start), int(end), numpy=True).astype(np.float32)
        nan = np.isnan(values)
        count = int(nan.sum())
        if count:
            if count_nan:
                self.nan_count += count
            log.debug("%s: %d NaN value(s) in %s:%d-%d read as 0", self.path, count, chrom, start, end)
            values[nan] = 0.0
        infinite = np.isinf(values)
        negative = values < 0
        if infinite.any() or negative.any():
            if count_nan:
                self.infinite_count += int(infinite.sum())
                self.negative_count += int((negative & ~infinite).sum())
            values[infinite | negative] = 0.0
        return values

    def close(self) -> None:
        """Close the bigWig and log the number of NaN values replaced."""
        if self.nan_count:
            log.info("%s: %d base(s) without data read as zero signal", self.path, self.nan_count)
        if self.infinite_count or self.negative_count:
            log.warning(
                "%s: %d infinite and %d negative value(s) read as zero; expected a finite, non-negative "
                "ATAC-seq coverage (check how the bigWig was made)",
                self.path, self.infinite_count, self.negative_count,
            )
        self._bw.close()

    def __enter__(self) -> SignalTrack:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def bigwig_chroms(path: str | os.PathLike) -> dict[str, int]:
    """Chromosome name -> length as a bigWig declares them (a file that is not one: :class:`InputError`)."""
    import pyBigWig

    with reading(path, "a bigWig file"), _quiet_stderr():
        handle = pyBigWig.open(str(path))
        if handle is None or not handle.isBigWig():
            raise InputError(f"{path}: cannot open as bigWig; expected a bigWig track")
        try:
            return {name: int(length) for name, length in handle.chroms().items()}
        finally:
            handle.close()


def write_bigwig(path: str | os.PathLike, genome_sizes: dict[str, int], readers: dict,
                 precision: int | None = None, max_zooms: int = MAX_ZOOMS) -> int:
    """Write one bigWig atomically (see :mod:`gategenome.io.bigwig_writer`).

    Parameters
    ----------
    path
        Output file.
    genome_sizes
        Every chromosome -> length, in FASTA order (the header).
    readers
        Chromosome -> ``read(start, end)`` returning ``(end - start,)`` values
        (NaN: no value), for the chromosomes that have data, any order.
    precision
        Decimal places kept (``None``: the values as float32).
    max_zooms
        Most zoom levels (summaries for zoomed-out views).

    Returns
    -------
    int
        Number of data sections written.
    """
    with atomic_path(path) as tmp:
        writer = BigWigWriter(tmp, genome_sizes, precision=precision, max_zooms=max_zooms)
        try:
            for chrom in genome_sizes:
                if chrom in readers:
                    writer.add_chromosome(chrom, readers[chrom])
        finally:
            writer.close()
    return writer.entries
